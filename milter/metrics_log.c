/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * metrics_log - the periodic one-line summary of the metrics in syslog
 *
 * Exports: metrics_log_start, metrics_log_stop. One thread sleeps on a
 * condition variable with a monotonic deadline, so that a stop wakes it
 * at once and a clock change does not.
 */
#include "metrics_log.h"
#include "buf.h"
#include "log.h"
#include "metrics.h"
#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static int started, stopping, every;

/* log_main - every `every` seconds one summary line, until stopping */
static void *log_main(void *arg)
{
	struct timespec at;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &at);
	pthread_mutex_lock(&lock);
	while (!stopping) {
		at.tv_sec += every;
		while (!stopping &&
		       pthread_cond_timedwait(&wake, &lock, &at) == 0)
			; /* a spurious wake-up, or the stop */
		if (!stopping) {
			struct buf line;

			buf_init(&line);
			metrics_summary(&line, store_generation());
			log_msg(LOG_INFO, "%s", line.s);
			buf_release(&line);
		}
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* metrics_log_start - see metrics_log.h */
int metrics_log_start(int interval, char *err, size_t errlen)
{
	pthread_condattr_t ca;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &ca);
	pthread_condattr_destroy(&ca);
	every = interval;
	stopping = 0;
	if ((rc = pthread_create(&thread, NULL, log_main, NULL)) != 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(rc));
		pthread_cond_destroy(&wake);
		return -1;
	}
	started = 1;
	return 0;
}

/* metrics_log_stop - see metrics_log.h */
void metrics_log_stop(void)
{
	if (!started)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	pthread_cond_destroy(&wake);
	started = 0;
}
