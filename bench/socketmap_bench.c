/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * socketmap_bench - load and cost benchmarks of the socketmap service
 *
 *   socketmap_bench load [-c CLIENTS] [-d SECONDS] HOST PORT
 *       CLIENTS persistent connections (one thread each, like one smtpd
 *       process each) send footer lookups back to back for SECONDS;
 *       prints lookups per second and latency percentiles, one line:
 *       "load clients=N lookups=X rate=R p50=.. p90=.. p99=.. p999=.. max=.."
 *       (microseconds).
 *   socketmap_bench cost CONFIG N [plain|memo|metrics-off|metrics-on [KEY]]
 *       loads CONFIG and answers the key mix (or the one lookup KEY, such
 *       as "footer 550 5.1.1 text") N times in-process, inside
 *       bench_lookups(), without (plain) or (memo) with the memo of rendered
 *       guidance the service thread keeps, or (metrics-*) as the service
 *       thread does, through the memo and smnote_answer with the metrics
 *       off or counting; run it under
 *       valgrind --tool=callgrind --toggle-collect=bench_lookups
 *       to count the instructions of the lookups alone.
 *
 * Fails: exit 1 with a message on stderr. Not part of `make check`: see
 * bench/socketmap_bench.sh and `make bench`.
 */
#include "buf.h"
#include "config.h"
#include "lookup.h"
#include "metrics.h"
#include "netstring.h"
#include "smnote.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* the key mix: what Postfix looks up most, and a milter reply */
static const char *const keys[] = {
	"footer 550 5.1.1 <bob@example.org>: Recipient address rejected: User "
	"unknown in local recipient table",
	"footer 554 5.7.1 <someone@foreign.example>: Relay access denied",
	"footer 450 4.2.0 <alice@example.org>: Recipient address rejected: "
	"Greylisted, see http://postgrey.schweikert.ch/help/example.org.html",
	"footer 554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked "
	"using zen.spamhaus.org",
	"footer 500 5.5.2 Error: bad UTF-8 syntax",
	"footer 500-5.5.2 Error: command not recognized: FOO\r\n"
	"500-5.5.2 The receiving server could not understand a command: wrong "
	"syntax or\r\n500-5.5.2 unknown command.\r\n500-5.5.2 Usually a fault in "
	"the sending program: check or update it, or tell your\r\n500 5.5.2 "
	"mail administrator.",
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct client {
	pthread_t t;
	int fd;
	uint32_t *lat; /* nanoseconds, one per lookup */
	size_t n, cap;
	const char *err;
};

static atomic_int running = 1;
static pthread_barrier_t start_line;

/* now_ns - monotonic nanoseconds */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* send_all - write all of s */
static int send_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* read_answer - one netstring answer into buf (cap bytes) */
static int read_answer(int fd, char *buf, size_t cap)
{
	size_t len = 0, plen, used;
	const char *p;
	char err[128];
	int rc;

	while ((rc = netstring_parse(buf, len, NETSTRING_MAX, &p, &plen, &used,
				     err, sizeof(err))) == 0) {
		ssize_t n = recv(fd, buf + len, cap - len, 0);

		if (n <= 0)
			return -1;
		len += (size_t)n;
	}
	return rc == 1 && used == len ? 0 : -1;
}

/* client_main - lookups back to back until told to stop */
static void *client_main(void *arg)
{
	struct client *c = arg;
	struct buf req[NKEYS];
	char *ans = malloc(NETSTRING_WIRE_MAX);

	for (size_t i = 0; i < NKEYS; i++) {
		buf_init(&req[i]);
		netstring_encode(&req[i], keys[i], strlen(keys[i]));
	}
	pthread_barrier_wait(&start_line);
	for (size_t i = 0; atomic_load_explicit(&running, memory_order_relaxed); i++) {
		const struct buf *r = &req[i % NKEYS];
		uint64_t t0 = now_ns(), dt;

		if (send_all(c->fd, r->s, r->len) < 0 ||
		    read_answer(c->fd, ans, NETSTRING_WIRE_MAX) < 0) {
			c->err = "connection lost";
			break;
		}
		dt = now_ns() - t0;
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 65536;
			c->lat = xrealloc(c->lat, c->cap * sizeof(*c->lat));
		}
		c->lat[c->n++] = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
	}
	for (size_t i = 0; i < NKEYS; i++)
		buf_release(&req[i]);
	free(ans);
	return NULL;
}

/* cmp_u32 - qsort order */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* pct - the p-th percentile of sorted v, in microseconds */
static double pct(const uint32_t *v, size_t n, double p)
{
	size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);

	return v[i] / 1000.0;
}

