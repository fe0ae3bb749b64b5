/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * confutil - helpers over libconfig shared by the config and
 * knowledge-base loaders (see confutil.h): the error formatter, the text
 * check, the typed getters, reading a file and picking the *.conf files
 * of a folder. Nothing here keeps state between calls.
 */
#include "confutil.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* confutil_line - see confutil.h */
int confutil_line(const config_setting_t *s)
{
	unsigned line = s ? config_setting_source_line(s) : 0;

	return line > INT_MAX ? INT_MAX : (int)line;
}

/* confutil_fail - see confutil.h */
int confutil_fail(const struct confutil_src *src, const config_setting_t *s,
		  const char *fmt, ...)
{
	va_list ap;
	const char *file = s ? config_setting_source_file(s) : NULL;
	int n =
	    snprintf(src->err, src->errlen, "%s:%d: ", file ? file : src->file,
		     confutil_line(s));

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < src->errlen)
		vsnprintf(src->err + n, src->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* confutil_text_ok - see confutil.h */
int confutil_text_ok(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v == 0x7f)
			return 0;
	return 1;
}

/* confutil_resolve - see confutil.h */
char *confutil_resolve(const char *file, const char *path)
{
	const char *slash = strrchr(file, '/');
	struct buf b;

	if (path[0] == '/' || slash == NULL)
		return xstrdup(path);
	buf_init(&b);
	buf_addn(&b, file, (size_t)(slash - file) + 1);
	buf_adds(&b, path);
	return b.s;
}

/* confutil_absolute - see confutil.h */
char *confutil_absolute(const char *path)
{
	char cwd[4096];
	struct buf b;

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	buf_init(&b);
	buf_printf(&b, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd,
		   strncmp(path, "./", 2) == 0 ? path + 2 : path);
	return b.s;
}

/* confutil_get_string - see confutil.h */
int confutil_get_string(const struct confutil_src *src,
			const config_setting_t *g, const char *name, char **out,
			int path)
{
	config_setting_t *s = config_setting_get_member(g, name);
	const char *v, *file;

	if (s == NULL)
		return 0;
	if ((v = config_setting_get_string(s)) == NULL)
		return confutil_fail(src, s, "'%s' must be a string", name);
	if (!confutil_text_ok(v))
		return confutil_fail(src, s, "'%s' has a control character",
				     name);
	file = config_setting_source_file(s);
	free(*out);
	*out = path && *v ? confutil_resolve(file ? file : src->file, v)
			  : xstrdup(v);
	return 1;
}

/* confutil_get_int - see confutil.h */
int confutil_get_int(const struct confutil_src *src, const config_setting_t *g,
		     const char *name, int lo, int hi, int *out)
{
	config_setting_t *s = config_setting_get_member(g, name);
	int v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return confutil_fail(src, s, "'%s' must be a whole number",
				     name);
	v = config_setting_get_int(s);
	if (v < lo || v > hi)
		return confutil_fail(src, s, "'%s' must be between %d and %d",
				     name, lo, hi);
	*out = v;
	return 1;
}

/* confutil_get_bool - see confutil.h */
int confutil_get_bool(const struct confutil_src *src, const config_setting_t *g,
		      const char *name, int *out)
{
	config_setting_t *s = config_setting_get_member(g, name);

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return confutil_fail(src, s, "'%s' must be true or false",
				     name);
	*out = config_setting_get_bool(s);
	return 1;
}

/* confutil_word_index - see confutil.h */
int confutil_word_index(const char *choices, const char *v)
{
	size_t len = strlen(v);
	int i = 0;

	for (const char *p = choices; p; i++) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);

		if (n == len && memcmp(p, v, n) == 0)
			return i;
		p = bar ? bar + 1 : NULL;
	}
	return -1;
}

/* confutil_get_word - see confutil.h */
int confutil_get_word(const struct confutil_src *src, const config_setting_t *g,
		      const char *name, const char *choices, int *out)
{
	char *v = NULL;
	struct buf b;
	int rc = confutil_get_string(src, g, name, &v, 0);

	if (rc > 0 && (*out = confutil_word_index(choices, v)) < 0) {
		/* "'mode' is \"append\" or \"replace\"" */
		buf_init(&b);
		for (const char *p = choices; *p; p++) {
			if (*p != '|') {
				buf_addc(&b, *p);
				continue;
			}
			buf_adds(&b,
				 strchr(p + 1, '|') ? "\", \"" : "\" or \"");
		}
		rc = confutil_fail(src, config_setting_get_member(g, name),
				   "'%s' is \"%s\"", name, b.s);
		buf_release(&b);
	}
	free(v);
	return rc;
}

/* confutil_get_strings - see confutil.h */
int confutil_get_strings(const struct confutil_src *src,
			 const config_setting_t *s, const char *name,
			 struct strlist *out)
{
	strlist_release(out);
	if (config_setting_get_string(s)) {
		strlist_add(out, config_setting_get_string(s));
		return 1;
	}
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return confutil_fail(
		    src, s, "'%s' must be a string or a list of strings", name);
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_get_string(e) == NULL)
			return confutil_fail(
			    src, e, "'%s' must hold strings only", name);
		strlist_add(out, config_setting_get_string(e));
	}
	return 1;
}

/* confutil_unknown_member - see confutil.h */
config_setting_t *confutil_unknown_member(const config_setting_t *g,
					  const char *const *names)
{
	int n = config_setting_length(g);

	for (int i = 0; i < n; i++) {
		config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		size_t k;

		for (k = 0; names[k] && strcmp(names[k], name ? name : ""); k++)
			;
		if (names[k] == NULL)
			return m;
	}
	return NULL;
}

/* confutil_check_members - see confutil.h */
int confutil_check_members(const struct confutil_src *src,
			   const config_setting_t *g, const char *const *names,
			   const char *what)
{
	config_setting_t *m = confutil_unknown_member(g, names);
	const char *name = m ? config_setting_name(m) : NULL;

	if (m == NULL)
		return 0;
	return confutil_fail(src, m, "unknown setting '%s'%s%s",
			     name ? name : "?", what ? " in " : "",
			     what ? what : "");
}

/* confutil_read - see confutil.h */
int confutil_read(const struct confutil_src *src, config_t *cf,
		  const char *path)
{
	config_init(cf);
	if (config_read_file(cf, path))
		return 0;
	snprintf(src->err, src->errlen, "%s:%d: %s",
		 config_error_file(cf) ? config_error_file(cf) : path,
		 config_error_line(cf),
		 config_error_type(cf) == CONFIG_ERR_FILE_IO ? strerror(errno)
							     : config_error_text(cf));
	return -1;
}

/* confutil_conf_filter - see confutil.h */
int confutil_conf_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	       strcmp(d->d_name + n - 5, ".conf") == 0;
}
