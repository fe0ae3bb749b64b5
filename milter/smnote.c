/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smnote - what one socketmap answer did: metrics, and the verbose log
 *
 * Exports: smnote_answer, smnote_line (see smnote.h).
 */
#include "smnote.h"
#include "log.h"
#include "metrics.h"

#include <stdio.h>

static const enum metrics_result results[] = {
    [SMPROTO_OK] = METRICS_OK,
    [SMPROTO_NOTFOUND] = METRICS_NOTFOUND,
    [SMPROTO_TEMP] = METRICS_TEMP,
    [SMPROTO_PERM] = METRICS_PERM,
};

static const char *const status_words[] = {
    [SMPROTO_OK] = "OK",
    [SMPROTO_NOTFOUND] = "NOTFOUND",
    [SMPROTO_TEMP] = "TEMP",
    [SMPROTO_PERM] = "PERM",
};

/* map_word - the map's name as the log shows it */
static const char *map_word(enum smproto_map map)
{
	switch (map) {
	case SMPROTO_MAP_FOOTER:
		return "footer";
	case SMPROTO_MAP_FILTER:
		return "filter";
	case SMPROTO_MAP_UNKNOWN:
		break;
	}
	return "unknown map";
}

/* smnote_line - see smnote.h */
void smnote_line(struct buf *out, unsigned long id, const char *peer,
		 const struct lookup_info *info)
{
	buf_printf(out, "socketmap: conn %lu from %s: %s", id, peer,
		   map_word(info->map));
	if (info->st.code) {
		buf_printf(out, " %d", info->st.code);
		if (info->st.cls) {
			char enh[16];

			smtpcode_enhanced_str(&info->st, enh, sizeof(enh));
			buf_printf(out, " %s", enh);
		}
	}
	buf_printf(out, ": %s", status_words[info->status]);
	if (info->status != SMPROTO_OK)
		return;
	buf_printf(out, " with %zu lines (", info->lines);
	if (info->rule)
		buf_printf(out, "rule %s", info->rule);
	else if (info->provider)
		buf_printf(out, "provider rule %s", info->provider);
	else
		buf_adds(out, "knowledge base");
	buf_adds(out, info->from_memo ? ", from the memo)" : ")");
}

/* smnote_answer - see smnote.h */
void smnote_answer(const struct config *cfg, unsigned long id,
		   const char *peer, const struct lookup_info *info)
{
	metrics_lookup(results[info->status],
		       info->status == SMPROTO_OK && info->from_memo);
	if (info->status == SMPROTO_OK)
		metrics_reply(info->map == SMPROTO_MAP_FILTER ? METRICS_FILTER
							       : METRICS_FOOTER,
			      &info->st, info->rule);
	if (cfg && cfg->log_level == LOG_LEVEL_VERBOSE) {
		struct buf line;

		buf_init(&line);
		smnote_line(&line, id, peer, info);
		log_msg(LOG_INFO, "%s", line.s);
		buf_release(&line);
	}
}
