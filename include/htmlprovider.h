/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlprovider - the help site's page of one provider source
 * (<lang>/provider-<source>.html)
 *
 * Exports: htmlprovider_file (the page's file name, which the index and
 * guidance_provider_path link to) and htmlprovider_page (the source's
 * name and help page, then one section per rule, its id the anchor:
 * title, how the reply is recognised, the public page it was checked
 * against, the lines added on the wire, and the entry's description,
 * when and fix). Builds on htmlframe.h and htmlpage.h. Never fails.
 */
#ifndef MILTER_EXPLAIN_HTMLPROVIDER_H
#define MILTER_EXPLAIN_HTMLPROVIDER_H

#include "htmlpage.h"
#include "provider.h"

/* htmlprovider_file - "provider-microsoft365.html" into out */
void htmlprovider_file(const struct provider_source *src, char *out,
		       size_t outlen);

/* htmlprovider_page - the whole page of src in language l */
void htmlprovider_page(const struct site *s, struct buf *o,
		       const struct kb_lang *l,
		       const struct provider_source *src);

#endif
