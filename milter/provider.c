/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * provider - shipped pattern rules for provider and software replies
 *
 * Exports: provider_new, provider_free, provider_load, provider_text,
 * provider_name, provider_get. Reads the knowledge base's
 * language-neutral match files (providers/SOURCE.conf) and each
 * language's texts (LANG/providers/SOURCE.conf); see conf/kb/README.md.
 * Patterns are compiled once, at load, and indexed for matching by
 * provider_match.c; a loaded set is never modified.
 */
#include "provider.h"
#include "buf.h"
#include "confutil.h"
#include "litscan.h"

#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATTERN_MAX 400 /* bytes of one pattern */
#define ID_MAX 64       /* bytes of a rule id */

/* load context: the file being read and the caller's error buffer */
struct pload {
	struct provider_set *ps;
	struct confutil_src src;
};

/* provider_new - see provider.h */
struct provider_set *provider_new(void)
{
	return xcalloc(1, sizeof(struct provider_set));
}

/* rule_free - one rule, its regex and texts */
static void rule_free(struct provider_rule *r)
{
	free(r->id);
	free(r->cite);
	if (r->pattern)
		regfree(&r->re);
	free(r->pattern);
	for (size_t i = 0; i < r->ntexts; i++) {
		free(r->texts[i].lang);
		kb_entry_free(r->texts[i].entry);
	}
	free(r->texts);
	free(r->file);
	free(r);
}

/* source_free - one source and its names (its rules belong to the set) */
static void source_free(struct provider_source *s)
{
	free(s->id);
	free(s->help);
	for (size_t i = 0; i < s->nnames; i++) {
		free(s->names[i].lang);
		free(s->names[i].name);
	}
	free(s->names);
	free(s->rules);
	free(s);
}

/* provider_free - see provider.h */
void provider_free(struct provider_set *ps)
{
	if (ps == NULL)
		return;
	for (size_t i = 0; i < ps->nrules; i++)
		rule_free(ps->rules[i]);
	free(ps->rules);
	for (size_t i = 0; i < ps->nsources; i++)
		source_free(ps->sources[i]);
	free(ps->sources);
	for (int c = 0; c < 2; c++)
		if (ps->has_gate[c])
			regfree(&ps->gate[c]);
	litscan_free(ps->lits);
	free(ps);
}

/* text_ok - shipped text: not empty, no '$' or '%', no control byte */
static int text_ok(const char *v)
{
	return *v && !strchr(v, '$') && !strchr(v, '%') && confutil_text_ok(v);
}

/* get_str - a string member: 0 absent, 1 found (copied to *out), -1 bad */
static int get_str(struct pload *ld, const config_setting_t *g,
		   const char *name, char **out)
{
	config_setting_t *s = config_setting_get_member(g, name);
	const char *v;

	if (s == NULL)
		return 0;
	if ((v = config_setting_get_string(s)) == NULL)
		return confutil_fail(&ld->src, s, "'%s' must be a string", name);
	if (!text_ok(v))
		return confutil_fail(&ld->src, s, "'%s': empty, or '$', '%%' or a control "
			    "character in the shipped base", name);
	free(*out);
	*out = xstrdup(v);
	return 1;
}

/* need_str - a required string member of rule or text id: 0 or -1 */
static int need_str(struct pload *ld, const config_setting_t *g,
		    const char *name, char **out, const char *id)
{
	int rc = get_str(ld, g, name, out);

	if (rc == 0)
		return confutil_fail(&ld->src, g, "%s needs '%s'", id, name);
	return rc < 0 ? -1 : 0;
}

/* get_short - the wire lines: 1 to KB_SHORT_MAX strings of at most 200 */
static int get_short(struct pload *ld, const config_setting_t *g,
		     struct strlist *out)
{
	config_setting_t *s = config_setting_get_member(g, "short");
	int n;

	if (s == NULL || (!config_setting_is_array(s) && !config_setting_is_list(s)))
		return confutil_fail(&ld->src, s ? s : g, "'short' must be a list of strings");
	n = config_setting_length(s);
	if (n < 1 || n > KB_SHORT_MAX)
		return confutil_fail(&ld->src, s, "'short' needs 1 to %d lines", KB_SHORT_MAX);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);

		if (v == NULL || !text_ok(v))
			return confutil_fail(&ld->src, e, "'short': a line must be a non-empty "
				    "string without '$', '%%' or control characters");
		if (strlen(v) > KB_SHORT_LEN)
			return confutil_fail(&ld->src, e, "line longer than %d bytes in 'short'",
				    KB_SHORT_LEN);
		strlist_add(out, v);
	}
	return 0;
}

