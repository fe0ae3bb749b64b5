/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlcode - the help site's page of one code (<lang>/<key>.html)
 *
 * Exports: htmlcode_page: the code's facts (class, outcome, retry, area),
 * the entry it shows (its own, the general X.s.d one, or the class's with
 * a note), the comparisons it is part of, and the related pages. Builds
 * on htmlcompare.h, htmlframe.h and htmlpage.h. Never fails.
 */
#ifndef MILTER_EXPLAIN_HTMLCODE_H
#define MILTER_EXPLAIN_HTMLCODE_H

#include "buf.h"
#include "htmlpage.h"

/* htmlcode_page - the whole page of p in language l */
void htmlcode_page(const struct site *s, struct buf *o, const struct kb_lang *l,
		   const struct page *p);

#endif
