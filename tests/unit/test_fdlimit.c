/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fdlimit - the split of the open-file limit between the doors
 * (fdlimit_budget), raising the soft limit (fdlimit_raise), and the token
 * bucket of peer-provoked log lines (ratelimit_take)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fdlimit.h"
#include "ratelimit.h"

#include <stdio.h>
#include <sys/resource.h>

static const struct {
	long nofile;
	int max_clients, milter, socketmap;
	int want_sm, want_milter;
} budget_cases[] = {
	/* Debian's default soft limit: neither door can take it all */
	{1024, 1024, 1, 1, 480, 480},
	/* raised: the setting bounds the socketmap, the milter gets the rest */
	{65536, 1024, 1, 1, 1024, 64448},
	{65536, 65536, 1, 1, 32736, 32736},
	/* one door alone takes what the daemon does not keep */
	{1024, 1024, 0, 1, 960, 0},
	{1024, 1024, 1, 0, 0, 960},
	{1024, 100, 0, 1, 100, 0},
	/* tiny limits: a quarter kept, each open door at least 1 */
	{64, 1024, 1, 1, 24, 24},
	{4, 1024, 1, 1, 1, 2},
	{0, 1024, 1, 1, 1, 1},
	{1024, 1, 1, 1, 1, 959},
};

/* test_budget - table of limits, settings and open doors */
static void test_budget(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(budget_cases) / sizeof(budget_cases[0]); i++) {
		struct fd_budget b;

		fdlimit_budget(budget_cases[i].nofile, budget_cases[i].max_clients,
			       budget_cases[i].milter, budget_cases[i].socketmap, &b);
		if (b.socketmap != budget_cases[i].want_sm ||
		    b.milter != budget_cases[i].want_milter)
			fail_msg("case %zu: socketmap %d milter %d, expected %d %d", i,
				 b.socketmap, b.milter, budget_cases[i].want_sm,
				 budget_cases[i].want_milter);
		assert_int_equal(b.nofile, budget_cases[i].nofile);
		/* the doors never take the daemon's own reserve */
		if (budget_cases[i].nofile >= 256)
			assert_true(b.socketmap + b.milter <=
				    budget_cases[i].nofile - FDLIMIT_RESERVE);
	}
}

/* test_raise - the soft limit goes up to the hard one, at most max */
static void test_raise(void **state)
{
	struct rlimit rl;
	char msg[128];
	long got, hard;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	hard = rl.rlim_max == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_max;
	if (hard < 512)
		skip();
	rl.rlim_cur = 256;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	got = fdlimit_raise(hard < 4096 ? hard : 4096, msg, sizeof(msg));
	assert_string_equal(msg, "");
	assert_int_equal(got, hard < 4096 ? hard : 4096);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal((long)rl.rlim_cur, got);
	/* already above max: left alone, max reported */
	assert_int_equal(fdlimit_raise(300, msg, sizeof(msg)), 300);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal((long)rl.rlim_cur, got);
}

/* one step of a bucket of rate 2/s, burst 3: at ms, let through? dropped */
static const struct {
	int64_t now;
	int ok;
	unsigned long dropped;
} bucket_steps[] = {
	{1000, 1, 0}, {1000, 1, 0}, {1000, 1, 0}, /* the burst */
	{1000, 0, 0}, {1100, 0, 0}, {1400, 0, 0}, /* 0.8 token */
	{1500, 1, 3},                              /* 1 token: 3 were dropped */
	{1500, 0, 0}, {2000, 1, 1},
	{60000, 1, 0}, {60000, 1, 0}, {60000, 1, 0}, /* full again, not more */
	{60000, 0, 0}, {59000, 0, 0},              /* time going back: no refill */
};

/* test_ratelimit - the bucket's steps, and how many each line reports */
static void test_ratelimit(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT(2, 3);

	(void)state;
	for (size_t i = 0; i < sizeof(bucket_steps) / sizeof(bucket_steps[0]); i++) {
		unsigned long dropped = 999;
		int ok = ratelimit_take(&rl, bucket_steps[i].now, &dropped);

		if (ok != bucket_steps[i].ok ||
		    (ok && dropped != bucket_steps[i].dropped))
			fail_msg("step %zu: %d (dropped %lu), expected %d (%lu)", i,
				 ok, dropped, bucket_steps[i].ok,
				 bucket_steps[i].dropped);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_raise),
		cmocka_unit_test(test_ratelimit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
