/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * log - syslog with LOG_PID, and stderr too in the foreground
 *
 * Exports: log_open, log_report, log_msg. Before log_open, messages go to stderr only
 * (the command-line tools: -t, -x).
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int log_syslog;
static int log_stderr = 1;
static const char *log_ident = "milter-explain";
static int log_report_fd = -1;

/* log_open - start logging to syslog (mail facility) */
void log_open(const char *ident, int to_stderr)
{
	log_ident = ident;
	log_stderr = to_stderr;
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
	log_syslog = 1;
}

/* log_report - see log.h */
void log_report(int fd)
{
	log_report_fd = fd;
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
	if (log_report_fd >= 0 && prio <= LOG_WARNING) {
		char out[1100];

		snprintf(out, sizeof(out), "%s: %s\n", log_ident, line);
		if (write(log_report_fd, out, strlen(out)) < 0)
			log_report_fd = -1; /* the reader is gone */
	}
}
