/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kb_load - reading the knowledge base: a language folder (lang.conf and
 * its entry files), every folder of a base, and one site override entry
 *
 * Exports: kb_load_dir, kb_load_all, kb_merge_setting (declared in kb.h).
 * What it reads goes into the base through kb.c (kb_lang_add,
 * kb_entry_add, kb_site_set), which owns and frees it. Fails: -1 with "file:line: message" in
 * the caller's buffer (confutil_fail); a half-loaded base is left for the
 * caller's kb_free.
 */
#include "kb.h"
#include "confutil.h"

#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* load context: the file and error buffer, and what is allowed */
struct kb_load {
	struct confutil_src src;
	int site; /* a site override: partial entries, templates */
	template_known_fn known; /* the variables templates may use */
	void *ctx;
};

/* get_text - a string member: 0 absent, 1 found, -1 bad */
static int get_text(struct kb_load *ld, const config_setting_t *g,
		    const char *name, char **out)
{
	config_setting_t *s = config_setting_get_member(g, name);
	const char *v;
	char why[160];

	if (s == NULL)
		return 0;
	if ((v = config_setting_get_string(s)) == NULL)
		return confutil_fail(&ld->src, s, "'%s' must be a string",
				     name);
	if (*v == '\0')
		return confutil_fail(&ld->src, s, "'%s' is empty", name);
	if (!ld->site && (strchr(v, '$') || strchr(v, '%')))
		return confutil_fail(&ld->src, s,
				     "'%s': no '$' or '%%' in the shipped base",
				     name);
	if (!confutil_text_ok(v))
		return confutil_fail(&ld->src, s,
				     "'%s' has a control character", name);
	if (ld->site && template_check(v, ld->known, ld->ctx, why,
				       sizeof(why)) < 0)
		return confutil_fail(&ld->src, s, "%s", why);
	free(*out);
	*out = xstrdup(v);
	return 1;
}

/* check_short - one short line e (of list name): 0 or -1 */
static int check_short(struct kb_load *ld, const config_setting_t *e,
		       const char *name, const char *v)
{
	char why[160];

	if (strlen(v) > KB_SHORT_LEN)
		return confutil_fail(&ld->src, e,
				     "line longer than %d bytes in '%s'",
				     KB_SHORT_LEN, name);
	if (*v == '\0' || (!ld->site && (strchr(v, '$') || strchr(v, '%'))))
		return confutil_fail(
		    &ld->src, e,
		    "'%s': empty line, or '$'/'%%' in the shipped base", name);
	if (!confutil_text_ok(v))
		return confutil_fail(&ld->src, e,
				     "'%s' has a control character", name);
	if (template_check(v, ld->known, ld->ctx, why, sizeof(why)) < 0)
		return confutil_fail(&ld->src, e, "%s", why);
	return 0;
}

/* get_lines - a list of short lines: 0 absent, 1 found, -1 bad */
static int get_lines(struct kb_load *ld, const config_setting_t *g,
		     const char *name, size_t max, struct strlist *out)
{
	config_setting_t *s = config_setting_get_member(g, name);
	struct strlist tmp;
	int n;

	if (s == NULL)
		return 0;
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return confutil_fail(&ld->src, s,
				     "'%s' must be a list of strings", name);
	n = config_setting_length(s);
	if (n < 1 || (size_t)n > max)
		return confutil_fail(&ld->src, s, "'%s' needs 1 to %zu lines",
				     name, max);
	strlist_init(&tmp);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);

		if (v == NULL || check_short(ld, e, name, v) < 0) {
			strlist_release(&tmp);
			return v ? -1
				 : confutil_fail(
				       &ld->src, e,
				       "'%s' must be a list of strings", name);
		}
		strlist_add(&tmp, v);
	}
	strlist_release(out);
	*out = tmp;
	return 1;
}

static const char *const entry_keys[] = {
	"code", "title", "short", "append", "description", "when", "fix",
	"admin", "related", "lang", NULL};

