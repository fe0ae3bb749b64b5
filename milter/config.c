/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config - the validated, immutable configuration snapshot
 *
 * Exports: config_load, config_free, config_var, config_var_known,
 * config_default_file. Loading keeps every parsed file open until the
 * snapshot is complete, so that each error can name its file and line.
 * This file reads the files and runs the passes over them; the settings
 * table (config_table.c), rules (config_rule.c), languages
 * (config_lang.c) and what needs the knowledge base (config_kb.c) have
 * files of their own, sharing config_loader.h.
 */
#include "config_loader.h"
#include "rules.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

/* built-in template variables; the session or the MTA fills them */
static const char *const builtin_vars[] = {
	"client_address", "client_name", "client_port", "helo_name", "command",
	"queue_id", "server_name", "localtime", "code", "enhanced_code",
	"help_url", NULL};

/* config_default_file - $(sysconfdir)/milter-explain.conf */
const char *config_default_file(void)
{
	return SYSCONFDIR "/milter-explain.conf";
}

/* add_rule - add or replace (by name) a rule of the snapshot */
static void add_rule(struct config *cfg, struct rule *r)
{
	for (size_t i = 0; i < cfg->nrules; i++) {
		if (strcmp(cfg->rules[i]->name, r->name) == 0) {
			rule_free(cfg->rules[i]);
			cfg->rules[i] = r;
			return;
		}
	}
	cfg->rules = xrealloc(cfg->rules, (cfg->nrules + 1) * sizeof(*cfg->rules));
	cfg->rules[cfg->nrules++] = r;
}

/* config_parse_rules - rules = ( { ... } ): add or replace each by name */
int config_parse_rules(struct config_loader *ld, const config_setting_t *s)
{
	struct config *cfg = ld->cfg;

	if (!config_setting_is_list(s))
		return confutil_fail(
		    &ld->src, s, "'rules' must be a ( list ) of { groups }");
	for (int i = 0; i < config_setting_length(s); i++) {
		struct rule *r;

		if (config_rule_parse(
			ld, config_setting_get_elem(s, (unsigned)i), &r) < 0)
			return -1;
		add_rule(cfg, r);
	}
	return 0;
}

/* config_var - a site variable (helpdesk included) */
const char *config_var(const struct config *cfg, const char *name, size_t len)
{
	for (size_t i = 0; i < cfg->nvars; i++)
		if (strlen(cfg->vars[i].name) == len &&
		    memcmp(cfg->vars[i].name, name, len) == 0)
			return cfg->vars[i].value;
	return NULL;
}

/* config_var_known - built-in or site variable */
int config_var_known(const char *name, size_t len, void *ctx)
{
	const struct config *cfg = ctx;

	for (size_t i = 0; builtin_vars[i]; i++)
		if (strlen(builtin_vars[i]) == len &&
		    memcmp(builtin_vars[i], name, len) == 0)
			return 1;
	return config_var(cfg, name, len) != NULL;
}

/* config_set_var - define or redefine a site variable */
void config_set_var(struct config *cfg, const char *name, const char *value)
{
	for (size_t i = 0; i < cfg->nvars; i++) {
		if (strcmp(cfg->vars[i].name, name) == 0) {
			free(cfg->vars[i].value);
			cfg->vars[i].value = xstrdup(value);
			return;
		}
	}
	cfg->vars = xrealloc(cfg->vars, (cfg->nvars + 1) * sizeof(*cfg->vars));
	cfg->vars[cfg->nvars].name = xstrdup(name);
	cfg->vars[cfg->nvars++].value = xstrdup(value);
}

/* config_value_ok - a site value: no control characters, no '$' */
int config_value_ok(const char *v)
{
	return confutil_text_ok(v) && strchr(v, '$') == NULL;
}

/* var_name_ok - a-z, 0-9 and '_' */
static int var_name_ok(const char *name)
{
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return 0;
	return 1;
}

