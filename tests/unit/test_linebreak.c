/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_linebreak - the line breaker and the reply budget: sentences,
 * clause breaks, no punctuation, a 600-character word, URLs,
 * placeholders, UTF-8 before transliteration, and every shipped
 * knowledge-base text in both languages at the default and the
 * narrowest width
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "budget.h"
#include "linebreak.h"
#include "sanitize.h"

/* joined - the lines of l joined with sep, into b (reset first) */
static void joined(struct buf *b, const struct strlist *l, const char *sep)
{
	buf_reset(b);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			buf_adds(b, sep);
		buf_adds(b, l->v[i]);
	}
}

struct split_case {
	const char *in;
	const char *want; /* sentences joined with "|" */
};

static void test_sentences(void **state)
{
	static const struct split_case cases[] = {
		{"", ""},
		{"   ", ""},
		{"no punctuation at all", "no punctuation at all"},
		{"One. Two! Three? Four", "One.|Two!|Three?|Four"},
		{"Use e.g. a browser. Then retry.", "Use e.g. a browser.|Then retry."},
		{"Code 5.1.1 means this. 550 too.", "Code 5.1.1 means this.|550 too."},
		{"See https://example.org/a.b. Then go.",
		 "See https://example.org/a.b.|Then go."},
		{"He said \"stop.\" Then left.", "He said \"stop.\"|Then left."},
		{"(Really.) Yes.", "(Really.)|Yes."},
		{"Wait... Done.", "Wait...|Done."},
		{"Pourquoi ? Parce que.", "Pourquoi ?|Parce que."},
		{"Ends with a dot.", "Ends with a dot."},
		{"x \001a. B\001 y. Z", "x \001a. B\001 y.|Z"},
		{"open \001mark. Never", "open \001mark. Never"},
	};
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strlist l;

		strlist_init(&l);
		linebreak_sentences(&l, cases[i].in);
		joined(&b, &l, "|");
		assert_string_equal(b.s, cases[i].want);
		strlist_release(&l);
	}
	buf_release(&b);
}

struct line_case {
	const char *in;
	size_t width;
	const char *want; /* lines joined with "|" */
};

static void test_lines(void **state)
{
	static const struct line_case cases[] = {
		{"Fits on the line.", 40, "Fits on the line."},
		/* clause breaks win over the last word that fits */
		{"The server refused it, and the reason is given after the code.", 40,
		 "The server refused it,|and the reason is given after the code."},
		{"First part of it; the second part that runs past.", 40,
		 "First part of it;|the second part that runs past."},
		{"Le serveur : il refuse cette adresse pour de bon, desole.", 40,
		 "Le serveur :|il refuse cette adresse pour de bon,|desole."},
		/* a clause too early for a quarter line: word break instead */
		{"Yes, this sentence has no other clause and runs well past the width.", 40,
		 "Yes, this sentence has no other clause|and runs well past the width."},
		/* no punctuation */
		{"aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk", 12,
		 "aaa bbb ccc|ddd eee fff|ggg hhh iii|jjj kkk"},
		/* a URL wider than the line keeps a line to itself */
		{"Help: https://help.example.org/smtp/en/5.1.1.html today", 20,
		 "Help:|https://help.example.org/smtp/en/5.1.1.html|today"},
		/* a placeholder counts as 64 and is never split */
		{"you are \001client_address\001 here", 40,
		 "you are|\001client_address\001|here"},
		{"[\001client_address\001]:\001client_port\001", 100,
		 "[\001client_address\001]:\001client_port\001"},
		/* a word wider than the line is cut, last resort */
		{"abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij|klmnopqrst|uvwxyz"},
		/* UTF-8: never inside a sequence; width in octets */
		{"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 5,
		 "\xc3\xa9\xc3\xa9|\xc3\xa9\xc3\xa9|\xc3\xa9"},
		{"caf\xc3\xa9 cr\xc3\xa8" "me br\xc3\xbbl\xc3\xa9" "e", 12,
		 "caf\xc3\xa9 cr\xc3\xa8" "me|br\xc3\xbbl\xc3\xa9" "e"},
		{"", 10, ""},
	};
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strlist l;

		strlist_init(&l);
		linebreak_sentence(&l, cases[i].in, cases[i].width);
		joined(&b, &l, "|");
		assert_string_equal(b.s, cases[i].want);
		strlist_release(&l);
	}
	buf_release(&b);
}

static void test_long_word(void **state)
{
	char word[601];
	struct strlist l;
	struct buf b;

	(void)state;
	for (size_t i = 0; i < 600; i++)
		word[i] = (char)('a' + i % 26);
	word[600] = '\0';
	strlist_init(&l);
	buf_init(&b);
	assert_int_equal(linebreak_sentence(&l, word, 72), 9);
	for (size_t i = 0; i < l.n; i++)
		assert_true(strlen(l.v[i]) <= 72);
	joined(&b, &l, "");
	assert_string_equal(b.s, word);
	/* a "URL" beyond the hard limit is cut all the same */
	strlist_release(&l);
	strlist_init(&l);
	memcpy(word, "http://", 7);
	linebreak_sentence(&l, word, 100);
	assert_int_equal(l.n, 6);
	for (size_t i = 0; i < l.n; i++)
		assert_true(strlen(l.v[i]) <= 100);
	/* up to it, a URL stays whole */
	strlist_release(&l);
	strlist_init(&l);
	word[LINEBREAK_HARD] = '\0';
	linebreak_sentence(&l, word, 100);
	assert_int_equal(l.n, 1);
	strlist_release(&l);
	buf_release(&b);
}

