/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * litscan - the literal words a POSIX ERE needs, and one pass over a text
 * that finds which of many such words occur in it
 *
 * Exports: litscan_required (the literals of which an ERE, matched
 * case-insensitively, needs at least one: "Access denied|bad outbound"
 * needs "access denied" or "bad outbound"), and struct litscan, a set of
 * literals each tagged with an id (litscan_new, litscan_add, litscan_free),
 * scanned by litscan_scan. A text in which none of a pattern's literals
 * occurs cannot match the pattern, so its regexec can be skipped: a reply
 * costs one pass over its bytes instead of one regexec per rule.
 * Literals are ASCII, compared without case. Never fails (allocation
 * failure aborts, see buf.h); a built set is read-only and may be shared
 * by threads.
 */
#ifndef MILTER_EXPLAIN_LITSCAN_H
#define MILTER_EXPLAIN_LITSCAN_H

#include "buf.h"

#include <stddef.h>

#define LITSCAN_MAX 64 /* bytes of one literal: longer ones are cut */

/*
 * litscan_required - lowercased literals into out, one per top-level
 * alternative of re, at least one of which occurs in every text re
 * matches (REG_EXTENDED | REG_ICASE); 0, or -1 (out unchanged) when some
 * alternative needs no literal (".*", "[0-9]+", "(a|b)") or its literal
 * part holds a byte above 0x7f
 */
int litscan_required(const char *re, struct strlist *out);

struct litscan;

/* litscan_new - an empty set; litscan_free(NULL) is a no-op */
struct litscan *litscan_new(void);
void litscan_free(struct litscan *ls);

/* litscan_add - the literal lit (ASCII, lowercased, not empty) for id */
void litscan_add(struct litscan *ls, const char *lit, size_t id);

/*
 * litscan_scan - set hit[id] = 1 for the id of every literal that occurs
 * in text (len bytes); hit holds one byte per id, zeroed by the caller.
 * Returns 0, or -1 (hit[] then means nothing) when text has a byte above
 * 0x7f: a case-insensitive regex may fold it onto ASCII, so the caller
 * then tries every pattern.
 */
int litscan_scan(const struct litscan *ls, const char *text, size_t len,
		 unsigned char *hit);

#endif