/* get_related - related = ["535", "X.7.8"]: valid keys, not the entry's */
static int get_related(struct kb_load *ld, const config_setting_t *g,
		       const char *key, struct strlist *out)
{
	config_setting_t *s = config_setting_get_member(g, "related");
	struct strlist tmp;

	if (s == NULL)
		return 0;
	strlist_init(&tmp);
	if (confutil_get_strings(&ld->src, s, "related", &tmp) < 0)
		return -1;
	for (size_t i = 0; i < tmp.n; i++)
		if (!kb_key_valid(tmp.v[i]) || strcmp(tmp.v[i], key) == 0) {
			confutil_fail(&ld->src, s,
				      "'related': \"%s\" is not the code of "
				      "another entry",
				      tmp.v[i]);
			strlist_release(&tmp);
			return -1;
		}
	strlist_release(out);
	*out = tmp;
	return 1;
}

/* dup_or_null - a copy of s, or NULL */
static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/*
 * seed_entry - a site override of a code the base has no entry of its
 * own for ("5.1.1", as a bounce shows it, where the base has "X.1.1")
 * starts as a copy of the entry that code finds today, so that the site
 * may give only the fields it changes
 */
static void seed_entry(const struct kb_lang *l, struct kb_entry *e)
{
	struct smtp_status st;
	const struct kb_entry *from;
	int class_only;

	if (smtpcode_parse_enhanced(e->key, strlen(e->key), &st) < 0 ||
	    st.cls == 0 || (from = kb_find(l, &st, &class_only)) == NULL ||
	    class_only)
		return;
	e->title = dup_or_null(from->title);
	strlist_copy(&e->shorts, &from->shorts);
	e->description = dup_or_null(from->description);
	e->when = dup_or_null(from->when);
	e->fix = dup_or_null(from->fix);
	e->admin = dup_or_null(from->admin);
	strlist_copy(&e->related, &from->related);
}

/* load_entry - one entry of an entries list, merged into l */
static int load_entry(struct kb_load *ld, struct kb_lang *l,
		      const config_setting_t *g)
{
	const char *key = NULL;
	struct kb_entry *e, *fresh = NULL;
	int rc;

	if (!config_setting_is_group(g))
		return confutil_fail(&ld->src, g,
				     "an entry must be a { group }");
	if (confutil_check_members(&ld->src, g, entry_keys, "an entry") < 0)
		return -1;
	if (!ld->site && config_setting_get_member(g, "lang"))
		return confutil_fail(&ld->src, g,
				     "'lang' is for site overrides only: the "
				     "folder names the language");
	if (!config_setting_lookup_string(g, "code", &key))
		return confutil_fail(&ld->src, g,
				     "entry without a 'code' string");
	if (!kb_key_valid(key))
		return confutil_fail(&ld->src,
				     config_setting_get_member(g, "code"),
				     "invalid code \"%s\"", key);
	if ((e = (struct kb_entry *)kb_get(l, key)) == NULL) {
		e = fresh = xcalloc(1, sizeof(*e));
		e->key = xstrdup(key);
		strlist_init(&e->shorts);
		strlist_init(&e->append);
		strlist_init(&e->related);
		if (ld->site)
			seed_entry(l, e);
	} else if (!ld->site) {
		return confutil_fail(&ld->src, g, "code %s is defined twice",
				     key);
	}
	if ((rc = get_text(ld, g, "title", &e->title)) < 0 ||
	    (rc = get_lines(ld, g, "short", KB_SHORT_MAX, &e->shorts)) < 0 ||
	    (rc = get_lines(ld, g, "append", KB_APPEND_MAX, &e->append)) < 0 ||
	    (rc = get_text(ld, g, "description", &e->description)) < 0 ||
	    (rc = get_text(ld, g, "when", &e->when)) < 0 ||
	    (rc = get_text(ld, g, "fix", &e->fix)) < 0 ||
	    (rc = get_text(ld, g, "admin", &e->admin)) < 0 ||
	    (rc = get_related(ld, g, key, &e->related)) < 0)
		goto out;
	if (fresh && (!e->title || e->shorts.n == 0 || !e->description ||
		      !e->when || !e->fix)) {
		rc = confutil_fail(
		    &ld->src, g,
		    "entry %s needs title, short, description, when and fix",
		    key);
		goto out;
	}
	free(e->file);
	e->file = xstrdup(ld->src.file);
	e->line = confutil_line(g);
	if (fresh) {
		kb_entry_add(l, e);
		fresh = NULL;
	}
	rc = 0;
out:
	if (fresh)
		kb_entry_free(fresh);
	return rc;
}

static const char *const lang_keys[] = {"language", "name", "headings", "site",
					"files", NULL};
