/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * explain - the full guidance for people: `milter-explain -x`
 *
 * Exports: explain_arg (one reply line or bare code), explain_stream (every
 * status code found in pasted reply lines or a whole bounce message),
 * explain_scan (the status codes of one line, for tests and the fuzzer).
 * Output is wrapped text with the language's headings. Fails: -1 with the
 * reason in err for a malformed argument.
 */
#ifndef MILTER_EXPLAIN_EXPLAIN_H
#define MILTER_EXPLAIN_EXPLAIN_H

#include "config.h"

#include <stdio.h>

/* explain_arg - explain "550 5.1.1 text", "550" or "5.1.1" */
int explain_arg(FILE *out, const struct config *cfg, const char *arg,
		const struct strlist *langs, int width, char *err, size_t errlen);

/*
 * explain_stream - explain each distinct status code found in the lines
 * of in; returns how many were found (0: none, which the caller reports)
 */
int explain_stream(FILE *out, FILE *in, const struct config *cfg,
		   const struct strlist *langs, int width);

/* explain_scan - status codes of one line into st (at most max); count */
size_t explain_scan(const char *line, size_t len, struct smtp_status *st,
		    size_t max);

#endif
