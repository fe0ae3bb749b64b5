/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log - syslog with LOG_PID, and stderr too in the foreground
 *
 * Exports: log_open, log_msg. Before log_open, messages go to stderr only
 * (the command-line tools: -t, -x).
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static int log_syslog;
static int log_stderr = 1;
static const char *log_ident = "milter-explain";

/* log_open - start logging to syslog (mail facility) */
void log_open(const char *ident, int to_stderr)
{
	log_ident = ident;
	log_stderr = to_stderr;
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
	log_syslog = 1;
}

/* log_msg - one message */
void log_msg(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_syslog)
		syslog(prio, "%s", line);
	if (log_stderr)
		fprintf(stderr, "%s: %s\n", log_ident, line);
}