/* id_ok - a rule id: lower-case letters, digits and '-', not too long */
static int id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > ID_MAX)
		return 0;
	return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* parse_code - "550", "5XX" or "4XX" into the rule */
static int parse_code(struct pload *ld, struct provider_rule *r,
		      const config_setting_t *g)
{
	config_setting_t *s = config_setting_get_member(g, "code");
	const char *v = s ? config_setting_get_string(s) : NULL;
	int code;

	if (v == NULL)
		return confutil_fail(&ld->src, g, "rule %s needs 'code' (\"550\", \"5XX\" or "
			    "\"4XX\"): its text depends on the class", r->id);
	if ((v[0] == '4' || v[0] == '5') && strcmp(v + 1, "XX") == 0) {
		r->code_class = v[0] - '0';
		return 0;
	}
	if (smtpcode_parse_basic(v, strlen(v), &code) < 0 || code < 400)
		return confutil_fail(&ld->src, s, "invalid code \"%s\" (4xx or 5xx)", v);
	r->code = code;
	r->code_class = code / 100;
	return 0;
}

/* parse_match - enhanced code and pattern; at least one of them */
static int parse_match(struct pload *ld, struct provider_rule *r,
		       const config_setting_t *g)
{
	config_setting_t *s = config_setting_get_member(g, "enhanced");
	const char *v;
	int rc;

	if (s) {
		v = config_setting_get_string(s);
		if (v == NULL || smtpcode_parse_enhanced(v, strlen(v), &r->enh) < 0)
			return confutil_fail(&ld->src, s, "invalid enhanced code in rule %s", r->id);
		if (r->enh.cls && r->enh.cls != r->code_class)
			return confutil_fail(&ld->src, s, "enhanced code %s does not fit the "
				    "class of rule %s", v, r->id);
		r->has_enh = 1;
	}
	if ((s = config_setting_get_member(g, "pattern")) != NULL) {
		v = config_setting_get_string(s);
		if (v == NULL || *v == '\0' || strlen(v) > PATTERN_MAX)
			return confutil_fail(&ld->src, s, "'pattern' must be a string of 1 to %d "
				    "bytes", PATTERN_MAX);
		if ((rc = regcomp(&r->re, v, REG_EXTENDED | REG_ICASE |
				  REG_NOSUB)) != 0) {
			char why[128];

			regerror(rc, &r->re, why, sizeof(why));
			return confutil_fail(&ld->src, s, "pattern of rule %s: %s", r->id, why);
		}
		r->pattern = xstrdup(v);
	}
	if (!r->has_enh && r->pattern == NULL)
		return confutil_fail(&ld->src, g, "rule %s needs 'enhanced' or 'pattern'", r->id);
	return 0;
}

static const char *const rule_keys[] = {"id", "cite", "code", "enhanced",
					"pattern", "generic", NULL};

/* load_rule - one rule of a match file, added to the set and source */
static int load_rule(struct pload *ld, struct provider_source *src,
		     const config_setting_t *g)
{
	struct provider_rule *r = xcalloc(1, sizeof(*r));
	config_setting_t *m;
	const char *id = NULL;
	int generic = 0;

	r->file = xstrdup(ld->src.file);
	r->line = confutil_line(g);
	r->source = src;
	if (!config_setting_is_group(g) || (m = confutil_unknown_member(g, rule_keys))) {
		confutil_fail(&ld->src, g, "a rule is a { group } of id, cite, code, enhanced, "
		     "pattern, generic");
		goto bad;
	}
	if (!config_setting_lookup_string(g, "id", &id) || !id_ok(id)) {
		confutil_fail(&ld->src, g, "rule without a valid 'id' (a-z, 0-9, '-')");
		goto bad;
	}
	r->id = xstrdup(id);
	if (provider_get(ld->ps, id)) {
		confutil_fail(&ld->src, g, "rule id %s is used twice", id);
		goto bad;
	}
	if (need_str(ld, g, "cite", &r->cite, id) < 0)
		goto bad;
	if (strncmp(r->cite, "https://", 8) != 0 &&
	    strncmp(r->cite, "http://", 7) != 0) {
		confutil_fail(&ld->src, g, "rule %s: 'cite' is the URL of the public page it "
		     "was checked against", id);
		goto bad;
	}
	if (parse_code(ld, r, g) < 0 || parse_match(ld, r, g) < 0)
		goto bad;
	if (config_setting_lookup_bool(g, "generic", &generic))
		r->generic = generic;
	ld->ps->rules = xrealloc(ld->ps->rules,
				 (ld->ps->nrules + 1) * sizeof(*ld->ps->rules));
	ld->ps->rules[ld->ps->nrules++] = r;
	src->rules = xrealloc(src->rules, (src->nrules + 1) * sizeof(*src->rules));
	src->rules[src->nrules++] = r;
	return 0;
bad:
	rule_free(r);
	return -1;
}

