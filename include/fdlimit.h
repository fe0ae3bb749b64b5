/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fdlimit - the open-file limit, and its split between the two doors
 *
 * Exports: fdlimit_raise (soft RLIMIT_NOFILE up to the hard limit),
 * struct fd_budget and fdlimit_budget (a pure function: how many
 * connections each door may hold so that neither starves the other nor
 * the daemon's own files). Fails: fdlimit_raise returns the limit it
 * could set and says why it could not raise it further.
 */
#ifndef MILTER_EXPLAIN_FDLIMIT_H
#define MILTER_EXPLAIN_FDLIMIT_H

#include <stddef.h>

/* descriptors kept for the daemon itself: listeners, config and
 * knowledge-base files at a reload, syslog, epoll, the metrics page */
#define FDLIMIT_RESERVE 64

/* the soft limit is raised at most this far (the unit's LimitNOFILE) */
#define FDLIMIT_MAX 65536

struct fd_budget {
	long nofile;   /* the limit the budget was made from */
	int socketmap; /* socketmap connections (<= socketmap.max_clients) */
	int milter;    /* milter sessions */
};

/*
 * fdlimit_budget - split nofile descriptors: FDLIMIT_RESERVE (a quarter
 * of nofile when that is less) stay with the daemon; with both doors open
 * the socketmap gets at most half of the rest and never more than
 * max_clients (the setting), the milter everything else; a door that is
 * off gets 0 and leaves it all to the other. Each open door gets at
 * least 1.
 */
void fdlimit_budget(long nofile, int max_clients, int milter_on,
		    int socketmap_on, struct fd_budget *b);

/*
 * fdlimit_raise - raise the soft RLIMIT_NOFILE to the hard limit (at most
 * max, RLIM_INFINITY treated as max); returns the soft limit in force
 * afterwards. When it could not be raised, why (else "") goes into msg.
 */
long fdlimit_raise(long max, char *msg, size_t msglen);

#endif
