/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockspec - libmilter-style socket specifications
 *
 * Exports: sockspec_parse, sockspec_format, sockspec_loopback,
 * sockspec_claim, sockspec_listen. Host names are resolved with
 * getaddrinfo at parse time, numerically first; no host means loopback.
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
	/* no host: loopback only; every address must be asked for */
	if (host[0] == '\0')
		snprintf(host, sizeof(host), "%s",
			 family == AF_INET ? "127.0.0.1" : "::1");
	rc = getaddrinfo(host, port, &hints, &ai);
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

/* sockspec_format - see sockspec.h */
void sockspec_format(const struct sockspec *ss, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (ss->family == AF_UNIX) {
		snprintf(buf, len, "unix:%s", ss->path);
		return;
	}
	if (ss->family == AF_INET) {
		const struct sockaddr_in *in = (const void *)&ss->sa;

		inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
		port = ntohs(in->sin_port);
	} else {
		const struct sockaddr_in6 *in6 = (const void *)&ss->sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		port = ntohs(in6->sin6_port);
	}
	snprintf(buf, len, "%s:%d@%s", ss->family == AF_INET ? "inet" : "inet6",
		 port, addr);
}

/* sockspec_loopback - see sockspec.h */
int sockspec_loopback(const struct sockspec *ss)
{
	if (ss->family == AF_INET) {
		const struct sockaddr_in *in = (const void *)&ss->sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)&ss->sa;

		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return 1; /* a unix socket: reached through the file system */
}

/* sockspec_claim - see sockspec.h */
int sockspec_claim(const struct sockspec *ss, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	if (ss->family != AF_UNIX)
		return 0;
	if (lstat(ss->path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", ss->path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket: "
			 "not replaced", ss->path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)&ss->sa, ss->salen);
	if (rc < 0 && errno == ECONNREFUSED) {
		close(fd);
		if (unlink(ss->path) < 0 && errno != ENOENT) {
			snprintf(err, errlen, "stale socket %s: %s", ss->path,
				 strerror(errno));
			return -1;
		}
		return 0; /* nobody listened: a stale socket, replaced */
	}
	if (rc == 0 || errno == EAGAIN)
		snprintf(err, errlen, "%s: another process listens on this "
			 "socket (already running?)", ss->path);
	else
		snprintf(err, errlen, "%s: %s", ss->path, strerror(errno));
	close(fd);
	return -1;
}

/* sockspec_listen - see sockspec.h */
int sockspec_listen(const struct sockspec *ss, int backlog, char *err,
		    size_t errlen)
{
	int fd, on = 1;

	fd = socket(ss->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (ss->family == AF_UNIX) {
		if (sockspec_claim(ss, err, errlen) < 0) {
			close(fd);
			return -1;
		}
	} else {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (ss->family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	if (bind(fd, (const struct sockaddr *)&ss->sa, ss->salen) < 0 ||
	    listen(fd, backlog) < 0) {
		char spec[160];

		sockspec_format(ss, spec, sizeof(spec));
		snprintf(err, errlen, "bind %s: %s", spec, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