/*
 * check_text - break one sanitised text at width: no line wider than
 * width (a lone URL aside), every sentence that fits is one line, and
 * the lines of a sentence joined with spaces give the sentence back
 */
static void check_text(const char *where, const char *text, size_t width)
{
	struct strlist sentences;
	struct buf b;

	strlist_init(&sentences);
	buf_init(&b);
	linebreak_sentences(&sentences, text);
	for (size_t i = 0; i < sentences.n; i++) {
		const char *s = sentences.v[i];
		struct strlist l;

		strlist_init(&l);
		linebreak_sentence(&l, s, width);
		if (linebreak_width(s, strlen(s)) <= width && l.n != 1)
			fail_msg("%s: sentence broken at %zu: %s", where, width, s);
		for (size_t k = 0; k < l.n; k++)
			if (linebreak_width(l.v[k], strlen(l.v[k])) > width &&
			    strstr(l.v[k], "://") == NULL)
				fail_msg("%s: line over %zu: %s", where, width,
					 l.v[k]);
		joined(&b, &l, " ");
		if (strcmp(b.s, s) != 0)
			fail_msg("%s: lost text at %zu: %s", where, width, s);
		strlist_release(&l);
	}
	buf_release(&b);
	strlist_release(&sentences);
}

/* check_lines - check_text on each line of l, ASCII and UTF-8 */
static void check_lines(const char *key, const struct strlist *l, size_t width)
{
	for (size_t i = 0; i < l->n; i++) {
		struct buf clean;

		for (int utf8 = 0; utf8 < 2; utf8++) {
			buf_init(&clean);
			sanitize_text(&clean, l->v[i], strlen(l->v[i]),
				      utf8 ? SAN_UTF8 : 0);
			check_text(key, clean.s, width);
			buf_release(&clean);
		}
	}
}

static void test_shipped_kb(void **state)
{
	char err[512], path[64];
	struct config *cfg = tu_load("", err, sizeof(err), path, sizeof(path));
	size_t texts = 0;

	(void)state;
	unlink(path);
	if (cfg == NULL)
		fail_msg("%s", err);
	for (size_t l = 0; l < cfg->kb->n; l++) {
		const struct kb_lang *lang = cfg->kb->langs[l];

		for (size_t e = 0; e < lang->n; e++) {
			check_lines(lang->all[e]->key, &lang->all[e]->shorts,
				    (size_t)cfg->line_width);
			check_lines(lang->all[e]->key, &lang->all[e]->shorts, 40);
			texts += lang->all[e]->shorts.n;
		}
	}
	assert_true(texts > 500);
	config_free(cfg);
}

/* add_sentence - budget_add of one line */
static void add_sentence(struct budget *b, enum budget_prio p, const char *s)
{
	struct strlist l;

	strlist_init(&l);
	strlist_add(&l, s);
	budget_add(b, p, &l);
	strlist_release(&l);
}

struct fit_case {
	size_t max_lines, max_bytes;
	const char *want;
	size_t dropped;
};

static void test_budget(void **state)
{
	/* in the order guidance_build adds them; each line costs 12 + 9 */
	static const struct fit_case cases[] = {
		{32, 2000, "first.1..|first.2..|other.1..|other.2..|footer.1.|link.....", 0},
		{32, 21 * 6, "first.1..|first.2..|other.1..|other.2..|footer.1.|link.....", 0},
		{32, 21 * 5, "first.1..|first.2..|other.1..|footer.1.|link.....", 1},
		{32, 21 * 5 - 1, "first.1..|first.2..|footer.1.|link.....", 2},
		{32, 21 * 3, "first.1..|first.2..|link.....", 3},
		{32, 21 * 2, "first.1..|link.....", 4},
		{32, 0, "link.....", 5},
		{4, 2000, "first.1..|first.2..|footer.1.|link.....", 2},
		{0, 2000, "link.....", 5},
	};
	struct budget b;
	struct buf out;

	(void)state;
	budget_init(&b);
	buf_init(&out);
	add_sentence(&b, BUDGET_FIRST, "first.1..");
	add_sentence(&b, BUDGET_FIRST, "first.2..");
	add_sentence(&b, BUDGET_OTHER, "other.1..");
	add_sentence(&b, BUDGET_OTHER, "other.2..");
	add_sentence(&b, BUDGET_FOOTER, "footer.1.");
	add_sentence(&b, BUDGET_KEEP, "link.....");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strlist l;

		strlist_init(&l);
		assert_int_equal(budget_fit(&b, cases[i].max_lines,
					    cases[i].max_bytes, 12, &l),
				 cases[i].dropped);
		joined(&out, &l, "|");
		assert_string_equal(out.s, cases[i].want);
		strlist_release(&l);
	}
	budget_release(&b);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sentences),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_word),
		cmocka_unit_test(test_shipped_kb),
		cmocka_unit_test(test_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
