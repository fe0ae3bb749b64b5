/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_explain - `milter-explain -x`: the status codes found in a line of
 * a bounce (explain_scan), the errors and the layout of one explained
 * reply (explain_arg), and a whole bounce read once per distinct code
 * (explain_stream) with each code's reply text (explain_text) reaching
 * the provider rules; with the shipped knowledge base in English
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "explain.h"

static struct config *cfg;
static struct strlist en;

static int setup(void **state)
{
	(void)state;
	cfg = tu_config("languages = [\"en\"];\n");
	strlist_init(&en);
	strlist_add(&en, "en");
	return cfg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	strlist_release(&en);
	config_free(cfg);
	return 0;
}

static void test_scan(void **state)
{
	static const struct {
		const char *line;
		size_t n;
		struct smtp_status first; /* when n > 0 */
	} cases[] = {
	    {"<bob@example.org>: host mx.example.org[192.0.2.1] said: 550 "
	     "5.1.1 <bob@example.org>: Recipient address rejected",
	     1,
	     {550, 5, 1, 1}},
	    {"Status: 5.7.26", 1, {0, 5, 7, 26}},
	    {"Date: Mon, 23 Nov 2026 09:06:11 +0000 from 192.0.2.55",
	     0,
	     {0, 0, 0, 0}},
	    {"421-4.7.0 try later", 1, {421, 4, 7, 0}},
	    {"> 550 no enhanced code", 1, {550, 0, 0, 0}},
	    {"said 550 but not at the start", 0, {0, 0, 0, 0}},
	    {"Status: 2.0.0", 0, {0, 0, 0, 0}},
	    {"550 4.1.1 class mismatch", 2, {550, 0, 0, 0}},
	    {"version 1.5.1.2 and 5.1.1", 1, {0, 5, 1, 1}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smtp_status st[8];
		size_t n =
		    explain_scan(cases[i].line, strlen(cases[i].line), st, 8);

		if (n != cases[i].n)
			fail_msg("case %zu: %zu codes, want %zu", i, n,
				 cases[i].n);
		if (n == 0)
			continue;
		assert_int_equal(st[0].code, cases[i].first.code);
		assert_int_equal(st[0].cls, cases[i].first.cls);
		assert_int_equal(st[0].subject, cases[i].first.subject);
		assert_int_equal(st[0].detail, cases[i].first.detail);
	}
}

/* several codes on one line, and max respected */
static void test_scan_many(void **state)
{
	const char *line = "5.1.1 then 4.2.2 then 5.7.1";
	struct smtp_status st[8];

	(void)state;
	assert_int_equal(explain_scan(line, strlen(line), st, 8), 3);
	assert_int_equal(st[1].cls, 4);
	assert_int_equal(explain_scan(line, strlen(line), st, 2), 2);
}

static void test_arg_errors(void **state)
{
	static const struct {
		const char *arg, *err;
	} cases[] = {
	    {"abc", "\"abc\" is not a reply line or a status code (examples: "
		    "550, 5.1.1, \"550 5.1.1 User unknown\")"},
	    {"650", "\"650\" is not a reply line or a status code (examples: "
		    "550, 5.1.1, \"550 5.1.1 User unknown\")"},
	    {"550 4.1.1 x", "\"550 4.1.1 x\": enhanced code 4.x.x does not "
			    "fit reply code 550"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "", *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);

		assert_int_equal(explain_arg(out, cfg, cases[i].arg, &en, 78,
					     err, sizeof(err)),
				 -1);
		fclose(out);
		assert_string_equal(err, cases[i].err);
		assert_int_equal(len, 0); /* nothing printed */
		free(text);
	}
}

/* explain - the output of explain_arg for arg; the caller frees it */
static char *explain(const char *arg)
{
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (explain_arg(out, cfg, arg, &en, 78, err, sizeof(err)) < 0)
		fail_msg("%s: %s", arg, err);
	fclose(out);
	return text;
}

static void test_arg_layout(void **state)
{
	char *t;

	(void)state;
	/* the line, the codes, the enhanced entry, then the basic one */
	t = explain("550 5.1.1 User unknown\r\n");
	assert_memory_equal(t,
			    "550 5.1.1 User unknown\n\n==> 550 5.1.1\n\n"
			    "X.1.1  Recipient mailbox does not exist\n\n"
			    "Description\n  ",
			    strlen("550 5.1.1 User unknown\n\n==> 550 5.1.1\n\n"
				   "X.1.1  Recipient mailbox does not exist\n\n"
				   "Description\n  "));
	assert_non_null(strstr(t, "\n550  Mailbox unavailable\n\n"));
	assert_non_null(strstr(t, "\nOn the wire (added to the server's "
				  "reply):\n  550-5.1.1 "));
	free(t);
	/* no entry for the code: the class's explanation, with the note */
	t = explain("559");
	assert_memory_equal(
	    t,
	    "559\n\n==> 559\n\nThere is no entry for this exact "
	    "code; here is the explanation of its class.\n\n"
	    "5XX  Permanent failure\n",
	    strlen("559\n\n==> 559\n\nThere is no entry for "
		   "this exact code; here is the explanation "
		   "of its class.\n\n5XX  Permanent failure\n"));
	free(t);
	/* a bare enhanced code: no reply code, nothing on the wire */
	t = explain("5.1.1");
	assert_memory_equal(t, "5.1.1\n\n==> 5.1.1\n\nX.1.1  ",
			    strlen("5.1.1\n\n==> 5.1.1\n\nX.1.1  "));
	assert_null(strstr(t, "On the wire"));
	free(t);
}

/* -L fr: every label of -x is French, the wire label and the provider's too */
static void test_french_labels(void **state)
{
	static const char *const args[] = {
	    "550 5.1.1 User unknown",
	    "550 5.4.1 Recipient address rejected: Access denied"};
	struct strlist fr;

	(void)state;
	strlist_init(&fr);
	strlist_add(&fr, "fr");
	for (size_t i = 0; i < 2; i++) {
		char err[256], *t = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&t, &len);

		assert_int_equal(explain_arg(out, cfg, args[i], &fr, 78, err,
					     sizeof(err)),
				 0);
		fclose(out);
		assert_non_null(strstr(t, "\nLignes ajoutées à la réponse du "
					  "serveur :\n  550-5."));
		assert_non_null(strstr(t, "\n  Pour l'expéditeur\n"));
		assert_null(strstr(t, "On the wire"));
		assert_null(strstr(t, "Pour l'expéditeur:"));
		if (i == 1)
			assert_non_null(strstr(t, "\nMicrosoft 365 / Exchange "
						  "Online, règle vérifiée sur : "
						  "https://"));
		free(t);
	}
	strlist_release(&fr);
}