/* config_parse_variables - variables = { name = "value"; ... } */
int config_parse_variables(struct config_loader *ld, const config_setting_t *s)
{
	if (!config_setting_is_group(s))
		return confutil_fail(
		    &ld->src, s, "'variables' must be a { group } of strings");
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(e), *val;

		if ((val = config_setting_get_string(e)) == NULL)
			return confutil_fail(&ld->src, e,
					     "variable '%s' must be a string",
					     name);
		if (!var_name_ok(name))
			return confutil_fail(
			    &ld->src, e,
			    "variable name '%s': use a-z, 0-9 and '_'", name);
		for (size_t k = 0; builtin_vars[k]; k++)
			if (strcmp(builtin_vars[k], name) == 0)
				return confutil_fail(
				    &ld->src, e, "'%s' is a built-in variable",
				    name);
		if (strlen(val) > 200 || !config_value_ok(val))
			return confutil_fail(&ld->src, e,
					     "variable '%s': at most 200 "
					     "printable characters, no '$'",
					     name);
		config_set_var(ld->cfg, name, val);
	}
	return 0;
}

/* setting_at - the name that line `line` of path starts with (libconfig
 * names no setting in its "duplicate setting name"), or "" */
static void setting_at(const char *path, int line, char *name, size_t len)
{
	FILE *f = fopen(path, "r");
	char buf[1024];
	size_t n = 0;

	name[0] = '\0';
	for (int i = 1; f && fgets(buf, sizeof(buf), f); i++) {
		if (i < line)
			continue;
		const char *p = buf + strspn(buf, " \t{(,");

		while (n + 1 < len && (isalnum((unsigned char)p[n]) ||
				       p[n] == '_' || p[n] == '-' || p[n] == '*'))
			n++;
		snprintf(name, len, "%.*s", (int)n, p);
		break;
	}
	if (f)
		fclose(f);
}

/* parse_error - libconfig's syntax error, naming a duplicate setting */
static void parse_error(struct config_loader *ld, const config_t *cf,
			const char *path)
{
	const char *file = config_error_file(cf) ? config_error_file(cf) : path;
	char name[128] = "";

	if (strcmp(config_error_text(cf), "duplicate setting name") == 0)
		setting_at(file, config_error_line(cf), name, sizeof(name));
	if (name[0])
		snprintf(ld->src.err, ld->src.errlen,
			 "%s:%d: duplicate setting '%s'", file,
			 config_error_line(cf), name);
	else
		snprintf(ld->src.err, ld->src.errlen, "%s:%d: %s", file,
			 config_error_line(cf), config_error_text(cf));
}

/* read_file - parse one layer into ld->files[ld->nfiles] */
static int read_file(struct config_loader *ld, const char *path)
{
	config_t *cf;

	if (ld->nfiles == INCLUDE_MAX) {
		snprintf(ld->src.err, ld->src.errlen,
			 "%s: more than %d included files", path, INCLUDE_MAX);
		return -1;
	}
	cf = &ld->files[ld->nfiles];
	config_init(cf);
	ld->names[ld->nfiles++] = xstrdup(path);
	if (!config_read_file(cf, path)) {
		if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
			snprintf(ld->src.err, ld->src.errlen,
				 "%s:0: cannot read: %s", path,
				 strerror(errno ? errno : ENOENT));
		else
			parse_error(ld, cf, path);
		return -1;
	}
	return 0;
}

/* the first directory glob could not read, for read_pattern's message */
static _Thread_local char glob_dir[512];
static _Thread_local int glob_errno;

/* glob_error - glob's errfunc: a missing directory is no match, any other
 * failure (an unreadable directory) stops the glob */
static int glob_error(const char *path, int err)
{
	if (err == ENOENT || err == ENOTDIR)
		return 0;
	snprintf(glob_dir, sizeof(glob_dir), "%s", path);
	glob_errno = err;
	return 1;
}

