/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dsn_callbacks - the libmilter side of the DSN door, and its process
 *
 * Exports: dsn_callbacks_register (smfi_register with the door's filter
 * description: envelope, headers and body of the MTA's own messages,
 * body replaced by dsn_rewrite's), and for a daemon that also serves
 * the milter door, dsn_door_fork (the door in a child process with its
 * own libmilter instance: libmilter serves one socket per process),
 * dsn_door_signal and dsn_door_stop. Only these files, callbacks.c and
 * main.c include <libmilter/mfapi.h>.
 */
#ifndef MILTER_EXPLAIN_DSN_CALLBACKS_H
#define MILTER_EXPLAIN_DSN_CALLBACKS_H

#include <stddef.h>
#include <sys/types.h>

/* dsn_callbacks_register - register the door's filter; 0 or -1 */
int dsn_callbacks_register(void);

/* dsn_callbacks_busy - bounces being read or rewritten now */
int dsn_callbacks_busy(void);

/* what the child needs to serve the door on its own */
struct dsn_door {
	const char *spec;    /* libmilter socket specification */
	const char *config;  /* the file SIGUSR1 reloads */
	int foreground;      /* -f: keep stderr, stay in the session */
	const char *user;    /* NULL: keep the identity */
	uid_t uid;
	gid_t gid;
	int inherited[3];    /* the daemon's descriptors the children close
			      * (its start-up report, its pid file), or -1 */
};

/*
 * dsn_door_fork - start the door's supervisor in a child process, and
 * the door in its child, and wait until the door's socket is open. Call
 * it before anything else opens a milter socket and before any thread
 * starts, with the daemon's signals blocked: it shares the metrics'
 * counters with them first (metrics_share). The supervisor restarts a
 * door that dies (with a backoff, at most RESPAWN_MAX times a minute)
 * and serves until SIGTERM, or until the process that called this
 * function (or the daemon it becomes) is gone; SIGUSR1 reloads the
 * door's config. Returns the supervisor's pid, or -1 with the reason in
 * err.
 */
pid_t dsn_door_fork(const struct dsn_door *d, char *err, size_t errlen);

/* dsn_door_signal - tell the door's supervisor (pid <= 0: none): SIGUSR1
 * reloads, SIGTERM starts a stop that dsn_door_stop finishes (both go
 * through a pipe, so an unprivileged daemon reaches a root supervisor)
 * (send it first and stop the daemon's own libmilter meanwhile) */
void dsn_door_signal(pid_t pid, int sig);

/* dsn_door_stop - SIGTERM the door's supervisor and wait until it and
 * the door are gone (the door stops at once; SIGKILL after 8 s) */
void dsn_door_stop(pid_t pid);

#endif