/* a bounce: each distinct code once, under the line it was found on */
static void test_stream(void **state)
{
	static const char bounce[] =
	    "From: MAILER-DAEMON\n"
	    "<a@example.org>: host mx[192.0.2.1] said: 550 5.1.1 unknown\n"
	    "<b@example.org>: host mx[192.0.2.1] said: 550 5.1.1 unknown\n"
	    "Status: 4.2.2\n"
	    "Date: Mon, 23 Nov 2026 09:06:11 +0000\n";
	char *text = NULL;
	size_t len = 0;
	FILE *in = fmemopen((void *)bounce, sizeof(bounce) - 1, "r");
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(explain_stream(out, in, cfg, &en, 78), 2);
	fclose(out);
	fclose(in);
	assert_memory_equal(text,
			    "<a@example.org>: host mx[192.0.2.1] said: 550 "
			    "5.1.1 unknown\n\n==> 550 5.1.1\n\n",
			    strlen("<a@example.org>: host mx[192.0.2.1] said: "
				   "550 5.1.1 unknown\n\n==> 550 5.1.1\n\n"));
	assert_null(strstr(text, "<b@example.org>"));
	assert_non_null(strstr(text, "\nStatus: 4.2.2\n\n==> 4.2.2\n\n"));
	free(text);
}

