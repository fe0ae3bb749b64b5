/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_kb - the parts of the config that need the knowledge base
 * loaded: the site's guidance overrides, the check that every language
 * named has a base, and the help site's comparisons (help_compare)
 *
 * Exports (see config_loader.h): config_parse_guidance,
 * config_parse_compare, config_kb_check.
 */
#include "config_loader.h"

#include <stdio.h>
#include <string.h>

/* config_parse_guidance - guidance = ( { code; lang; ... } ): merge each
 * entry into its languages (all of them without 'lang') */
int config_parse_guidance(struct config_loader *ld, const config_setting_t *s)
{
	struct config *cfg = ld->cfg;

	if (!config_setting_is_list(s))
		return confutil_fail(
		    &ld->src, s,
		    "'guidance' must be a ( list ) of { entries }");
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *g = config_setting_get_elem(s, (unsigned)i),
				 *l;
		struct strlist langs;
		int rc = 0;

		strlist_init(&langs);
		if ((l = config_setting_get_member(g, "lang")) != NULL) {
			if (confutil_get_strings(&ld->src, l, "lang", &langs) <
			    0)
				return -1;
		} else {
			for (size_t k = 0; k < cfg->kb->n; k++)
				strlist_add(&langs, cfg->kb->langs[k]->code);
		}
		for (size_t k = 0; rc == 0 && k < langs.n; k++)
			rc = kb_merge_setting(cfg->kb, langs.v[k], ld->src.file,
					      g, config_var_known, cfg,
					      ld->src.err, ld->src.errlen);
		strlist_release(&langs);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* config_parse_compare - help_compare: kept, checked by config_kb_check */
int config_parse_compare(struct config_loader *ld, const config_setting_t *s)
{
	ld->compare = s;
	return 0;
}

/* missing_lang - lang is not in the knowledge base: the error, at s */
static int missing_lang(struct config_loader *ld, const config_setting_t *s,
			const char *lang)
{
	return confutil_fail(&ld->src, s,
			     "language \"%s\" is not in the knowledge base %s",
			     lang, ld->cfg->kb_dir);
}

/* check_langs - every language the config names has a knowledge base;
 * the error names the file and line that name it */
static int check_langs(struct config_loader *ld)
{
	struct config *cfg = ld->cfg;

	ld->src.file = ld->names[0]; /* the default languages: the main file */
	for (size_t i = 0; i < cfg->languages.n; i++)
		if (!kb_lang_get(cfg->kb, cfg->languages.v[i]))
			return missing_lang(ld, ld->langs_at,
					    cfg->languages.v[i]);
	for (size_t i = 0; i < cfg->nlang_rules; i++)
		for (size_t k = 0; k < cfg->lang_rules[i].languages.n; k++)
			if (!kb_lang_get(cfg->kb,
					 cfg->lang_rules[i].languages.v[k]))
				return missing_lang(
				    ld,
				    config_setting_get_elem(ld->lang_rules_at,
							    (unsigned)i),
				    cfg->lang_rules[i].languages.v[k]);
	for (size_t i = 0; i < cfg->nrules; i++) {
		struct rule *r = cfg->rules[i];
		const char *missing = NULL;

		for (size_t k = 0; !missing && k < r->nlines; k++)
			if (r->lines[k].lang &&
			    !kb_lang_get(cfg->kb, r->lines[k].lang))
				missing = r->lines[k].lang;
		for (size_t k = 0; !missing && k < r->nappend; k++)
			if (r->append[k].lang &&
			    !kb_lang_get(cfg->kb, r->append[k].lang))
				missing = r->append[k].lang;
		if (missing) {
			snprintf(ld->src.err, ld->src.errlen,
				 "%s:%d: language \"%s\" is not in the "
				 "knowledge base %s",
				 r->file, r->line, missing, cfg->kb_dir);
			return -1;
		}
	}
	return 0;
}

/* the comparisons of the help site when the config names none */
static const char *const default_compare[][2] = {
    {"235", "502"}, {"235", "500"}, {"250", "502"}, {"235", "252"},
    {"235", "250"}, {"235", "535"}, {"550", "554"}, {"450", "550"},
    {"421", "451"}, {"500", "502"}, {"501", "504"}};

/* compare_missing - the language lacking an entry for code, or NULL */
static const char *compare_missing(const struct config *cfg, const char *code)
{
	for (size_t i = 0; i < cfg->kb->n; i++)
		if (kb_get(cfg->kb->langs[i], code) == NULL)
			return cfg->kb->langs[i]->code;
	return NULL;
}

/* check_pair - one configured pair e: two distinct codes of the base */
static int check_pair(struct config_loader *ld, const config_setting_t *e,
		      const char **a, const char **b)
{
	const char *miss;
	int code;

	if (!config_setting_is_array(e) || config_setting_length(e) != 2 ||
	    !(*a = config_setting_get_string_elem(e, 0)) ||
	    !(*b = config_setting_get_string_elem(e, 1)) ||
	    smtpcode_parse_basic(*a, strlen(*a), &code) < 0 ||
	    smtpcode_parse_basic(*b, strlen(*b), &code) < 0)
		return confutil_fail(&ld->src, e,
				     "'help_compare': each pair is two reply "
				     "codes, such as [\"550\", \"554\"]");
	if (strcmp(*a, *b) == 0)
		return confutil_fail(
		    &ld->src, e, "'help_compare': %s compared with itself", *a);
	if ((miss = compare_missing(ld->cfg, *a)) != NULL ||
	    (miss = compare_missing(ld->cfg, *b)) != NULL)
		return confutil_fail(&ld->src, e,
				     "'help_compare': %s is not in the "
				     "knowledge base (language \"%s\")",
				     compare_missing(ld->cfg, *a) ? *a : *b,
				     miss);
	return 0;
}

/*
 * check_compare - help_compare = ( ["235", "502"], ... ): pairs of distinct
 * reply codes, each with an entry in every language, no pair twice; without
 * the setting, the default pairs whose codes the base explains
 */
static int check_compare(struct config_loader *ld)
{
	struct config *cfg = ld->cfg;
	const config_setting_t *s = ld->compare;
	int n = s ? config_setting_length(s)
		  : (int)(sizeof(default_compare) / sizeof(default_compare[0]));

	if (s && !config_setting_is_list(s) && !config_setting_is_array(s))
		return confutil_fail(&ld->src, s,
				     "'help_compare' must be a ( list ) of "
				     "[\"code\", \"code\"] pairs");
	cfg->compare = xcalloc((size_t)n + 1, sizeof(*cfg->compare));
	for (int i = 0; i < n; i++) {
		const config_setting_t *e =
		    s ? config_setting_get_elem(s, (unsigned)i) : NULL;
		const char *a = e ? NULL : default_compare[i][0];
		const char *b = e ? NULL : default_compare[i][1];

		if (e && check_pair(ld, e, &a, &b) < 0)
			return -1;
		if (!e && (compare_missing(cfg, a) || compare_missing(cfg, b)))
			continue;
		for (size_t k = 0; k < cfg->ncompare; k++) {
			const struct help_pair *p = &cfg->compare[k];

			if ((!strcmp(p->a, a) && !strcmp(p->b, b)) ||
			    (!strcmp(p->a, b) && !strcmp(p->b, a)))
				return confutil_fail(&ld->src, e,
						     "'help_compare': %s and "
						     "%s are compared twice",
						     a, b);
		}
		memcpy(cfg->compare[cfg->ncompare].a, a, 4);
		memcpy(cfg->compare[cfg->ncompare++].b, b, 4);
	}
	return 0;
}

/* config_kb_check - see config_loader.h: languages, then comparisons */
int config_kb_check(struct config_loader *ld)
{
	return check_langs(ld) < 0 || check_compare(ld) < 0 ? -1 : 0;
}
