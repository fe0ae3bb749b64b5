/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockspec - libmilter-style socket specifications
 *
 * Exports: sockspec_parse, sockspec_listen. Host names are resolved with
 * getaddrinfo at parse time, numerically first.
 */
#include "sockspec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* sockspec_parse - see sockspec.h */
int sockspec_parse(const char *spec, struct sockspec *out, char *err,
		   size_t errlen)
{
	const char *rest;
	char port[16], host[256];
	const char *at;
	struct addrinfo hints, *ai = NULL;
	int family, rc;
	long p;
	char *end;

	memset(out, 0, sizeof(*out));
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		rest = strchr(spec, ':') + 1;
		if (rest[0] != '/' || strlen(rest) >= sizeof(out->path)) {
			snprintf(err, errlen, "\"%s\": a unix socket needs an absolute "
				 "path of at most %zu bytes", spec, sizeof(out->path) - 1);
			return -1;
		}
		struct sockaddr_un *un = (struct sockaddr_un *)&out->sa;

		out->family = AF_UNIX;
		strcpy(out->path, rest);
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, rest);
		out->salen = sizeof(*un);
		return 0;
	}
	if (strncmp(spec, "inet:", 5) == 0) {
		family = AF_INET;
		rest = spec + 5;
	} else if (strncmp(spec, "inet6:", 6) == 0) {
		family = AF_INET6;
		rest = spec + 6;
	} else {
		snprintf(err, errlen, "\"%s\": expected unix:/path, inet:PORT@HOST "
			 "or inet6:PORT@HOST", spec);
		return -1;
	}
	at = strchr(rest, '@');
	if ((size_t)(at ? at - rest : (long)strlen(rest)) >= sizeof(port)) {
		snprintf(err, errlen, "\"%s\": bad port", spec);
		return -1;
	}
	snprintf(port, sizeof(port), "%.*s", (int)(at ? at - rest : (long)strlen(rest)), rest);
	p = strtol(port, &end, 10);
	if (*port == '\0' || *end || p < 1 || p > 65535) {
		snprintf(err, errlen, "\"%s\": port must be 1 to 65535", spec);
		return -1;
	}
	snprintf(host, sizeof(host), "%s", at ? at + 1 : "");
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (rc != 0 || ai == NULL) {
		snprintf(err, errlen, "\"%s\": %s", spec, gai_strerror(rc));
		return -1;
	}
	out->family = family;
	memcpy(&out->sa, ai->ai_addr, ai->ai_addrlen);
	out->salen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* sockspec_listen - see sockspec.h */
int sockspec_listen(const struct sockspec *ss, int backlog, char *err,
		    size_t errlen)
{
	int fd, on = 1;
	struct stat st;

	fd = socket(ss->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (ss->family == AF_UNIX) {
		if (lstat(ss->path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(ss->path);
	} else {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (ss->family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	if (bind(fd, (const struct sockaddr *)&ss->sa, ss->salen) < 0 ||
	    listen(fd, backlog) < 0) {
		snprintf(err, errlen, "bind %s: %s",
			 ss->family == AF_UNIX ? ss->path : "address",
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
