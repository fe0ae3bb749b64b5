/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_wording - guidance that fits its reply: the fallback chain of
 * kb_find (5.7.708 -> X.7.0), wording by class (a 4xx starts with the
 * retry sentence, a 5xx never calls itself temporary, for every entry of
 * the shipped base in both languages), one sentence per line, the byte
 * budget of a reply, and the documented override example
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "guidance.h"
#include "linebreak.h"
#include "sanitize.h"

static struct config *cfg;

static int setup(void **state)
{
	(void)state;
	cfg = tu_config("languages = [\"en\", \"fr\"];\n");
	return cfg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	config_free(cfg);
	return 0;
}

struct find_case {
	int code, cls, subject, detail;
	const char *key;
};

static void test_fallback(void **state)
{
	static const struct find_case cases[] = {
		{550, 5, 7, 708, "X.7.0"}, /* Microsoft's 5.7.708 */
		{0, 5, 7, 708, "X.7.0"},
		{451, 4, 4, 99, "X.4.0"},
		{550, 5, 1, 1, "X.1.1"},
		{450, 4, 1, 1, "4.1.1"},
		{550, 5, 4, 1, "5.4.1"},
		{450, 4, 2, 0, "4.2.0"},
		{550, 5, 1, 99, "X.1.0"},
		{550, 0, 0, 0, "550"},
		{599, 0, 0, 0, "5XX"},
	};
	const struct kb_lang *l = kb_lang_get(cfg->kb, "en");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smtp_status st = {cases[i].code, cases[i].cls,
					 cases[i].subject, cases[i].detail};
		int class_only;
		const struct kb_entry *e = kb_find(l, &st, &class_only);

		assert_non_null(e);
		assert_string_equal(e->key, cases[i].key);
	}
}

/* build - the guidance for st in one language, max_lines 32, plain */
static void build(struct strlist *out, const struct smtp_status *st,
		  const char *lang)
{
	char *code = (char *)lang;
	struct strlist one = {&code, 1, 1};
	struct guidance_req req;

	memset(&req, 0, sizeof(req));
	req.st = *st;
	req.langs = &one;
	req.target = TARGET_PLAIN;
	req.max_lines = REPLY_LINES_MAX;
	guidance_build(cfg, &req, out);
}

/* says_temporary - a sentence that calls the failure temporary, and
 * names no 4.x.x code (which would make it a comparison) */
static int says_temporary(const char *sentence, const char *lang)
{
	static const char *const en = "temporar|will retry|retries|retried";
	static const char *const fr = "temporair|provisoire|reessaiera|reessaie |"
				      "nouvelles tentatives sont";

	if (strstr(sentence, " 4.") || strstr(sentence, "(4."))
		return 0;
	return tu_matches(strcmp(lang, "fr") == 0 ? fr : en, sentence);
}

/* check_class - the guidance of st in lang fits its class */
static void check_class(const struct smtp_status *st, const char *lang)
{
	const struct kb_lang *l = kb_lang_get(cfg->kb, lang);
	struct strlist lines;

	strlist_init(&lines);
	build(&lines, st, lang);
	assert_true(lines.n > 0);
	if (st->code / 100 == 4) {
		struct buf retry;

		buf_init(&retry);
		sanitize_text(&retry, l->head.retry, strlen(l->head.retry), 0);
		if (strcmp(lines.v[0], retry.s) != 0)
			fail_msg("%s %d %d.%d.%d: starts with '%s'", lang,
				 st->code, st->cls, st->subject, st->detail,
				 lines.v[0]);
		buf_release(&retry);
	} else {
		for (size_t i = 0; i < lines.n; i++)
			if (says_temporary(lines.v[i], lang))
				fail_msg("%s %d %d.%d.%d: '%s'", lang, st->code,
					 st->cls, st->subject, st->detail,
					 lines.v[i]);
	}
	for (size_t i = 0; i < lines.n; i++)
		assert_true(strlen(lines.v[i]) <= (size_t)cfg->line_width);
	strlist_release(&lines);
}

static void test_class_wording(void **state)
{
	size_t checked = 0;

	(void)state;
	for (size_t k = 0; k < cfg->kb->n; k++) {
		const struct kb_lang *l = cfg->kb->langs[k];

		assert_non_null(l->head.retry);
		for (size_t e = 0; e < l->n; e++) {
			const char *key = l->all[e]->key;
			struct smtp_status st;
			int s, d;

			if (sscanf(key, "X.%d.%d", &s, &d) == 2) {
				for (int cls = 4; cls <= 5; cls++) {
					st = (struct smtp_status){cls * 100 + 50, cls, s, d};
					check_class(&st, l->code);
					checked++;
				}
			} else if (key[0] == '4' || key[0] == '5') {
				int code = 0;

				if (sscanf(key, "%d.%d.%d", &code, &s, &d) == 3)
					st = (struct smtp_status){code * 100 + 50,
								  code, s, d};
				else if (sscanf(key, "%3d", &code) == 1 && code > 99)
					st = (struct smtp_status){code, 0, 0, 0};
				else
					continue;
				check_class(&st, l->code);
				checked++;
			}
		}
	}
	assert_true(checked > 300);
}

