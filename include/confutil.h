/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * confutil - the helpers over libconfig that the config and knowledge-base
 * loaders share: one error formatter, one text check, typed getters
 *
 * Exports: struct confutil_src (the file being read and the caller's error
 * buffer), confutil_fail, confutil_line, confutil_text_ok, confutil_get_string,
 * confutil_get_int, confutil_get_bool, confutil_get_word,
 * confutil_word_index, confutil_get_strings, confutil_check_members,
 * confutil_unknown_member, confutil_resolve, confutil_absolute,
 * confutil_read, confutil_conf_filter. Fails: every getter returns -1 with
 * "file:line: message" in the caller's buffer; none exits.
 */
#ifndef MILTER_EXPLAIN_CONFUTIL_H
#define MILTER_EXPLAIN_CONFUTIL_H

#include "buf.h"

#include <dirent.h>
#include <libconfig.h>
#include <stddef.h>

/* where a loader is: the file read (when a setting names none) and the
 * buffer that receives the first error */
struct confutil_src {
	const char *file;
	char *err;
	size_t errlen;
};

/*
 * confutil_fail - write "file:line: message" for setting s (line 0 when s
 * is NULL) into src->err; the file is the one s comes from, else
 * src->file. Returns -1, so that a caller can `return confutil_fail(..)`.
 */
int confutil_fail(const struct confutil_src *src, const config_setting_t *s,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* confutil_line - the line setting s starts on (0 when unknown), as an int */
int confutil_line(const config_setting_t *s);

/*
 * confutil_text_ok - non-zero when v holds no C0 control character and no
 * DEL (0x7f): the one rule for text read from config and knowledge-base
 * files, which ends up in SMTP replies and web pages
 */
int confutil_text_ok(const char *v);

/*
 * confutil_get_string - member name of group g as a string: 0 absent, 1
 * found (*out freed and replaced by a copy the caller frees), -1 bad. With
 * path non-zero a relative value is resolved against the directory of
 * the file that sets it.
 */
int confutil_get_string(const struct confutil_src *src,
			const config_setting_t *g, const char *name, char **out,
			int path);

/* confutil_get_int - member name of g, a whole number in [lo, hi] */
int confutil_get_int(const struct confutil_src *src, const config_setting_t *g,
		     const char *name, int lo, int hi, int *out);

/* confutil_get_bool - member name of g, true or false */
int confutil_get_bool(const struct confutil_src *src, const config_setting_t *g,
		      const char *name, int *out);

/*
 * confutil_get_word - member name of g, one of the words of choices
 * ("append|replace"); *out is the word's index
 */
int confutil_get_word(const struct confutil_src *src, const config_setting_t *g,
		      const char *name, const char *choices, int *out);

/* confutil_word_index - index of v among the '|'-separated choices, or -1 */
int confutil_word_index(const char *choices, const char *v);

/*
 * confutil_get_strings - setting s (named name in messages): a string or
 * an array or list of strings, into out (released first); the caller
 * checks the values. Returns 1 or -1.
 */
int confutil_get_strings(const struct confutil_src *src,
			 const config_setting_t *s, const char *name,
			 struct strlist *out);

/*
 * confutil_check_members - 0 when every member of group g is named in the
 * NULL-terminated list names, else -1 with "unknown setting 'x'" and, when
 * what is not NULL, " in WHAT"
 */
int confutil_check_members(const struct confutil_src *src,
			   const config_setting_t *g, const char *const *names,
			   const char *what);

/*
 * confutil_unknown_member - the first member of group g whose name is not
 * in the NULL-terminated list names (a nameless member counts as
 * unknown), or NULL when every member is known
 */
config_setting_t *confutil_unknown_member(const config_setting_t *g,
					  const char *const *names);

/*
 * confutil_resolve - path relative to the directory of file (absolute
 * paths and files without a directory unchanged); the caller frees it
 */
char *confutil_resolve(const char *file, const char *path);

/*
 * confutil_absolute - path made absolute against the current directory
 * (not resolved: links stay links), so that it keeps its meaning after
 * the daemon's chdir("/"); the caller frees it
 */
char *confutil_absolute(const char *path);

/*
 * confutil_read - config_init(cf) and parse path into it: 0, or -1 with
 * "file:line: message" in src's buffer (the system's reason when the
 * file cannot be read); the caller calls config_destroy(cf) either way
 */
int confutil_read(const struct confutil_src *src, config_t *cf,
		  const char *path);

/* confutil_conf_filter - scandir(3) filter: the *.conf names, not hidden */
int confutil_conf_filter(const struct dirent *d);

#endif
