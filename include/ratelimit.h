/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ratelimit - a token bucket for log lines a peer can provoke
 *
 * Exports: struct ratelimit, RATELIMIT_INIT, ratelimit_take. A bucket
 * holds up to burst tokens and gains rate tokens per second; each
 * message takes one or is suppressed, and the next message let through
 * learns how many were suppressed before it, so that the log can say
 * so. Pure (the caller passes the time); not locked: one owner thread.
 */
#ifndef MILTER_EXPLAIN_RATELIMIT_H
#define MILTER_EXPLAIN_RATELIMIT_H

#include <stdint.h>

struct ratelimit {
	int rate, burst;	  /* tokens per second, bucket size */
	int64_t milli;		  /* tokens in thousandths; -1: full */
	int64_t last;		  /* ms of the last refill */
	unsigned long suppressed; /* since the last message let through */
};

#define RATELIMIT_INIT(rate, burst) {(rate), (burst), -1, 0, 0}

/*
 * ratelimit_take - may a message go out at now (ms, monotonic)? 1, with
 * the number of messages suppressed since the previous one in *dropped;
 * else 0 (counted as suppressed)
 */
int ratelimit_take(struct ratelimit *rl, int64_t now, unsigned long *dropped);

#endif
