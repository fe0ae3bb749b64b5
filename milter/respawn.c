/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * respawn - when to start again a process that died, and when to give up
 *
 * Exports: respawn_next (see respawn.h). The restarts of the window are
 * kept in order; those older than the window are dropped first.
 */
#include "respawn.h"

#include <string.h>

/* respawn_next - see respawn.h */
int64_t respawn_next(struct respawn *rs, int64_t now)
{
	size_t old = 0;
	int64_t delay;

	while (old < rs->n && now - rs->at[old] >= RESPAWN_WINDOW_MS)
		old++;
	memmove(rs->at, rs->at + old, (rs->n - old) * sizeof(rs->at[0]));
	rs->n -= old;
	if (rs->n == RESPAWN_MAX)
		return -1;
	delay = (int64_t)RESPAWN_FIRST_MS << rs->n;
	rs->at[rs->n++] = now + delay;
	return delay;
}
