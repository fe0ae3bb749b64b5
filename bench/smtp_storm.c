/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtp_storm - many concurrent SMTP sessions from one process, for the
 * benchmarks and the load tests (loopback only, bounded in time)
 *
 * usage: smtp_storm [-s SESSIONS] [-n UNKNOWN] [-c COMMAND] [-e CODE]
 *                   [-m MESSAGES] [-r REJECTS] [-w HOLD] [-T TIMEOUT]
 *                   [-R ROUNDS] [-L LINES] HOST PORT
 *
 * Each of SESSIONS sessions (all open at once) reads the banner, says
 * EHLO, sends UNKNOWN times COMMAND (default "XSTORM") one after the
 * other, each answered with CODE (default: any 4xx/5xx), then MESSAGES
 * times a transaction: MAIL FROM, REJECTS refused recipients
 * (<nobody@test.example>, any 5xx), one accepted recipient
 * (<alice@test.example>), DATA and a small message (250). With -w the
 * sessions then hold the connection for HOLD seconds (after printing
 * "holding" once all are there), then QUIT. With -R a session that ends
 * is started again, ROUNDS times in all per slot. With -L, each answer
 * to an unknown command or a refused recipient must have at least LINES
 * lines (the guidance is there). A session fails on an
 * unexpected reply, a connection error or no progress for TIMEOUT
 * seconds (default 30). Prints one line of counts:
 *   sessions=N failed=F replies=R lines=L unknown_replies=U seconds=S
 *   rate=R/s (replies per second) and the first failures on stderr.
 * Exit status 0 when no session failed, 1 otherwise, 2 for bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum step { BANNER, EHLO, UNKNOWN, MAIL, BADRCPT, RCPT, DATA, BODY, HOLD, QUIT,
	    DONE };

struct sess {
	int fd;
	enum step step;
	int left;      /* repetitions left in this step */
	int msgs;      /* transactions left */
	int rounds;    /* sessions left in this slot */
	char in[8192];
	size_t inlen;
	int lines;     /* lines of the reply being read */
	double last;   /* time of the last progress */
};

static const char *host, *command = "XSTORM";
static int port, nsess = 10, nunknown = 10, want_code, nmsgs, nrejects;
static int hold_secs, timeout_secs = 30, rounds = 1, min_lines;
static long replies, lines_total, unknown_replies, sessions_done, failed;
static int holding;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail_sess(struct sess *s, const char *why, const char *line)
{
	if (failed < 5)
		fprintf(stderr, "smtp_storm: session failed: %s%s%.200s\n", why,
			line ? ": " : "", line ? line : "");
	failed++;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->step = DONE;
}

static int sess_connect(struct sess *s)
{
	struct sockaddr_in sa;
	int one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, host, &sa.sin_addr);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0)
		return -1;
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
	s->step = BANNER;
	s->inlen = 0;
	s->lines = 0;
	s->msgs = nmsgs;
	s->last = now();
	return 0;
}

/* say - write a command whole (they are small: the socket takes them) */
__attribute__((format(printf, 2, 3)))
static int say(struct sess *s, const char *fmt, ...)
{
	va_list ap;
	char buf[512];
	int n;
	ssize_t w;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	w = write(s->fd, buf, (size_t)n);

	return w == n ? 0 : -1;
}

/* next - send what comes after a complete reply with code in step */
static void next(struct sess *s)
{
	int rc = 0;

	switch (s->step) {
	case BANNER:
		s->step = EHLO;
		rc = say(s, "EHLO %s\r\n", "storm.test.example");
		break;
	case EHLO:
	case UNKNOWN:
		if (s->step == EHLO)
			s->left = nunknown;
		if (s->left > 0) {
			s->left--;
			s->step = UNKNOWN;
			rc = say(s, "%s\r\n", command);
			break;
		}
		/* fall through */
	case BODY:
		if (s->msgs > 0) {
			s->msgs--;
			s->step = MAIL;
			rc = say(s, "MAIL FROM:<%s>\r\n", "storm@client.example");
			break;
		}
		if (hold_secs) {
			s->step = HOLD;
			holding++;
			return;
		}
		s->step = QUIT;
		rc = say(s, "%s\r\n", "QUIT");
		break;
	case MAIL:
		s->left = nrejects;
		/* fall through */
	case BADRCPT:
		if (s->left > 0) {
			s->left--;
			s->step = BADRCPT;
			rc = say(s, "RCPT TO:<%s>\r\n", "nobody@test.example");
			break;
		}
		s->step = RCPT;
		rc = say(s, "RCPT TO:<%s>\r\n", "alice@test.example");
		break;
	case RCPT:
		s->step = DATA;
		rc = say(s, "%s\r\n", "DATA");
		break;
	case DATA:
		s->step = BODY;
		rc = say(s, "%s", "Subject: storm\r\nFrom: <storm@client.example>\r\n"
			 "To: <alice@test.example>\r\n\r\nA test message.\r\n.\r\n");
		break;
	case HOLD:
		s->step = QUIT;
		rc = say(s, "%s\r\n", "QUIT");
		break;
	case QUIT:
		close(s->fd);
		s->fd = -1;
		s->step = DONE;
		sessions_done++;
		if (--s->rounds > 0 && sess_connect(s) < 0)
			fail_sess(s, "connect", strerror(errno));
		return;
	case DONE:
		return;
	}
	if (rc < 0)
		fail_sess(s, "write", strerror(errno));
}

