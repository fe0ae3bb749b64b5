/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_rule - one member of the config's rules list, parsed and checked
 *
 * A rule has three parts, read in this order: what it matches (code,
 * enhanced, pattern, commands), the reply a command rule answers with,
 * and what it says (text, mode, lines, append); the checks between them
 * come after the match and reply settings. Exports (see config_loader.h):
 * config_rule_parse, rule_free.
 */
#include "config_loader.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rule_keys[] = {
    "name",  "enabled", "code", "enhanced", "pattern", "commands",
    "reply", "text",	"mode", "lines",    "append",  NULL};

/* rule_free - one rule */
void rule_free(struct rule *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->file);
	free(r->pattern);
	if (r->has_re)
		regfree(&r->re);
	strlist_release(&r->commands);
	free(r->text);
	config_lines_free(r->lines, r->nlines);
	config_lines_free(r->append, r->nappend);
	free(r);
}

/* parse_code - 'code': 550, "550" or "5XX" */
static int parse_code(struct config_loader *ld, const config_setting_t *s,
		      struct rule *r)
{
	const char *v = config_setting_get_string(s);
	char tmp[16];

	if (config_setting_type(s) == CONFIG_TYPE_INT) {
		snprintf(tmp, sizeof(tmp), "%d", config_setting_get_int(s));
		v = tmp;
	}
	if (v == NULL)
		return confutil_fail(
		    &ld->src, s,
		    "'code' must be a reply code such as 550 or \"5XX\"");
	if (strlen(v) == 3 && (v[0] == '4' || v[0] == '5') &&
	    (strcmp(v + 1, "XX") == 0 || strcmp(v + 1, "xx") == 0)) {
		r->code_class = v[0] - '0';
		return 0;
	}
	if (smtpcode_parse_basic(v, strlen(v), &r->code) < 0)
		return confutil_fail(&ld->src, s,
				     "impossible reply code %s: a code is 2xx "
				     "to 5xx with a second digit of 0 to 5",
				     v);
	if (r->code < 400)
		return confutil_fail(
		    &ld->src, s,
		    "reply code %s is not a rejection: guidance goes on 4xx "
		    "and 5xx replies only",
		    v);
	return 0;
}

/* parse_enhanced - 'enhanced': "5.1.1" or "X.1.1", not a success */
static int parse_enhanced(struct config_loader *ld, const config_setting_t *s,
			  struct rule *r)
{
	const char *v = config_setting_get_string(s);

	if (v == NULL || smtpcode_parse_enhanced(v, strlen(v), &r->enh) < 0)
		return confutil_fail(&ld->src, s,
				     "'enhanced' must be an enhanced status "
				     "code such as \"5.1.1\" or \"X.1.1\"");
	if (r->enh.cls == 2)
		return confutil_fail(&ld->src, s,
				     "enhanced code %s is not a failure", v);
	r->has_enh = 1;
	return 0;
}

/* parse_pattern - 'pattern': an extended regular expression, any case */
static int parse_pattern(struct config_loader *ld, const config_setting_t *g,
			 struct rule *r)
{
	char why[128];
	int e;

	e = confutil_get_string(&ld->src, g, "pattern", &r->pattern, 0);
	if (e <= 0)
		return e;
	e = regcomp(&r->re, r->pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (e != 0) {
		regerror(e, &r->re, why, sizeof(why));
		return confutil_fail(&ld->src,
				     config_setting_get_member(g, "pattern"),
				     "bad pattern: %s", why);
	}
	r->has_re = 1;
	return 0;
}

/* parse_commands - 'commands': names upper-cased, or "*" */
static int parse_commands(struct config_loader *ld, const config_setting_t *s,
			  struct rule *r)
{
	if (confutil_get_strings(&ld->src, s, "commands", &r->commands) < 0)
		return -1;
	for (size_t i = 0; i < r->commands.n; i++) {
		char *c = r->commands.v[i];

		if (c[0] == '\0' || strlen(c) > 32)
			return confutil_fail(&ld->src, s,
					     "a command is 1 to 32 characters");
		for (char *p = c; *p; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '_' && strcmp(c, "*") != 0)
				return confutil_fail(
				    &ld->src, s,
				    "command \"%s\": letters, digits, '-' and "
				    "'_' only, or \"*\"",
				    c);
			*p = (char)toupper((unsigned char)*p);
		}
	}
	return 0;
}

/* parse_match - what a rule matches: code, enhanced, pattern, commands */
static int parse_match(struct config_loader *ld, const config_setting_t *g,
		       struct rule *r)
{
	config_setting_t *s;

	if ((s = config_setting_get_member(g, "code")) != NULL &&
	    parse_code(ld, s, r) < 0)
		return -1;
	if ((s = config_setting_get_member(g, "enhanced")) != NULL &&
	    parse_enhanced(ld, s, r) < 0)
		return -1;
	if (parse_pattern(ld, g, r) < 0)
		return -1;
	if ((s = config_setting_get_member(g, "commands")) != NULL &&
	    parse_commands(ld, s, r) < 0)
		return -1;
	return 0;
}

/* parse_reply - 'reply' of a command rule: "502 5.5.1", a rejection */
static int parse_reply(struct config_loader *ld, const config_setting_t *g,
		       struct rule *r)
{
	config_setting_t *s = config_setting_get_member(g, "reply");
	const char *v = s ? config_setting_get_string(s) : NULL;
	size_t text;

