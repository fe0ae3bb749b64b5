/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ratelimit - a token bucket for log lines a peer can provoke
 *
 * Exports: ratelimit_take (see ratelimit.h). Tokens are counted in
 * thousandths so that a rate of one per second refills smoothly.
 */
#include "ratelimit.h"

/* ratelimit_take - see ratelimit.h */
int ratelimit_take(struct ratelimit *rl, int64_t now, unsigned long *dropped)
{
	int64_t full = (int64_t)rl->burst * 1000;

	if (rl->milli < 0) {
		rl->milli = full;
		rl->last = now;
	} else if (now > rl->last) {
		rl->milli += (now - rl->last) * rl->rate;
		if (rl->milli > full)
			rl->milli = full;
		rl->last = now;
	}
	if (rl->milli < 1000) {
		rl->suppressed++;
		return 0;
	}
	rl->milli -= 1000;
	*dropped = rl->suppressed;
	rl->suppressed = 0;
	return 1;
}
