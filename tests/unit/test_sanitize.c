/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_sanitize - text sanitising, value caps, folding and escaping:
 * table-driven cases, hostile inputs included (the smtpcode and template
 * cases are in test_smtpcode.c and test_template.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "sanitize.h"

struct text_case {
	const char *in;
	size_t len; /* 0: strlen */
	int flags;
	const char *want;
};

static void test_text_table(void **state)
{
	static const struct text_case cases[] = {
		{"plain text", 0, 0, "plain text"},
		{"  lead and trail  ", 0, 0, "lead and trail"},
		{"tab\tand\r\nnewline", 0, 0, "tab and newline"},
		{"caf\xc3\xa9 \xc3\xa0 la cr\xc3\xa8me", 0, 0, "cafe a la creme"},
		{"\xc5\x93uvre \xc3\x86 \xc3\x9f", 0, 0, "oeuvre AE ss"},
		{"\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x94 dash\xe2\x80\xa6", 0, 0,
		 "\"quoted\" - dash..."},
		{"bad \xff\xfe bytes", 0, 0, "bad ?? bytes"},
		{"overlong \xc0\xaf", 0, 0, "overlong ??"},
		{"surrogate \xed\xa0\x80", 0, 0, "surrogate ???"},
		{"nul\0inside", 10, 0, "nul?inside"},
		{"cjk \xe6\xbc\xa2", 0, 0, "cjk ?"},
		{"caf\xc3\xa9", 0, SAN_UTF8, "caf\xc3\xa9"},
		{"ctl \x01\x7f end", 0, 0, "ctl end"},
		{"mark \x01x\x01", 0, SAN_KEEP_MARK, "mark \x01x\x01"},
		{"%s%n %% $name ${x}", 0, 0, "%s%n %% $name ${x}"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;

		buf_init(&b);
		sanitize_text(&b, cases[i].in,
			      cases[i].len ? cases[i].len : strlen(cases[i].in),
			      cases[i].flags);
		assert_string_equal(b.s, cases[i].want);
		if (!(cases[i].flags & (SAN_UTF8 | SAN_KEEP_MARK)))
			assert_true(sanitize_is_printable(b.s, b.len));
		buf_release(&b);
	}
}

static void test_value_cap(void **state)
{
	char big[5000];
	struct buf b;

	(void)state;
	memset(big, 'A', sizeof(big));
	buf_init(&b);
	sanitize_value(&b, big, sizeof(big), 64);
	assert_int_equal(b.len, 64);
	assert_memory_equal(b.s + 61, "...", 3);
	buf_release(&b);
}

static void test_fold(void **state)
{
	struct strlist l;
	char word[300];

	(void)state;
	strlist_init(&l);
	assert_int_equal(sanitize_fold(&l, "one two three four", 9), 3);
	assert_string_equal(l.v[0], "one two");
	assert_string_equal(l.v[1], "three");
	assert_string_equal(l.v[2], "four");
	strlist_release(&l);

	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	assert_int_equal(sanitize_fold(&l, word, 100), 3);
	for (size_t i = 0; i < l.n; i++)
		assert_true(strlen(l.v[i]) <= 100);
	strlist_release(&l);

	assert_int_equal(sanitize_fold(&l, "", 10), 1);
	assert_string_equal(l.v[0], "");
	strlist_release(&l);
}

static void test_escape(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	sanitize_escape(&b, "50% off %s%n", '%');
	assert_string_equal(b.s, "50%% off %%s%%n");
	buf_reset(&b);
	sanitize_escape(&b, "$a $$", '$');
	assert_string_equal(b.s, "$$a $$$$");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_value_cap),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
