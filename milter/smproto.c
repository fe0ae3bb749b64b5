/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smproto - the words of Postfix's socketmap protocol, above the
 * netstrings
 *
 * Exports: smproto_split_request, smproto_map, smproto_answer. The one
 * place that knows the request grammar, the map names and the answer
 * words; lookup.c answers with them, socketmap.c frames them.
 */
#include "smproto.h"
#include "netstring.h"

#include <stdio.h>
#include <string.h>

/* the words of enum smproto_status, with their space */
static const char *const status_word[] = {"OK ", "NOTFOUND ", "TEMP ",
					  "PERM "};

/* smproto_split_request - see smproto.h */
int smproto_split_request(const char *req, size_t len, const char **name,
			  size_t *namelen, const char **key, size_t *keylen,
			  char *err, size_t errlen)
{
	const char *sp = memchr(req, ' ', len);
	size_t n;

	if (sp == NULL) {
		snprintf(err, errlen,
			 "malformed request: expected \"NAME KEY\"");
		return -1;
	}
	n = (size_t)(sp - req);
	if (n == 0 || n > SMPROTO_NAME_MAX) {
		snprintf(
		    err, errlen,
		    "malformed request: the map name must be 1 to %d bytes",
		    SMPROTO_NAME_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (req[i] <= 0x20 || req[i] >= 0x7f) {
			snprintf(err, errlen,
				 "malformed request: the map name is not "
				 "printable ASCII");
			return -1;
		}
	}
	*name = req;
	*namelen = n;
	*key = sp + 1;
	*keylen = len - n - 1;
	return 0;
}

/* smproto_map - see smproto.h */
enum smproto_map smproto_map(const char *name, size_t len)
{
	if (len == 6 && memcmp(name, "footer", 6) == 0)
		return SMPROTO_MAP_FOOTER;
	if (len == 6 && memcmp(name, "filter", 6) == 0)
		return SMPROTO_MAP_FILTER;
	return SMPROTO_MAP_UNKNOWN;
}

/* smproto_answer - see smproto.h */
void smproto_answer(struct buf *out, enum smproto_status st,
		    const char *data, size_t len)
{
	size_t room;

	buf_reset(out);
	if (st == SMPROTO_OK && len + strlen(status_word[st]) > NETSTRING_MAX)
		st = SMPROTO_NOTFOUND;
	buf_adds(out, status_word[st]);
	if (st == SMPROTO_NOTFOUND)
		return;
	room = NETSTRING_MAX - out->len;
	buf_addn(out, data, len < room ? len : room);
}
