/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kb - the shipped knowledge base: every listed reply code and every
 * IANA enhanced status code has its own entry in each language, lookup
 * precedence, every shipped line renders to valid SMTP
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "explain.h"
#include "guidance.h"
#include "provider.h"
#include "sanitize.h"

static const char *const basic_codes[] = {
	"211", "214", "220", "221", "250", "251", "252", "354", "421", "450", "451",
	"452", "455", "500", "501", "502", "503", "504", "550", "551", "552", "553",
	"554", "555", "235", "334", "454", "530", "534", "535", "538", "521", "556",
	"2XX", "3XX", "4XX", "5XX", "2.X.X", "4.X.X", "5.X.X", NULL};

static struct config *cfg;

static int setup(void **state)
{
	(void)state;
	cfg = tu_config("");
	return cfg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	config_free(cfg);
	return 0;
}

static void test_languages_present(void **state)
{
	(void)state;
	assert_non_null(kb_lang_get(cfg->kb, "en"));
	assert_non_null(kb_lang_get(cfg->kb, "fr"));
}

static void test_basic_codes(void **state)
{
	(void)state;
	for (size_t l = 0; l < cfg->kb->n; l++)
		for (size_t i = 0; basic_codes[i]; i++)
			if (kb_get(cfg->kb->langs[l], basic_codes[i]) == NULL)
				fail_msg("%s: no entry %s", cfg->kb->langs[l]->code,
					 basic_codes[i]);
}

static void test_iana_codes(void **state)
{
	FILE *f = fopen(IANA_CSV, "r");
	char line[4096];
	int n = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char key[16];

		if (strncmp(line, "X.", 2) != 0 || sscanf(line, "%15[^,]", key) != 1)
			continue;
		n++;
		for (size_t l = 0; l < cfg->kb->n; l++)
			if (kb_get(cfg->kb->langs[l], key) == NULL)
				fail_msg("%s: IANA code %s has no entry",
					 cfg->kb->langs[l]->code, key);
	}
	fclose(f);
	assert_true(n >= 80);
}

