/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * socketmap - the Postfix socketmap service (smtpd_reject_footer_maps,
 * smtpd_reject_filter_maps) over the shared config store
 *
 * Exports: socketmap_open, socketmap_start, socketmap_stop. Fails: -1 or
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
 * Bounds: at most cfg->socketmap_max_clients connections, and never more
 * than the open-file budget (socketmap_set_budget); at the cap a new
 * client is taken and the connection idle longest is closed to make room
 * (logged at most once a minute), so that a peer holding connections
 * cannot lock Postfix out; per
 * connection an input buffer of at most one request (NETSTRING_WIRE_MAX)
 * and an output buffer that stops reading at OUT_HIGH; a connection that
 * completes no request for cfg->socketmap_idle_timeout seconds is closed,
 * whether it is silent or trickles a request byte by byte. Each lookup
 * pins the current config (store_pin), so a reload applies to the next
 * lookup of every open connection. A warning a peer provokes (a
 * malformed request, a request cut off) goes through a token bucket
 * (WARN_RATE a second, WARN_BURST at once); the next line that goes out
 * says how many were suppressed. The thread keeps a memo of rendered
 * guidance (lookup.h) with a reference to the snapshot it belongs to,
 * dropped at the first lookup that pins a newer one.
 */
#include "socketmap.h"
#include "log.h"
#include "ratelimit.h"
#include "lookup.h"
#include "metrics.h"
#include "netstring.h"
#include "smnote.h"
#include "sockspec.h"
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IN_START 4096	 /* first size of an input buffer */
#define READ_CHUNK 65536 /* bytes read per wake-up and connection */
#define OUT_HIGH 65536	 /* answers waiting: stop taking requests */
#define MAX_EVENTS 256
#define CAP_LOG_EVERY 60 /* seconds between "too many clients" lines */
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

/* sentinels in epoll_event.data for the two descriptors that are no conn */
static char tag_listen, tag_wake;

/* now_ms - a monotonic clock in milliseconds */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * current_limits - max clients (the current config's, within the
 * open-file budget) and idle timeout
 */
static void current_limits(const struct socketmap *sm, int *max_clients,
			   int *idle_timeout)
{
	struct config *cfg = store_pin();

	*max_clients = cfg ? cfg->socketmap_max_clients : 1024;
	*idle_timeout = cfg ? cfg->socketmap_idle_timeout : 600;
	store_release(cfg);
	if (sm->budget > 0 && *max_clients > sm->budget)
		*max_clients = sm->budget;
}

/* list_unlink - take c out of the activity list */
static void list_unlink(struct socketmap *sm, struct sm_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		sm->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		sm->tail = c->prev;
	c->prev = c->next = NULL;
}

/* list_touch - c was active now: it goes to the tail */
static void list_touch(struct socketmap *sm, struct sm_conn *c, int64_t now)
{
	if (sm->tail != c) {
		if (c->prev || c->next || sm->head == c)
			list_unlink(sm, c);
		c->prev = sm->tail;
		if (sm->tail)
			sm->tail->next = c;
		else
			sm->head = c;
		sm->tail = c;
	}
	c->last = now;
}

