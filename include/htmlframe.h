/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlframe - escaping and the frame every page of the help site shares
 *
 * Exports: htmlframe_escape and htmlframe_esc (the only way text reaches
 * a page), htmlframe_url (a link that shows its address), htmlframe_text
 * (a knowledge-base text: templates filled, escaped, URLs linked), the class names, the page head and foot, a
 * heading, and an entry's sections (htmlframe_entry, htmlframe_fix,
 * htmlframe_wire) that code and comparison pages both show. Uses only
 * htmlpage.h of the help site's files. Never fails.
 */
#ifndef MILTER_EXPLAIN_HTMLFRAME_H
#define MILTER_EXPLAIN_HTMLFRAME_H

#include "buf.h"
#include "htmlpage.h"

#include <stddef.h>

/* htmlframe_escape - append n bytes of s with & < > " ' as references */
void htmlframe_escape(struct buf *out, const char *s, size_t n);
/* htmlframe_esc - append s escaped (NULL: nothing) */
void htmlframe_esc(struct buf *o, const char *s);
/* htmlframe_url - a link that shows its own address, the n bytes of url */
void htmlframe_url(struct buf *o, const char *url, size_t n);
/* htmlframe_text - a base text: templates filled, escaped, URLs linked */
void htmlframe_text(const struct site *s, struct buf *o, const struct page *p,
		    const char *text);

/* htmlframe_class_name - the class's name as plain text ("Permanent failure")
 */
void htmlframe_class_name(struct buf *o, const struct kb_lang *l, int cls,
			  int enh);
/* htmlframe_class - "<span class=code>5xx</span> &middot; name", escaped */
void htmlframe_class(struct buf *o, const struct kb_lang *l, int cls, int enh);

/* htmlframe_head - doctype to the top of <main>; file names this page */
void htmlframe_head(const struct site *s, struct buf *o,
		    const struct kb_lang *l, const char *file,
		    const char *title, int noindex);
/* htmlframe_foot - end of <main> to the end */
void htmlframe_foot(struct buf *o, const struct kb_lang *l);
/* htmlframe_heading - <hN>text</hN>, text escaped */
void htmlframe_heading(struct buf *o, int level, const char *text);

/* htmlframe_entry - description, when and fix sections, headings at level */
void htmlframe_entry(const struct site *s, struct buf *o,
		     const struct kb_lang *l, const struct page *p,
		     const struct kb_entry *e, int level);
/* htmlframe_fix - the fix text, split for sender and administrator if both */
void htmlframe_fix(const struct site *s, struct buf *o, const struct kb_lang *l,
		   const struct page *p, const struct kb_entry *e, int level);
/* htmlframe_wire - the entry's short form and the site's appended lines */
void htmlframe_wire(const struct site *s, struct buf *o,
		    const struct kb_lang *l, const struct page *p,
		    const struct kb_entry *e);

#endif