static const char *const head_keys[] = {
	"description", "when", "fix", "sender", "admin", "class_fallback",
	"retry", "on_the_wire", "checked_against", NULL};

/* load_site - lang.conf's optional "site" group: named strings, each set */
static int load_site(struct kb_load *ld, struct kb_lang *l,
		     config_setting_t *root)
{
	config_setting_t *g = config_setting_get_member(root, "site");

	if (g == NULL)
		return 0;
	if (!config_setting_is_group(g))
		return confutil_fail(&ld->src, g,
				     "'site' must be a { group } of strings");
	for (int i = 0; i < config_setting_length(g); i++) {
		const char *name = config_setting_name(config_setting_get_elem(g, (unsigned)i));
		char *v = NULL;

		if (get_text(ld, g, name, &v) < 0)
			return -1;
		kb_site_set(l, name, v);
	}
	return 0;
}

/* check_files - lang.conf's optional "files" list: every entry file the
 * folder must hold is there (a deleted one is an error, not a smaller
 * base) */
static int check_files(struct kb_load *ld, config_setting_t *root)
{
	config_setting_t *s = config_setting_get_member(root, "files");
	const char *slash = strrchr(ld->src.file, '/');
	struct strlist names;
	struct buf path;
	struct stat st;
	int rc = 0;

	if (s == NULL)
		return 0;
	strlist_init(&names);
	buf_init(&path);
	if (confutil_get_strings(&ld->src, s, "files", &names) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		const char *n = names.v[i];
		size_t len = strlen(n);

		if (strchr(n, '/') || n[0] == '.' || len < 6 ||
		    strcmp(n + len - 5, ".conf") != 0 ||
		    strcmp(n, "lang.conf") == 0) {
			rc = confutil_fail(&ld->src, s, "'files': \"%s\" is "
					   "not an entry file name", n);
			break;
		}
		buf_reset(&path);
		buf_printf(&path, "%.*s/%s",
			   (int)(slash ? slash - ld->src.file : 1),
			   slash ? ld->src.file : ".", n);
		if (stat(path.s, &st) < 0)
			rc = confutil_fail(&ld->src, s, "'files': %s: %s",
					   path.s, strerror(errno));
		else if (!S_ISREG(st.st_mode))
			rc = confutil_fail(&ld->src, s,
					   "'files': %s is not a file", path.s);
	}
	strlist_release(&names);
	buf_release(&path);
	return rc;
}

/* load_lang_file - lang.conf: name and headings */
static int load_lang_file(struct kb_load *ld, struct kb_lang *l,
			  config_setting_t *root)
{
	const char *code = NULL;
	config_setting_t *h;

	if (confutil_check_members(&ld->src, root, lang_keys, "lang.conf") < 0 ||
	    check_files(ld, root) < 0)
		return -1;
	if (!config_setting_lookup_string(root, "language", &code) ||
	    strcmp(code, l->code) != 0)
		return confutil_fail(&ld->src, root,
				     "'language' must be \"%s\"", l->code);
	if (get_text(ld, root, "name", &l->name) <= 0)
		return confutil_fail(&ld->src, root, "'name' is required");
	if ((h = config_setting_get_member(root, "headings")) == NULL ||
	    !config_setting_is_group(h))
		return confutil_fail(&ld->src, root,
				     "'headings' group is required");
	if (confutil_check_members(&ld->src, h, head_keys, "headings") < 0)
		return -1;
	if (get_text(ld, h, "description", &l->head.description) <= 0 ||
	    get_text(ld, h, "when", &l->head.when) <= 0 ||
	    get_text(ld, h, "fix", &l->head.fix) <= 0 ||
	    get_text(ld, h, "sender", &l->head.sender) <= 0 ||
	    get_text(ld, h, "admin", &l->head.admin) <= 0 ||
	    get_text(ld, h, "class_fallback", &l->head.class_fallback) <= 0)
		return confutil_fail(&ld->src, h,
				     "headings need description, when, fix, "
				     "sender, admin and class_fallback");
	if (get_text(ld, h, "retry", &l->head.retry) < 0 || /* optional */
	    get_text(ld, h, "on_the_wire", &l->head.on_the_wire) < 0 ||
	    get_text(ld, h, "checked_against", &l->head.checked_against) < 0)
		return -1;
	return load_site(ld, l, root);
}

