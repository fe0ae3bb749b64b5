/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlpage - the help site's model: which pages exist and what each shows
 *
 * Exports: struct site (what is being written: languages, the page set,
 * the caller's error buffer) and struct page (one code's page); the page
 * set (htmlpage_init, htmlpage_release), the entry a page shows
 * (htmlpage_resolve), the keys of a page's relatives (htmlpage_enh_key,
 * htmlpage_class_key) and the site strings (htmlpage_str, htmlpage_strf).
 * No markup here: the html*.c page writers build on this file, which
 * uses none of them. Fails: htmlpage_init returns -1 with the reason in
 * the caller's err.
 */
#ifndef MILTER_EXPLAIN_HTMLPAGE_H
#define MILTER_EXPLAIN_HTMLPAGE_H

#include "config.h"
#include "kb.h"
#include "smtpcode.h"

#include <stddef.h>

/* one page; kind orders the index: basic codes, enhanced, class defaults */
struct page {
	char key[16]; /* "550", "X.1.1", "4.1.1", "5XX", "5.X.X" */
	enum smtp_key_kind kind;
	int code;	       /* SMTP_KEY_BASIC: the reply code */
	struct smtp_status st; /* SMTP_KEY_ENHANCED: cls 0 for "X.s.d" */
	int cls;	       /* class digit, 0 for an X.s.d key */
	int enh;	       /* an enhanced-code key, "5.X.X" included */
	int listed;	       /* a key of the base: listed in the index */
};

struct site {
	const struct config *cfg;
	const char *dir;
	const struct kb_lang **langs; /* configured languages first */
	size_t nlangs;
	struct page **pages; /* sorted */
	size_t npages;
	struct hash *index; /* key -> struct page */
	char *err;
	size_t errlen;
};

/* how a page's entry was found (htmlpage_resolve) */
enum { RES_EXACT, RES_GENERAL, RES_FALLBACK };

/* htmlpage_init - languages and page set of cfg; release even on failure */
int htmlpage_init(struct site *s, const struct config *cfg, const char *dir,
		  char *err, size_t errlen);
/* htmlpage_release - free what htmlpage_init built */
void htmlpage_release(struct site *s);

/*
 * htmlpage_resolve - the entry a page shows in language l: its own
 * (RES_EXACT), the X.s.d entry of a class form (RES_GENERAL), or the
 * class's (RES_FALLBACK, may be NULL)
 */
const struct kb_entry *htmlpage_resolve(const struct kb_lang *l,
					const struct page *p, int *how);

/* htmlpage_enh_key - "cls.s.d" of an enhanced page ("X.s.d" for cls 0) */
void htmlpage_enh_key(const struct page *p, int cls, char *out, size_t outlen);
/* htmlpage_class_key - the page's class default, "5XX" or "5.X.X" */
void htmlpage_class_key(const struct page *p, char *out, size_t outlen);

/* htmlpage_str - site string name of l ("" if missing; checked before) */
const char *htmlpage_str(const struct kb_lang *l, const char *name);
/* htmlpage_strf - the site string prefix and n ("class_" 5), or NULL */
const char *htmlpage_strf(const struct kb_lang *l, const char *prefix, int n);

#endif
