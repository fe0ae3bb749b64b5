/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kb - the knowledge base: guidance per reply code, per language
 *
 * Exports: struct kb (languages) of struct kb_lang (headings, entries) of
 * struct kb_entry (kb_entry_free frees one); kb_load_dir reads one
 * language folder, kb_merge_setting merges one site override into an
 * entry field by field (a file whose only setting is "compare" holds the
 * language's comparisons instead of entries: kb_compare.h); kb_find
 * applies the lookup order (5.1.1, X.1.1, then for an unknown detail such
 * as 5.7.708 its subject's 5.7.0 and X.7.0, then 550, 5.X.X, 5XX). The
 * loaders are in kb_load.c, the rest in kb.c. Fails: the loaders return
 * -1 with "file:line: message" in the caller's buffer.
 */
#ifndef MILTER_EXPLAIN_KB_H
#define MILTER_EXPLAIN_KB_H

#include "buf.h"
#include "kb_compare.h"
#include "smtpcode.h"
#include "template.h"

#include <stddef.h>

#define KB_SHORT_MAX 3      /* short lines in the shipped base */
#define KB_SHORT_LEN 200    /* bytes per short line */
#define KB_APPEND_MAX 8     /* extra lines a site may append to an entry */

struct kb_entry {
	char *key;      /* "550", "X.1.1", "5.1.1", "5XX", "5.X.X" */
	char *title;
	struct strlist shorts;  /* the wire form, templates allowed */
	struct strlist append;  /* site lines after the short form */
	char *description, *when, *fix, *admin; /* admin may be NULL */
	struct strlist related; /* keys of related entries ("535"), may be empty */
	char *file;     /* where it was (last) defined */
	int line;
};

struct kb_headings {
	char *description, *when, *fix, *sender, *admin, *class_fallback;
	char *retry;       /* the first sentence of a 4xx reply's guidance:
			    * the sending server retries by itself (optional) */
	/* optional labels of milter-explain -x (NULL: English) */
	char *on_the_wire, *checked_against;
	struct hash *site; /* lang.conf "site = { name = text; }", optional:
			    * the help site's strings (htmlsite.h), owned */
};

struct kb_lang {
	char *code;     /* "en" */
	char *name;     /* "English" */
	struct kb_headings head;
	struct hash *entries;     /* key -> struct kb_entry */
	struct kb_entry **all;    /* in load order, for listing */
	size_t n, cap;
	struct kb_compares compares; /* compare.conf: the help site's pairs */
};

struct kb {
	struct kb_lang **langs;
	size_t n;
};

/* kb_new - an empty base; kb_free(NULL) is a no-op */
struct kb *kb_new(void);
void kb_free(struct kb *kb);

/* kb_entry_free - an entry and every string it holds, whoever built it
 * (the base, or provider.c for a rule's text); kb_entry_free(NULL) is a
 * no-op */
void kb_entry_free(struct kb_entry *e);

/*
 * kb_load_dir - load every *.conf of dir/lang (name order, lang.conf
 * first, which is required) as language lang of the shipped base: entries
 * are complete and use no template. Returns 0, or -1 with the reason in
 * err.
 */
int kb_load_dir(struct kb *kb, const char *dir, const char *lang, char *err,
		size_t errlen);

/*
 * kb_merge_setting - merge one site override entry (a libconfig group
 * setting, passed as void to keep libconfig out of this header) into
 * language lang, which must be loaded. Returns 0 or -1 with err set.
 */
int kb_merge_setting(struct kb *kb, const char *lang, const char *file,
		     const void *setting, template_known_fn known, void *ctx,
		     char *err, size_t errlen);

/* kb_load_all - load every language folder of dir (each has lang.conf) */
int kb_load_all(struct kb *kb, const char *dir, char *err, size_t errlen);

/* kb_lang_add - the language lang, created empty if new (the loader's) */
struct kb_lang *kb_lang_add(struct kb *kb, const char *lang);

/* kb_entry_add - index a new entry e of l (no entry with its key yet);
 * l owns e from then on */
void kb_entry_add(struct kb_lang *l, struct kb_entry *e);

/* kb_site_set - the help site's string name of l; l owns text, and frees
 * the one it replaces */
void kb_site_set(struct kb_lang *l, const char *name, char *text);

/* kb_lang_get - the loaded language, or NULL */
const struct kb_lang *kb_lang_get(const struct kb *kb, const char *lang);

/*
 * kb_find - the entry for a status; *class_only is set when only a class
 * default ("5XX", "5.X.X") matched. NULL when nothing matched.
 */
const struct kb_entry *kb_find(const struct kb_lang *l,
			       const struct smtp_status *st, int *class_only);

/* kb_get - the entry with exactly this key, or NULL */
const struct kb_entry *kb_get(const struct kb_lang *l, const char *key);

/* kb_key_valid - non-zero for a well-formed entry key */
int kb_key_valid(const char *key);

#endif