/* load_file - one file of the folder */
static int load_file(struct kb_load *ld, struct kb_lang *l, const char *path,
		     int is_lang)
{
	config_t cf;
	config_setting_t *root, *list;
	int rc = -1, n;

	if (confutil_read(&ld->src, &cf, path) < 0)
		goto out;
	root = config_root_setting(&cf);
	if (is_lang) {
		rc = load_lang_file(ld, l, root);
		goto out;
	}
	if (config_setting_length(root) == 1 &&
	    (list = config_setting_get_member(root, "compare")) != NULL) {
		rc = kb_compare_load(&ld->src, list, &l->compares);
		goto out;
	}
	if (config_setting_length(root) != 1 ||
	    (list = config_setting_get_member(root, "entries")) == NULL ||
	    !config_setting_is_list(list)) {
		rc = confutil_fail(&ld->src, root,
				   "a knowledge-base file holds one 'entries = "
				   "( ... );' list (or one 'compare = ( ... );' "
				   "list)");
		goto out;
	}
	n = config_setting_length(list);
	for (int i = 0; i < n; i++)
		if (load_entry(ld, l, config_setting_get_elem(list, (unsigned)i)) < 0)
			goto out;
	rc = 0;
out:
	config_destroy(&cf);
	return rc;
}

/* kb_load_dir - see kb.h */
int kb_load_dir(struct kb *kb, const char *dir, const char *lang, char *err,
		size_t errlen)
{
	struct dirent **names = NULL;
	struct kb_lang *l;
	struct buf path;
	struct kb_load ld = {{NULL, err, errlen}, 0, NULL, NULL};
	int n, rc = -1;

	buf_init(&path);
	buf_printf(&path, "%s/%s", dir, lang);
	if ((n = scandir(path.s, &names, confutil_conf_filter, alphasort)) < 0) {
		snprintf(err, errlen,
			 "%s: %s (knowledge base for language \"%s\")", path.s,
			 strerror(errno), lang);
		buf_release(&path);
		return -1;
	}
	l = kb_lang_add(kb, lang);
	/* lang.conf first, so that entry files of a new language are named */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			int is_lang = strcmp(names[i]->d_name, "lang.conf") == 0;

			if (is_lang != (pass == 0))
				continue;
			buf_reset(&path);
			buf_printf(&path, "%s/%s/%s", dir, lang, names[i]->d_name);
			ld.src.file = path.s;
			if (load_file(&ld, l, path.s, is_lang) < 0)
				goto out;
		}
	}
	if (l->name == NULL) { /* no lang.conf in the folder */
		snprintf(err, errlen,
			 "%s/%s/lang.conf: missing: every language needs one",
			 dir, lang);
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_release(&path);
	return rc;
}

/* kb_merge_setting - see kb.h */
int kb_merge_setting(struct kb *kb, const char *lang, const char *file,
		     const void *setting, template_known_fn known, void *ctx,
		     char *err, size_t errlen)
{
	struct kb_load ld = {{file, err, errlen}, 1, known, ctx};
	struct kb_lang *l = (struct kb_lang *)kb_lang_get(kb, lang);
	const config_setting_t *g = setting;

	if (l == NULL) {
		snprintf(err, errlen,
			 "%s:%d: language \"%s\" is not in the knowledge base",
			 file, confutil_line(g), lang);
		return -1;
	}
	return load_entry(&ld, l, g);
}

/* kb_load_all - every language folder of dir that has a lang.conf */
int kb_load_all(struct kb *kb, const char *dir, char *err, size_t errlen)
{
	struct dirent **names = NULL;
	struct buf path;
	struct stat st;
	int n, rc = 0, found = 0;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		snprintf(err, errlen, "%s: %s (knowledge base)", dir, strerror(errno));
		return -1;
	}
	buf_init(&path);
	for (int i = 0; i < n; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s/lang.conf", dir, names[i]->d_name);
		if (rc == 0 && names[i]->d_name[0] != '.' && stat(path.s, &st) == 0) {
			found++;
			rc =
			    kb_load_dir(kb, dir, names[i]->d_name, err, errlen);
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_release(&path);
	if (rc == 0 && found == 0) {
		snprintf(
		    err, errlen,
		    "%s: no language folder with a lang.conf (knowledge base)",
		    dir);
		rc = -1;
	}
	return rc;
}
