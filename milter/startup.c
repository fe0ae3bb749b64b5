/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * startup - detach, and report the start-up's outcome (see startup.h)
 *
 * Exports: startup_detach, startup_done. The report is text lines (the
 * daemon's warnings and errors), then STATUS_MARK and the exit status in
 * decimal. End of file without the mark means the daemon died first.
 */
#include "startup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#define STATUS_MARK '\001'

/* wait_report - in the starting process: copy the report, exit */
static void wait_report(int fd)
{
	char buf[512], code[16];
	size_t ncode = 0;
	int marked = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (marked) {
				if (ncode + 1 < sizeof(code))
					code[ncode++] = buf[i];
			} else if (buf[i] == STATUS_MARK) {
				marked = 1;
			} else {
				fputc(buf[i], stderr);
			}
		}
	}
	code[ncode] = '\0';
	if (!marked) {
		fprintf(stderr, "milter-explain: the daemon exited during "
				"start-up (see the system log)\n");
		fflush(stderr);
		_exit(EX_SOFTWARE);
	}
	fflush(stderr);
	_exit(atoi(code));
}

/* detach_fail - in the daemon-to-be: report what failed, exit */
static void detach_fail(int fd, const char *what)
{
	dprintf(fd, "milter-explain: cannot detach: %s: %s\n%c%d", what,
		strerror(errno), STATUS_MARK, EX_OSERR);
	_exit(EX_OSERR);
}

/* startup_detach - see startup.h */
int startup_detach(char *err, size_t errlen)
{
	int p[2], fd;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		snprintf(err, errlen, "cannot detach: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		wait_report(p[0]);
	}
	close(p[0]);
	if (setsid() < 0)
		detach_fail(p[1], "setsid");
	if ((pid = fork()) < 0)
		detach_fail(p[1], "fork");
	if (pid > 0)
		_exit(0); /* the session leader; the daemon is its child */
	if (chdir("/") < 0)
		detach_fail(p[1], "chdir /");
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return p[1];
}

/* startup_done - see startup.h */
void startup_done(int fd, int status)
{
	char line[16];
	int n;

	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%c%d", STATUS_MARK, status);
	if (write(fd, line, (size_t)n) < 0) {
		/* the starting process is gone: nobody to tell */
	}
	close(fd);
}
