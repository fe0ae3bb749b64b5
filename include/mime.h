/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mime - the small, bounded part of MIME the DSN door needs
 *
 * Exports: mime_line (one line of a byte range, LF or CRLF), mime_fields
 * (walk the fields of a header block, unfolded), mime_ctype (type and
 * one parameter of a Content-Type value), mime_cte (a
 * Content-Transfer-Encoding value), mime_find_delim (the next boundary
 * delimiter line), and the codecs mime_b64_decode, mime_b64_encode and
 * mime_qp_encode. Everything works on (pointer, length) ranges of the
 * original bytes and never rewrites them; nothing reads past the range.
 * Fails: -1 for malformed input, never a partial result the caller must
 * undo (the output buffers may hold garbage then).
 * Why not GMime 3 (Debian's libgmime-3.0): it can give a part's byte range
 * (persistent substreams) and has the codecs, but it repairs what it
 * parses (a report cut in the middle parses silently as complete, which
 * the door must refuse), has no parser for delivery-status fields, and
 * would load glib, gio, gpgme and 16 other libraries (+4.6 MiB RSS) into
 * a root-started daemon for the few hundred lines needed here.
 */
#ifndef MILTER_EXPLAIN_MIME_H
#define MILTER_EXPLAIN_MIME_H

#include "buf.h"

#include <stddef.h>

#define MIME_FIELD_MAX 2048  /* bytes of one unfolded header field */
#define MIME_TOKEN_MAX 200   /* bytes of a type, parameter value, boundary */

enum mime_cte {
	CTE_7BIT, /* also what an absent header means */
	CTE_8BIT,
	CTE_BINARY,
	CTE_QP,
	CTE_BASE64,
	CTE_OTHER
};

/*
 * mime_line - the line at s[pos..len): *end is where its text ends (before
 * CR LF or LF), the return value where the next line starts (len at the
 * end of the range; then *end == len when the line has no line break)
 */
size_t mime_line(const char *s, size_t len, size_t pos, size_t *end);

/*
 * mime_fields - call fn for each field of the header block s[0..len)
 * (which ends at its empty line or at len) with the name and the value,
 * unfolded, runs of white space made one space, cut to MIME_FIELD_MAX.
 * *body is set to where the content after the empty line starts.
 * Returns 0, 1 when the range ended before any empty line (*body = len),
 * or -1 when a line is neither a field nor a continuation; fn returns 0
 * to go on, -1 to skip the remaining fields.
 */
typedef int (*mime_field_fn)(const char *name, size_t namelen,
			     const char *value, void *ctx);
int mime_fields(const char *s, size_t len, size_t *body, mime_field_fn fn,
		void *ctx);

/*
 * mime_ctype - parse a Content-Type value: the type/subtype lower-cased
 * into type, and the value of parameter param (NULL: none wanted) into
 * val, unquoted ("" when absent). Returns 0, or -1 when malformed or a
 * token is longer than MIME_TOKEN_MAX.
 */
int mime_ctype(const char *value, char *type, size_t typelen,
	       const char *param, char *val, size_t vallen);

/* mime_cte - the encoding a Content-Transfer-Encoding value names */
enum mime_cte mime_cte(const char *value);

/*
 * mime_find_delim - the next delimiter line of boundary b in s[pos..len):
 * a line that is "--" b, then optional "--" (the close delimiter, *close
 * set), then only white space. Returns its offset (a line start), or
 * len when there is none. *next is the start of the line after it.
 */
size_t mime_find_delim(const char *s, size_t len, size_t pos, const char *b,
		       int *close, size_t *next);

/* mime_b64_decode - decode base64 (white space skipped) onto out; 0/-1 */
int mime_b64_decode(struct buf *out, const char *s, size_t len);

/*
 * mime_b64_encode - encode data onto out in lines of width characters
 * (a multiple of 4, at most 76), each followed by eol
 */
void mime_b64_encode(struct buf *out, const char *data, size_t len,
		     size_t width, const char *eol);

/*
 * mime_qp_encode - encode text (lines separated by '\n') as
 * quoted-printable onto out, lines at most 76 characters, hard line
 * breaks written as eol
 */
void mime_qp_encode(struct buf *out, const char *text, size_t len,
		    const char *eol);

#endif
