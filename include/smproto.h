/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smproto - the words of Postfix's socketmap protocol, above the
 * netstrings
 *
 * Exports: smproto_split_request (a request "NAME KEY"), smproto_map
 * (which of this daemon's maps a name is) and smproto_answer (an answer
 * "OK data", "NOTFOUND ", "TEMP reason" or "PERM reason"). The netstring
 * framing around both is netstring.h's. Pure; no allocation except in
 * smproto_answer (which aborts on out of memory, see buf.h). Fails: -1
 * with the reason in the caller's buffer.
 */
#ifndef MILTER_EXPLAIN_SMPROTO_H
#define MILTER_EXPLAIN_SMPROTO_H

#include "buf.h"

#include <stddef.h>

#define SMPROTO_NAME_MAX 64 /* bytes of a map name */

/* the maps this daemon serves */
enum smproto_map {
	SMPROTO_MAP_UNKNOWN,
	SMPROTO_MAP_FOOTER, /* smtpd_reject_footer_maps */
	SMPROTO_MAP_FILTER  /* smtpd_reject_filter_maps */
};

/* the status word that starts an answer */
enum smproto_status {
	SMPROTO_OK,       /* the data is the value */
	SMPROTO_NOTFOUND, /* no value for the key: Postfix keeps its own */
	SMPROTO_TEMP,     /* try again later; the data is the reason */
	SMPROTO_PERM      /* a request this service never answers */
};

/*
 * smproto_split_request - a socketmap request "NAME KEY": name is what
 * comes before the first space (1 to SMPROTO_NAME_MAX bytes, printable
 * ASCII), key all after it (may be empty, may hold any byte). Pointers go
 * into req. Returns 0, or -1 with the reason in err.
 */
int smproto_split_request(const char *req, size_t len, const char **name,
			  size_t *namelen, const char **key, size_t *keylen,
			  char *err, size_t errlen);

/* smproto_map - the map a name (len bytes, case matters) stands for */
enum smproto_map smproto_map(const char *name, size_t len);

/*
 * smproto_answer - the answer "WORD data" into out (reset first); for
 * NOTFOUND the data is ignored ("NOTFOUND "). The answer never exceeds
 * NETSTRING_MAX bytes: an OK whose data would not fit becomes NOTFOUND,
 * a longer reason is cut.
 */
void smproto_answer(struct buf *out, enum smproto_status st,
		    const char *data, size_t len);

#endif
