/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * socketmap - the Postfix socketmap service (smtpd_reject_footer_maps,
 * smtpd_reject_filter_maps) over the shared config store
 *
 * Exports: socketmap_open, socketmap_set_budget, socketmap_start,
 * socketmap_stop; the connections' bookkeeping is smconn.c's. Fails: -1 or
 * NULL with the reason in the caller's buffer; once serving, a broken or
 * hostile peer costs only its own connection (closed, one log line).
 *
 * Concurrency model: one event-loop thread (epoll, level-triggered) over
 * non-blocking sockets. Every smtpd process keeps one persistent
 * connection and sends one small request at a time, and a lookup is a
 * few microseconds of pure CPU work that never blocks (lookup.c: hash
 * lookups, one bounded regexec, no I/O). A thread per connection would
 * spend hundreds of mostly idle stacks and context switches to gain no
 * parallelism worth having at this cost per lookup; one loop has no locks
 * beyond store_pin and cannot let one client block another, because no
 * socket operation waits and the work per wake-up is bounded (one read of
 * at most READ_CHUNK bytes, and no more answers once OUT_HIGH bytes wait
 * for a slow reader). Should one core ever be too little, several such
 * loops on SO_REUSEPORT sockets would scale it without changing this file's
 * structure.
 *
 * Bounds: the number of connections, their idle timeout and the warnings
 * peers provoke are smconn.c's; per connection an input buffer of at most
 * one request (NETSTRING_WIRE_MAX) and an output buffer that stops
 * reading at OUT_HIGH. Each lookup pins the current config (store_pin),
 * so a reload applies to the next lookup of every open connection. The
 * thread keeps a memo of rendered guidance (lookup.h) with a reference to
 * the snapshot it belongs to, dropped at the first lookup that pins a
 * newer one.
 */
#include "socketmap.h"
#include "smconn.h"
#include "log.h"
#include "lookup.h"
#include "netstring.h"
#include "smnote.h"
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define IN_START 4096	 /* first size of an input buffer */
#define READ_CHUNK 65536 /* bytes read per wake-up and connection */
#define OUT_HIGH 65536	 /* answers waiting: stop taking requests */
#define MAX_EVENTS 256

/*
 * answer_all - answer the complete requests in c->in until OUT_HIGH bytes
 * wait; 0 when none is left, 1 when held back, -1 when c was closed
 */
static int answer_all(struct socketmap *sm, struct sm_conn *c, int64_t now)
{
	size_t off = 0;
	struct buf ans;
	char err[128];
	struct lookup_info info;
	int rc = 0;

	buf_init(&ans);
	for (;;) {
		const char *req;
		size_t reqlen, used;
		int r =
		    netstring_parse(c->in + off, c->inlen - off, NETSTRING_MAX,
				    &req, &reqlen, &used, err, sizeof(err));
		struct config *cfg;

		if (r == 0)
			break;
		if (c->out.len - c->outoff >= OUT_HIGH) {
			rc = 1;
			break;
		}
		if (r < 0) {
			smconn_close(sm, c, LOG_WARNING, err);
			rc = -1;
			goto out;
		}
		cfg = store_pin();
		if (cfg != sm->memo_cfg) { /* a reload: the memo starts over */
			memo_forget(sm->memo);
			store_release(sm->memo_cfg);
			sm->memo_cfg = cfg;
			cfg = store_pin(); /* the lookup's own reference */
		}
		lookup_answer_info(sm->memo, cfg, req, reqlen, &ans, &info);
		smnote_answer(cfg, c->id, c->peer, &info);
		store_release(cfg);
		netstring_encode(&c->out, ans.s, ans.len);
		sm->lookups++;
		off += used;
		smconn_touch(sm, c, now);
	}
	if (off) {
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
	}
	if (c->inlen == 0 && c->incap > IN_START) { /* after a big request */
		free(c->in);
		c->in = NULL;
		c->incap = 0;
	}
out:
	buf_release(&ans);
	return rc;
}

/* flush - write what waits; watch for writability while some is left */
static int flush(struct socketmap *sm, struct sm_conn *c)
{
	uint32_t want;

	while (c->outoff < c->out.len) {
		ssize_t n = send(c->fd, c->out.s + c->outoff,
				 c->out.len - c->outoff, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			smconn_close(sm, c, LOG_INFO, "write failed");
			return -1;
		}
		c->outoff += (size_t)n;
	}
	if (c->outoff == c->out.len) {
		if (c->out.cap > OUT_HIGH) {
			buf_release(&c->out);
			buf_init(&c->out);
		} else {
			buf_reset(&c->out);
		}
		c->outoff = 0;
	}
	want = c->outoff < c->out.len ? EPOLLOUT : 0;
	if (c->out.len - c->outoff < OUT_HIGH)
		want |= EPOLLIN;
	if (smconn_watch(sm, c, want) < 0) {
		smconn_close(sm, c, LOG_ERR, "epoll_ctl failed");
		return -1;
	}
	return 0;
}

/* pump - answer and write until input or the peer's reading runs out */
static void pump(struct socketmap *sm, struct sm_conn *c, int64_t now)
{
	for (;;) {
		int r = answer_all(sm, c, now);

		if (r < 0 || flush(sm, c) < 0 || r == 0 ||
		    c->out.len - c->outoff >= OUT_HIGH)
			return;
	}
}

