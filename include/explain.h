/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * explain - the full guidance for people: `milter-explain -x`
 *
 * Exports: explain_arg (one reply line or bare code), explain_stream (every
 * status code found in pasted reply lines or a whole bounce message),
 * explain_scan (the status codes of one line, for tests and the fuzzer),
 * explain_text (the reply text that goes with a code found in a bounce).
 * Output is wrapped text with the language's headings. Fails: -1 with the
 * reason in err for a malformed argument.
 */
#ifndef MILTER_EXPLAIN_EXPLAIN_H
#define MILTER_EXPLAIN_EXPLAIN_H

#include "config.h"

#include <stdio.h>

#define EXPLAIN_INPUT_MAX (32u << 20) /* bytes of a bounce read; the rest
					* is not looked at */
#define EXPLAIN_TEXT_MAX 4096 /* bytes of reply text gathered for a code */

/* explain_arg - explain "550 5.1.1 text", "550" or "5.1.1" */
int explain_arg(FILE *out, const struct config *cfg, const char *arg,
		const struct strlist *langs, int width, char *err, size_t errlen);

/*
 * explain_stream - explain each distinct status code found in the lines
 * of in (its first EXPLAIN_INPUT_MAX bytes), each with its reply text
 * (explain_text); returns how many were found (0: none, which the caller
 * reports)
 */
int explain_stream(FILE *out, FILE *in, const struct config *cfg,
		   const struct strlist *langs, int width);

/* explain_scan - status codes of one line into st (at most max); count */
size_t explain_scan(const char *line, size_t len, struct smtp_status *st,
		    size_t max);

/*
 * explain_text - the reply text of the code st that explain_scan found in
 * the line starting at s[line], ending at s[pos], into t (reset first):
 * the rest of that line, then each line folded under it (indented, as
 * Postfix folds "said: 550 5.7.26" and Diagnostic-Code), or, when the line
 * starts with "550-5.7.26", the text of the reply's further lines up to
 * its last ("550 5.7.26"). Lines quoted with '>' count at the same depth
 * only. The reply's own codes repeated within (Postfix joins the lines of
 * a reply so) and Postfix's " (in reply to ... command)" are dropped.
 * At most about EXPLAIN_TEXT_MAX bytes; NUL bytes are kept as they come.
 */
void explain_text(const char *s, size_t len, size_t line, size_t pos,
		  const struct smtp_status *st, struct buf *t);

#endif
