/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * socketmap - the Postfix socketmap service (smtpd_reject_footer_maps,
 * smtpd_reject_filter_maps) over the shared config store
 *
 * Exports: socketmap_open (bind, before privileges are dropped),
 * socketmap_set_budget (the open-file budget of connections),
 * socketmap_start (serve in a thread of its own), socketmap_stop.
 * Fails: -1 / NULL with the reason in the caller's buffer.
 */
#ifndef MILTER_EXPLAIN_SOCKETMAP_H
#define MILTER_EXPLAIN_SOCKETMAP_H

#include <stddef.h>

struct socketmap;

/* socketmap_open - listen on spec; the caller stops it with socketmap_stop */
struct socketmap *socketmap_open(const char *spec, char *err, size_t errlen);

/*
 * socketmap_set_budget - hold at most max_connections clients whatever
 * socketmap.max_clients says (fdlimit_budget's share; 0: no bound of its
 * own); before socketmap_start
 */
void socketmap_set_budget(struct socketmap *sm, int max_connections);

/* socketmap_start - serve lookups in a new thread; 0 or -1 */
int socketmap_start(struct socketmap *sm, char *err, size_t errlen);

/* socketmap_stop - stop serving, close every connection, free; NULL ok */
void socketmap_stop(struct socketmap *sm);

#endif
