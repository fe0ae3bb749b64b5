/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_hash - the string-keyed table: put, replace, get, count, walk,
 * growth well past the first size, NULL tables, keys copied
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"

static void test_put_get(void **state)
{
	static const struct {
		const char *key;
		int value;
	} rows[] = {
	    {"550", 1}, {"X.1.1", 2},	  {"5.1.1", 3},
	    {"", 4},	{"550|5.1.1", 5}, {"caf\xc3\xa9", 6},
	};
	int values[6];
	struct hash *h = hash_new();

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		values[i] = rows[i].value;
		assert_null(hash_put(h, rows[i].key, &values[i]));
	}
	assert_int_equal(hash_count(h), 6);
	for (size_t i = 0; i < 6; i++)
		assert_ptr_equal(hash_get(h, rows[i].key), &values[i]);
	assert_null(hash_get(h, "551"));
	assert_null(hash_get(h, "X.1.1 "));
	/* replacing returns the old value and keeps the count */
	assert_ptr_equal(hash_put(h, "550", &values[5]), &values[0]);
	assert_ptr_equal(hash_get(h, "550"), &values[5]);
	assert_int_equal(hash_count(h), 6);
	hash_free(h);
}

/* the table copies keys: the caller's buffer may change afterwards */
static void test_key_copied(void **state)
{
	struct hash *h = hash_new();
	char key[8] = "abc";
	int v = 1;

	(void)state;
	hash_put(h, key, &v);
	strcpy(key, "xyz");
	assert_ptr_equal(hash_get(h, "abc"), &v);
	assert_null(hash_get(h, "xyz"));
	hash_free(h);
}

/* walk_sum - hash_walk callback: adds the values, counts the keys */
static void walk_sum(const char *key, void *value, void *ctx)
{
	long *sum = ctx;

	assert_non_null(key);
	sum[0] += *(int *)value;
	sum[1]++;
}

/* thousands of keys: every one found after the table grew many times */
static void test_growth_and_walk(void **state)
{
	enum { N = 5000 };
	static int values[N];
	struct hash *h = hash_new();
	long sum[2] = {0, 0};
	char key[16];

	(void)state;
	for (int i = 0; i < N; i++) {
		values[i] = i;
		snprintf(key, sizeof(key), "k%d", i);
		assert_null(hash_put(h, key, &values[i]));
	}
	assert_int_equal(hash_count(h), N);
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		if (hash_get(h, key) != &values[i])
			fail_msg("%s lost after growth", key);
	}
	hash_walk(h, walk_sum, sum);
	assert_int_equal(sum[0], (long)N * (N - 1) / 2);
	assert_int_equal(sum[1], N);
	hash_free(h);
}

static void test_null_table(void **state)
{
	long sum[2] = {0, 0};

	(void)state;
	assert_null(hash_get(NULL, "x"));
	assert_int_equal(hash_count(NULL), 0);
	hash_walk(NULL, walk_sum, sum);
	assert_int_equal(sum[1], 0);
	hash_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_get),
	    cmocka_unit_test(test_key_copied),
	    cmocka_unit_test(test_growth_and_walk),
	    cmocka_unit_test(test_null_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
