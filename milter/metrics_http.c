/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * metrics_http - GET /metrics over HTTP, served by GNU libmicrohttpd
 *
 * Exports: metrics_http_spec (metrics_socket / -M: inet:PORT@HOST or
 * inet6:PORT@HOST, loopback when HOST is left out), metrics_http_open
 * (bind, before privileges are dropped), metrics_http_start (serve in
 * libmicrohttpd's own thread, after the daemon detached), and
 * metrics_http_stop. GET and HEAD of /metrics answer the page of
 * metrics.c; any other path is 404, any other method 405. The library
 * parses HTTP; it keeps at most max_clients connections and closes one
 * idle for timeout seconds. Fails: -1 or NULL with the reason in the
 * caller's buffer; once serving, a bad client costs only its connection.
 */
#include "metrics_http.h"
#include "log.h"
#include "metrics.h"
#include "sockspec.h"
#include "store.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct metrics_http {
	int fd; /* the listening socket until libmicrohttpd owns it */
	struct MHD_Daemon *d;
};

/* metrics_http_spec - see metrics_http.h */
int metrics_http_spec(const char *spec, struct sockspec *ss, char *err,
		      size_t errlen)
{
	char full[300];
	const char *use = spec;

	if (strncmp(spec, "inet:", 5) != 0 && strncmp(spec, "inet6:", 6) != 0) {
		snprintf(err, errlen,
			 "\"%s\": expected inet:PORT@HOST or inet6:PORT@HOST",
			 spec);
		return -1;
	}
	if (strchr(spec, '@') == NULL) { /* loopback, not every address */
		snprintf(full, sizeof(full), "%s@%s", spec,
			 spec[4] == '6' ? "::1" : "127.0.0.1");
		use = full;
	}
	return sockspec_parse(use, ss, err, errlen);
}

/* metrics_http_open - see metrics_http.h */
struct metrics_http *metrics_http_open(const char *spec, char *err,
				       size_t errlen)
{
	struct sockspec ss;
	struct metrics_http *mh;
	int fd;

	if (metrics_http_spec(spec, &ss, err, errlen) < 0 ||
	    (fd = sockspec_listen(&ss, 64, err, errlen)) < 0)
		return NULL;
	mh = xcalloc(1, sizeof(*mh));
	mh->fd = fd;
	return mh;
}

/* reply - queue a response with body s */
static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status,
			     const char *s, size_t len, const char *allow)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)s, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				status == MHD_HTTP_OK ? CONTENT_TYPE
						      : "text/plain");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* on_request - libmicrohttpd's access handler: one answer per request */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	static const char not_found[] = "not found: try /metrics\n";
	static const char not_allowed[] = "only GET and HEAD\n";
	struct buf page;
	enum MHD_Result rc;

	(void)cls;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed,
			     sizeof(not_allowed) - 1, "GET, HEAD");
	if (strcmp(url, "/metrics") != 0)
		return reply(conn, MHD_HTTP_NOT_FOUND, not_found,
			     sizeof(not_found) - 1, NULL);
	buf_init(&page);
	metrics_render(&page, store_generation());
	rc = reply(conn, MHD_HTTP_OK, page.s, page.len, NULL);
	buf_release(&page);
	return rc;
}

/* on_log - libmicrohttpd's messages to our log */
__attribute__((format(printf, 2, 0))) static void on_log(void *cls,
							 const char *fmt,
							 va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	log_msg(LOG_WARNING, "metrics: %s", line);
}

/* metrics_http_start - see metrics_http.h */
int metrics_http_start(struct metrics_http *mh, int max_clients,
		       int timeout, char *err, size_t errlen)
{
	mh->d = MHD_start_daemon(
	    MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)mh->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)max_clients,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
	    MHD_OPTION_END);
	if (mh->d == NULL) {
		snprintf(err, errlen, "libmicrohttpd refused to start");
		return -1;
	}
	mh->fd = -1; /* libmicrohttpd closes it when it stops */
	return 0;
}

/* metrics_http_stop - see metrics_http.h */
void metrics_http_stop(struct metrics_http *mh)
{
	if (mh == NULL)
		return;
	if (mh->d)
		MHD_stop_daemon(mh->d);
	if (mh->fd >= 0)
		close(mh->fd);
	free(mh);
}
