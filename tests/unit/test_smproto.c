/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_smproto - the socketmap protocol's words: the request split
 * "NAME KEY", the map names and the answers, hostile inputs included
 * (table-driven)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "netstring.h"
#include "smproto.h"

#include <stdlib.h>
#include <string.h>

#define S(x) x, sizeof(x) - 1

struct split_case {
	const char *in;
	size_t len;
	int rc;
	const char *name, *key;
	size_t keylen;
};

static const struct split_case split_cases[] = {
	{S("footer 550 5.1.1 x"), 0, "footer", "550 5.1.1 x", 11},
	{S("filter "), 0, "filter", "", 0},
	{S("footer  two spaces"), 0, "footer", " two spaces", 11},
	{S("footer a\0b\r\n$%\\n"), 0, "footer", "a\0b\r\n$%\\n", 9},
	{S("nospace"), -1, NULL, NULL, 0},
	{S(""), -1, NULL, NULL, 0},
	{S(" key"), -1, NULL, NULL, 0},
	{S("f\xc3\xa9 key"), -1, NULL, NULL, 0},
	{S("a\tb key"), -1, NULL, NULL, 0},
	{S("a\0b key"), -1, NULL, NULL, 0},
	{S("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa key"),
	 0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	 "key", 3},
	{S("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa key"),
	 -1, NULL, NULL, 0},
};

/* test_split_table - "NAME KEY" */
static void test_split_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];
		const char *name = NULL, *key = NULL;
		size_t nlen = 0, klen = 0;
		char err[128] = "";
		int rc = smproto_split_request(c->in, c->len, &name, &nlen, &key,
					       &klen, err, sizeof(err));

		if (rc != c->rc)
			fail_msg("case %zu: rc %d, expected %d", i, rc, c->rc);
		if (rc == 0) {
			assert_int_equal(nlen, strlen(c->name));
			assert_memory_equal(name, c->name, nlen);
			assert_int_equal(klen, c->keylen);
			assert_true(klen == 0 || memcmp(key, c->key, klen) == 0);
		} else {
			assert_true(strstr(err, "malformed request") != NULL);
		}
	}
}

static const struct {
	const char *name;
	size_t len;
	enum smproto_map map;
} map_cases[] = {
	{S("footer"), SMPROTO_MAP_FOOTER},
	{S("filter"), SMPROTO_MAP_FILTER},
	{S("FOOTER"), SMPROTO_MAP_UNKNOWN},
	{S("footers"), SMPROTO_MAP_UNKNOWN},
	{S("foot"), SMPROTO_MAP_UNKNOWN},
	{S("virtual"), SMPROTO_MAP_UNKNOWN},
	{"footer", 0, SMPROTO_MAP_UNKNOWN},
};

/* test_map_table - only the exact names of the two maps */
static void test_map_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(map_cases) / sizeof(map_cases[0]); i++)
		if (smproto_map(map_cases[i].name, map_cases[i].len) !=
		    map_cases[i].map)
			fail_msg("case %zu: wrong map", i);
}

static const struct {
	enum smproto_status st;
	const char *data;
	size_t len;
	const char *out;
} answer_cases[] = {
	{SMPROTO_OK, S("a footer\\nline"), "OK a footer\\nline"},
	{SMPROTO_OK, S(""), "OK "},
	{SMPROTO_NOTFOUND, S("ignored"), "NOTFOUND "},
	{SMPROTO_TEMP, S("no configuration loaded"),
	 "TEMP no configuration loaded"},
	{SMPROTO_PERM, S("unknown map"), "PERM unknown map"},
};

/* test_answer_table - each word with its one space, then the data */
static void test_answer_table(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	buf_adds(&b, "left over");
	for (size_t i = 0; i < sizeof(answer_cases) / sizeof(answer_cases[0]);
	     i++) {
		smproto_answer(&b, answer_cases[i].st, answer_cases[i].data,
			       answer_cases[i].len);
		assert_string_equal(b.s, answer_cases[i].out);
	}
	buf_release(&b);
}

/* test_answer_limit - nothing longer than a netstring may carry */
static void test_answer_limit(void **state)
{
	static const size_t sizes[] = {NETSTRING_MAX - 3, NETSTRING_MAX - 2,
				       NETSTRING_MAX, NETSTRING_MAX + 10};
	char *data = malloc(NETSTRING_MAX + 10);
	struct buf b;

	(void)state;
	memset(data, 'x', NETSTRING_MAX + 10);
	buf_init(&b);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		smproto_answer(&b, SMPROTO_OK, data, sizes[i]);
		if (i == 0) {
			assert_int_equal(b.len, NETSTRING_MAX);
			assert_memory_equal(b.s, "OK xxx", 6);
		} else {
			assert_string_equal(b.s, "NOTFOUND ");
		}
		smproto_answer(&b, SMPROTO_PERM, data, sizes[i]);
		assert_int_equal(b.len, sizes[i] + 5 < NETSTRING_MAX
						? sizes[i] + 5 : NETSTRING_MAX);
		assert_memory_equal(b.s, "PERM xxx", 8);
	}
	buf_release(&b);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_table),
		cmocka_unit_test(test_map_table),
		cmocka_unit_test(test_answer_table),
		cmocka_unit_test(test_answer_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