/* read_pattern - the files of one include pattern, in name order */
static int read_pattern(struct config_loader *ld, const config_setting_t *s,
			const char *given)
{
	char *pat = confutil_resolve(ld->names[0], given);
	glob_t g;
	int grc, rc = -1;
	const config_setting_t *inc;

	glob_dir[0] = '\0';
	glob_errno = 0;
	grc = glob(pat, 0, glob_error, &g);
	if (grc == GLOB_NOMATCH && strpbrk(given, "*?[") == NULL) {
		confutil_fail(&ld->src, s, "include \"%s\": no such file", pat);
		goto out;
	}
	if (grc != 0 && grc != GLOB_NOMATCH) {
		confutil_fail(&ld->src, s,
			      "include \"%s\": cannot read the directory %s: %s",
			      pat, glob_dir[0] ? glob_dir : "?",
			      glob_errno ? strerror(glob_errno) : "glob failed");
		goto out;
	}
	for (size_t k = 0; grc == 0 && k < g.gl_pathc; k++) {
		if (read_file(ld, g.gl_pathv[k]) < 0)
			goto out;
		if ((inc = config_lookup(&ld->files[ld->nfiles - 1],
					 "include"))) {
			confutil_fail(
			    &ld->src, inc,
			    "'include' is allowed in the main file only");
			goto out;
		}
	}
	rc = 0;
out:
	if (grc == 0)
		globfree(&g);
	free(pat);
	return rc;
}

/* read_includes - the files that the main file's include patterns name */
static int read_includes(struct config_loader *ld)
{
	config_setting_t *s = config_lookup(&ld->files[0], "include");
	struct strlist pats;
	int rc = -1;

	if (s == NULL)
		return 0;
	strlist_init(&pats);
	ld->src.file = ld->names[0];
	if (confutil_get_strings(&ld->src, s, "include", &pats) < 0)
		goto out;
	for (size_t i = 0; i < pats.n; i++)
		if (read_pattern(ld, s, pats.v[i]) < 0)
			goto out;
	rc = 0;
out:
	strlist_release(&pats);
	return rc;
}

/* apply_pass - one pass of the settings table over every layer */
static int apply_pass(struct config_loader *ld, enum config_pass pass)
{
	for (size_t i = 0; i < ld->nfiles; i++) {
		ld->src.file = ld->names[i];
		if (config_table_apply(ld, config_root_setting(&ld->files[i]),
				       pass) < 0)
			return -1;
	}
	return 0;
}

/* config_load - see config.h */
struct config *config_load(const char *file, char *err, size_t errlen)
{
	struct config_loader ld;
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	int ok = 0;

	memset(&ld, 0, sizeof(ld));
	ld.cfg = cfg;
	ld.src.err = err;
	ld.src.errlen = errlen;
	ld.src.file = file;
	cfg->file = xstrdup(file);
	config_table_defaults(cfg);

	if (read_file(&ld, file) < 0 || read_includes(&ld) < 0 ||
	    apply_pass(&ld, CFG_PASS_VARS) < 0 ||
	    apply_pass(&ld, CFG_PASS_SETTINGS) < 0)
		goto out;
	cfg->kb = kb_new();
	if (kb_load_all(cfg->kb, cfg->kb_dir, err, errlen) < 0)
		goto out;
	cfg->providers = provider_new();
	if (provider_load(cfg->providers, cfg->kb_dir, cfg->kb, err, errlen) < 0)
		goto out;
	if (apply_pass(&ld, CFG_PASS_KB) < 0 || config_kb_check(&ld) < 0)
		goto out;
	cfg->rules_index = rules_index_new(cfg->rules, cfg->nrules);
	ok = 1;
out:
	for (size_t i = 0; i < ld.nfiles; i++) {
		config_destroy(&ld.files[i]);
		free(ld.names[i]);
	}
	if (!ok) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* config_free - see config.h */
void config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->file);
	config_table_free(cfg);
	kb_free(cfg->kb);
	provider_free(cfg->providers);
	free(cfg->compare);
	for (size_t i = 0; i < cfg->nvars; i++) {
		free(cfg->vars[i].name);
		free(cfg->vars[i].value);
	}
	free(cfg->vars);
	config_lines_free(cfg->footer, cfg->nfooter);
	for (size_t i = 0; i < cfg->nrules; i++)
		rule_free(cfg->rules[i]);
	free(cfg->rules);
	rules_index_free(cfg->rules_index);
	config_lang_rules_free(cfg);
	free(cfg);
}
