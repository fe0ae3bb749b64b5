/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * metrics_http - the metrics page over HTTP (GET /metrics)
 *
 * Exports: metrics_http_spec, metrics_http_open (bind, before privileges
 * are dropped and before the daemon detaches), metrics_http_start (serve
 * in a thread of libmicrohttpd's), metrics_http_stop.
 * Fails: -1 or NULL with the reason in the caller's buffer.
 */
#ifndef MILTER_EXPLAIN_METRICS_HTTP_H
#define MILTER_EXPLAIN_METRICS_HTTP_H

#include "sockspec.h"

#include <stddef.h>

struct metrics_http;

/*
 * metrics_http_spec - parse metrics_socket / -M: "inet:PORT@HOST" or
 * "inet6:PORT@HOST"; without "@HOST", the loopback address (127.0.0.1 or
 * ::1), never every address. 0, or -1 with the reason in err.
 */
int metrics_http_spec(const char *spec, struct sockspec *ss, char *err,
		      size_t errlen);

/* metrics_http_open - listen on spec; stopped with metrics_http_stop */
struct metrics_http *metrics_http_open(const char *spec, char *err,
				       size_t errlen);

/*
 * metrics_http_start - serve: at most max_clients connections at once,
 * each closed after timeout seconds without traffic. 0 or -1.
 */
int metrics_http_start(struct metrics_http *mh, int max_clients, int timeout,
		       char *err, size_t errlen);

/* metrics_http_stop - stop serving, close the socket, free; NULL ok */
void metrics_http_stop(struct metrics_http *mh);

#endif