static const char *const match_keys[] = {"help", "rules", NULL};

/* load_match_file - one providers/SOURCE.conf */
static int load_match_file(struct pload *ld, const char *path, const char *name)
{
	struct provider_source *src = xcalloc(1, sizeof(*src));
	config_setting_t *root, *list, *m;
	config_t cf;
	int rc = -1;

	src->id = xstrndup(name, strlen(name) - 5);
	ld->ps->sources = xrealloc(ld->ps->sources,
				   (ld->ps->nsources + 1) * sizeof(*ld->ps->sources));
	ld->ps->sources[ld->ps->nsources++] = src;
	if (confutil_read(&ld->src, &cf, path) < 0)
		goto out;
	root = config_root_setting(&cf);
	if ((m = confutil_unknown_member(root, match_keys)) != NULL) {
		confutil_fail(&ld->src, m, "unknown setting '%s' (help, rules)",
		     config_setting_name(m) ? config_setting_name(m) : "?");
		goto out;
	}
	if (get_str(ld, root, "help", &src->help) < 0)
		goto out;
	if ((list = config_setting_get_member(root, "rules")) == NULL ||
	    !config_setting_is_list(list)) {
		confutil_fail(&ld->src, root, "a provider file holds one 'rules = ( ... );' list");
		goto out;
	}
	for (int i = 0; i < config_setting_length(list); i++)
		if (load_rule(ld, src, config_setting_get_elem(list, (unsigned)i)) < 0)
			goto out;
	rc = 0;
out:
	config_destroy(&cf);
	return rc;
}

static const char *const text_keys[] = {"id", "title", "short", "description",
					"when", "fix", "admin", NULL};

/* load_text - one text of a language file, attached to its rule */
static int load_text(struct pload *ld, const struct provider_source *src,
		     const char *lang, const config_setting_t *g)
{
	struct provider_rule *r = NULL;
	struct kb_entry *e;
	config_setting_t *m;
	const char *id = NULL;

	if (!config_setting_is_group(g) || (m = confutil_unknown_member(g, text_keys)))
		return confutil_fail(&ld->src, g, "a text is a { group } of id, title, short, "
			    "description, when, fix, admin");
	if (!config_setting_lookup_string(g, "id", &id))
		return confutil_fail(&ld->src, g, "text without an 'id'");
	for (size_t i = 0; i < src->nrules; i++)
		if (strcmp(src->rules[i]->id, id) == 0)
			r = src->rules[i];
	if (r == NULL)
		return confutil_fail(&ld->src, g, "text %s: no rule of that id in providers/%s.conf",
			    id, src->id);
	if (provider_text(r, lang))
		return confutil_fail(&ld->src, g, "text %s is given twice", id);
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(id);
	e->file = xstrdup(ld->src.file);
	e->line = confutil_line(g);
	r->texts = xrealloc(r->texts, (r->ntexts + 1) * sizeof(*r->texts));
	r->texts[r->ntexts].lang = xstrdup(lang);
	r->texts[r->ntexts++].entry = e;
	if (need_str(ld, g, "title", &e->title, id) < 0 ||
	    get_short(ld, g, &e->shorts) < 0 ||
	    need_str(ld, g, "description", &e->description, id) < 0 ||
	    need_str(ld, g, "when", &e->when, id) < 0 ||
	    need_str(ld, g, "fix", &e->fix, id) < 0 ||
	    get_str(ld, g, "admin", &e->admin) < 0)
		return -1;
	return 0;
}

static const char *const lang_file_keys[] = {"source", "texts", NULL};

/* source_of - the source named by a text file's name, or NULL */
static struct provider_source *source_of(struct provider_set *ps,
					 const char *name)
{
	size_t n = strlen(name) - 5;

	for (size_t i = 0; i < ps->nsources; i++)
		if (strlen(ps->sources[i]->id) == n &&
		    strncmp(ps->sources[i]->id, name, n) == 0)
			return ps->sources[i];
	return NULL;
}

