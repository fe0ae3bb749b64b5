/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_wording_registry - the guidance of every code of the IANA
 * registry (tests/data/smtp-enhanced-status-codes.csv), in each class 4
 * and 5, in each shipped language, read as a whole: a 4xx reply says
 * once that the sending server retries (the language's retry sentence,
 * first) and never again; a 5xx reply never calls itself temporary nor
 * retried by itself. Each code is rendered with the registry's sample
 * text and without text, with 451 or 550 and with every basic code of
 * its class the registry associates with it. All offending lines are
 * listed before the test fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "guidance.h"
#include "provider.h"
#include "sanitize.h"

#define CODES_MAX 128

/* one row of the registry: the code, its sample text, its basic codes */
struct reg_row {
	int subject, detail;
	char sample[128];
	char basic[128];
};

/* words that say the sending server retries (4xx: once only) or that
 * the failure is temporary (5xx: never); on transliterated text */
struct lang_words {
	const char *lang;
	const char *retry;
	const char *temporary;
};

static const struct lang_words words[] = {
	{"en",
	 "retries|retried|will retry|tries again|try again later|"
	 "again later|automatic|on its own|by itself|still trying|"
	 "nothing to do",
	 "temporar|for now|for the moment|right now|just now|retries|"
	 "retried|will retry|tries again|automatic|on its own|by itself|"
	 "still trying"},
	{"fr",
	 "reessai|retent|nouvel essai|nouvelles? tentatives?|de lui-meme|"
	 "d'elle-meme|tout seul|automatiquement|plus tard|rien a faire|"
	 "relance",
	 "temporair|provisoire|pour l'instant|pour le moment|momentane|"
	 "reessai|retent|nouvel essai|nouvelles? tentatives?|de lui-meme|"
	 "d'elle-meme|tout seul|automatiquement"},
};

static struct config *cfg;
static struct reg_row rows[CODES_MAX];
static size_t nrows;

/* csv_field - the next field of a CSV record at *p into out (quotes,
 * doubled quotes and line breaks inside quotes); 1 at the record's end */
static int csv_field(const char **p, char *out, size_t len)
{
	const char *s = *p;
	size_t n = 0;
	int quoted = *s == '"';

	if (quoted)
		s++;
	for (; *s; s++) {
		if (quoted && s[0] == '"' && s[1] == '"')
			s++;
		else if (quoted && *s == '"') {
			quoted = 0;
			continue;
		} else if (!quoted && (*s == ',' || *s == '\n'))
			break;
		if (n + 1 < len)
			out[n++] = *s == '\n' ? ' ' : *s;
	}
	out[n] = '\0';
	*p = *s ? s + 1 : s;
	return *s != ',';
}

/* load_registry - the rows of the registry CSV into rows[] */
static int load_registry(void)
{
	FILE *f = fopen(IANA_CSV, "r");
	static char all[65536];
	size_t len;
	const char *p = all;

	if (f == NULL)
		return -1;
	len = fread(all, 1, sizeof(all) - 1, f);
	fclose(f);
	all[len] = '\0';
	p = strchr(all, '\n') + 1; /* the header */
	while (*p && nrows < CODES_MAX) {
		char code[32], skip[1024];
		struct reg_row *r = &rows[nrows];
		int end = csv_field(&p, code, sizeof(code));

		if (!end)
			end = csv_field(&p, r->sample, sizeof(r->sample));
		if (!end)
			end = csv_field(&p, r->basic, sizeof(r->basic));
		while (!end)
			end = csv_field(&p, skip, sizeof(skip));
		if (sscanf(code, "X.%d.%d", &r->subject, &r->detail) == 2)
			nrows++;
	}
	return 0;
}

static int setup(void **state)
{
	(void)state;
	if (load_registry() < 0 || nrows < 70)
		return -1;
	cfg = tu_config("languages = [\"en\", \"fr\"];\nmax_reply_bytes = 4000;\n");
	return cfg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	config_free(cfg);
	return 0;
}

/* names_4xx - a sentence that names a 4.s.d code: a 5xx text may
 * compare itself with its temporary sibling */
static int names_4xx(const char *s)
{
	return strstr(s, " 4.") || strstr(s, "(4.") || strstr(s, "4xx") ||
	       strstr(s, "4XX");
}

/* check_line - one line of the guidance of a code-class reply, the
 * i-th; returns 1 (and prints it) when it is a fault */
static int check_line(const struct lang_words *w, int cls, size_t i,
		      const char *s, const char *where)
{
	const char *what = NULL;

	if (cls == 4 && i > 0 && tu_matches(w->retry, s))
		what = "retry said again";
	else if (cls == 5 && !names_4xx(s) && tu_matches(w->temporary, s))
		what = "temporary";
	if (what == NULL)
		return 0;
	printf("%s %s: %s: %s\n", w->lang, where, what, s);
	fflush(stdout);
	return 1;
}

/* check_status - the guidance of st (text may be NULL) in one
 * language; returns the number of faults it printed */
