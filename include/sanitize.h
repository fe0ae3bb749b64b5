/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sanitize - make any byte string safe to put into an SMTP reply
 *
 * Exports: sanitize_text (bytes -> printable US-ASCII, transliterating
 * Latin letters), sanitize_value (the same for an untrusted session value,
 * with a length cap), sanitize_fold (wrap at spaces), sanitize_escape
 * (double '%' for libmilter or '$' for a Postfix footer). Never fails.
 */
#ifndef MILTER_EXPLAIN_SANITIZE_H
#define MILTER_EXPLAIN_SANITIZE_H

#include "buf.h"

#include <stddef.h>

/*
 * sanitize_text - append s to out as printable text on one line
 * Control bytes and white space become single spaces (leading and
 * trailing space is dropped); Latin letters with accents lose them
 * ("é" -> "e", "œ" -> "oe"), typographic quotes and dashes become ASCII;
 * anything else, invalid UTF-8 and NUL included, becomes '?'. With
 * SAN_UTF8 in flags, valid UTF-8 of printable characters is kept as it is.
 */
void sanitize_text(struct buf *out, const char *s, size_t len, int flags);

#define SAN_UTF8 1      /* keep valid printable UTF-8 */
#define SAN_KEEP_MARK 2 /* let SAN_MARK bytes through (placeholders) */
#define SAN_MARK '\001' /* brackets an MTA-side variable name */

/* sanitize_value - sanitize_text as ASCII, then cut to max bytes with "..." */
void sanitize_value(struct buf *out, const char *s, size_t len, size_t max);

/*
 * sanitize_fold - wrap one line of text into lines of at most width bytes,
 * breaking at spaces, cutting words longer than width; each line is
 * appended to out (copies). An empty text adds one empty line. Returns
 * the number of lines added.
 */
size_t sanitize_fold(struct strlist *out, const char *text, size_t width);

/* sanitize_escape - append s to out with every c doubled */
void sanitize_escape(struct buf *out, const char *s, char c);

/* sanitize_is_printable - every byte of s is US-ASCII 0x20..0x7e */
int sanitize_is_printable(const char *s, size_t len);

#endif
