/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smconn - private to the socketmap service (socketmap.c, smconn.c): its
 * state, and the bookkeeping of its connections that the event loop calls
 *
 * Exports: struct socketmap, struct sm_conn; smconn_now, smconn_accept
 * (take new clients, closing the connection idle longest at the cap),
 * smconn_touch, smconn_watch, smconn_close, smconn_expire (close idle
 * connections, resume accepting). smconn.c calls nothing of socketmap.c.
 * Fails: smconn_watch returns -1 (errno set); the others cannot fail,
 * and a connection they cannot set up is closed with one log line.
 */
#ifndef MILTER_EXPLAIN_SMCONN_H
#define MILTER_EXPLAIN_SMCONN_H

#include "buf.h"
#include "config.h"
#include "memo.h"
#include "ratelimit.h"
#include "sockspec.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define WARN_RATE 10	 /* peer-provoked warnings a second ... */
#define WARN_BURST 20	 /* ... and at once */

struct sm_conn {
	int fd;
	unsigned long id;
	char peer[64];
	char *in; /* received bytes not yet answered */
	size_t inlen, incap;
	struct buf out;		  /* answers not yet written */
	size_t outoff;		  /* bytes of out already written */
	int64_t last;		  /* ms: connect or last complete request */
	uint32_t events;	  /* what epoll watches now */
	struct sm_conn *prev, *next; /* by last: the head idles longest */
};

/*
 * the service; &lfd and &efd double as the epoll_event.data of the
 * listening socket and of the wake-up descriptor, which are no sm_conn
 */
struct socketmap {
	int lfd, efd, epfd;
	struct sockspec ss;
	pthread_t thread;
	int started;
	int accepting;	       /* lfd is in the epoll set */
	int64_t resume_accept; /* ms: re-add lfd after a descriptor shortage */
	struct sm_conn *head, *tail;
	size_t nconns;
	unsigned long next_id, lookups, evicted;
	int64_t cap_logged;
	int budget; /* open-file budget of connections; 0: none set */
	struct ratelimit warn; /* peer-provoked warnings */
	struct memo *memo; /* rendered guidance, this thread's only */
	struct config *memo_cfg;  /* a reference that keeps its snapshot */
};

/* smconn_now - a monotonic clock in milliseconds */
int64_t smconn_now(void);

/*
 * smconn_accept - take every pending connection; at the cap (the config's
 * max_clients within the budget) close the one idle longest first; out
 * of descriptors, stop accepting for a second
 */
void smconn_accept(struct socketmap *sm, int64_t now);

/* smconn_touch - c was active now: it goes to the end of the idle order */
void smconn_touch(struct socketmap *sm, struct sm_conn *c, int64_t now);

/* smconn_watch - set what epoll reports for c; 0 or -1 */
int smconn_watch(struct socketmap *sm, struct sm_conn *c, uint32_t events);

/*
 * smconn_close - close and free c; why NULL closes quietly, else logs
 * once at prio (a warning or less within the rate limit of warnings a
 * peer provokes); accepting resumes if the cap had stopped it
 */
void smconn_close(struct socketmap *sm, struct sm_conn *c, int prio,
		  const char *why);

/*
 * smconn_expire - close the connections with no complete request for the
 * idle timeout, resume accepting when its pause is over; returns the ms
 * until the next of these is due (at most a second)
 */
int smconn_expire(struct socketmap *sm, int64_t now);

#endif