/* watch - set what epoll reports for c */
static int watch(struct socketmap *sm, struct sm_conn *c, uint32_t events)
{
	struct epoll_event ev;

	if (c->events == events)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	if (epoll_ctl(sm->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		return -1;
	c->events = events;
	return 0;
}

/*
 * warn_allowed - may a peer-provoked warning go out now; says first how
 * many were suppressed before it
 */
static int warn_allowed(struct socketmap *sm, int64_t now)
{
	unsigned long dropped;

	if (!ratelimit_take(&sm->warn, now, &dropped))
		return 0;
	if (dropped)
		log_msg(LOG_WARNING,
			"socketmap: %lu warnings about clients suppressed "
			"(more than %d a second)",
			dropped, WARN_RATE);
	return 1;
}

/*
 * conn_close - forget c; why NULL closes quietly, else logs once (a
 * warning or worse within the rate limit)
 */
static void conn_close(struct socketmap *sm, struct sm_conn *c, int prio,
		       const char *why)
{
	if (why && (prio > LOG_WARNING || warn_allowed(sm, now_ms())))
		log_msg(prio,
			"socketmap: conn %lu from %s: %s; connection closed",
			c->id, c->peer, why);
	epoll_ctl(sm->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	list_unlink(sm, c);
	free(c->in);
	buf_release(&c->out);
	free(c);
	sm->nconns--;
	if (!sm->accepting && sm->resume_accept == 0) {
		struct epoll_event ev = {.events = EPOLLIN,
					 .data.ptr = &tag_listen};

		if (epoll_ctl(sm->epfd, EPOLL_CTL_ADD, sm->lfd, &ev) == 0)
			sm->accepting = 1;
	}
}

/* peer_name - "127.0.0.1:4711", "[::1]:4711" or "unix" */
static void peer_name(int fd, char *out, size_t outlen)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	char a[INET6_ADDRSTRLEN];

	snprintf(out, outlen, "unknown");
	if (getpeername(fd, (struct sockaddr *)&sa, &len) < 0)
		return;
	if (sa.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&sa;

		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(out, outlen, "%s:%u", a, ntohs(in->sin_port));
	} else if (sa.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(out, outlen, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else if (sa.ss_family == AF_UNIX) {
		snprintf(out, outlen, "unix");
	}
}

/*
 * make_room - at the cap: close the connection idle longest (the head of
 * the activity list) so that a new client is served; log at most once a
 * minute
 */
static void make_room(struct socketmap *sm, int max_clients, int64_t now)
{
	metrics_refused(); /* first: the peer may look as soon as it is closed */
	conn_close(sm, sm->head, LOG_DEBUG, NULL);
	sm->evicted++;
	if (sm->cap_logged == 0 ||
	    now - sm->cap_logged >= CAP_LOG_EVERY * 1000) {
		log_msg(LOG_WARNING,
			"socketmap: %d clients connected, the limit "
			"(socketmap.max_clients or the open-file budget): "
			"closed the %lu connection(s) idle longest to make "
			"room",
			max_clients, sm->evicted);
		sm->cap_logged = now;
		sm->evicted = 0;
	}
}

/* pause_accept - out of descriptors: stop accepting for a second */
static void pause_accept(struct socketmap *sm, int64_t now, int err)
{
	if (sm->accepting) {
		epoll_ctl(sm->epfd, EPOLL_CTL_DEL, sm->lfd, NULL);
		sm->accepting = 0;
		log_msg(LOG_WARNING,
			"socketmap: accept: %s; not accepting for a second",
			strerror(err));
	}
	sm->resume_accept = now + 1000;
}

/* accept_all - take every pending connection */
static void accept_all(struct socketmap *sm, int64_t now)
{
	int max_clients, idle;

	current_limits(sm, &max_clients, &idle);
	for (;;) {
		int fd =
		    accept4(sm->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev;
		struct sm_conn *c;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				pause_accept(sm, now, errno);
			return; /* EAGAIN, or a client gone before we took it */
		}
		while (sm->head && sm->nconns >= (size_t)max_clients)
			make_room(sm, max_clients, now);
		c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		c->id = ++sm->next_id;
		peer_name(fd, c->peer, sizeof(c->peer));
		buf_init(&c->out);
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(sm->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			log_msg(LOG_ERR, "socketmap: epoll_ctl: %s",
				strerror(errno));
			close(fd);
			buf_release(&c->out);
			free(c);
			continue;
		}
		c->events = EPOLLIN;
		sm->nconns++;
		list_touch(sm, c, now);
	}
}

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
			conn_close(sm, c, LOG_WARNING, err);
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
		list_touch(sm, c, now);
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
			conn_close(sm, c, LOG_INFO, "write failed");
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
	if (watch(sm, c, want) < 0) {
		conn_close(sm, c, LOG_ERR, "epoll_ctl failed");
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
			conn_close(sm, c, LOG_ERR, "request buffer full");
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
		conn_close(sm, c, LOG_INFO, why);
		return;
	}
	if (n == 0) {
		if (c->inlen) {
			snprintf(why, sizeof(why),
				 "end of input in the middle of a request (%zu "
				 "bytes)",
				 c->inlen);
			conn_close(sm, c, LOG_WARNING, why);
		} else {
			conn_close(sm, c, LOG_DEBUG, NULL);
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

/* expire - close connections idle too long; ms until the next expiry */
static int expire(struct socketmap *sm, int64_t now)
{
	int max_clients, idle;
	int64_t limit, wait = 1000;

	current_limits(sm, &max_clients, &idle);
	limit = (int64_t)idle * 1000;
	while (sm->head && now - sm->head->last >= limit) {
		char why[96];

		snprintf(why, sizeof(why), "no complete request for %ds%s",
			 idle,
			 sm->head->inlen ? " (a partial one pending)" : "");
		conn_close(sm, sm->head,
			   sm->head->inlen ? LOG_WARNING : LOG_INFO, why);
	}
	if (sm->head && sm->head->last + limit - now < wait)
		wait = sm->head->last + limit - now;
	/* warnings suppressed and no client since: say so once there is room */
	if (sm->warn.suppressed && now - sm->warn.last >= 1000)
		warn_allowed(sm, now);
	if (sm->resume_accept) {
		if (now >= sm->resume_accept) {
			struct epoll_event ev = {.events = EPOLLIN,
						 .data.ptr = &tag_listen};

			sm->resume_accept = 0;
			if (!sm->accepting && epoll_ctl(sm->epfd, EPOLL_CTL_ADD,
							sm->lfd, &ev) == 0)
				sm->accepting = 1;
		} else if (sm->resume_accept - now < wait) {
			wait = sm->resume_accept - now;
		}
	}
	return wait < 0 ? 0 : (int)wait;
}

/* serve - the event loop, until the wake-up descriptor fires */
static void *serve(void *arg)
{
	struct socketmap *sm = arg;
	struct epoll_event evs[MAX_EVENTS];
	int stop = 0;

	while (!stop) {
		int timeout = expire(sm, now_ms());
		int n = epoll_wait(sm->epfd, evs, MAX_EVENTS, timeout);
		int64_t now = now_ms();
		int incoming = 0;

		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "socketmap: epoll_wait: %s",
				strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			struct sm_conn *c = p;

			if (p == &tag_wake) {
				stop = 1;
			} else if (p == &tag_listen) {
				incoming = 1; /* after the batch: see below */
			} else if (evs[i].events & (EPOLLERR | EPOLLHUP) &&
				   !(evs[i].events & EPOLLIN)) {
				conn_close(sm, c, LOG_DEBUG, NULL);
			} else if (evs[i].events & EPOLLOUT) {
				on_writable(sm, c, now);
			} else if (evs[i].events & EPOLLIN) {
				on_readable(sm, c, now);
			}
			/* c may be freed now; no later event of this batch
			 * names it, as each descriptor appears at most once per
			 * epoll_wait */
		}
		/* accepted last: at the cap accept_all closes the connection
		 * idle longest, which may have an event later in this batch */
		if (incoming)
			accept_all(sm, now);
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
	ev.data.ptr = &tag_listen;
	rc = epoll_ctl(sm->epfd, EPOLL_CTL_ADD, sm->lfd, &ev);
	ev.data.ptr = &tag_wake;
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
		conn_close(sm, sm->head, LOG_DEBUG, NULL);
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
