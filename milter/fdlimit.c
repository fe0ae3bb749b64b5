/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fdlimit - the open-file limit, and its split between the two doors
 *
 * Exports: fdlimit_budget, fdlimit_raise (see fdlimit.h). Each milter
 * session holds one descriptor (libmilter's thread per session) and each
 * socketmap client one; Postfix opens one of each per smtpd process, so
 * with both doors open they share what the daemon does not keep evenly,
 * the socketmap's half further bounded by socketmap.max_clients.
 */
#include "fdlimit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/* fdlimit_budget - see fdlimit.h */
void fdlimit_budget(long nofile, int max_clients, int milter_on,
		    int socketmap_on, struct fd_budget *b)
{
	long reserve = nofile / 4 < FDLIMIT_RESERVE ? nofile / 4
						    : FDLIMIT_RESERVE;
	long usable = nofile - reserve, sm = 0;

	if (usable < 2)
		usable = 2;
	if (usable > 1L << 30)
		usable = 1L << 30;
	b->nofile = nofile;
	if (socketmap_on) {
		sm = milter_on ? usable / 2 : usable;
		if (sm > max_clients)
			sm = max_clients;
		if (sm < 1)
			sm = 1;
	}
	b->socketmap = (int)sm;
	b->milter = milter_on ? (int)(usable - sm) : 0;
}

/* fdlimit_raise - see fdlimit.h */
long fdlimit_raise(long max, char *msg, size_t msglen)
{
	struct rlimit rl;
	rlim_t want;

	msg[0] = '\0';
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(msg, msglen, "getrlimit: %s", strerror(errno));
		return 1024;
	}
	want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (rlim_t)max
		   ? (rlim_t)max
		   : rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= want)
		return (long)(rl.rlim_cur > (rlim_t)max ? (rlim_t)max
							: rl.rlim_cur);
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(msg, msglen, "setrlimit to %ld: %s", (long)want,
			 strerror(errno));
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)max
		   ? max
		   : (long)rl.rlim_cur;
}
