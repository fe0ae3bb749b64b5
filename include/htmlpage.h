/*
 * htmlpage - the pieces of the help site's pages, for htmlsite.c only
 *
 * Exports: struct site (what is being written: languages, the page set,
 * the caller's error buffer) and struct page (one code's page); the page
 * set (htmlpage_init, htmlpage_release, htmlpage_resolve), the site
 * strings (htmlpage_str, htmlpage_strf), escaped and filled text, page
 * head and foot, an entry's sections, the comparison page, and the files
 * (htmlpage_mkdir, htmlpage_write). Fails: htmlpage_init, htmlpage_mkdir
 * and htmlpage_write return -1 with the reason in the site's err.
 */
#ifndef MILTER_EXPLAIN_HTMLPAGE_H
#define MILTER_EXPLAIN_HTMLPAGE_H

#include "buf.h"
#include "config.h"
#include "kb.h"

#include <stddef.h>

/* kinds of pages, in the order of the index */
enum page_kind { PAGE_BASIC, PAGE_ENHANCED, PAGE_CLASS };

struct page {
	char key[16]; /* "550", "X.1.1", "4.1.1", "5XX", "5.X.X" */
	enum page_kind kind;
	int code;	       /* PAGE_BASIC: the reply code */
	struct smtp_status st; /* PAGE_ENHANCED: cls 0 for "X.s.d" */
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
void htmlpage_release(struct site *s);

/*
 * htmlpage_resolve - the entry a page shows in language l: its own
 * (RES_EXACT), the X.s.d entry of a class form (RES_GENERAL), or the
 * class's (RES_FALLBACK, may be NULL)
 */
const struct kb_entry *htmlpage_resolve(const struct kb_lang *l,
					const struct page *p, int *how);

/* htmlpage_str - site string name of l ("" if missing; checked before) */
const char *htmlpage_str(const struct kb_lang *l, const char *name);
/* htmlpage_strf - the site string prefix and n ("class_" 5), or NULL */
const char *htmlpage_strf(const struct kb_lang *l, const char *prefix, int n);

/* htmlpage_esc - append s escaped */
void htmlpage_esc(struct buf *o, const char *s);
/* htmlpage_text - a base text: templates filled, escaped, URLs linked */
void htmlpage_text(const struct site *s, struct buf *o, const struct page *p,
		   const char *text);
/* htmlpage_class_name - the class's name as plain text ("Permanent failure") */
void htmlpage_class_name(struct buf *o, const struct kb_lang *l, int cls,
			 int enh);
/* htmlpage_class - "<span class=code>5xx</span> &middot; name", escaped */
void htmlpage_class(struct buf *o, const struct kb_lang *l, int cls, int enh);

/* htmlpage_head - doctype to the top of <main>; file names this page */
void htmlpage_head(const struct site *s, struct buf *o, const struct kb_lang *l,
		   const char *file, const char *title, int noindex);
/* htmlpage_foot - end of <main> to the end */
void htmlpage_foot(struct buf *o, const struct kb_lang *l);

/* htmlpage_entry - description, when and fix sections, headings at level */
void htmlpage_entry(const struct site *s, struct buf *o,
		    const struct kb_lang *l, const struct page *p,
		    const struct kb_entry *e, int level);
/* htmlpage_wire - the entry's short form and the site's appended lines */
void htmlpage_wire(const struct site *s, struct buf *o, const struct kb_lang *l,
		   const struct page *p, const struct kb_entry *e);

/* htmlpage_pair_title - "SMTP 235 vs 502", markup included */
void htmlpage_pair_title(struct buf *o, const struct kb_lang *l,
			 const struct help_pair *hp);
/* htmlpage_compare - the comparison page of a pair */
void htmlpage_compare(const struct site *s, struct buf *o,
		      const struct kb_lang *l, const struct help_pair *hp);

/* htmlpage_mkdir - mkdir -p path */
int htmlpage_mkdir(const struct site *s, const char *path);
/* htmlpage_write - b into dir[/lang]/name, whole */
int htmlpage_write(const struct site *s, const char *lang, const char *name,
		   const struct buf *b);

#endif
