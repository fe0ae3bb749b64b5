/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_table - the top-level settings, declared once (see
 * config_table.h), and the code that reads a layer, sets the defaults and
 * frees the fields by walking that table
 *
 * Exports: config_settings, config_nsettings; to the other config*.c
 * files config_table_defaults, config_table_apply and config_table_free.
 */
#include "config_loader.h"
#include "sockspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/milter-explain"
#endif

#define STR(x) #x
#define XSTR(x) STR(x)
#define F(member) offsetof(struct config, member)
#define NOF CFG_NO_FIELD
#define FILES CFG_PASS_FILES
#define VARS CFG_PASS_VARS
#define SET CFG_PASS_SETTINGS
#define KB CFG_PASS_KB

/* the settings, in the order a layer is read (which error is reported
 * first when a file has several): name, type, pass, default, min, max,
 * field, choices, parser */
/* clang-format off */
const struct config_def config_settings[] = {
	{"include", CFG_SPECIAL, FILES, NULL, 0, 0, NOF, NULL, NULL},
	{"helpdesk", CFG_VAR, VARS, "the postmaster of the receiving site",
	 0, 0, NOF, NULL, NULL},
	{"variables", CFG_SPECIAL, VARS, NULL, 0, 0, NOF, NULL,
	 config_parse_variables},
	{"knowledge_base", CFG_PATH, SET, PKGDATADIR "/kb", 0, 0, F(kb_dir),
	 NULL, NULL},
	{"milter_socket", CFG_SOCKET, SET, NULL, 0, 0, F(milter_socket), NULL,
	 NULL},
	{"socketmap_socket", CFG_SOCKET, SET, NULL, 0, 0, F(socketmap_socket),
	 NULL, NULL},
	{"dsn_socket", CFG_SOCKET, SET, NULL, 0, 0, F(dsn_socket), NULL, NULL},
	{"dsn_max_size", CFG_INT, SET, "262144", 4096, 8388608,
	 F(dsn_max_size), NULL, NULL},
	{"user", CFG_STRING, SET, NULL, 0, 0, F(user), NULL, NULL},
	{"pid_file", CFG_PATH, SET, NULL, 0, 0, F(pid_file), NULL, NULL},
	{"line_width", CFG_INT, SET, XSTR(LINE_WIDTH_DEFAULT), 40,
	 CONFIG_LINE_MAX, F(line_width), NULL, NULL},
	{"max_lines", CFG_INT, SET, XSTR(REPLY_LINES_MAX), 2, REPLY_LINES_MAX,
	 F(max_lines), NULL, NULL},
	{"max_reply_bytes", CFG_INT, SET, XSTR(REPLY_BYTES_DEFAULT),
	 REPLY_BYTES_MIN, REPLY_BYTES_MAX, F(max_reply_bytes), NULL, NULL},
	{"help_url", CFG_URL, SET, NULL, 0, 200, F(help_url), NULL, NULL},
	{"help_compare", CFG_SPECIAL, SET, NULL, 0, 0, NOF, NULL,
	 config_parse_compare},
	{"on_error", CFG_WORD, SET, "continue", 0, 0, F(on_error),
	 "continue|tempfail", NULL},
	{"milter_timeout", CFG_INT, SET, "900", 10, 86400, F(milter_timeout),
	 NULL, NULL},
	{"socketmap", CFG_GROUP, SET, NULL, 0, 0, NOF, NULL, NULL},
	{"socketmap.max_clients", CFG_INT, SET, "1024", 1, 65536,
	 F(socketmap_max_clients), NULL, NULL},
	{"socketmap.idle_timeout", CFG_INT, SET, "600", 1, 86400,
	 F(socketmap_idle_timeout), NULL, NULL},
	{"metrics_socket", CFG_STRING, SET, NULL, 0, 0, F(metrics_socket),
	 NULL, NULL},
	{"metrics", CFG_GROUP, SET, NULL, 0, 0, NOF, NULL, NULL},
	{"metrics.max_clients", CFG_INT, SET, "16", 1, 1024,
	 F(metrics_max_clients), NULL, NULL},
	{"metrics.timeout", CFG_INT, SET, "10", 1, 3600, F(metrics_timeout),
	 NULL, NULL},
	{"metrics.summary_interval", CFG_INT, SET, "0", 0, 86400,
	 F(metrics_summary_interval), NULL, NULL},
	{"log_level", CFG_WORD, SET, "normal", 0, 0, F(log_level),
	 "normal|verbose", NULL},
	{"languages", CFG_LANGS, SET, "en", 0, 0, F(languages), NULL, NULL},
	{"language_rules", CFG_SPECIAL, SET, NULL, 0, 0, NOF, NULL,
	 config_parse_lang_rules},
	{"footer", CFG_SPECIAL, SET, NULL, 0, 0, NOF, NULL,
	 config_parse_footer},
	{"rules", CFG_SPECIAL, SET, NULL, 0, 0, NOF, NULL, config_parse_rules},
	{"guidance", CFG_SPECIAL, KB, NULL, 0, 0, NOF, NULL,
	 config_parse_guidance},
};
/* clang-format on */
const size_t config_nsettings =
    sizeof(config_settings) / sizeof(config_settings[0]);

