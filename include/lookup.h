/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lookup - the answers of the socketmap service, without the sockets
 *
 * Exports: lookup_answer (one request payload "NAME KEY" -> "OK data",
 * "NOTFOUND ", "TEMP reason" or "PERM reason"), lookup_footer (map
 * `footer`: a Postfix smtpd_reject_footer template), lookup_filter (map
 * `filter`: the whole replacement reply for smtpd_reject_filter_maps) and
 * lookup_explained (the reply carries this daemon's guidance already),
 * and lookup_answer_memo (lookup_answer through a memo of rendered
 * guidance, see memo.h, for the service thread).
 * The key is the complete reply text as Postfix looks it up: one line,
 * or several joined with CRLF; it is matched on its first line. Pure and
 * thread-safe over a pinned config; never fails: a key it has nothing
 * for is NOTFOUND, so that Postfix keeps its own reply or static footer.
 */
#ifndef MILTER_EXPLAIN_LOOKUP_H
#define MILTER_EXPLAIN_LOOKUP_H

#include "buf.h"
#include "config.h"
#include "memo.h"
#include "smproto.h"

#include <stddef.h>

/*
 * lookup_answer - the socketmap answer for one request into out (reset
 * first, see smproto.h); cfg NULL answers TEMP. The answer never exceeds
 * NETSTRING_MAX.
 */
void lookup_answer(const struct config *cfg, const char *req, size_t len,
		   struct buf *out);

/*
 * lookup_footer - the footer template for a reply key into out (reset
 * first): guidance lines joined by the two characters "\n", '$' doubled,
 * ${client_address} and the other Postfix-side variables left for
 * Postfix. Returns 0, or -1 when the reply gets no footer (not 4xx/5xx,
 * no guidance, no line left in the budget, already explained).
 */
int lookup_footer(const struct config *cfg, const char *key, size_t len,
		  struct buf *out);

/*
 * lookup_filter - the full replacement reply for a key into out (reset
 * first), lines joined with CRLF, each with the original reply code and
 * enhanced code ("550-5.1.1 text" ... "550 5.1.1 text"; an enhanced
 * code of another class takes the reply's). The original text stays
 * first unless the matching rule has mode = "replace", made printable
 * US-ASCII ('?' for any other byte) and cut so that each line with its
 * CRLF holds at most 512 octets.
 * Returns 0, or -1 when the reply is to stay as it is.
 */
int lookup_filter(const struct config *cfg, const char *key, size_t len,
		  struct buf *out);

/*
 * lookup_explained - non-zero when a line after the first of a
 * multi-line key equals a line of the guidance this config gives for its
 * codes, in any loaded language, by the knowledge base, a reply rule of
 * that status (whatever its pattern) or a command rule with that reply:
 * the milter or the filter map wrote it, do not add more. The first line
 * counts too when a reply rule of the status has mode = "replace".
 */
int lookup_explained(const struct config *cfg, const char *key, size_t len);

/*
 * lookup_answer_memo - lookup_answer through memo m (NULL: none), see
 * memo.h for what it keeps and who keeps its config alive
 */
void lookup_answer_memo(struct memo *m, const struct config *cfg,
			const char *req, size_t len, struct buf *out);

/* what one answer was, for the metrics and the log of the service */
struct lookup_info {
	enum smproto_map map;
	enum smproto_status status; /* of the answer as it went out */
	struct smtp_status st;	    /* of the key's first line; code 0: none */
	const char *rule;	    /* the configured rule that matched, or
				     * NULL; cfg's */
	const char *provider;	    /* the provider rule that matched, or
				     * NULL; cfg's */
	size_t lines;		    /* guidance lines of an OK answer */
	int from_memo;		    /* they were rendered by an earlier one */
};

/* lookup_answer_info - lookup_answer_memo, and what it did into info */
void lookup_answer_info(struct memo *m, const struct config *cfg,
			const char *req, size_t len, struct buf *out,
			struct lookup_info *info);

#endif