/* expected - is code the right answer in this step */
static int expected(const struct sess *s, int code)
{
	switch (s->step) {
	case BANNER: return code == 220;
	case EHLO: return code == 250;
	case UNKNOWN: return want_code ? code == want_code : code >= 400 && code < 600;
	case MAIL: case RCPT: case BODY: return code == 250;
	case BADRCPT: return code >= 500 && code < 600;
	case DATA: return code == 354;
	case QUIT: return code == 221;
	default: return 0;
	}
}

/* readable - take the complete lines that arrived */
static void readable(struct sess *s)
{
	ssize_t n = read(s->fd, s->in + s->inlen, sizeof(s->in) - 1 - s->inlen);
	char *p, *nl;

	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return;
		fail_sess(s, n == 0 ? "connection closed by the server" : "read",
			  n == 0 ? NULL : strerror(errno));
		return;
	}
	s->inlen += (size_t)n;
	s->in[s->inlen] = '\0';
	s->last = now();
	p = s->in;
	while ((nl = memchr(p, '\n', s->inlen - (size_t)(p - s->in))) != NULL) {
		*nl = '\0';
		s->lines++;
		lines_total++;
		if (nl - p < 3 || s->step == HOLD || s->step == DONE) {
			fail_sess(s, "unexpected line", p);
			return;
		}
		if (nl - p < 4 || p[3] == ' ' || p[3] == '\r') {
			int code = atoi(p);

			replies++;
			if (!expected(s, code)) {
				fail_sess(s, "unexpected reply", p);
				return;
			}
			if ((s->step == UNKNOWN || s->step == BADRCPT) &&
			    s->lines < min_lines) {
				fail_sess(s, "reply without guidance", p);
				return;
			}
			if (s->step == UNKNOWN)
				unknown_replies++;
			s->lines = 0;
			next(s);
			if (s->fd < 0 || s->step == DONE) {
				if (s->fd < 0)
					return;
			}
		}
		p = nl + 1;
	}
	s->inlen -= (size_t)(p - s->in);
	memmove(s->in, p, s->inlen);
	if (s->inlen >= sizeof(s->in) - 1)
		fail_sess(s, "line too long", NULL);
}

static void usage(void)
{
	fprintf(stderr, "usage: smtp_storm [-s SESSIONS] [-n UNKNOWN] [-c COMMAND] "
		"[-e CODE] [-m MESSAGES] [-r REJECTS] [-w HOLD] [-T TIMEOUT] "
		"[-R ROUNDS] [-L LINES] HOST PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sess *ss;
	struct pollfd *pf;
	int *idx;
	double start, hold_until = 0, end;
	int ch, open_left;

	while ((ch = getopt(argc, argv, "s:n:c:e:m:r:w:T:R:L:")) != -1) {
		switch (ch) {
		case 's': nsess = atoi(optarg); break;
		case 'n': nunknown = atoi(optarg); break;
		case 'c': command = optarg; break;
		case 'e': want_code = atoi(optarg); break;
		case 'm': nmsgs = atoi(optarg); break;
		case 'r': nrejects = atoi(optarg); break;
		case 'w': hold_secs = atoi(optarg); break;
		case 'T': timeout_secs = atoi(optarg); break;
		case 'R': rounds = atoi(optarg); break;
		case 'L': min_lines = atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 2 || nsess < 1 || rounds < 1)
		usage();
	host = argv[optind];
	port = atoi(argv[optind + 1]);
	ss = calloc((size_t)nsess, sizeof(*ss));
	pf = calloc((size_t)nsess, sizeof(*pf));
	idx = calloc((size_t)nsess, sizeof(*idx));
	if (ss == NULL || pf == NULL || idx == NULL)
		return 2;
	start = now();
	for (int i = 0; i < nsess; i++) {
		ss[i].rounds = rounds;
		if (sess_connect(&ss[i]) < 0)
			fail_sess(&ss[i], "connect", strerror(errno));
	}
	for (;;) {
		int n = 0;
		double t = now();

		open_left = 0;
		for (int i = 0; i < nsess; i++) {
			if (ss[i].step == DONE)
				continue;
			open_left++;
			if (ss[i].step == HOLD) {
				if (holding == nsess - (int)failed && hold_until == 0) {
					printf("holding %d sessions for %d s\n", holding, hold_secs);
					fflush(stdout);
					hold_until = t + hold_secs;
				}
				if (hold_until && t >= hold_until)
					next(&ss[i]);
				ss[i].last = t;
				continue;
			}
			if (t - ss[i].last > timeout_secs) {
				fail_sess(&ss[i], "timeout", NULL);
				continue;
			}
		}
		if (open_left == 0)
			break;
		for (int i = 0; i < nsess; i++) {
			if (ss[i].fd >= 0 && ss[i].step != HOLD && ss[i].step != DONE) {
				pf[n].fd = ss[i].fd;
				pf[n].events = POLLIN;
				pf[n].revents = 0;
				idx[n++] = i;
			}
		}
		if (poll(pf, (nfds_t)n, 100) < 0 && errno != EINTR)
			return 2;
		for (int k = 0; k < n; k++)
			if (pf[k].revents && ss[idx[k]].fd == pf[k].fd)
				readable(&ss[idx[k]]);
	}
	end = now();
	printf("sessions=%ld failed=%ld replies=%ld lines=%ld unknown_replies=%ld "
	       "seconds=%.3f rate=%.1f\n", sessions_done, failed, replies,
	       lines_total, unknown_replies, end - start,
	       replies / (end - start > 0 ? end - start : 1));
	return failed ? 1 : 0;
}
