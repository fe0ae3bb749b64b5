/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netstring - the netstring codec of Postfix's socketmap protocol
 *
 * Exports: netstring_parse (find one complete netstring at the start of a
 * byte buffer that may hold a partial one or several) and
 * netstring_encode. What the netstrings carry, requests and answers, is
 * smproto.h's.
 * The grammar is strict: 1 to 6 decimal digits without leading zeros
 * (except the length "0"), ':', exactly that many payload bytes, ','.
 * Lengths above NETSTRING_MAX, Postfix's socketmap limit, are refused as
 * soon as their digits arrive. Pure; no allocation except in
 * netstring_encode (which aborts on out of memory, see buf.h). Fails:
 * -1 with the reason in the caller's buffer.
 */
#ifndef MILTER_EXPLAIN_NETSTRING_H
#define MILTER_EXPLAIN_NETSTRING_H

#include "buf.h"

#include <stddef.h>

#define NETSTRING_MAX 100000 /* payload bytes: Postfix's socketmap limit */
/* bytes of the longest acceptable netstring: "100000:" payload "," */
#define NETSTRING_WIRE_MAX (NETSTRING_MAX + 8)

/*
 * netstring_parse - one netstring at the start of buf (len bytes), with
 * a payload of at most max bytes (max <= NETSTRING_MAX).
 * Returns 1 when it is complete: *payload points into buf, *paylen is its
 * length and *used the bytes it took (the next netstring starts there);
 * 0 when buf is a valid but incomplete prefix (read more, call again);
 * -1 when buf can never become a valid netstring (reason in err).
 */
int netstring_parse(const char *buf, size_t len, size_t max,
		    const char **payload, size_t *paylen, size_t *used,
		    char *err, size_t errlen);

/* netstring_encode - append "LEN:" s ",": the caller checks len <= max */
void netstring_encode(struct buf *out, const char *s, size_t len);

#endif
