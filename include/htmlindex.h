/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlindex - the help site's index pages
 *
 * Exports: htmlindex_lang (<lang>/index.html: every listed code by class
 * and subject, the class defaults and the comparisons, with a filter box
 * and its script, the site's only JavaScript) and htmlindex_root
 * (index.html: the languages). Builds on htmlcompare.h, htmlframe.h and
 * htmlpage.h. Never fails.
 */
#ifndef MILTER_EXPLAIN_HTMLINDEX_H
#define MILTER_EXPLAIN_HTMLINDEX_H

#include "buf.h"
#include "htmlpage.h"

/* htmlindex_lang - every listed code and comparison of one language */
void htmlindex_lang(const struct site *s, struct buf *o,
		    const struct kb_lang *l);
/* htmlindex_root - the site's top index.html: one link per language */
void htmlindex_root(const struct site *s, struct buf *o);

#endif
