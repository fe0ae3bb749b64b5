/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * startup - detach from the terminal, and tell the terminal how the
 * start-up ended (the way Postfix's master and OpenSMTPD do)
 *
 * The process that the administrator started forks the daemon and waits:
 * the daemon sends its warnings and errors (log_report) and then its
 * status once its sockets are open, its pid file written and its
 * privileges dropped. The waiting process copies the messages to stderr
 * and exits with that status, so that a failed start is a non-zero exit
 * with the reason on the terminal, not a line in syslog only.
 *
 * Exports: startup_detach, startup_done. No libmilter.
 */
#ifndef MILTER_EXPLAIN_STARTUP_H
#define MILTER_EXPLAIN_STARTUP_H

#include <stddef.h>

/*
 * startup_detach - fork the daemon (a new session, "/" as its directory,
 * stdio on /dev/null). Returns in the daemon only: the descriptor of the
 * report, or -1 with the reason in err. The starting process never
 * returns: it exits with the daemon's start-up status.
 */
int startup_detach(char *err, size_t errlen);

/* startup_done - the daemon's status (0: serving, else its exit code) */
void startup_done(int fd, int status);

#endif