/* CFG_WORD fields are stored through an int */
_Static_assert(sizeof(enum on_error) == sizeof(int), "on_error is an int");
_Static_assert(sizeof(enum log_level) == sizeof(int), "log_level is an int");

/* field - the field of d in cfg */
static void *field(struct config *cfg, const struct config_def *d)
{
	return (char *)cfg + d->offset;
}

/* member_names - the names of the rows in group (NULL: the top level),
 * without the group's prefix, NULL-terminated into names[nmax] */
static void member_names(const char *group, const char **names, size_t nmax)
{
	size_t glen = group ? strlen(group) : 0, n = 0;

	for (size_t i = 0; i < config_nsettings && n + 1 < nmax; i++) {
		const char *name = config_settings[i].name;
		const char *dot = strchr(name, '.');

		if (group == NULL && dot == NULL)
			names[n++] = name;
		else if (group && dot && (size_t)(dot - name) == glen &&
			 strncmp(name, group, glen) == 0)
			names[n++] = dot + 1;
	}
	names[n] = NULL;
}

/* apply_langs - CFG_LANGS: a non-empty list of language codes */
static int apply_langs(struct config_loader *ld, const config_setting_t *g,
		       const char *name, struct strlist *out)
{
	config_setting_t *s = config_setting_get_member(g, name);

	if (s == NULL)
		return 0;
	if (confutil_get_strings(&ld->src, s, name, out) < 0)
		return -1;
	if (out->n == 0)
		return confutil_fail(&ld->src, s,
				     "'%s' needs at least one language", name);
	for (size_t i = 0; i < out->n; i++)
		if (!config_lang_ok(out->v[i]))
			return confutil_fail(&ld->src, s,
					     "\"%s\" is not a language code",
					     out->v[i]);
	ld->langs_at = s; /* for config_kb_check's message */
	return 1;
}

/* apply_url - CFG_URL: a string, then the stricter rule of a link */
static int apply_url(struct config_loader *ld, const struct config_def *d,
		     const config_setting_t *g, const char *name)
{
	char **out = field(ld->cfg, d);
	int rc = confutil_get_string(&ld->src, g, name, out, 0);

	if (rc > 0 && (!config_value_ok(*out) ||
		       strlen(*out) > (size_t)d->max || strchr(*out, ' ')))
		return confutil_fail(
		    &ld->src, config_setting_get_member(g, name),
		    "'%s': at most %d printable characters, no space, no '$'",
		    name, d->max);
	return rc;
}

/* apply_socket - CFG_SOCKET: a string that sockspec_parse accepts */
static int apply_socket(struct config_loader *ld, const struct config_def *d,
			const config_setting_t *g, const char *name)
{
	char **out = field(ld->cfg, d), why[256];
	struct sockspec ss;
	int rc = confutil_get_string(&ld->src, g, name, out, 0);

	if (rc > 0 && **out && sockspec_parse(*out, &ss, why, sizeof(why)) < 0)
		return confutil_fail(&ld->src,
				     config_setting_get_member(g, name),
				     "'%s': %s", name, why);
	return rc;
}

static int apply_group(struct config_loader *ld, const struct config_def *d,
		       const config_setting_t *g);

/* note_origin - d was set by s: remember its file and line */
static void note_origin(struct config_loader *ld, const struct config_def *d,
			const config_setting_t *s)
{
	struct config *cfg = ld->cfg;
	const char *file = config_setting_source_file(s);
	size_t i;

	for (i = 0; i < cfg->norigins && cfg->origins[i].name != d->name; i++)
		;
	if (i == cfg->norigins) {
		cfg->origins = xrealloc(cfg->origins,
					(i + 1) * sizeof(*cfg->origins));
		cfg->origins[cfg->norigins++].name = d->name;
	} else {
		free(cfg->origins[i].file);
	}
	cfg->origins[i].file = xstrdup(file ? file : ld->src.file);
	cfg->origins[i].line = (int)config_setting_source_line(s);
}

