/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_regressions - what the fuzzers found, one case each
 *
 * Every case names the fuzz target and the input kept beside its corpus
 * (tests/fuzz-corpus/TARGET/regress-*, replayed by fuzz/TARGET_replay);
 * here the same fault is pinned down with the exact expected output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guidance.h"
#include "sanitize.h"

/* clean - sanitize_text of s as a new string (the caller frees it) */
static char *clean(const char *s, int flags)
{
	struct buf b;

	buf_init(&b);
	sanitize_text(&b, s, strlen(s), flags);
	s = buf_detach(&b);
	buf_release(&b); /* buf_detach leaves b initialised */
	return (char *)s;
}

/*
 * fuzz_sanitize, regress-utf8-word-joiner-kept: with SAN_UTF8 the
 * format and direction controls were kept (U+2060, and the bidi
 * override U+202E that can make a reply read backwards on screen).
 */
static void test_utf8_drops_direction_controls(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"a\xe2\x81\xa0" "b", "ab"},                 /* U+2060 */
		{"user \xe2\x80\xae" "gpj.exe", "user gpj.exe"}, /* U+202E */
		{"x\xe2\x81\xa6y\xe2\x81\xa9z", "xyz"},       /* U+2066, U+2069 */
		{"l\xe2\x80\x8er\xe2\x80\x8f", "lr"},         /* U+200E, U+200F */
		{"p\xe2\x80\xa8q", "p q"},                    /* U+2028 */
		{"caf\xc3\xa9 \xe2\x80\x94 ok", "caf\xc3\xa9 \xe2\x80\x94 ok"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *utf8 = clean(cases[i].in, SAN_UTF8);

		assert_string_equal(utf8, cases[i].want);
		free(utf8);
	}
}

/*
 * fuzz_guidance, regress-footer-placeholder-split: a long client name
 * glued to "[${client_address}]" in a footer line was folded inside the
 * placeholder, and guidance_footer then wrote "${]:}" for Postfix.
 */
static void test_fold_keeps_placeholders_whole(void **state)
{
	char text[256], want[256], name[40];
	struct strlist lines;
	struct buf footer;

	(void)state;
	memset(name, 'n', 36);
	name[36] = '\0';
	snprintf(text, sizeof(text), "Client %s[\001client_address\001]:"
		 "\001client_port\001 via \001server_name\001", name);
	strlist_init(&lines);
	sanitize_fold(&lines, text, 40);
	for (size_t i = 0; i < lines.n; i++) {
		size_t marks = 0;

		for (const char *p = lines.v[i]; *p; p++)
			marks += *p == SAN_MARK;
		assert_int_equal(marks % 2, 0);
		assert_true(strlen(lines.v[i]) <= 40);
	}
	buf_init(&footer);
	guidance_footer(&footer, &lines);
	snprintf(want, sizeof(want), "Client\\n%s[\\n${client_address}]:"
		 "${client_port} via\\n${server_name}", name);
	assert_string_equal(footer.s, want);
	buf_release(&footer);
	strlist_release(&lines);
}

/*
 * fuzz_sanitize, regress-fold-splits-utf8: a word longer than the line
 * was cut at a byte count, inside a UTF-8 character.
 */
static void test_fold_keeps_utf8_whole(void **state)
{
	char text[256] = "a";
	struct strlist lines;

	(void)state;
	for (int i = 0; i < 60; i++)
		strcat(text, "\xc3\xa9");
	strlist_init(&lines);
	sanitize_fold(&lines, text, 40);
	assert_int_equal(lines.n, 4);
	assert_int_equal(strlen(lines.v[0]), 39); /* "a" and 19 x "é" */
	for (size_t i = 1; i < lines.n; i++)
		assert_true(((unsigned char)lines.v[i][0] & 0xc0) != 0x80);
	strlist_release(&lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_drops_direction_controls),
		cmocka_unit_test(test_fold_keeps_placeholders_whole),
		cmocka_unit_test(test_fold_keeps_utf8_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
