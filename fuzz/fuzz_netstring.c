/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_netstring - the netstring codec of the socketmap protocol
 *
 * The input is a byte stream as a Postfix client (or anyone reaching the
 * socket) could send it; the first byte picks the payload limit. The
 * target parses it the way the socketmap service does, netstring after
 * netstring, and again fed in pieces of every size from 1 to 7 bytes.
 * Properties: a complete netstring lies within the buffer and its
 * payload within the limit; a prefix of a valid stream is never refused,
 * and parsing in pieces gives exactly the netstrings of the whole; a
 * refusal names its reason; an encoded payload parses back to itself;
 * a split request has a printable name of 1 to 64 bytes.
 */
#include "fuzz.h"
#include "netstring.h"
#include "smproto.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

#define MAX_ITEMS 64

struct result {
	size_t off[MAX_ITEMS], len[MAX_ITEMS]; /* payloads, as offsets */
	size_t n;
	int refused;     /* the stream went bad at some point */
	size_t consumed; /* bytes taken by complete netstrings */
};

/* parse_all - every netstring of buf, as the service does */
static void parse_all(const char *buf, size_t len, size_t max, struct result *r)
{
	size_t pos = 0;

	memset(r, 0, sizeof(*r));
	while (r->n < MAX_ITEMS) {
		const char *p = NULL;
		size_t plen = 0, used = 0;
		char err[128] = "";
		int rc = netstring_parse(buf + pos, len - pos, max, &p, &plen,
					 &used, err, sizeof(err));

		if (rc < 0) {
			FUZZ_CHECK(err[0] != '\0');
			r->refused = 1;
			break;
		}
		if (rc == 0)
			break;
		FUZZ_CHECK(rc == 1);
		FUZZ_CHECK(plen <= max && plen <= NETSTRING_MAX);
		FUZZ_CHECK(used > plen + 2 && used <= len - pos);
		FUZZ_CHECK(p > buf + pos && p + plen < buf + pos + used);
		FUZZ_CHECK(buf[pos + used - 1] == ',');
		r->off[r->n] = (size_t)(p - buf);
		r->len[r->n++] = plen;
		pos += used;
	}
	r->consumed = pos;
}

/* parse_pieces - the same stream arriving step bytes at a time */
static void parse_pieces(const char *buf, size_t len, size_t max, size_t step,
			 const struct result *whole)
{
	size_t have = 0, pos = 0, n = 0;

	while (have < len && n < MAX_ITEMS) {
		have = have + step < len ? have + step : len;
		for (;;) {
			const char *p;
			size_t plen, used;
			char err[128];
			int rc = netstring_parse(buf + pos, have - pos, max, &p,
						 &plen, &used, err, sizeof(err));

			if (rc < 0) {
				/* refused as soon as the bad byte arrives */
				FUZZ_CHECK(whole->refused && n == whole->n);
				return;
			}
			if (rc == 0)
				break;
			FUZZ_CHECK(n < whole->n);
			FUZZ_CHECK((size_t)(p - buf) == whole->off[n] &&
				   plen == whole->len[n]);
			n++;
			pos += used;
			if (n == MAX_ITEMS)
				return;
		}
	}
	FUZZ_CHECK(n == whole->n);
	FUZZ_CHECK(!whole->refused || n == MAX_ITEMS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t maxes[] = {0, 1, 9, 10, 99, 100, 4096, NETSTRING_MAX,
				       NETSTRING_MAX + 1, (size_t)-1};
	const char *buf;
	struct result whole;
	size_t max;

	if (size < 1)
		return 0;
	max = maxes[data[0] % 10];
	buf = (const char *)data + 1;
	size--;

	parse_all(buf, size, max, &whole);
	for (size_t step = 1; step <= 7; step++)
		parse_pieces(buf, size, max, step, &whole);

	for (size_t i = 0; i < whole.n; i++) {
		const char *req = buf + whole.off[i], *name, *key;
		size_t len = whole.len[i], namelen, keylen;
		char err[128] = "";
		struct buf enc;
		const char *p;
		size_t plen, used;

		/* what the service answers is encoded the same way */
		buf_init(&enc);
		netstring_encode(&enc, req, len);
		FUZZ_CHECK(netstring_parse(enc.s, enc.len, NETSTRING_MAX, &p, &plen,
					   &used, err, sizeof(err)) == 1);
		FUZZ_CHECK(plen == len && used == enc.len &&
			   memcmp(p, req, len) == 0);
		buf_release(&enc);

		if (smproto_split_request(req, len, &name, &namelen, &key,
					  &keylen, err, sizeof(err)) < 0) {
			FUZZ_CHECK(err[0] != '\0');
			continue;
		}
		FUZZ_CHECK(name == req && namelen >= 1 && namelen <= 64);
		for (size_t k = 0; k < namelen; k++)
			FUZZ_CHECK(name[k] > 0x20 && name[k] < 0x7f);
		FUZZ_CHECK(key == req + namelen + 1 && namelen + 1 + keylen == len);
	}
	return 0;
}