/* apply_row - setting d, named name in group g (absent: nothing to do) */
static int apply_row(struct config_loader *ld, const struct config_def *d,
		     const config_setting_t *g, const char *name)
{
	const config_setting_t *s = config_setting_get_member(g, name);
	char *v = NULL;
	int rc;

	if (s && d->offset != CFG_NO_FIELD && d->type != CFG_LANGS)
		note_origin(ld, d, s);
	switch (d->type) {
	case CFG_STRING:
	case CFG_PATH:
		return confutil_get_string(&ld->src, g, name, field(ld->cfg, d),
					   d->type == CFG_PATH);
	case CFG_URL:
		return apply_url(ld, d, g, name);
	case CFG_SOCKET:
		return apply_socket(ld, d, g, name);
	case CFG_INT:
		return confutil_get_int(&ld->src, g, name, d->min, d->max,
					field(ld->cfg, d));
	case CFG_BOOL:
		return confutil_get_bool(&ld->src, g, name, field(ld->cfg, d));
	case CFG_WORD:
		return confutil_get_word(&ld->src, g, name, d->choices,
					 field(ld->cfg, d));
	case CFG_LANGS:
		return apply_langs(ld, g, name, field(ld->cfg, d));
	case CFG_VAR:
		if ((rc = confutil_get_string(&ld->src, g, name, &v, 0)) > 0)
			config_set_var(ld->cfg, name, v);
		free(v);
		return rc;
	case CFG_GROUP:
		return s ? apply_group(ld, d, s) : 0;
	case CFG_SPECIAL:
		return s && d->parse ? d->parse(ld, s) : 0;
	}
	return 0;
}

/* apply_group - CFG_GROUP: the rows "NAME.member" inside group s */
static int apply_group(struct config_loader *ld, const struct config_def *d,
		       const config_setting_t *s)
{
	const char *names[64];
	size_t len = strlen(d->name);

	if (!config_setting_is_group(s))
		return confutil_fail(&ld->src, s, "'%s' must be a { group }",
				     d->name);
	member_names(d->name, names, sizeof(names) / sizeof(names[0]));
	if (confutil_check_members(&ld->src, s, names, d->name) < 0)
		return -1;
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct config_def *m = &config_settings[i];

		if (strncmp(m->name, d->name, len) == 0 &&
		    m->name[len] == '.' &&
		    apply_row(ld, m, s, m->name + len + 1) < 0)
			return -1;
	}
	return 0;
}

/* config_table_apply - see config_loader.h; the variables pass first
 * checks that the layer names no unknown setting */
int config_table_apply(struct config_loader *ld, const config_setting_t *root,
		       enum config_pass pass)
{
	const char *names[64];

	if (pass == CFG_PASS_VARS) {
		const config_setting_t *gone =
		    config_setting_get_member(root, "utf8");

		if (gone != NULL)
			return confutil_fail(&ld->src, gone,
					     "'utf8' was removed: SMTP replies are "
					     "always US-ASCII (accents "
					     "transliterated); delete this line");
		member_names(NULL, names, sizeof(names) / sizeof(names[0]));
		if (confutil_check_members(&ld->src, root, names, NULL) < 0)
			return -1;
	}
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct config_def *d = &config_settings[i];

		if (d->pass == pass && strchr(d->name, '.') == NULL &&
		    apply_row(ld, d, root, d->name) < 0)
			return -1;
	}
	return 0;
}

/* config_table_defaults - see config_loader.h */
void config_table_defaults(struct config *cfg)
{
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct config_def *d = &config_settings[i];

		if (d->def == NULL)
			continue;
		switch (d->type) {
		case CFG_STRING:
		case CFG_PATH:
		case CFG_URL:
		case CFG_SOCKET:
			*(char **)field(cfg, d) = xstrdup(d->def);
			break;
		case CFG_INT:
			*(int *)field(cfg, d) = atoi(d->def);
			break;
		case CFG_BOOL:
			*(int *)field(cfg, d) = strcmp(d->def, "true") == 0;
			break;
		case CFG_WORD:
			*(int *)field(cfg, d) =
			    confutil_word_index(d->choices, d->def);
			break;
		case CFG_LANGS:
			strlist_add(field(cfg, d), d->def);
			break;
		case CFG_VAR:
			config_set_var(cfg, d->name, d->def);
			break;
		case CFG_GROUP:
		case CFG_SPECIAL:
			break;
		}
	}
}

/* config_where - see config.h */
const char *config_where(const struct config *cfg, const char *name,
			 char *buf, size_t len)
{
	for (size_t i = 0; i < cfg->norigins; i++)
		if (strcmp(cfg->origins[i].name, name) == 0) {
			snprintf(buf, len, "%s:%d: %s", cfg->origins[i].file,
				 cfg->origins[i].line, name);
			return buf;
		}
	snprintf(buf, len, "%s: %s", cfg->file, name);
	return buf;
}

/* config_table_free - see config_loader.h: the fields the table owns */
void config_table_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg->norigins; i++)
		free(cfg->origins[i].file);
	free(cfg->origins);
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct config_def *d = &config_settings[i];

		if (d->offset == CFG_NO_FIELD)
			continue;
		if (d->type == CFG_STRING || d->type == CFG_PATH ||
		    d->type == CFG_URL || d->type == CFG_SOCKET)
			free(*(char **)field(cfg, d));
		else if (d->type == CFG_LANGS)
			strlist_release(field(cfg, d));
	}
}