static int check_status(const struct lang_words *w,
			const struct smtp_status *st, const char *text)
{
	char *lang = (char *)w->lang;
	struct strlist one = {&lang, 1, 1}, lines;
	struct guidance_req req;
	int faults = 0;

	char where[192];

	snprintf(where, sizeof(where), "%d %d.%d.%d [%s]", st->code, st->cls,
		 st->subject, st->detail, text ? text : "");
	memset(&req, 0, sizeof(req));
	req.st = *st;
	req.text = text;
	req.textlen = text ? strlen(text) : 0;
	req.langs = &one;
	req.target = TARGET_PLAIN;
	req.max_lines = REPLY_LINES_MAX;
	strlist_init(&lines);
	guidance_build(cfg, &req, &lines);
	if (lines.n == 0) {
		printf("%s %s: no guidance\n", w->lang, where);
		fflush(stdout);
		faults++;
	}
	for (size_t i = 0; i < lines.n; i++)
		faults += check_line(w, st->code / 100, i, lines.v[i], where);
	strlist_release(&lines);
	return faults;
}

/* basic_codes - the basic codes of class cls to try for row r: the
 * default one, then those the registry associates; returns how many */
static size_t basic_codes(const struct reg_row *r, int cls, int *out)
{
	size_t n = 0;
	const char *p = r->basic;

	out[n++] = cls == 4 ? 451 : 550;
	while (*p && n < 16) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p) {
			p++;
			continue;
		}
		if (v / 100 == cls && v != out[0])
			out[n++] = (int)v;
		p = end;
	}
	return n;
}

static void test_registry_wording(void **state)
{
	int faults = 0;
	size_t replies = 0;

	(void)state;
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		struct lang_words w = words[k];
		const struct kb_lang *l = kb_lang_get(cfg->kb, w.lang);
		struct buf retry;

		assert_non_null(l);
		buf_init(&retry);
		sanitize_text(&retry, l->head.retry, strlen(l->head.retry), 0);
		/* the retry sentence itself says it: the word list sees it */
		assert_true(tu_matches(w.retry, retry.s));
		buf_release(&retry);
		for (size_t i = 0; i < nrows; i++)
			for (int cls = 4; cls <= 5; cls++) {
				int codes[16];
				size_t n = basic_codes(&rows[i], cls, codes);

				for (size_t c = 0; c < n; c++) {
					struct smtp_status st = {
					    codes[c], cls, rows[i].subject,
					    rows[i].detail};

					faults += check_status(&w, &st, NULL);
					faults += check_status(&w, &st,
							       rows[i].sample);
					replies += 2;
				}
			}
	}
	printf("%zu replies checked\n", replies);
	assert_true(replies > 600);
	assert_int_equal(faults, 0);
}

/* every basic code 400-599 without an enhanced code: the basic
 * entries, else the class's */
static void test_basic_wording(void **state)
{
	int faults = 0;

	(void)state;
	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		for (int code = 400; code < 600; code++) {
			struct smtp_status st = {code, 0, 0, 0};

			faults += check_status(&words[k], &st, NULL);
		}
	assert_int_equal(faults, 0);
}

/* the texts of the shipped provider rules: a 4xx rule's follow the
 * retry sentence, a 5xx rule's never say temporary */
static void test_provider_wording(void **state)
{
	const struct provider_set *ps = cfg->providers;
	int faults = 0;
	size_t texts = 0;

	(void)state;
	assert_non_null(ps);
	for (size_t r = 0; r < ps->nrules; r++) {
		const struct provider_rule *pr = ps->rules[r];

		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
			const struct kb_entry *e = provider_text(pr, words[k].lang);

			if (e == NULL)
				continue;
			texts++;
			for (size_t i = 0; i < e->shorts.n; i++) {
				struct buf t;

				buf_init(&t);
				sanitize_text(&t, e->shorts.v[i],
					      strlen(e->shorts.v[i]), 0);
				/* i + 1: the retry sentence comes first */
				faults += check_line(&words[k], pr->code_class,
						     i + 1, t.s, pr->id);
				buf_release(&t);
			}
		}
	}
	assert_true(texts > 100);
	assert_int_equal(faults, 0);
}

/* the word lists catch what they are meant to: a test that can fail */
static void test_word_lists(void **state)
{
	static const struct {
		const char *lang, *sentence;
		int retry, temporary;
	} cases[] = {
		{"en", "Usually temporary and retried automatically.", 1, 1},
		{"en", "Your server will retry by itself.", 1, 1},
		{"en", "Send it again later.", 1, 0},
		{"en", "Check the spelling of the address.", 0, 0},
		{"en", "Then retry.", 0, 0},
		{"fr", "Votre serveur reessaiera de lui-meme.", 1, 1},
		{"fr", "C'est en general temporaire.", 0, 1},
		{"fr", "Verifiez l'orthographe de l'adresse.", 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lang_words *w =
		    strcmp(cases[i].lang, "fr") == 0 ? &words[1] : &words[0];

		assert_int_equal(tu_matches(w->retry, cases[i].sentence),
				 cases[i].retry);
		assert_int_equal(tu_matches(w->temporary, cases[i].sentence),
				 cases[i].temporary);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_lists),
		cmocka_unit_test(test_registry_wording),
		cmocka_unit_test(test_basic_wording),
		cmocka_unit_test(test_provider_wording),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