static void test_precedence(void **state)
{
	const struct kb_lang *en = kb_lang_get(cfg->kb, "en");
	struct {
		struct smtp_status st;
		const char *key;
		int class_only;
	} cases[] = {
		{{550, 5, 1, 1}, "X.1.1", 0},
		{{550, 5, 7, 26}, "X.7.26", 0},
		{{450, 4, 7, 1}, "4.7.1", 0},
		{{550, 5, 9, 99}, "550", 0},
		{{559, 5, 9, 99}, "5.X.X", 1},
		{{559, 0, 0, 0}, "5XX", 1},
		{{0, 5, 9, 99}, "5.X.X", 1},
		{{502, 0, 0, 0}, "502", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int class_only;
		const struct kb_entry *e = kb_find(en, &cases[i].st, &class_only);

		assert_non_null(e);
		if (strcmp(e->key, cases[i].key) != 0)
			fail_msg("case %zu: want %s got %s", i, cases[i].key, e->key);
		assert_int_equal(class_only, cases[i].class_only);
	}
}

/* every short line of every entry, rendered as a milter would send it */
static void test_lines_render(void **state)
{
	(void)state;
	for (size_t l = 0; l < cfg->kb->n; l++) {
		const struct kb_lang *lang = cfg->kb->langs[l];

		for (size_t i = 0; i < lang->n; i++) {
			const struct kb_entry *e = lang->all[i];
			struct guidance_req req;
			struct strlist out;

			memset(&req, 0, sizeof(req));
			if (e->key[0] == 'X' || strchr(e->key, 'X'))
				continue; /* class-neutral keys: rendered via 5.s.d */
			req.target = TARGET_MILTER;
			req.max_lines = 31;
			strlist_init(&out);
			for (size_t k = 0; k < e->shorts.n; k++)
				guidance_line(cfg, &req, e->shorts.v[k], &out);
			for (size_t k = 0; k < out.n; k++) {
				assert_true(sanitize_is_printable(out.v[k], strlen(out.v[k])));
				assert_true(strlen(out.v[k]) + 12 <= 512);
			}
			strlist_release(&out);
		}
	}
}

/* no wire line repeats its reply code ("421: ..."): the code already
 * opens every line of the reply ("421-4.3.2 421: ..." read badly) */
static void test_no_code_prefix(void **state)
{
	(void)state;
	for (size_t l = 0; l < cfg->kb->n; l++) {
		const struct kb_lang *lang = cfg->kb->langs[l];

		for (size_t i = 0; i < lang->n; i++) {
			const struct kb_entry *e = lang->all[i];

			for (size_t k = 0; k < e->shorts.n; k++) {
				const char *s = e->shorts.v[k];
				int digits = s[0] >= '0' && s[0] <= '9' &&
					     s[1] >= '0' && s[1] <= '9' &&
					     s[2] >= '0' && s[2] <= '9';

				if (digits && (s[3] == ':' ||
					       (s[3] == ' ' && s[4] == ':')))
					fail_msg("%s %s: \"%s\"", lang->code,
						 e->key, s);
			}
		}
	}
}

/*
 * the French base has none of the calques of issue 14 and one word for
 * spam, in its entries, comparisons, provider texts and labels
 */
static void test_french_wording(void **state)
{
	static const char *const bad[] = {
	    "par politique", "raison de politique", "par lui.", "avec connexion",
	    "Rien à faire d'abord", "ontrairement à", "courrier renvoyé",
	    "connexion annulée", "Achèvement positif", "non implémenté",
	    "pourriel", "messages indésirables", "décision de politique", NULL};
	const struct kb_lang *fr = kb_lang_get(cfg->kb, "fr");
	struct strlist texts;

	(void)state;
	assert_non_null(fr);
	strlist_init(&texts);
	for (size_t i = 0; i < fr->n; i++) {
		const struct kb_entry *e = fr->all[i];
		const char *f[] = {e->title, e->description, e->when, e->fix,
				   e->admin};

		for (size_t k = 0; k < 5; k++)
			if (f[k])
				strlist_add(&texts, f[k]);
		for (size_t k = 0; k < e->shorts.n; k++)
			strlist_add(&texts, e->shorts.v[k]);
	}
	for (size_t i = 0; i < fr->compares.n; i++) {
		strlist_add(&texts, fr->compares.v[i]->summary);
		for (int k = 0; k < KB_CMP_ASPECTS; k++)
			for (int j = 0; j < 2; j++)
				strlist_add(&texts, fr->compares.v[i]->aspect[k][j]);
	}
	for (size_t i = 0; i < cfg->providers->nrules; i++) {
		const struct kb_entry *e = provider_text(cfg->providers->rules[i],
							 "fr");

		for (size_t k = 0; e && k < e->shorts.n; k++)
			strlist_add(&texts, e->shorts.v[k]);
		if (e) {
			const char *f[] = {e->title, e->description, e->when,
					   e->fix, e->admin};

			for (size_t k = 0; k < 5; k++)
				if (f[k])
					strlist_add(&texts, f[k]);
		}
	}
	strlist_add(&texts, fr->head.on_the_wire);
	strlist_add(&texts, fr->head.checked_against);
	assert_true(texts.n > 1000);
	for (size_t i = 0; i < texts.n; i++)
		for (size_t k = 0; bad[k]; k++)
			if (strstr(texts.v[i], bad[k]))
				fail_msg("\"%s\" in: %s", bad[k], texts.v[i]);
	strlist_release(&texts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_languages_present),
		cmocka_unit_test(test_basic_codes),
		cmocka_unit_test(test_iana_codes),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_lines_render),
		cmocka_unit_test(test_no_code_prefix),
		cmocka_unit_test(test_french_wording),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
