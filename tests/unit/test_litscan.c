/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_litscan - the literals an ERE needs and the one-pass scan
 *
 * Table-driven: litscan_required on alternatives, quantifiers, groups,
 * bracket expressions, escapes and bytes above 0x7f; litscan_scan on case,
 * overlapping literals of 1, 2 and more bytes, the ends of the text and
 * non-ASCII text; and, for every case of the first table, that a text the
 * regex matches always has one of the literals (the filter never hides a
 * match).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <string.h>

#include "litscan.h"

struct req_case {
	const char *re;
	const char *want; /* the literals joined by '|', NULL: none (-1) */
	const char *match; /* a text re matches, or NULL */
};

static const struct req_case req_cases[] = {
    {"Access denied", "access denied", "550 ACCESS DENIED here"},
    {"Access denied|bad outbound", "access denied|bad outbound",
     "a Bad Outbound sender"},
    {"block ?list", "block", "blocklist"},
    {"colou?r name", "r name", "color name"},
    {"ab*cdef", "cdef", "acdef"},
    {"ab+cd", "ab", "abbbcd"},
    {"ab+cdef", "cdef", "abbcdef"},
    {"x{2}yz", "yz", "xxyz"},
    {"(Ex)?RecipNotFound", "recipnotfound", "RecipNotFound"},
    {"RESOLVER\\.ADR\\.(Ex)?RecipNotFound", "resolver.adr.",
     "RESOLVER.ADR.ExRecipNotFound"},
    {"\\[TSS?0[0-9]\\]", "[ts", "[TS04]"},
    {"\\(A?S[0-9]{3,}\\)", "(", "(AS1234)"},
    {"listed (at|by) |DNSBL", "listed |dnsbl", "listed at zen"},
    {"[]ab]xyz", "xyz", "]xyz"},
    {"[[:alpha:]]+ foo", " foo", "abc foo"},
    {"Invalid Recipient.*mimecast", "invalid recipient",
     "Invalid Recipient at mimecast"},
    {"^start end$", "start end", "start end"},
    {"a\\.b\\wc", "a.b", "a.bxc"},
    {".*", NULL, NULL},
    {"[0-9]+", NULL, NULL},
    {"(a|b)", NULL, NULL},
    {"abc|", NULL, NULL},
    {"|abc", NULL, NULL},
    {"x?", NULL, NULL},
    {"Mail rejet\xc3\xa9", NULL, NULL},
    {"caf\xc3\xa9|tea", NULL, NULL},
};

/* test_required - the literals of each pattern */
static void test_required(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(req_cases) / sizeof(req_cases[0]); i++) {
		const struct req_case *c = &req_cases[i];
		struct strlist out;
		struct buf joined;
		int rc;

		strlist_init(&out);
		buf_init(&joined);
		rc = litscan_required(c->re, &out);
		for (size_t k = 0; k < out.n; k++)
			buf_printf(&joined, "%s%s", k ? "|" : "", out.v[k]);
		if (c->want == NULL) {
			assert_int_equal(rc, -1);
			assert_int_equal(out.n, 0);
		} else {
			if (rc != 0 || strcmp(joined.s, c->want) != 0)
				fail_msg("%s: got %d \"%s\", want \"%s\"", c->re,
					 rc, joined.s, c->want);
		}
		strlist_release(&out);
		buf_release(&joined);
	}
}

/* test_sound - a text the regex matches has one of its literals */
static void test_sound(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(req_cases) / sizeof(req_cases[0]); i++) {
		const struct req_case *c = &req_cases[i];
		struct litscan *ls;
		struct strlist out;
		unsigned char hit[1] = {0};
		regex_t re;

		if (c->match == NULL)
			continue;
		assert_int_equal(regcomp(&re, c->re, REG_EXTENDED | REG_ICASE |
							 REG_NOSUB), 0);
		assert_int_equal(regexec(&re, c->match, 0, NULL, 0), 0);
		regfree(&re);
		strlist_init(&out);
		assert_int_equal(litscan_required(c->re, &out), 0);
		ls = litscan_new();
		for (size_t k = 0; k < out.n; k++)
			litscan_add(ls, out.v[k], 0);
		assert_int_equal(litscan_scan(ls, c->match, strlen(c->match),
					      hit),
				 0);
		if (!hit[0])
			fail_msg("%s: no literal found in \"%s\"", c->re,
				 c->match);
		litscan_free(ls);
		strlist_release(&out);
	}
}

struct scan_case {
	const char *text;
	int rc;
	const char *hits; /* one '0'/'1' per literal of scan_lits */
};

/* ids 0..5 */
static const char *const scan_lits[] = {"[", "ab", "abc", "bcd", "zz z",
					"abcdefgh"};

static const struct scan_case scan_cases[] = {
    {"", 0, "000000"},
    {"x", 0, "000000"},
    {"[", 0, "100000"},
    {"AB", 0, "010000"},
    {"xABCD", 0, "011100"},
    {"abcdefg", 0, "011100"},
    {"ABCDEFGH", 0, "011101"},
    {"q zz z", 0, "000010"},
    {"zzz z", 0, "000010"},
    {"zz_z z", 0, "000000"},
    {"a b c [x]", 0, "100000"},
    {"abc \xc3\xa9", -1, NULL},
    {"\xff", -1, NULL},
};

/* test_scan - which literals each text holds */
static void test_scan(void **state)
{
	struct litscan *ls = litscan_new();
	size_t nl = sizeof(scan_lits) / sizeof(scan_lits[0]);

	(void)state;
	for (size_t i = 0; i < nl; i++)
		litscan_add(ls, scan_lits[i], i);
	for (size_t i = 0; i < sizeof(scan_cases) / sizeof(scan_cases[0]);
	     i++) {
		const struct scan_case *c = &scan_cases[i];
		unsigned char hit[8] = {0};
		char got[8] = {0};
		int rc = litscan_scan(ls, c->text, strlen(c->text), hit);

		assert_int_equal(rc, c->rc);
		if (rc < 0)
			continue;
		for (size_t k = 0; k < nl; k++)
			got[k] = hit[k] ? '1' : '0';
		if (strcmp(got, c->hits) != 0)
			fail_msg("\"%s\": hits %s, want %s", c->text, got,
				 c->hits);
	}
	litscan_free(ls);
	litscan_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_required),
	    cmocka_unit_test(test_sound),
	    cmocka_unit_test(test_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