/* run_load - see the file header */
static int run_load(int argc, char **argv)
{
	int nclients = 1, secs = 5, opt, rc = 1;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct client *cl = NULL;
	uint32_t *all = NULL;
	size_t total = 0, k = 0;
	uint64_t t0, t1;

	optind = 2;
	while ((opt = getopt(argc, argv, "c:d:")) != -1) {
		if (opt == 'c')
			nclients = atoi(optarg);
		else if (opt == 'd')
			secs = atoi(optarg);
		else
			return 1;
	}
	if (argc - optind != 2 || nclients < 1 || secs < 1 ||
	    inet_pton(AF_INET, argv[optind], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: socketmap_bench load [-c N] [-d S] IPV4 PORT\n");
		return 1;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	cl = xcalloc((size_t)nclients, sizeof(*cl));
	pthread_barrier_init(&start_line, NULL, (unsigned)nclients + 1);
	for (int i = 0; i < nclients; i++) {
		int one = 1;

		cl[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		if (cl[i].fd < 0 ||
		    connect(cl[i].fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			fprintf(stderr, "socketmap_bench: connect: %s\n", strerror(errno));
			exit(1); /* threads already waiting at the barrier */
		}
		setsockopt(cl[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (pthread_create(&cl[i].t, NULL, client_main, &cl[i]) != 0) {
			fprintf(stderr, "socketmap_bench: pthread_create failed\n");
			exit(1);
		}
	}
	pthread_barrier_wait(&start_line);
	t0 = now_ns();
	sleep((unsigned)secs);
	atomic_store(&running, 0);
	for (int i = 0; i < nclients; i++) {
		pthread_join(cl[i].t, NULL);
		total += cl[i].n;
	}
	t1 = now_ns();
	for (int i = 0; i < nclients; i++)
		if (cl[i].err) {
			fprintf(stderr, "socketmap_bench: client %d: %s\n", i, cl[i].err);
			goto out;
		}
	if (total == 0) {
		fprintf(stderr, "socketmap_bench: no lookup answered\n");
		goto out;
	}
	all = xmalloc(total * sizeof(*all));
	for (int i = 0; i < nclients; i++) {
		memcpy(all + k, cl[i].lat, cl[i].n * sizeof(*all));
		k += cl[i].n;
	}
	qsort(all, total, sizeof(*all), cmp_u32);
	printf("load clients=%d lookups=%zu rate=%.0f p50=%.1f p90=%.1f p99=%.1f "
	       "p999=%.1f max=%.1f\n", nclients, total,
	       (double)total / ((double)(t1 - t0) / 1e9), pct(all, total, 50),
	       pct(all, total, 90), pct(all, total, 99), pct(all, total, 99.9),
	       all[total - 1] / 1000.0);
	rc = 0;
out:
	for (int i = 0; i < nclients; i++) {
		close(cl[i].fd);
		free(cl[i].lat);
	}
	free(cl);
	free(all);
	return rc;
}

static int noted; /* metrics-*: answer as the service thread does */

/* bench_lookups - the measured part: n answers over the key mix or one */
__attribute__((noinline)) size_t bench_lookups(struct memo *m,
					       const struct config *cfg,
					       size_t n, struct buf *out,
					       const char *one)
{
	size_t bytes = 0;
	struct lookup_info info;

	for (size_t i = 0; i < n; i++) {
		const char *k = one ? one : keys[i % NKEYS];

		if (noted) {
			lookup_answer_info(m, cfg, k, strlen(k), out, &info);
			smnote_answer(cfg, 1, "bench", &info);
		} else {
			lookup_answer_memo(m, cfg, k, strlen(k), out);
		}
		bytes += out->len;
	}
	return bytes;
}

/* run_cost - see the file header */
static int run_cost(int argc, char **argv)
{
	struct config *cfg;
	struct memo *m = NULL;
	struct buf out;
	char err[512];
	size_t n;
	uint64_t t0, t1;
	const char *mode = argc >= 5 ? argv[4] : "plain";
	const char *one = argc == 6 ? argv[5] : NULL;

	if (argc < 4 || argc > 6 || (n = strtoul(argv[3], NULL, 10)) == 0 ||
	    (strcmp(mode, "plain") != 0 && strcmp(mode, "memo") != 0 &&
	     strcmp(mode, "metrics-off") != 0 &&
	     strcmp(mode, "metrics-on") != 0)) {
		fprintf(stderr, "usage: socketmap_bench cost CONFIG N "
				"[plain|memo|metrics-off|metrics-on [KEY]]\n");
		return 1;
	}
	if (strcmp(mode, "plain") != 0)
		m = memo_new();
	if ((cfg = config_load(argv[2], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	noted = strcmp(mode, "metrics-off") == 0 ||
		strcmp(mode, "metrics-on") == 0;
	if (noted) {
		const char *names[METRICS_RULES_MAX];
		size_t k = 0;

		for (; k < cfg->nrules && k < METRICS_RULES_MAX; k++)
			names[k] = cfg->rules[k]->name;
		metrics_rules(names, k);
		metrics_enable(strcmp(mode, "metrics-on") == 0);
	}
	buf_init(&out);
	bench_lookups(m, cfg, NKEYS, &out, one); /* warm */
	t0 = now_ns();
	bench_lookups(m, cfg, n, &out, one);
	t1 = now_ns();
	printf("cost rules=%zu mode=%s lookups=%zu ns_per_lookup=%.0f\n",
	       cfg->nrules, mode, n + NKEYS,
	       (double)(t1 - t0) / (double)n);
	buf_release(&out);
	memo_free(m);
	config_free(cfg);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "load") == 0)
		return run_load(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "cost") == 0)
		return run_cost(argc, argv);
	fprintf(stderr, "usage: socketmap_bench load|cost ...\n");
	return 1;
}