/* reply_bytes - octets of a reply: first line, then lines, codes, CRLFs */
static size_t reply_bytes(const char *first, const struct strlist *l,
			  size_t prefix)
{
	size_t n = prefix + strlen(first) + 2;

	for (size_t i = 0; i < l->n; i++)
		n += prefix + linebreak_width(l->v[i], strlen(l->v[i])) + 2;
	return n;
}

static void test_reply_budget(void **state)
{
	static const char first[] =
		"<spam@test.example>: Recipient address rejected: Message "
		"refused as spam: the sending address 192.0.2.1 is listed on a "
		"DNS blocklist";
	char err[512], path[64];
	struct config *c = tu_load(
		"languages = [\"en\", \"fr\"];\nmax_lines = 32;\n"
		"help_url = \"https://help.example.org/smtp\";\n"
		"footer = [\"Questions about this refusal? Write to the "
		"postmaster of test.example with the whole bounce.\"];\n",
		err, sizeof(err), path, sizeof(path));
	struct guidance_req req;
	struct strlist lines;

	(void)state;
	unlink(path);
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(c->max_reply_bytes, 900);
	for (int budget = 300; budget <= 1900; budget += 100) {
		c->max_reply_bytes = budget;
		memset(&req, 0, sizeof(req));
		req.st = (struct smtp_status){550, 5, 7, 1};
		req.text = first;
		req.textlen = strlen(first);
		req.target = TARGET_FOOTER;
		req.max_lines = c->max_lines - 1;
		req.used_bytes = 10 + strlen(first) + 2;
		strlist_init(&lines);
		guidance_build(c, &req, &lines);
		assert_true(lines.n >= 1);
		/* the help link (the DNSBL rule's section: the provider
		 * rule explains this reply) is kept and last; the budget
		 * holds */
		assert_string_equal(lines.v[lines.n - 1],
				    "https://help.example.org/smtp/en/"
				    "provider-dnsbl.html#dnsbl-generic");
		if (reply_bytes(first, &lines, 10) > (size_t)budget &&
		    lines.n > 1)
			fail_msg("%d: %zu bytes", budget,
				 reply_bytes(first, &lines, 10));
		/* whole sentences only: each line ends one, the link aside */
		for (size_t i = 0; i + 1 < lines.n; i++) {
			size_t n = strlen(lines.v[i]);

			assert_true(n > 0 && strchr(".!?", lines.v[i][n - 1]));
		}
		strlist_release(&lines);
	}
	config_free(c);
}

static void test_override_example(void **state)
{
	char err[512], path[64];
	struct config *c = tu_load(
		"guidance = ( { code = \"5.1.1\"; lang = \"en\"; append = "
		"[\"Staff directory: https://example.org/people\"]; } );\n",
		err, sizeof(err), path, sizeof(path));
	struct strlist lines;
	struct smtp_status st = {550, 5, 1, 1};
	struct smtp_status st4 = {450, 4, 1, 1};
	char *en = "en";
	struct strlist one = {&en, 1, 1};
	struct guidance_req req;

	(void)state;
	unlink(path);
	if (c == NULL)
		fail_msg("%s", err);
	memset(&req, 0, sizeof(req));
	req.st = st;
	req.langs = &one;
	req.target = TARGET_PLAIN;
	req.max_lines = REPLY_LINES_MAX;
	strlist_init(&lines);
	guidance_build(c, &req, &lines);
	assert_true(lines.n >= 3);
	assert_string_equal(lines.v[0], "This address does not exist at the "
					 "receiving domain: the part before the @ "
					 "is unknown there.");
	assert_string_equal(lines.v[lines.n - 1],
			    "Staff directory: https://example.org/people");
	strlist_release(&lines);
	/* the temporary sibling keeps its own text, without the line */
	req.st = st4;
	strlist_init(&lines);
	guidance_build(c, &req, &lines);
	for (size_t i = 0; i < lines.n; i++)
		assert_null(strstr(lines.v[i], "Staff directory"));
	strlist_release(&lines);
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_class_wording),
		cmocka_unit_test(test_reply_budget),
		cmocka_unit_test(test_override_example),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