	if (s == NULL)
		return 0;
	if (v == NULL ||
	    smtpcode_parse_reply(v, strlen(v), &r->reply, &text) < 0 ||
	    v[text] != '\0' || r->reply.cls == 0 || strlen(v) < 9)
		return confutil_fail(&ld->src, s,
				     "'reply' must be a code and an enhanced "
				     "code, such as \"502 5.5.1\"");
	if (r->reply.code < 400)
		return confutil_fail(&ld->src, s,
				     "'reply' %d is not a rejection",
				     r->reply.code);
	if (r->reply.cls != r->reply.code / 100)
		return confutil_fail(&ld->src, s,
				     "'reply' %s: the enhanced code must have "
				     "the class of the reply code (%d.x.x)",
				     v, r->reply.code / 100);
	r->has_reply = 1;
	return 0;
}

/* rule_class - the reply class a rule is bound to, or 0 */
static int rule_class(const struct rule *r)
{
	if (r->has_reply)
		return r->reply.code / 100;
	if (r->code)
		return r->code / 100;
	return r->code_class;
}

/* check_match - the match and reply settings fit together */
static int check_match(struct config_loader *ld, const config_setting_t *g,
		       const struct rule *r)
{
	const struct confutil_src *src = &ld->src;

	if (r->commands.n && !r->has_reply)
		return confutil_fail(src, g,
				     "rule '%s' names commands but no 'reply' "
				     "code to answer them with",
				     r->name);
	if (r->has_reply && !r->commands.n)
		return confutil_fail(
		    src, g, "rule '%s': 'reply' is for command rules only",
		    r->name);
	if (r->has_enh && r->enh.cls && rule_class(r) &&
	    r->enh.cls != rule_class(r))
		return confutil_fail(
		    src, config_setting_get_member(g, "enhanced"),
		    "enhanced code %d.%d.%d does not fit reply class %dxx",
		    r->enh.cls, r->enh.subject, r->enh.detail, rule_class(r));
	if (r->has_reply && (r->code || r->code_class || r->has_enh))
		return confutil_fail(
		    src, g,
		    "rule '%s': a command rule matches on 'commands' only",
		    r->name);
	if (!r->commands.n && !r->code && !r->code_class && !r->has_enh &&
	    !r->pattern)
		return confutil_fail(src, g,
				     "rule '%s' matches nothing: give "
				     "commands, code, enhanced or pattern",
				     r->name);
	return 0;
}

/* parse_say - what a rule says: text, mode, lines, append */
static int parse_say(struct config_loader *ld, const config_setting_t *g,
		     struct rule *r)
{
	config_setting_t *s = config_setting_get_member(g, "text");
	int mode = MODE_APPEND;

	if (confutil_get_string(&ld->src, g, "text", &r->text, 0) < 0)
		return -1;
	if (r->text && config_check_line(ld, s, r->text) < 0)
		return -1;
	if (r->text && !r->has_reply)
		return confutil_fail(
		    &ld->src, s,
		    "'text' is the first line of a command rule's reply");
	if (confutil_get_word(&ld->src, g, "mode", "append|replace", &mode) < 0)
		return -1;
	r->mode = mode == MODE_REPLACE ? MODE_REPLACE : MODE_APPEND;
	if ((s = config_setting_get_member(g, "lines")) != NULL &&
	    config_lines_get(ld, s, "lines", &r->lines, &r->nlines) < 0)
		return -1;
	if ((s = config_setting_get_member(g, "append")) != NULL &&
	    config_lines_get(ld, s, "append", &r->append, &r->nappend) < 0)
		return -1;
	return 0;
}

/* parse_head - name and enabled; *enabled is 0 for a rule that only
 * removes an earlier rule of the same name */
static int parse_head(struct config_loader *ld, const config_setting_t *g,
		      struct rule *r, int *enabled)
{
	if (!config_setting_is_group(g))
		return confutil_fail(&ld->src, g, "a rule must be a { group }");
	if (confutil_check_members(&ld->src, g, rule_keys, "a rule") < 0)
		return -1;
	if (confutil_get_string(&ld->src, g, "name", &r->name, 0) <= 0 ||
	    r->name[0] == '\0')
		return confutil_fail(&ld->src, g,
				     "every rule needs a 'name' (later files "
				     "override rules by name)");
	return confutil_get_bool(&ld->src, g, "enabled", enabled) < 0 ? -1 : 0;
}

/* config_rule_parse - see config_loader.h */
int config_rule_parse(struct config_loader *ld, const config_setting_t *g,
		      struct rule **out)
{
	struct rule *r = xcalloc(1, sizeof(*r));
	const char *file = config_setting_source_file(g);
	int rc = -1, enabled = 1;

	strlist_init(&r->commands);
	r->file = xstrdup(file ? file : ld->src.file);
	r->line = confutil_line(g);
	r->order = ld->order++;
	if (parse_head(ld, g, r, &enabled) < 0)
		goto out;
	if (!enabled) { /* it only removes an earlier rule of the same name */
		r->specificity = -1;
		rc = 0;
		goto out;
	}
	if (parse_match(ld, g, r) < 0 || parse_reply(ld, g, r) < 0 ||
	    check_match(ld, g, r) < 0 || parse_say(ld, g, r) < 0)
		goto out;
	r->specificity = (r->has_re ? 8 : 0) + (r->commands.n ? 8 : 0) +
			 (r->has_enh ? (r->enh.cls ? 4 : 3) : 0) +
			 (r->code	  ? 2
			  : r->code_class ? 1
					  : 0);
	rc = 0;
out:
	if (rc < 0) {
		rule_free(r);
		r = NULL;
	}
	*out = r;
	return rc;
}
