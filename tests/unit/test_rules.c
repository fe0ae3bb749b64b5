/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_rules - the rule index of rules.c: which reply rule wins (most
 * specific, then the first defined), patterns, disabled rules, command
 * rules by name and "*", the command rules that answer with a status
 * (table-driven)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "rules.h"

static struct config *cfg;
static char conf_path[64];

/* setup - one config with rules on every kind of key */
static int setup(void **state)
{
	char err[512];

	(void)state;
	cfg = tu_load(
		"rules = (\n"
		" { name = \"class\"; code = \"4XX\"; lines = [\"c\"]; },\n"
		" { name = \"class5\"; code = \"5XX\"; lines = [\"c\"]; },\n"
		" { name = \"neutral\"; enhanced = \"X.2.2\"; lines = [\"n\"]; },\n"
		" { name = \"classenh\"; code = \"5XX\"; enhanced = \"X.2.2\"; lines = [\"x\"]; },\n"
		" { name = \"code\"; code = 552; lines = [\"b\"]; },\n"
		" { name = \"late\"; code = 552; lines = [\"b\"]; },\n"
		" { name = \"pat\"; code = 452; pattern = \"^quota\"; lines = [\"p\"]; },\n"
		" { name = \"patany\"; pattern = \"NUL here\"; lines = [\"p\"]; },\n"
		" { name = \"gone\"; code = 553; lines = [\"g\"]; },\n"
		" { name = \"gone\"; enabled = false; },\n"
		" { name = \"star\"; commands = [\"*\"]; reply = \"500 5.5.2\"; },\n"
		" { name = \"expn\"; commands = [\"EXPN\", \"VRFY\"]; reply = \"502 5.5.1\"; },\n"
		" { name = \"turn\"; commands = [\"TURN\"]; reply = \"502 5.5.1\";\n"
		"   lines = [\"t\"]; },\n"
		" { name = \"etrn\"; commands = [\"ETRN\"]; reply = \"502 5.5.2\"; }\n"
		");\n",
		err, sizeof(err), conf_path, sizeof(conf_path));
	if (cfg == NULL)
		fprintf(stderr, "config: %s\n", err);
	return cfg ? 0 : -1;
}

/* teardown - free it */
static int teardown(void **state)
{
	(void)state;
	config_free(cfg);
	unlink(conf_path);
	return 0;
}

static const struct {
	const char *reply;
	size_t len; /* 0: strlen */
	const char *want;
} reply_cases[] = {
	{"552 5.2.2 mailbox full", 0, "classenh"}, /* 5XX|X.2.2 over 552|* */
	{"552 5.3.4 too big", 0, "code"},          /* the first of two */
	{"452 4.2.2 quota exceeded", 0, "pat"},    /* a pattern weighs most */
	{"452 4.2.2 over quota", 0, "neutral"},
	{"452 4.3.1 over quota", 0, "class"},
	{"553 5.1.3 bad address", 0, "class5"},    /* "gone" is disabled */
	{"554 no enhanced code", 0, "class5"},
	{"554 a\0NUL here", 15, "patany"},   /* the pattern sees the NUL as ' ' */
	{"250 2.0.0 ok", 0, NULL},
	{"354 go ahead", 0, NULL},
};

/* test_reply - the most specific rule, then the first defined */
static void test_reply(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reply_cases) / sizeof(reply_cases[0]); i++) {
		const char *s = reply_cases[i].reply;
		size_t len = reply_cases[i].len ? reply_cases[i].len : strlen(s);
		struct smtp_status st;
		size_t text;
		const struct rule *r;

		assert_int_equal(smtpcode_parse_reply(s, len, &st, &text), 0);
		r = rules_match_reply(cfg, &st, s + text, len - text);
		if (reply_cases[i].want == NULL ? r != NULL
		    : r == NULL || strcmp(r->name, reply_cases[i].want) != 0)
			fail_msg("%s: want %s, got %s", s,
				 reply_cases[i].want ? reply_cases[i].want : "none",
				 r ? r->name : "none");
	}
}

static const struct {
	const char *line, *want;
} command_cases[] = {
	{"EXPN root", "expn"}, {"vrfy bob", "expn"}, {" \tturn", "turn"},
	{"XYZZY", "star"},     {"", "star"},        {"EXPNX", "star"},
};

/* test_command - by the first word, upper-cased, else "*" */
static void test_command(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(command_cases) / sizeof(command_cases[0]); i++) {
		const struct rule *r = rules_match_command(
		    cfg, command_cases[i].line, strlen(command_cases[i].line));

		assert_non_null(r);
		assert_string_equal(r->name, command_cases[i].want);
	}
}

/*
 * the command word of the first len bytes of a line; each line is copied
 * into a buffer of exactly len bytes (no NUL) so that ASan sees a read
 * past it
 */
static const struct {
	const char *line;
	size_t len;
	const char *want;
} name_cases[] = {
	{"EXPN root", 9, "EXPN"},
	{"expnSECRET", 4, "EXPN"},       /* the bytes after len never count */
	{"  \t", 3, ""},                 /* blanks only: no word */
	{"   X", 2, ""},                  /* the word starts past len */
	{"a\0SECRET", 9, "A"},           /* a NUL inside the payload ends it */
	{"foo\r\nbar", 9, "FOO"},
	{"", 0, ""},
	{"ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ", 52,
	 "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLM"}, /* cut to 39 bytes */
};

/* test_command_name - never reads past len; upper-cased; cut to fit */
static void test_command_name(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		size_t len = name_cases[i].len;
		char *exact = malloc(len ? len : 1), out[COMMAND_NAME_MAX];

		assert_non_null(exact);
		memcpy(exact, name_cases[i].line, len);
		rules_command_name(exact, len, out, sizeof(out));
		if (strcmp(out, name_cases[i].want) != 0)
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, out,
				 name_cases[i].want);
		assert_non_null(rules_match_command(cfg, exact, len));
		free(exact);
	}
	rules_command_name("EXPN", 4, NULL, 0); /* no room: nothing written */
}

/* test_replying - the command rules with exactly this reply, in order */
static void test_replying(void **state)
{
	struct smtp_status st = {502, 5, 5, 1};
	const struct rule *v[4];

	(void)state;
	assert_int_equal(rules_replying(cfg, &st, v, 4), 2);
	assert_string_equal(v[0]->name, "expn"); /* once, with two names */
	assert_string_equal(v[1]->name, "turn");
	assert_int_equal(rules_replying(cfg, &st, v, 1), 1);
	st.cls = 4;
	assert_int_equal(rules_replying(cfg, &st, v, 4), 0);
	st = (struct smtp_status){502, 5, 5, 2};
	assert_int_equal(rules_replying(cfg, &st, v, 4), 1);
	assert_string_equal(v[0]->name, "etrn");
}

/* test_no_rules - a config without rules: nothing matches */
static void test_no_rules(void **state)
{
	char err[512], path[64];
	struct config *none = tu_load("", err, sizeof(err), path, sizeof(path));
	struct smtp_status st = {550, 5, 1, 1};
	const struct rule *v[1];

	(void)state;
	assert_non_null(none);
	assert_null(rules_match_reply(none, &st, "x", 1));
	assert_null(rules_match_command(none, "EXPN", 4));
	assert_int_equal(rules_replying(none, &st, v, 1), 0);
	config_free(none);
	unlink(path);
	rules_index_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_command_name),
		cmocka_unit_test(test_replying),
		cmocka_unit_test(test_no_rules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
