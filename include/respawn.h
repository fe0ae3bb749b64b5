/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * respawn - when to start again a process that died, and when to give up
 *
 * Exports: struct respawn, RESPAWN_INIT, respawn_next. A restart waits
 * RESPAWN_FIRST_MS, doubled for each restart already made in the last
 * RESPAWN_WINDOW_MS; after RESPAWN_MAX restarts within the window there
 * is none (the death is no accident: a loop would only fill the log).
 * Pure (the caller passes the time); not locked: one owner.
 */
#ifndef MILTER_EXPLAIN_RESPAWN_H
#define MILTER_EXPLAIN_RESPAWN_H

#include <stddef.h>
#include <stdint.h>

#define RESPAWN_MAX 5		/* restarts within the window, at most */
#define RESPAWN_WINDOW_MS 60000 /* the window: a minute */
#define RESPAWN_FIRST_MS 100	/* the first restart's delay */

struct respawn {
	int64_t at[RESPAWN_MAX]; /* ms of the restarts in the window, oldest first */
	size_t n;
};

#define RESPAWN_INIT {{0}, 0}

/*
 * respawn_next - a process died at now (ms, monotonic): the delay in ms
 * before it is started again (the restart is then recorded as made at
 * now + delay), or -1: RESPAWN_MAX restarts in the last window already
 */
int64_t respawn_next(struct respawn *rs, int64_t now);

#endif
