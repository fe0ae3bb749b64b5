/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockspec - libmilter-style socket specifications
 *
 * "unix:/path" (or "local:/path"), "inet:PORT@HOST", "inet6:PORT@HOST"
 * (HOST may be omitted for every address). Exports sockspec_parse and
 * sockspec_listen. Fails: -1 with the reason in the caller's buffer.
 */
#ifndef MILTER_EXPLAIN_SOCKSPEC_H
#define MILTER_EXPLAIN_SOCKSPEC_H

#include <stddef.h>
#include <sys/socket.h>

struct sockspec {
	int family;                 /* AF_UNIX, AF_INET, AF_INET6 */
	struct sockaddr_storage sa;
	socklen_t salen;
	char path[108];             /* AF_UNIX */
};

int sockspec_parse(const char *spec, struct sockspec *out, char *err,
		   size_t errlen);

/*
 * sockspec_listen - a non-blocking listening socket for spec; a stale unix
 * socket file is replaced. Returns the descriptor or -1.
 */
int sockspec_listen(const struct sockspec *ss, int backlog, char *err,
		    size_t errlen);

#endif
