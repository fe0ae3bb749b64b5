/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log - syslog with LOG_PID, and stderr too in the foreground
 *
 * Exports: log_open (syslog from now on, stderr too if asked), log_report
 * (a copy of warnings and errors for the start-up report) and log_msg
 * (printf-style); before log_open, messages go to stderr only. Thread-safe:
 * each message is formatted into a local buffer and written in one call.
 */
#ifndef MILTER_EXPLAIN_LOG_H
#define MILTER_EXPLAIN_LOG_H

#include <syslog.h>

/* log_open - log as ident to syslog (mail), and to stderr if to_stderr */
void log_open(const char *ident, int to_stderr);
/*
 * log_report - from now on, also write warnings and errors to fd as
 * "ident: message" lines (the start-up report read by the process that
 * started the daemon); -1 stops it
 */
void log_report(int fd);
/* log_msg - one message at priority prio (LOG_ERR, LOG_INFO, ...) */
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
