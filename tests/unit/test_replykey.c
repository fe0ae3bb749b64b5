/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_replykey - socketmap keys parsed: the status of the first line,
 * the text of each line, the recipient domain, and the keys refused
 * (table-driven, hostile keys included)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "replykey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) x, sizeof(x) - 1
#define T(x) {x, sizeof(x) - 1}

struct text {
	const char *s; /* NULL: no more lines */
	size_t len;
};

struct key_case {
	const char *key;
	size_t len;
	int rc;
	int code, cls, subject, detail;
	const char *domain;
	struct text lines[4]; /* the text of each line */
};

static const struct key_case cases[] = {
	{S("550 5.1.1 <bob@Example.ORG>: User unknown"), 0, 550, 5, 1, 1,
	 "Example.ORG", {T("<bob@Example.ORG>: User unknown")}},
	{S("450 greylisted"), 0, 450, 0, 0, 0, "", {T("greylisted")}},
	/* CRLF and bare LF; the codes of later lines are cut off */
	{S("550-5.7.1 <a@b.fr> first\r\n550-5.7.1 second\n550 5.7.1 third"), 0,
	 550, 5, 7, 1, "b.fr", {T("<a@b.fr> first"), T("second"), T("third")}},
	/* a later line without codes stays whole; a final break ends it */
	{S("554-5.7.1 x\r\nno code here\r\n"), 0, 554, 5, 7, 1, "",
	 {T("x"), T("no code here")}},
	{S("554-5.7.1 x\n\n550 y"), 0, 554, 5, 7, 1, "",
	 {T("x"), T(""), T("y")}},
	/* the domain: the first <local@domain> whose domain is DNS bytes */
	{S("550 5.1.1 <@> <a@> <b@c d.fr> <x@ok.example> <y@no.example>"), 0,
	 550, 5, 1, 1, "ok.example",
	 {T("<@> <a@> <b@c d.fr> <x@ok.example> <y@no.example>")}},
	{S("550 5.1.1 <a@b@c.fr> <a@b.fr"), 0, 550, 5, 1, 1, "c.fr",
	 {T("<a@b@c.fr> <a@b.fr")}},
	{S("550 5.1.1 <a@b.fr"), 0, 550, 5, 1, 1, "", {T("<a@b.fr")}},
	{S("550 5.1.1 <a@\xc3\xa9.fr> <a@b\0c.fr>"), 0, 550, 5, 1, 1, "",
	 {T("<a@\xc3\xa9.fr> <a@b\0c.fr>")}},
	/* not a 4xx or 5xx reply on the first line */
	{S("250 2.1.5 Ok"), -1, 0, 0, 0, 0, NULL, {{NULL, 0}}},
	{S("221 Bye"), -1, 0, 0, 0, 0, NULL, {{NULL, 0}}},
	{S("600 6.0.0 nope"), -1, 0, 0, 0, 0, NULL, {{NULL, 0}}},
	{S(""), -1, 0, 0, 0, 0, NULL, {{NULL, 0}}},
	{S("hello"), -1, 0, 0, 0, 0, NULL, {{NULL, 0}}},
	{S("5505.1.1 x"), -1, 0, 0, 0, 0, NULL, {{NULL, 0}}},
	{S("\r\n550 5.1.1 x"), -1, 0, 0, 0, 0, NULL, {{NULL, 0}}},
};

/* check_case - one row of the table */
static void check_case(size_t i, const struct key_case *c)
{
	struct replykey r;
	size_t n = 0;

	if (replykey_parse(c->key, c->len, &r) != c->rc)
		fail_msg("case %zu: rc should be %d", i, c->rc);
	if (c->rc < 0)
		return;
	assert_int_equal(r.st.code, c->code);
	assert_int_equal(r.st.cls, c->cls);
	assert_int_equal(r.st.subject, c->subject);
	assert_int_equal(r.st.detail, c->detail);
	assert_string_equal(r.domain, c->domain);
	while (n < 4 && c->lines[n].s)
		n++;
	if (r.n != n)
		fail_msg("case %zu: %zu lines, expected %zu", i, r.n, n);
	for (size_t k = 0; k < n; k++) {
		size_t len = c->lines[k].len;

		assert_int_equal(r.lines[k].len, len);
		assert_memory_equal(r.lines[k].text, c->lines[k].s, len);
		/* the text points into the key */
		assert_true(r.lines[k].text >= c->key &&
			    r.lines[k].text + len <= c->key + c->len);
	}
}

/* test_table - the rows above */
static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(i, &cases[i]);
}

/* test_line_limit - REPLY_LINES_MAX lines are taken, one more is not */
static void test_line_limit(void **state)
{
	char key[REPLY_LINES_MAX * 16 + 16];
	struct replykey r;
	size_t len = 0;

	(void)state;
	for (int i = 0; i < REPLY_LINES_MAX; i++)
		len += (size_t)snprintf(key + len, sizeof(key) - len,
					"%s550-5.1.1 %d", i ? "\r\n" : "", i);
	assert_int_equal(replykey_parse(key, len, &r), 0);
	assert_int_equal(r.n, REPLY_LINES_MAX);
	assert_int_equal(r.lines[REPLY_LINES_MAX - 1].len, 2);
	assert_memory_equal(r.lines[REPLY_LINES_MAX - 1].text, "31", 2);
	/* a final line break ends the last line */
	memcpy(key + len, "\r\n", 2);
	assert_int_equal(replykey_parse(key, len + 2, &r), 0);
	assert_int_equal(r.n, REPLY_LINES_MAX);
	/* one line more is refused, even an empty one */
	memcpy(key + len + 2, "\r\n", 2);
	assert_int_equal(replykey_parse(key, len + 3, &r), -1);
}

/* test_long_domain - 253 bytes are a domain, 254 are not */
static void test_long_domain(void **state)
{
	char key[400];
	struct replykey r;

	(void)state;
	memcpy(key, "550 5.1.1 <a@", 13);
	for (size_t n = 252; n <= 254; n++) {
		memset(key + 13, 'd', n);
		key[13 + n] = '>';
		assert_int_equal(replykey_parse(key, 14 + n, &r), 0);
		assert_int_equal(strlen(r.domain), n <= REPLYKEY_DOMAIN_MAX ? n : 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_long_domain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
