/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockspec - libmilter-style socket specifications
 *
 * "unix:/path" (or "local:/path"), "inet:PORT@HOST", "inet6:PORT@HOST".
 * Without HOST an inet socket listens on loopback only (127.0.0.1, ::1):
 * every other address must be named ("inet:PORT@0.0.0.0" for all).
 * Exports sockspec_parse, sockspec_format, sockspec_loopback,
 * sockspec_claim and sockspec_listen. Fails: -1 with the reason in the
 * caller's buffer.
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
 * sockspec_format - ss as a specification with a numeric host
 * ("inet:8891@127.0.0.1", "unix:/run/x.sock"), for libmilter's parser
 */
void sockspec_format(const struct sockspec *ss, char *buf, size_t len);

/* sockspec_loopback - non-zero for a unix socket or a loopback address */
int sockspec_loopback(const struct sockspec *ss);

/*
 * sockspec_claim - make way for a unix socket at ss->path: nothing there,
 * or a stale socket (connect() refused: nobody listens), which is
 * removed. A live socket or any other kind of file is left alone: -1 and
 * the reason. inet sockets: 0, nothing to do.
 */
int sockspec_claim(const struct sockspec *ss, char *err, size_t errlen);

/*
 * sockspec_listen - a non-blocking listening socket for spec; a unix socket
 * is claimed first (see sockspec_claim). Returns the descriptor or -1.
 */
int sockspec_listen(const struct sockspec *ss, int backlog, char *err,
		    size_t errlen);

#endif
