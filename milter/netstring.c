/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netstring - the netstring codec of Postfix's socketmap protocol
 *
 * Exports: netstring_parse, netstring_encode.
 * The parser is incremental in the simplest way: it keeps no state, the
 * caller keeps the bytes and calls again when more arrive; every prefix
 * is checked as far as it goes, so a hostile length ("0012", "9999999",
 * "12x") is refused on its first bad byte, before any payload is
 * buffered. Fails: -1 with the reason in the caller's buffer.
 */
#include "netstring.h"

#include <stdio.h>

/* describe - a byte for an error message, printable or as hex */
static void describe(char *out, size_t outlen, unsigned char c)
{
	if (c > 0x20 && c < 0x7f)
		snprintf(out, outlen, "'%c'", c);
	else
		snprintf(out, outlen, "byte 0x%02x", c);
}

/* netstring_parse - see netstring.h */
int netstring_parse(const char *buf, size_t len, size_t max,
		    const char **payload, size_t *paylen, size_t *used,
		    char *err, size_t errlen)
{
	size_t i = 0, n = 0;
	char what[16];
	int rc = -1;

	if (max > NETSTRING_MAX)
		max = NETSTRING_MAX;
	while (i < len && buf[i] >= '0' && buf[i] <= '9') {
		if (i == 1 && buf[0] == '0') {
			snprintf(
			    err, errlen,
			    "malformed netstring: leading zero in the length");
			goto out;
		}
		n = n * 10 + (size_t)(buf[i] - '0');
		i++;
		if (n > max) {
			snprintf(err, errlen,
				 "netstring length over the limit of %zu bytes",
				 max);
			goto out;
		}
	}
	if (i == len) {
		rc = 0; /* digits so far, or nothing yet */
		goto out;
	}
	if (i == 0) {
		describe(what, sizeof(what), (unsigned char)buf[0]);
		snprintf(
		    err, errlen,
		    "malformed netstring: %s where the length should start",
		    what);
		goto out;
	}
	if (buf[i] != ':') {
		describe(what, sizeof(what), (unsigned char)buf[i]);
		snprintf(
		    err, errlen,
		    "malformed netstring: %s after the length, expected ':'",
		    what);
		goto out;
	}
	i++;
	if (len - i < n + 1) {
		rc = 0; /* payload or the final ',' still to come */
		goto out;
	}
	if (buf[i + n] != ',') {
		describe(what, sizeof(what), (unsigned char)buf[i + n]);
		snprintf(err, errlen,
			 "malformed netstring: %s after %zu payload bytes, "
			 "expected ','",
			 what, n);
		goto out;
	}
	*payload = buf + i;
	*paylen = n;
	*used = i + n + 1;
	rc = 1;
out:
	return rc;
}

/* netstring_encode - see netstring.h */
void netstring_encode(struct buf *out, const char *s, size_t len)
{
	buf_printf(out, "%zu:", len);
	buf_addn(out, s, len);
	buf_addc(out, ',');
}
