/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * metrics_log - the periodic one-line summary of the metrics in syslog,
 * for admins without Prometheus
 *
 * Exports: metrics_log_start (a thread that logs metrics_summary every
 * interval seconds), metrics_log_stop (at once, whatever the interval).
 * Fails: metrics_log_start returns -1 with the reason in err.
 */
#ifndef MILTER_EXPLAIN_METRICS_LOG_H
#define MILTER_EXPLAIN_METRICS_LOG_H

#include <stddef.h>

/* metrics_log_start - log the summary every interval (> 0) seconds */
int metrics_log_start(int interval, char *err, size_t errlen);

/* metrics_log_stop - stop the thread, if started */
void metrics_log_stop(void);

#endif