/* load_text_file - one LANG/providers/SOURCE.conf */
static int load_text_file(struct pload *ld, const char *path, const char *name,
			  const char *lang)
{
	struct provider_source *src = source_of(ld->ps, name);
	config_setting_t *root, *list, *m;
	char *sname = NULL;
	config_t cf;
	int rc = -1;

	if (confutil_read(&ld->src, &cf, path) < 0)
		goto out;
	root = config_root_setting(&cf);
	if (src == NULL) {
		confutil_fail(&ld->src, root, "no providers/%s with the match rules of these "
		     "texts", name);
		goto out;
	}
	if ((m = confutil_unknown_member(root, lang_file_keys)) != NULL) {
		confutil_fail(&ld->src, m, "unknown setting '%s' (source, texts)",
		     config_setting_name(m) ? config_setting_name(m) : "?");
		goto out;
	}
	if (get_str(ld, root, "source", &sname) <= 0) {
		confutil_fail(&ld->src, root, "'source', the provider's name in this language, "
		     "is required");
		goto out;
	}
	src->names = xrealloc(src->names, (src->nnames + 1) * sizeof(*src->names));
	src->names[src->nnames].lang = xstrdup(lang);
	src->names[src->nnames++].name = sname;
	if ((list = config_setting_get_member(root, "texts")) == NULL ||
	    !config_setting_is_list(list)) {
		confutil_fail(&ld->src, root, "a provider text file holds one 'texts = ( ... );' "
		     "list");
		goto out;
	}
	for (int i = 0; i < config_setting_length(list); i++)
		if (load_text(ld, src, lang, config_setting_get_elem(list, (unsigned)i)) < 0)
			goto out;
	rc = 0;
out:
	config_destroy(&cf);
	return rc;
}

/*
 * load_folder - every *.conf of dir in name order: match files when lang
 * is NULL, else that language's texts; a missing folder is no error
 */
static int load_folder(struct pload *ld, const char *dir, const char *lang)
{
	struct dirent **names = NULL;
	struct buf path;
	int n, rc = 0;

	if ((n = scandir(dir, &names, confutil_conf_filter, alphasort)) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(ld->src.err, ld->src.errlen, "%s: %s (provider rules)", dir,
			 strerror(errno));
		return -1;
	}
	buf_init(&path);
	for (int i = 0; i < n && rc == 0; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, names[i]->d_name);
		ld->src.file = path.s;
		ld->src.err[0] = '\0';
		rc = lang ? load_text_file(ld, path.s, names[i]->d_name, lang)
			  : load_match_file(ld, path.s, names[i]->d_name);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_release(&path);
	return rc;
}

/* provider_load - see provider.h */
int provider_load(struct provider_set *ps, const char *dir, const struct kb *kb,
		  char *err, size_t errlen)
{
	struct pload ld = {ps, {dir, err, errlen}};
	struct buf path;
	int rc;

	if (errlen)
		err[0] = '\0';
	buf_init(&path);
	buf_printf(&path, "%s/providers", dir);
	rc = load_folder(&ld, path.s, NULL);
	for (size_t i = 0; rc == 0 && kb && i < kb->n; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s/providers", dir, kb->langs[i]->code);
		rc = load_folder(&ld, path.s, kb->langs[i]->code);
	}
	buf_release(&path);
	if (rc < 0)
		return -1;
	provider_index(ps);
	return 0;
}

/* provider_text - see provider.h */
const struct kb_entry *provider_text(const struct provider_rule *r,
				     const char *lang)
{
	for (size_t i = 0; r && i < r->ntexts; i++)
		if (strcmp(r->texts[i].lang, lang) == 0)
			return r->texts[i].entry;
	return NULL;
}

/* provider_name - see provider.h */
const char *provider_name(const struct provider_source *s, const char *lang)
{
	for (size_t i = 0; i < s->nnames; i++)
		if (strcmp(s->names[i].lang, lang) == 0)
			return s->names[i].name;
	return s->id;
}

/* provider_get - see provider.h */
const struct provider_rule *provider_get(const struct provider_set *ps,
					 const char *id)
{
	for (size_t i = 0; ps && i < ps->nrules; i++)
		if (ps->rules[i]->id && strcmp(ps->rules[i]->id, id) == 0)
			return ps->rules[i];
	return NULL;
}
