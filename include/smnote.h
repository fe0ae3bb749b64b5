/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smnote - what one socketmap answer did, noted: counted in the metrics
 * and, with log_level = "verbose", one log line
 *
 * Exports: smnote_answer. The line names the connection, the map, the
 * key's reply code and enhanced code, the answer's status, the guidance
 * lines, the rule and whether they came from the memo; never the key's
 * text (addresses of third parties, arbitrary bytes). Never fails.
 */
#ifndef MILTER_EXPLAIN_SMNOTE_H
#define MILTER_EXPLAIN_SMNOTE_H

#include "config.h"
#include "lookup.h"

/* smnote_answer - note the answer info of connection id from peer, made
 * with cfg (NULL: no configuration loaded) */
void smnote_answer(const struct config *cfg, unsigned long id,
		   const char *peer, const struct lookup_info *info);

/* smnote_line - the log line of an answer into out (appended) */
void smnote_line(struct buf *out, unsigned long id, const char *peer,
		 const struct lookup_info *info);

#endif
