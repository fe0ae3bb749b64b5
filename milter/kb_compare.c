/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kb_compare - the hand-written comparisons of a language (compare.conf)
 *
 * Exports: kb_compare_load, kb_compare_get, kb_compare_free,
 * kb_compare_aspect_names. Each pair is two basic reply codes written
 * "235/502"; every text is required, checked as the base's texts are (not
 * empty, no '$' or '%', no control character).
 */
#include "kb_compare.h"
#include "confutil.h"
#include "smtpcode.h"

#include <stdlib.h>
#include <string.h>

const char *const kb_compare_aspect_names[KB_CMP_ASPECTS] = {
    "command", "actor", "next"};

static const char *const pair_keys[] = {"pair", "summary", "command", "actor",
					"next", NULL};

/* one_free - a comparison and its texts */
static void one_free(struct kb_compare *c)
{
	if (c == NULL)
		return;
	free(c->summary);
	for (int k = 0; k < KB_CMP_ASPECTS; k++)
		for (int i = 0; i < 2; i++)
			free(c->aspect[k][i]);
	free(c);
}

/* text_check - a shipped text v of setting s: 0, or -1 with the reason */
static int text_check(const struct confutil_src *src, const config_setting_t *s,
		      const char *name, const char *v)
{
	if (v == NULL || *v == '\0' || strchr(v, '$') || strchr(v, '%') ||
	    !confutil_text_ok(v))
		return confutil_fail(src, s,
				     "'%s': a non-empty string without '$', "
				     "'%%' or control characters",
				     name);
	return 0;
}

/* parse_pair - "235/502": two distinct basic reply codes into c */
static int parse_pair(const struct confutil_src *src, const config_setting_t *g,
		      struct kb_compare *c)
{
	const char *v = NULL;
	int code;

	if (!config_setting_lookup_string(g, "pair", &v) || strlen(v) != 7 ||
	    v[3] != '/' || smtpcode_parse_basic(v, 3, &code) < 0 ||
	    smtpcode_parse_basic(v + 4, 3, &code) < 0 ||
	    memcmp(v, v + 4, 3) == 0)
		return confutil_fail(src, g,
				     "a comparison needs 'pair', two different "
				     "reply codes such as \"235/502\"");
	memcpy(c->a, v, 3);
	memcpy(c->b, v + 4, 3);
	return 0;
}

/* parse_one - one { pair; summary; command; actor; next } group */
static struct kb_compare *parse_one(const struct confutil_src *src,
				    const config_setting_t *g)
{
	struct kb_compare *c = xcalloc(1, sizeof(*c));
	const config_setting_t *s;
	const char *v;

	c->line = confutil_line(g);
	if (!config_setting_is_group(g)) {
		confutil_fail(src, g, "a comparison must be a { group }");
		goto bad;
	}
	if (confutil_check_members(src, g, pair_keys, "a comparison") < 0 ||
	    parse_pair(src, g, c) < 0)
		goto bad;
	s = config_setting_get_member(g, "summary");
	v = s ? config_setting_get_string(s) : NULL;
	if (text_check(src, s ? s : g, "summary", v) < 0)
		goto bad;
	c->summary = xstrdup(v);
	for (int k = 0; k < KB_CMP_ASPECTS; k++) {
		const char *name = kb_compare_aspect_names[k];

		s = config_setting_get_member(g, name);
		if (s == NULL || !config_setting_is_array(s) ||
		    config_setting_length(s) != 2) {
			confutil_fail(src, s ? s : g,
				      "'%s' must be [\"for %s\", \"for %s\"]",
				      name, c->a, c->b);
			goto bad;
		}
		for (int i = 0; i < 2; i++) {
			v = config_setting_get_string_elem(s, (unsigned)i);
			if (text_check(src, s, name, v) < 0)
				goto bad;
			c->aspect[k][i] = xstrdup(v);
		}
	}
	return c;
bad:
	one_free(c);
	return NULL;
}

/* kb_compare_load - see kb_compare.h */
int kb_compare_load(const struct confutil_src *src, const void *list,
		    struct kb_compares *set)
{
	const config_setting_t *s = list;

	if (!config_setting_is_list(s))
		return confutil_fail(src, s,
				     "'compare' must be a ( list ) of "
				     "{ comparisons }");
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		struct kb_compare *c = parse_one(src, g);
		int swapped;

		if (c == NULL)
			return -1;
		if (kb_compare_get(set, c->a, c->b, &swapped)) {
			confutil_fail(src, g, "comparison %s/%s is written twice",
				      c->a, c->b);
			one_free(c);
			return -1;
		}
		set->v = xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
		set->v[set->n++] = c;
	}
	return 0;
}

/* kb_compare_get - see kb_compare.h */
const struct kb_compare *kb_compare_get(const struct kb_compares *set,
					const char *a, const char *b,
					int *swapped)
{
	for (size_t i = 0; set && i < set->n; i++) {
		const struct kb_compare *c = set->v[i];

		*swapped = strcmp(c->a, b) == 0 && strcmp(c->b, a) == 0;
		if (*swapped || (strcmp(c->a, a) == 0 && strcmp(c->b, b) == 0))
			return c;
	}
	*swapped = 0;
	return NULL;
}

/* kb_compare_free - see kb_compare.h */
void kb_compare_free(struct kb_compares *set)
{
	for (size_t i = 0; i < set->n; i++)
		one_free(set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}
