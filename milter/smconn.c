/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smconn - the socketmap service's connections: admission, the order of
 * idleness, eviction at the cap, idle expiry and closing
 *
 * Exports: see smconn.h. Bounds: at most cfg->socketmap_max_clients
 * connections, and never more than the open-file budget
 * (socketmap_set_budget); at the cap a new client is taken and the
 * connection idle longest is closed to make room (logged at most once a
 * minute), so that a peer holding connections cannot lock Postfix out; a
 * connection that completes no request for cfg->socketmap_idle_timeout
 * seconds is closed, whether it is silent or trickles a request byte by
 * byte. A warning a peer provokes goes through a token bucket (WARN_RATE
 * a second, WARN_BURST at once); the next line that goes out says how
 * many were suppressed. Fails: nothing here fails the service: a
 * connection that cannot be set up is closed, one line logged.
 */
#include "smconn.h"
#include "log.h"
#include "metrics.h"
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CAP_LOG_EVERY 60 /* seconds between "too many clients" lines */

/* smconn_now - see smconn.h */
int64_t smconn_now(void)
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

/* smconn_touch - see smconn.h */
void smconn_touch(struct socketmap *sm, struct sm_conn *c, int64_t now)
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

/* smconn_watch - see smconn.h */
int smconn_watch(struct socketmap *sm, struct sm_conn *c, uint32_t events)
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

/* smconn_close - see smconn.h */
void smconn_close(struct socketmap *sm, struct sm_conn *c, int prio,
		       const char *why)
{
	if (why && (prio > LOG_WARNING || warn_allowed(sm, smconn_now())))
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
					 .data.ptr = &sm->lfd};

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
	smconn_close(sm, sm->head, LOG_DEBUG, NULL);
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

/* smconn_accept - see smconn.h */
void smconn_accept(struct socketmap *sm, int64_t now)
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
		smconn_touch(sm, c, now);
	}
}

/* smconn_expire - see smconn.h */
int smconn_expire(struct socketmap *sm, int64_t now)
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
		smconn_close(sm, sm->head,
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
						 .data.ptr = &sm->lfd};

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
