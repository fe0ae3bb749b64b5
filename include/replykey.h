/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replykey - a socketmap key: the reply text Postfix looks up, parsed
 *
 * Exports: struct replykey and replykey_parse. A key is the complete
 * reply, one line or several joined with CRLF (or LF): at most
 * REPLY_LINES_MAX lines, the first starting with a 4xx or 5xx reply code.
 * Pure: the parsed lines point into the caller's key, nothing is
 * allocated. Fails: -1 when the key is no reply this daemon explains.
 */
#ifndef MILTER_EXPLAIN_REPLYKEY_H
#define MILTER_EXPLAIN_REPLYKEY_H

#include "config.h"
#include "smtpcode.h"

#include <stddef.h>

#define REPLYKEY_DOMAIN_MAX 253 /* bytes of a recipient domain */

/* one line of a key: its text after "550-5.1.1 ", or all of it */
struct replykey_line {
	const char *text; /* into the key, not NUL-terminated */
	size_t len;
};

struct replykey {
	struct smtp_status st; /* of the first line */
	struct replykey_line lines[REPLY_LINES_MAX];
	size_t n; /* 1 to REPLY_LINES_MAX */
	/* the domain of the first <local@domain> of line 1, or "" */
	char domain[REPLYKEY_DOMAIN_MAX + 1];
};

/*
 * replykey_parse - split key (len bytes, any byte allowed) into r: the
 * status of the first line (its enhanced class made the reply's), the text of each line (a line after the
 * first keeps its codes when they do not parse) and the recipient domain
 * for language rules. Returns 0, or -1 when the first line is no 4xx or
 * 5xx reply or the key has more than REPLY_LINES_MAX lines.
 */
int replykey_parse(const char *key, size_t len, struct replykey *r);

#endif
