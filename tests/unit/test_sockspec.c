/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sockspec - socket specifications: every accepted form with the
 * address it gives, every refused one with its exact message; a unix
 * socket replaces a stale socket file but never a live one nor a regular
 * file; no host means loopback; the formatted spec and the loopback test
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockspec.h"

static void test_parse_ok(void **state)
{
	static const struct {
		const char *spec;
		int family;
		const char *addr; /* path, or numeric address */
		int port;
	} cases[] = {
	    {"unix:/run/me.sock", AF_UNIX, "/run/me.sock", 0},
	    {"local:/tmp/x", AF_UNIX, "/tmp/x", 0},
	    {"inet:8891@127.0.0.1", AF_INET, "127.0.0.1", 8891},
	    {"inet:1", AF_INET, "127.0.0.1", 1},
	    {"inet:65535@", AF_INET, "127.0.0.1", 65535},
	    {"inet:25@0.0.0.0", AF_INET, "0.0.0.0", 25},
	    {"inet6:8892", AF_INET6, "::1", 8892},
	    {"inet6:8892@::1", AF_INET6, "::1", 8892},
	    {"inet6:8892@[::1]", AF_INET6, "::1", 8892},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockspec ss;
		char err[256] = "", addr[INET6_ADDRSTRLEN];

		if (sockspec_parse(cases[i].spec, &ss, err, sizeof(err)) < 0)
			fail_msg("%s: %s", cases[i].spec, err);
		assert_int_equal(ss.family, cases[i].family);
		if (ss.family == AF_UNIX) {
			const struct sockaddr_un *un = (const void *)&ss.sa;

			assert_string_equal(ss.path, cases[i].addr);
			assert_string_equal(un->sun_path, cases[i].addr);
		} else if (ss.family == AF_INET) {
			const struct sockaddr_in *in = (const void *)&ss.sa;

			inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
			assert_string_equal(addr, cases[i].addr);
			assert_int_equal(ntohs(in->sin_port), cases[i].port);
		} else {
			const struct sockaddr_in6 *in6 = (const void *)&ss.sa;

			inet_ntop(AF_INET6, &in6->sin6_addr, addr,
				  sizeof(addr));
			assert_string_equal(addr, cases[i].addr);
			assert_int_equal(ntohs(in6->sin6_port), cases[i].port);
		}
	}
}

static void test_parse_refused(void **state)
{
	static const struct {
		const char *spec, *err;
	} cases[] = {
	    {"unix:relative", "\"unix:relative\": a unix socket needs an "
			      "absolute path of at most 107 bytes"},
	    {"tcp:25", "\"tcp:25\": expected unix:/path, inet:PORT@HOST or "
		       "inet6:PORT@HOST"},
	    {"", "\"\": expected unix:/path, inet:PORT@HOST or "
		 "inet6:PORT@HOST"},
	    {"inet:0@127.0.0.1", "\"inet:0@127.0.0.1\": port must be 1 to "
				 "65535"},
	    {"inet:65536", "\"inet:65536\": port must be 1 to 65535"},
	    {"inet:@127.0.0.1", "\"inet:@127.0.0.1\": port must be 1 to "
				"65535"},
	    {"inet:25x", "\"inet:25x\": port must be 1 to 65535"},
	    {"inet:12345678901234567@h", "\"inet:12345678901234567@h\": bad "
					 "port"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockspec ss;
		char err[256] = "";

		if (sockspec_parse(cases[i].spec, &ss, err, sizeof(err)) != -1)
			fail_msg("%s: accepted", cases[i].spec);
		assert_string_equal(err, cases[i].err);
	}
}

/* a path of 108 bytes does not fit sun_path with its terminator */
static void test_parse_long_path(void **state)
{
	char spec[160], err[256];
	struct sockspec ss;

	(void)state;
	snprintf(spec, sizeof(spec), "unix:/%0107d", 0);
	assert_int_equal(sockspec_parse(spec, &ss, err, sizeof(err)), -1);
	snprintf(spec, sizeof(spec), "unix:/%0106d", 0);
	assert_int_equal(sockspec_parse(spec, &ss, err, sizeof(err)), 0);
	assert_int_equal(strlen(ss.path), 107);
}

static void test_listen_unix(void **state)
{
	char dir[] = "/tmp/test_sockspec.XXXXXX", spec[128], err[256];
	char want[300];
	struct sockspec ss;
	struct stat st;
	int fd, fd2;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(spec, sizeof(spec), "unix:%s/s", dir);
	assert_int_equal(sockspec_parse(spec, &ss, err, sizeof(err)), 0);
	fd = sockspec_listen(&ss, 5, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(stat(ss.path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	/* a live socket (its listener still there) is never replaced */
	assert_int_equal(sockspec_listen(&ss, 5, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: another process listens on this "
		 "socket (already running?)", ss.path);
	assert_string_equal(err, want);
	/* a stale socket (its listener gone) is replaced */
	close(fd);
	fd2 = sockspec_listen(&ss, 5, err, sizeof(err));
	assert_true(fd2 >= 0); /* bind succeeded: the stale file is gone */
	close(fd2);
	/* a regular file is never removed, and the message says so */
	unlink(ss.path);
	f = fopen(ss.path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(sockspec_listen(&ss, 5, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s exists and is not a socket: not "
		 "replaced", ss.path);
	assert_string_equal(err, want);
	assert_int_equal(stat(ss.path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(ss.path);
	rmdir(dir);
}

/* sockspec_format gives libmilter a numeric host; loopback or not */
static void test_format_loopback(void **state)
{
	static const struct {
		const char *spec, *formatted;
		int loopback;
	} cases[] = {
	    {"inet:8891", "inet:8891@127.0.0.1", 1},
	    {"inet:8891@127.0.0.2", "inet:8891@127.0.0.2", 1},
	    {"inet:8891@0.0.0.0", "inet:8891@0.0.0.0", 0},
	    {"inet:8891@192.0.2.1", "inet:8891@192.0.2.1", 0},
	    {"inet6:8891", "inet6:8891@::1", 1},
	    {"inet6:8891@[::]", "inet6:8891@::", 0},
	    {"unix:/run/x.sock", "unix:/run/x.sock", 1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockspec ss;
		char err[256], out[160];

		if (sockspec_parse(cases[i].spec, &ss, err, sizeof(err)) < 0)
			fail_msg("%s: %s", cases[i].spec, err);
		sockspec_format(&ss, out, sizeof(out));
		assert_string_equal(out, cases[i].formatted);
		assert_int_equal(sockspec_loopback(&ss), cases[i].loopback);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ok),
	    cmocka_unit_test(test_parse_refused),
	    cmocka_unit_test(test_parse_long_path),
	    cmocka_unit_test(test_listen_unix),
	    cmocka_unit_test(test_format_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