/* the reply text of a code found in a bounce, over the lines after it */
static void test_text(void **state)
{
	static const struct {
		const char *head; /* the input up to the end of the code */
		const char *rest; /* the rest of the input */
		struct smtp_status st;
		const char *want;
	} cases[] = {
	    /* Postfix folds "said:" and adds its own suffix */
	    {"<a@example.org>: host mx[192.0.2.1] said: 550 5.7.26",
	     "\n    <a@example.org>: Recipient address rejected: Unauthenticated\n"
	     "    email (in reply to RCPT TO command)\n\nThe mail system\n",
	     {550, 5, 7, 26},
	     "<a@example.org>: Recipient address rejected: Unauthenticated email"},
	    /* Diagnostic-Code, CRLF, the next field not folded */
	    {"Diagnostic-Code: smtp; 550 5.1.1",
	     " <b@example.org>: Recipient address\r\n    rejected: User unknown\r\n"
	     "\r\nFinal-Recipient: rfc822; c@example.org\r\n",
	     {550, 5, 1, 1},
	     "<b@example.org>: Recipient address rejected: User unknown"},
	    /* a Status field: nothing folded under it */
	    {"Status: 5.7.26", "\nRemote-MTA: dns; 127.0.0.1\n", {0, 5, 7, 26}, ""},
	    /* a reply of several lines, pasted as it came */
	    {"550-5.7.26", " This mail is\n550-5.7.26 unauthenticated.\n"
	     "550 5.7.26 Learn more - gsmtp\n550 5.7.26 not this one\n",
	     {550, 5, 7, 26},
	     "This mail is unauthenticated. Learn more - gsmtp"},
	    /* ... and as Postfix joins it before folding it */
	    {"<a@example.org>: host mx[192.0.2.1] said: 550-5.7.26",
	     " This mail is\n    unauthenticated. 550-5.7.26 Learn more 550 5.7.26\n"
	     "    - gsmtp (in reply to end of DATA command)\n",
	     {550, 5, 7, 26},
	     "This mail is unauthenticated. Learn more - gsmtp"},
	    /* quoted by a mail client: the same depth only */
	    {"> <a@example.org>: host mx said: 554 5.7.1",
	     "\n>     Service unavailable; Client host blocked\n>> 550 5.1.1 other\n",
	     {554, 5, 7, 1},
	     "Service unavailable; Client host blocked"},
	    /* prose after a reply code is not a code of the reply */
	    {"550", " over 550 and more\n", {550, 0, 0, 0}, "over 550 and more"},
	    /* a suffix that only looks like Postfix's stays */
	    {"550 5.7.1", " (in reply to nothing)\n", {550, 5, 7, 1},
	     "(in reply to nothing)"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf in, t;

		buf_init(&in);
		buf_init(&t);
		buf_printf(&in, "From: x\n%s%s", cases[i].head, cases[i].rest);
		explain_text(in.s, in.len, strlen("From: x\n"),
			     strlen("From: x\n") + strlen(cases[i].head),
			     &cases[i].st, &t);
		if (strcmp(t.s, cases[i].want) != 0)
			fail_msg("case %zu: \"%s\", want \"%s\"", i, t.s,
				 cases[i].want);
		buf_release(&t);
		buf_release(&in);
	}
}

/* stream_file - explain_stream over a file of tests/data; the output */
static char *stream_file(const char *name, int *count)
{
	char path[512], *text = NULL;
	size_t len = 0;
	FILE *in, *out;

	snprintf(path, sizeof(path), "%s/tests/data/%s", TOP_SRCDIR, name);
	in = fopen(path, "r");
	assert_non_null(in);
	out = open_memstream(&text, &len);
	*count = explain_stream(out, in, cfg, &en, 78);
	fclose(out);
	fclose(in);
	return text;
}

/* a real Postfix bounce: the reply's text reaches the provider rules */
static void test_stream_provider(void **state)
{
	int n;
	char *t = stream_file("dsn/bounce-two.eml", &n);

	(void)state;
	/* 550 5.1.1, 550 5.7.26, Status: 5.1.1, Status: 5.7.26 */
	assert_int_equal(n, 4);
	assert_non_null(strstr(t, "said: 550 5.7.26\n\n==> 550 5.7.26\n\n"
				  "gmail-unauthenticated  Sender not "
				  "authenticated (Gmail)\n"));
	assert_non_null(strstr(t, "\nGmail / Google Workspace, rule "
				  "checked against: https://"));
	/* the other recipient's reply is no Gmail's */
	assert_non_null(strstr(t, "said: 550 5.1.1\n\n==> 550 5.1.1\n\n"
				  "X.1.1  "));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scan),
	    cmocka_unit_test(test_scan_many),
	    cmocka_unit_test(test_arg_errors),
	    cmocka_unit_test(test_arg_layout),
	    cmocka_unit_test(test_french_labels),
	    cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_stream_provider),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
