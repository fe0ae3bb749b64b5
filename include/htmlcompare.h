/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlcompare - the help site's comparison pages (help_compare pairs)
 *
 * Exports: htmlcompare_title (the pair's title, which code pages and the
 * index link with) and htmlcompare_page (the page <a>-vs-<b>.html: both
 * codes side by side, their key differences, then each section of both
 * entries). Builds on htmlframe.h and htmlpage.h. Never fails: the config
 * loader checked that both codes of a pair are in the knowledge base.
 */
#ifndef MILTER_EXPLAIN_HTMLCOMPARE_H
#define MILTER_EXPLAIN_HTMLCOMPARE_H

#include "buf.h"
#include "htmlpage.h"

/* htmlcompare_title - "SMTP 235 vs 502", markup included */
void htmlcompare_title(struct buf *o, const struct kb_lang *l,
		       const struct help_pair *hp);
/* htmlcompare_page - the comparison page of a pair */
void htmlcompare_page(const struct site *s, struct buf *o,
		      const struct kb_lang *l, const struct help_pair *hp);

#endif
