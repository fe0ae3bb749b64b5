/*
 * log - syslog with LOG_PID, and stderr too in the foreground
 *
 * Exports: log_open, log_msg (printf-style), log_set_stderr. Thread-safe:
 * each message is formatted into a local buffer and written in one call.
 */
#ifndef MILTER_EXPLAIN_LOG_H
#define MILTER_EXPLAIN_LOG_H

#include <syslog.h>

void log_open(const char *ident, int to_stderr);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