/* on_readable - read once, answer, write */
static void on_readable(struct socketmap *sm, struct sm_conn *c, int64_t now)
{
	size_t room;
	ssize_t n;
	char why[96];

	if (c->inlen == c->incap) {
		size_t cap = c->incap ? c->incap * 2 : IN_START;

		if (cap > NETSTRING_WIRE_MAX)
			cap = NETSTRING_WIRE_MAX;
		if (cap == c->incap) { /* cannot happen: parse refuses first */
			smconn_close(sm, c, LOG_ERR, "request buffer full");
			return;
		}
		c->in = xrealloc(c->in, cap);
		c->incap = cap;
	}
	room = c->incap - c->inlen;
	n = recv(c->fd, c->in + c->inlen, room < READ_CHUNK ? room : READ_CHUNK,
		 0);
	if (n < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0) {
		snprintf(why, sizeof(why), "read: %s", strerror(errno));
		smconn_close(sm, c, LOG_INFO, why);
		return;
	}
	if (n == 0) {
		if (c->inlen) {
			snprintf(why, sizeof(why),
				 "end of input in the middle of a request (%zu "
				 "bytes)",
				 c->inlen);
			smconn_close(sm, c, LOG_WARNING, why);
		} else {
			smconn_close(sm, c, LOG_DEBUG, NULL);
		}
		return;
	}
	c->inlen += (size_t)n;
	pump(sm, c, now);
}

/* on_writable - write; answer what was held back for the slow reader */
static void on_writable(struct socketmap *sm, struct sm_conn *c, int64_t now)
{
	if (flush(sm, c) < 0)
		return;
	if (c->inlen && c->out.len - c->outoff < OUT_HIGH)
		pump(sm, c, now);
}

/* serve - the event loop, until the wake-up descriptor fires */
static void *serve(void *arg)
{
	struct socketmap *sm = arg;
	struct epoll_event evs[MAX_EVENTS];
	int stop = 0;

	while (!stop) {
		int timeout = smconn_expire(sm, smconn_now());
		int n = epoll_wait(sm->epfd, evs, MAX_EVENTS, timeout);
		int64_t now = smconn_now();
		int incoming = 0;

		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "socketmap: epoll_wait: %s",
				strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			struct sm_conn *c = p;

			if (p == &sm->efd) {
				stop = 1;
			} else if (p == &sm->lfd) {
				incoming = 1; /* after the batch: see below */
			} else if (evs[i].events & (EPOLLERR | EPOLLHUP) &&
				   !(evs[i].events & EPOLLIN)) {
				smconn_close(sm, c, LOG_DEBUG, NULL);
			} else if (evs[i].events & EPOLLOUT) {
				on_writable(sm, c, now);
			} else if (evs[i].events & EPOLLIN) {
				on_readable(sm, c, now);
			}
			/* c may be freed now; no later event of this batch
			 * names it, as each descriptor appears at most once per
			 * epoll_wait */
		}
		/* accepted last: at the cap smconn_accept closes the connection
		 * idle longest, which may have an event later in this batch */
		if (incoming)
			smconn_accept(sm, now);
	}
	return NULL;
}

/* socketmap_open - see socketmap.h */
struct socketmap *socketmap_open(const char *spec, char *err, size_t errlen)
{
	struct socketmap *sm = xcalloc(1, sizeof(*sm));
	struct epoll_event ev;
	int rc, ok = 0;

	sm->lfd = sm->efd = sm->epfd = -1;
	sm->memo = memo_new();
	if (sockspec_parse(spec, &sm->ss, err, errlen) < 0 ||
	    (sm->lfd = sockspec_listen(&sm->ss, SOMAXCONN, err, errlen)) < 0)
		goto out;
	if ((sm->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
	    (sm->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		snprintf(err, errlen, "%s: %s",
			 sm->efd < 0 ? "eventfd" : "epoll_create1",
			 strerror(errno));
		goto out;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &sm->lfd;
	rc = epoll_ctl(sm->epfd, EPOLL_CTL_ADD, sm->lfd, &ev);
	ev.data.ptr = &sm->efd;
	if (rc < 0 || epoll_ctl(sm->epfd, EPOLL_CTL_ADD, sm->efd, &ev) < 0) {
		snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
		goto out;
	}
	sm->accepting = 1;
	sm->warn = (struct ratelimit)RATELIMIT_INIT(WARN_RATE, WARN_BURST);
	ok = 1;
out:
	if (!ok) {
		socketmap_stop(sm);
		sm = NULL;
	}
	return sm;
}

/* socketmap_set_budget - see socketmap.h */
void socketmap_set_budget(struct socketmap *sm, int max_connections)
{
	sm->budget = max_connections;
}

/* socketmap_start - see socketmap.h */
int socketmap_start(struct socketmap *sm, char *err, size_t errlen)
{
	int rc = pthread_create(&sm->thread, NULL, serve, sm);

	if (rc != 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(rc));
		return -1;
	}
	sm->started = 1;
	return 0;
}

/* socketmap_stop - see socketmap.h */
void socketmap_stop(struct socketmap *sm)
{
	uint64_t one = 1;

	if (sm == NULL)
		return;
	if (sm->started) {
		if (write(sm->efd, &one, sizeof(one)) != sizeof(one))
			log_msg(LOG_ERR,
				"socketmap: cannot wake the service thread");
		pthread_join(sm->thread, NULL);
		unsigned long hits, misses;

		memo_stats(sm->memo, &hits, &misses);
		log_msg(LOG_INFO,
			"socketmap: stopped after %lu lookups (%lu renderings, "
			"%lu from the memo), %lu connections",
			sm->lookups, misses, hits, sm->next_id);
	}
	while (sm->head)
		smconn_close(sm, sm->head, LOG_DEBUG, NULL);
	memo_free(sm->memo);
	store_release(sm->memo_cfg);
	if (sm->lfd >= 0) {
		close(sm->lfd);
		if (sm->ss.family == AF_UNIX)
			unlink(sm->ss.path);
	}
	if (sm->efd >= 0)
		close(sm->efd);
	if (sm->epfd >= 0)
		close(sm->epfd);
	free(sm);
}
