/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_respawn - the restart delays of a process that dies, and the end
 * of its restarts, as a table of deaths over time
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "respawn.h"

struct death {
	int64_t now;   /* ms */
	int64_t delay; /* respawn_next's answer */
};

/* deaths one after the other, each right after the previous restart */
static const struct death burst[] = {
    {1000, 100}, {1200, 200}, {1500, 400}, {2000, 800}, {3000, 1600},
    {5000, -1}, /* the sixth within a minute: no restart */
    {5001, -1},
};

/* deaths far apart: each restart is the first of its window */
static const struct death calm[] = {
    {0, 100}, {60100, 100}, {120200, 100}, {180300, 100},
    {240400, 100}, {300500, 100}, {360600, 100},
};

/* the window slides: the first restarts leave it, a restart is allowed */
static const struct death sliding[] = {
    {0, 100}, {1000, 200}, {2000, 400}, {3000, 800}, {4000, 1600},
    {59000, -1},  /* the first restart (at 100) is 58.9 s old */
    {60100, 1600}, /* 60 s after it: four remain, so 100 << 4 */
    {60200, -1},
};

/* play - feed the deaths of t to one struct respawn */
static void play(const struct death *t, size_t n)
{
	struct respawn rs = RESPAWN_INIT;

	for (size_t i = 0; i < n; i++) {
		int64_t got = respawn_next(&rs, t[i].now);

		if (got != t[i].delay)
			fail_msg("death %zu at %lld: delay %lld, want %lld", i,
				 (long long)t[i].now, (long long)got,
				 (long long)t[i].delay);
	}
}

/* test_tables - every table */
static void test_tables(void **state)
{
	(void)state;
	play(burst, sizeof(burst) / sizeof(burst[0]));
	play(calm, sizeof(calm) / sizeof(calm[0]));
	play(sliding, sizeof(sliding) / sizeof(sliding[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
