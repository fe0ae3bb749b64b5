/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_socketmap - the socketmap server on a loopback port: persistent
 * and pipelined lookups, hostile peers closed without harm to others,
 * idle timeout, connection cap, a reader that does not read, a reload
 * seen by an open connection, a unix socket, and a clean stop
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "netstring.h"
#include "socketmap.h"
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>

static const char base_conf[] =
	"languages = [\"en\"];\n"
	"socketmap = { max_clients = 4; idle_timeout = 1; };\n";

static struct socketmap *sm;
static int port;
static char conf_path[64];

/* now_ms - monotonic milliseconds */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* publish - load body as the current config */
static void publish(const char *body)
{
	char err[512];
	struct config *cfg = tu_load(body, err, sizeof(err), conf_path,
				     sizeof(conf_path));

	if (cfg == NULL)
		fail_msg("config: %s", err);
	unlink(conf_path);
	store_publish(cfg);
}

/* free_port - a loopback port nobody listens on right now */
static int free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), p;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		abort();
	p = ntohs(sa.sin_port);
	close(fd);
	return p;
}

/* setup - publish the config, start the service */
static int setup(void **state)
{
	char spec[64], err[256];

	(void)state;
	publish(base_conf);
	for (int i = 0; i < 5 && sm == NULL; i++) {
		port = free_port();
		snprintf(spec, sizeof(spec), "inet:%d@127.0.0.1", port);
		sm = socketmap_open(spec, err, sizeof(err));
	}
	if (sm == NULL || socketmap_start(sm, err, sizeof(err)) < 0) {
		fprintf(stderr, "socketmap: %s\n", err);
		return -1;
	}
	return 0;
}

/* teardown - stop the service and drop the config */
static int teardown(void **state)
{
	(void)state;
	socketmap_stop(sm);
	store_shutdown();
	return 0;
}

