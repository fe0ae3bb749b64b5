/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_netstring - the netstring codec, hostile inputs included
 * (table-driven); the requests inside the netstrings: test_smproto
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "netstring.h"

#include <stdlib.h>
#include <string.h>

struct parse_case {
	const char *in;
	size_t len;       /* 0: strlen(in) */
	size_t max;       /* 0: NETSTRING_MAX */
	int rc;
	const char *payload;
	size_t paylen;
	size_t used;
	const char *err;  /* a part of the reason, for rc -1 */
};

#define S(x) x, sizeof(x) - 1

static const struct parse_case parse_cases[] = {
	/* complete */
	{S("0:,"), 0, 1, "", 0, 3, NULL},
	{S("5:hello,"), 0, 1, "hello", 5, 8, NULL},
	{S("5:hello,3:abc,"), 0, 1, "hello", 5, 8, NULL},
	{S("6:footer,junk"), 0, 1, "footer", 6, 9, NULL},
	{S("5:a\0,:b,"), 0, 1, "a\0,:b", 5, 8, NULL},
	{S("10:0123456789,"), 0, 1, "0123456789", 10, 14, NULL},
	/* incomplete but valid so far */
	{S(""), 0, 0, NULL, 0, 0, NULL},
	{S("0"), 0, 0, NULL, 0, 0, NULL},
	{S("5"), 0, 0, NULL, 0, 0, NULL},
	{S("5:"), 0, 0, NULL, 0, 0, NULL},
	{S("5:hel"), 0, 0, NULL, 0, 0, NULL},
	{S("5:hello"), 0, 0, NULL, 0, 0, NULL},
	{S("100000"), 0, 0, NULL, 0, 0, NULL},
	{S("100000:"), 0, 0, NULL, 0, 0, NULL},
	/* malformed */
	{S("05:hello,"), 0, -1, NULL, 0, 0, "leading zero"},
	{S("00:,"), 0, -1, NULL, 0, 0, "leading zero"},
	{S("01"), 0, -1, NULL, 0, 0, "leading zero"},
	{S(":x,"), 0, -1, NULL, 0, 0, "where the length should start"},
	{S("a:,"), 0, -1, NULL, 0, 0, "'a'"},
	{S("-1:,"), 0, -1, NULL, 0, 0, "'-'"},
	{S(" 5:hello,"), 0, -1, NULL, 0, 0, "byte 0x20"},
	{S("+5:hello,"), 0, -1, NULL, 0, 0, "'+'"},
	{S("\0"), 0, -1, NULL, 0, 0, "byte 0x00"},
	{S("\xff"), 0, -1, NULL, 0, 0, "byte 0xff"},
	{S("5;hello,"), 0, -1, NULL, 0, 0, "expected ':'"},
	{S("5 :hello,"), 0, -1, NULL, 0, 0, "expected ':'"},
	{S("5:hello;"), 0, -1, NULL, 0, 0, "expected ','"},
	{S("5:hellox"), 0, -1, NULL, 0, 0, "expected ','"},
	{S("0:x"), 0, -1, NULL, 0, 0, "expected ','"},
	{S("3:abcd,"), 0, -1, NULL, 0, 0, "expected ','"},
	/* lengths over the limit are refused on their digits */
	{S("100001"), 0, -1, NULL, 0, 0, "over the limit"},
	{S("100001:"), 0, -1, NULL, 0, 0, "over the limit"},
	{S("1000000"), 0, -1, NULL, 0, 0, "over the limit"},
	{S("99999999999999999999999999999999"), 0, -1, NULL, 0, 0,
	 "over the limit"},
	{S("11:"), 10, -1, NULL, 0, 0, "over the limit"},
	{S("10:"), 10, 0, NULL, 0, 0, NULL},
};

/* test_parse_table - every case of the table */
static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		const char *p = NULL;
		size_t plen = 0, used = 0;
		char err[128] = "";
		int rc = netstring_parse(c->in, c->len, c->max ? c->max : NETSTRING_MAX,
					 &p, &plen, &used, err, sizeof(err));

		if (rc != c->rc)
			fail_msg("case %zu: rc %d, expected %d (%s)", i, rc, c->rc, err);
		if (rc == 1) {
			assert_int_equal(plen, c->paylen);
			assert_int_equal(used, c->used);
			if (plen)
				assert_memory_equal(p, c->payload, plen);
			assert_ptr_equal(p, c->in + (c->used - c->paylen - 1));
		}
		if (rc == -1 && c->err && strstr(err, c->err) == NULL)
			fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, err, c->err);
	}
}

/* test_parse_bytewise - a request arriving one byte at a time */
static void test_parse_bytewise(void **state)
{
	static const char in[] = "18:footer 550 5.1.1 x,";
	const char *p;
	size_t plen, used;
	char err[128];

	(void)state;
	for (size_t n = 0; n < sizeof(in) - 1; n++)
		assert_int_equal(netstring_parse(in, n, NETSTRING_MAX, &p, &plen,
						 &used, err, sizeof(err)), 0);
	assert_int_equal(netstring_parse(in, sizeof(in) - 1, NETSTRING_MAX, &p,
					 &plen, &used, err, sizeof(err)), 1);
	assert_int_equal(plen, 18);
	assert_memory_equal(p, "footer 550 5.1.1 x", 18);
	assert_int_equal(used, sizeof(in) - 1);
}

/* test_parse_several - several requests in one buffer, one by one */
static void test_parse_several(void **state)
{
	static const char in[] = "3:abc,0:,5:hello,2:x";
	const char *want[] = {"abc", "", "hello"};
	size_t off = 0, len = sizeof(in) - 1;
	const char *p;
	size_t plen, used;
	char err[128];

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(netstring_parse(in + off, len - off, NETSTRING_MAX,
						 &p, &plen, &used, err, sizeof(err)), 1);
		assert_int_equal(plen, strlen(want[i]));
		if (plen)
			assert_memory_equal(p, want[i], plen);
		off += used;
	}
	assert_int_equal(netstring_parse(in + off, len - off, NETSTRING_MAX, &p,
					 &plen, &used, err, sizeof(err)), 0);
}

/* test_encode_roundtrip - encode, parse back; the largest payload too */
static void test_encode_roundtrip(void **state)
{
	static const size_t sizes[] = {0, 1, 9, 10, 99999, NETSTRING_MAX};
	struct buf b;

	(void)state;
	buf_init(&b);
	netstring_encode(&b, "", 0);
	assert_string_equal(b.s, "0:,");
	buf_reset(&b);
	netstring_encode(&b, "OK a,b", 6);
	assert_string_equal(b.s, "6:OK a,b,");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *payload = malloc(sizes[i] + 1);
		const char *p;
		size_t plen, used;
		char err[128];

		for (size_t k = 0; k < sizes[i]; k++)
			payload[k] = (char)(k * 7);
		buf_reset(&b);
		netstring_encode(&b, payload, sizes[i]);
		assert_true(b.len <= NETSTRING_WIRE_MAX);
		assert_int_equal(netstring_parse(b.s, b.len, NETSTRING_MAX, &p, &plen,
						 &used, err, sizeof(err)), 1);
		assert_int_equal(plen, sizes[i]);
		assert_int_equal(used, b.len);
		assert_true(sizes[i] == 0 || memcmp(p, payload, sizes[i]) == 0);
		free(payload);
	}
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_bytewise),
		cmocka_unit_test(test_parse_several),
		cmocka_unit_test(test_encode_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
