/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlsite - the knowledge base as a static help site (`--html DIR`)
 *
 * Exports: htmlsite_write, which writes DIR/index.html (the languages),
 * DIR/style.css and, for every language of the knowledge base (site
 * overrides included), DIR/<lang>/index.html (every code, with a filter
 * box), a page per code, DIR/<lang>/<a>-vs-<b>.html per comparison of
 * the config's help_compare and DIR/<lang>/provider-<source>.html per
 * source of provider rules; htmlsite_strings, the names of the strings
 * the site takes from lang.conf's "site" group.
 *
 * Files (a layered DAG, each using only those below it): htmlsite.c
 * (files, assets) over htmlindex.c (index pages) and htmlcode.c (code
 * pages), over htmlcompare.c (comparison pages) and htmlprovider.c
 * (provider pages), over htmlframe.c (escaping, page frame, entry
 * sections), over htmlpage.c (page set).
 *
 * Link scheme: the page of a code is <lang>/<key>.html, the name that
 * guidance_help_path() builds. Every language gets the same pages: one per
 * key of the base in any language ("550", "X.1.1", "4.1.1", "5XX",
 * "5.X.X"); the class forms 2.s.d, 4.s.d and 5.s.d of every X.s.d key (the
 * class-specific entry where the base has one, else the X.s.d entry under
 * the class's name); every valid 4xx and 5xx reply code (the class's
 * explanation where the base has no entry). So every link that a 4xx or
 * 5xx reply gets leads to a page: guidance_help_path names the reply
 * code's page when the base does not know the enhanced code. A reply
 * that a provider rule explains links to that rule's section instead,
 * <lang>/provider-<source>.html#<rule id> (guidance_provider_path). Links
 * between pages are relative: the site works from any URL.
 *
 * Fails: htmlsite_write returns -1 with "path: reason" or the language that
 * lacks a site string in the caller's buffer; files written before the
 * failure stay.
 */
#ifndef MILTER_EXPLAIN_HTMLSITE_H
#define MILTER_EXPLAIN_HTMLSITE_H

#include "config.h"

#include <stddef.h>

/* htmlsite_write - the whole site into dir, created if missing */
int htmlsite_write(const struct config *cfg, const char *dir, char *err,
		   size_t errlen);

/* htmlsite_strings - the lang.conf site strings every language needs */
extern const char *const htmlsite_strings[];

#endif