/* cl_connect - a client with 5-second timeouts */
static int cl_connect(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct timeval tv = {5, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* cl_send - all of s */
static void cl_send(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		assert_true(n > 0);
		s += n;
		len -= (size_t)n;
	}
}

/* cl_request - send one request as a netstring */
static void cl_request(int fd, const char *payload)
{
	struct buf b;

	buf_init(&b);
	netstring_encode(&b, payload, strlen(payload));
	cl_send(fd, b.s, b.len);
	buf_release(&b);
}

/* cl_answer - read one netstring answer; the caller frees it */
static char *cl_answer(int fd)
{
	char *buf = malloc(NETSTRING_WIRE_MAX), *out;
	size_t len = 0, plen, used;
	const char *p;
	char err[128];
	int rc;

	while ((rc = netstring_parse(buf, len, NETSTRING_MAX, &p, &plen, &used,
				     err, sizeof(err))) == 0) {
		ssize_t n = recv(fd, buf + len, 1, 0); /* never past the answer */

		if (n <= 0)
			fail_msg("no answer: %s", n == 0 ? "closed" : strerror(errno));
		len += (size_t)n;
	}
	assert_int_equal(rc, 1);
	out = xstrndup(p, plen);
	free(buf);
	return out;
}

/* cl_query - one request, one answer; the caller frees it */
static char *cl_query(int fd, const char *payload)
{
	cl_request(fd, payload);
	return cl_answer(fd);
}

/* cl_expect - the answer to payload starts with want */
static void cl_expect(int fd, const char *payload, const char *want)
{
	char *a = cl_query(fd, payload);

	if (strncmp(a, want, strlen(want)) != 0)
		fail_msg("answer \"%.60s\", expected \"%s\"", a, want);
	free(a);
}

/* cl_closed - the server closes fd within ms milliseconds */
static int cl_closed(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char c;

	if (poll(&p, 1, ms) != 1)
		return 0;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

#define FOOTER_550 "footer 550 5.1.1 <bob@test.example>: Recipient address rejected"

static void test_persistent_and_pipelined(void **state)
{
	static const char *const reqs[] = {"footer 250 2.0.0",
					   "footer 554 5.7.1 denied", "other 550 x"};
	static const char slow[] = "32:footer 451 4.3.0 Temporary fault,";
	int fd = cl_connect();
	struct buf three;

	(void)state;
	buf_init(&three);
	for (int i = 0; i < 3; i++)
		netstring_encode(&three, reqs[i], strlen(reqs[i]));
	for (int i = 0; i < 100; i++)
		cl_expect(fd, FOOTER_550, "OK This address does not exist");
	cl_send(fd, three.s, three.len);
	cl_request(fd, "footer 250 x"); /* a fourth, after the three */
	for (int i = 0; i < 4; i++)
		free(cl_answer(fd));
	close(fd);
	fd = cl_connect();
	cl_send(fd, three.s, three.len);
	buf_release(&three);
	{
		char *a = cl_answer(fd), *b = cl_answer(fd), *c = cl_answer(fd);

		assert_string_equal(a, "NOTFOUND ");
		assert_true(strncmp(b, "OK The receiving server refused", 31) == 0);
		assert_string_equal(c, "PERM unknown map");
		free(a);
		free(b);
		free(c);
	}
	for (size_t i = 0; i < sizeof(slow) - 1; i++) {
		cl_send(fd, slow + i, 1);
		usleep(1000);
	}
	free(cl_answer(fd));
	close(fd);
}

static void test_hostile_peers(void **state)
{
	static const char *const bad[] = {
		"05:hello,", "999999:", "1000000000000", "abc", "5:hello;",
		"3:abc,x", ":", "-1:,", "\r\n", "12:footer 550 x!",
	};
	int good = cl_connect();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = cl_connect();

		cl_send(fd, bad[i], strlen(bad[i]));
		if (!cl_closed(fd, 2000))
			fail_msg("\"%s\": connection not closed", bad[i]);
		close(fd);
		cl_expect(good, FOOTER_550, "OK ");
	}
	/* half a request, then end of input */
	{
		int fd = cl_connect();

		cl_send(fd, "40:footer 550", 13);
		shutdown(fd, SHUT_WR);
		assert_true(cl_closed(fd, 2000));
		close(fd);
	}
	/* a 100000-byte request is fine; a longer one is cut at its length */
	{
		int fd = cl_connect();
		char *req = malloc(NETSTRING_MAX + 1), *a;

		memcpy(req, "footer 550 5.1.1 ", 17);
		memset(req + 17, 'y', NETSTRING_MAX - 17);
		req[NETSTRING_MAX] = '\0';
		a = cl_query(fd, req);
		/* answered; no guidance fits after a line that long */
		assert_string_equal(a, "NOTFOUND ");
		free(a);
		cl_send(fd, "100001:", 7);
		assert_true(cl_closed(fd, 2000));
		close(fd);
		free(req);
	}
	cl_expect(good, FOOTER_550, "OK ");
	close(good);
}

static void test_idle_timeout(void **state)
{
	int good = cl_connect(), silent = cl_connect(), half = cl_connect();
	long long start = now_ms();

	(void)state;
	cl_send(half, "40:footer 550", 13);
	/* trickling bytes is no activity: only complete requests are */
	for (int i = 0; i < 6; i++) {
		usleep(300 * 1000);
		send(half, " 5", 2, MSG_NOSIGNAL); /* fails once it is closed */
		cl_expect(good, FOOTER_550, "OK ");
	}
	assert_true(cl_closed(silent, 1500));
	assert_true(cl_closed(half, 1500));
	assert_true(now_ms() - start < 4000);
	cl_expect(good, FOOTER_550, "OK "); /* active all along: still open */
	close(silent);
	close(half);
	close(good);
}

static void test_connection_cap(void **state)
{
	int fd[5];

	(void)state;
	usleep(200 * 1000); /* the service sees the earlier clients leave */
	for (int i = 0; i < 4; i++) {
		fd[i] = cl_connect();
		cl_expect(fd[i], FOOTER_550, "OK ");
	}
	fd[4] = cl_connect(); /* the kernel accepts; the service closes */
	assert_true(cl_closed(fd[4], 2000));
	close(fd[4]);
	close(fd[0]);
	usleep(100 * 1000);
	fd[0] = cl_connect();
	cl_expect(fd[0], FOOTER_550, "OK ");
	for (int i = 0; i < 4; i++)
		close(fd[i]);
}

#define FLOOD 3000

/* flood - send FLOOD requests without reading an answer */
static void *flood(void *arg)
{
	int fd = *(int *)arg;
	struct buf b;

	buf_init(&b);
	for (int i = 0; i < FLOOD; i++)
		netstring_encode(&b, FOOTER_550, strlen(FOOTER_550));
	cl_send(fd, b.s, b.len);
	buf_release(&b);
	return NULL;
}

static void test_reader_that_does_not_read(void **state)
{
	int slow = cl_connect(), good = cl_connect();
	struct timeval tv = {20, 0};
	pthread_t t;
	long long t0;

	(void)state;
	setsockopt(slow, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(slow, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(pthread_create(&t, NULL, flood, &slow), 0);
	usleep(300 * 1000);
	t0 = now_ms();
	cl_expect(good, FOOTER_550, "OK ");
	assert_true(now_ms() - t0 < 500); /* not blocked behind the flood */
	for (int i = 0; i < FLOOD; i++) {
		char *a = cl_answer(slow);

		if (strncmp(a, "OK This address", 15) != 0)
			fail_msg("answer %d: %.40s", i, a);
		free(a);
	}
	pthread_join(t, NULL);
	close(slow);
	close(good);
}

static void test_reload_keeps_connections(void **state)
{
	int fd = cl_connect();
	char *a;

	(void)state;
	a = cl_query(fd, FOOTER_550);
	assert_null(strstr(a, "After reload"));
	free(a);
	publish("languages = [\"en\"];\n"
		"socketmap = { max_clients = 4; idle_timeout = 1; };\n"
		"rules = ( { name = \"r\"; enhanced = \"5.1.1\"; "
		"append = [\"After reload: ask ${helpdesk}.\"]; } );\n"
		"helpdesk = \"help@example.org\";\n");
	a = cl_query(fd, FOOTER_550); /* the same connection */
	assert_non_null(strstr(a, "\\nAfter reload: ask help@example.org."));
	free(a);
	close(fd);
	publish(base_conf);
}

static void test_unix_socket(void **state)
{
	char path[64], spec[80], err[256];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct socketmap *u;
	struct stat st;
	int fd;
	char *a;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/me-sm-%ld.sock", (long)getpid());
	snprintf(spec, sizeof(spec), "unix:%s", path);
	u = socketmap_open(spec, err, sizeof(err));
	assert_non_null(u);
	assert_int_equal(socketmap_start(u, err, sizeof(err)), 0);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	a = cl_query(fd, FOOTER_550);
	assert_true(strncmp(a, "OK ", 3) == 0);
	free(a);
	socketmap_stop(u);
	assert_true(cl_closed(fd, 1000));
	close(fd);
	assert_int_equal(stat(path, &st), -1);
	/* errors come back in the caller's buffer */
	assert_null(socketmap_open("inet:0@127.0.0.1", err, sizeof(err)));
	assert_non_null(strstr(err, "port"));
	assert_null(socketmap_open("unix:relative", err, sizeof(err)));
	socketmap_stop(NULL);
}

/*
 * eviction_child - a second service in a child process, one connection at
 * most; it serves until killed
 */
static _Noreturn void eviction_child(int ready)
{
	char spec[64], err[256];
	struct socketmap *one = NULL;

	for (int i = 0; i < 5 && one == NULL; i++) {
		port = free_port();
		snprintf(spec, sizeof(spec), "inet:%d@127.0.0.1", port);
		one = socketmap_open(spec, err, sizeof(err));
	}
	if (one == NULL)
		_exit(2);
	socketmap_set_budget(one, 1);
	if (socketmap_start(one, err, sizeof(err)) < 0)
		_exit(2);
	if (write(ready, &port, sizeof(port)) != (ssize_t)sizeof(port))
		_exit(2);
	for (;;)
		pause();
}

/*
 * test_eviction_with_pending_input - a new client and a request from the
 * connection idle longest arrive in one wake-up of the loop, at the cap:
 * the eviction frees that connection while its event is still to be
 * handled. The service is stopped (SIGSTOP) while both arrive, so that
 * one epoll_wait returns both; it must survive and serve the new client.
 */
static void test_eviction_with_pending_input(void **state)
{
	int pfd[2], saved = port, old, young, st;
	char buf[512];
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		eviction_child(pfd[1]);
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &port, sizeof(port)), (ssize_t)sizeof(port));
	close(pfd[0]);
	old = cl_connect();
	cl_expect(old, FOOTER_550, "OK ");
	assert_int_equal(kill(pid, SIGSTOP), 0);
	young = cl_connect(); /* the kernel completes it: the listener is ready */
	cl_request(old, FOOTER_550); /* then the old connection is too */
	usleep(50 * 1000);
	assert_int_equal(kill(pid, SIGCONT), 0);
	cl_expect(young, FOOTER_550, "OK ");
	/* the old connection is closed (a reset: it may close unanswered) */
	while ((n = recv(old, buf, sizeof(buf), 0)) > 0)
		;
	assert_true(n == 0 || errno == ECONNRESET);
	assert_int_equal(waitpid(pid, &st, WNOHANG), 0); /* still alive */
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(old);
	close(young);
	port = saved;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_persistent_and_pipelined),
		cmocka_unit_test(test_hostile_peers),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_connection_cap),
		cmocka_unit_test(test_reader_that_does_not_read),
		cmocka_unit_test(test_reload_keeps_connections),
		cmocka_unit_test(test_unix_socket),
		cmocka_unit_test(test_eviction_with_pending_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
