/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_kb_compare - the hand-written comparisons (LANG/compare.conf)
 *
 * Table-driven: every pair of the default help_compare has its text in
 * every shipped language, with the facts each must state (which command,
 * who acts, what happens next: a 5xx to VRFY or EHLO bounces nothing,
 * 235 names its failure counterparts); lookup in either order; the
 * loader's messages for bad files.
 */
#include "config.h"
#include "kb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

/* a text of the shipped base must say this (aspect -1: the summary) */
struct fact {
	const char *lang, *a, *b;
	int aspect, side; /* side 0: a's text, 1: b's */
	const char *must, *must_not;
};

static const struct fact facts[] = {
    {"en", "500", "502", -1, 0, "neither bounces a message", NULL},
    {"en", "500", "502", KB_CMP_NEXT, 0, "falls back to HELO", "returns"},
    {"en", "500", "502", KB_CMP_NEXT, 1, "nothing is bounced", "returns"},
    {"en", "500", "502", KB_CMP_COMMAND, 0, "512 octets", NULL},
    {"en", "500", "502", KB_CMP_COMMAND, 1, "502 5.5.1", NULL},
    {"en", "250", "502", KB_CMP_NEXT, 1, "Nothing is bounced", NULL},
    {"en", "235", "502", -1, 0, "503 when AUTH is not enabled", NULL},
    {"en", "235", "535", -1, 0, "534", NULL},
    {"en", "235", "535", KB_CMP_COMMAND, 0, "PLAIN or LOGIN", NULL},
    {"en", "235", "535", KB_CMP_NEXT, 1, "nothing is bounced", NULL},
    {"en", "450", "550", KB_CMP_NEXT, 0, "tries again", NULL},
    {"en", "450", "550", KB_CMP_NEXT, 1, "gives up at once", NULL},
    {"en", "421", "451", KB_CMP_NEXT, 0, "connection ends", NULL},
    {"en", "550", "554", KB_CMP_NEXT, 0, "Only that recipient", NULL},
    {"en", "501", "504", KB_CMP_ACTOR, 1, "authentication method", NULL},
    {"fr", "500", "502", -1, 0, "aucun ne fait revenir", NULL},
    {"fr", "500", "502", KB_CMP_NEXT, 0, "se rabat sur HELO", NULL},
    {"fr", "500", "502", KB_CMP_NEXT, 1, "rien ne revient", "renvoie"},
    {"fr", "235", "502", -1, 0, "503 quand AUTH", NULL},
    {"fr", "235", "535", KB_CMP_COMMAND, 0, "PLAIN ou LOGIN", NULL},
    {"fr", "450", "550", KB_CMP_NEXT, 0, "réessaie", NULL},
    {"fr", "421", "451", KB_CMP_NEXT, 1, "Seuls cette commande", NULL},
};

/* test_shipped - every default pair in every language, and its facts */
static void test_shipped(void **state)
{
	char err[512], path[64];
	struct config *cfg = tu_load("", err, sizeof(err), path, sizeof(path));
	int swapped;

	(void)state;
	unlink(path);
	if (cfg == NULL)
		fail_msg("%s", err);
	assert_true(cfg->ncompare >= 11);
	for (size_t l = 0; l < cfg->kb->n; l++)
		for (size_t i = 0; i < cfg->ncompare; i++)
			if (!kb_compare_get(&cfg->kb->langs[l]->compares,
					    cfg->compare[i].a, cfg->compare[i].b,
					    &swapped))
				fail_msg("%s: no comparison %s/%s",
					 cfg->kb->langs[l]->code,
					 cfg->compare[i].a, cfg->compare[i].b);
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		const struct fact *f = &facts[i];
		const struct kb_lang *l = kb_lang_get(cfg->kb, f->lang);
		const struct kb_compare *c =
		    kb_compare_get(&l->compares, f->a, f->b, &swapped);
		const char *t;

		assert_non_null(c);
		assert_int_equal(swapped, 0);
		t = f->aspect < 0 ? c->summary : c->aspect[f->aspect][f->side];
		if (strstr(t, f->must) == NULL ||
		    (f->must_not && strstr(t, f->must_not)))
			fail_msg("%s %s/%s: \"%s\" must say \"%s\"%s%s", f->lang,
				 f->a, f->b, t, f->must,
				 f->must_not ? " and not " : "",
				 f->must_not ? f->must_not : "");
	}
	/* either order; the second code's text comes first when swapped */
	{
		const struct kb_lang *en = kb_lang_get(cfg->kb, "en");
		const struct kb_compare *c =
		    kb_compare_get(&en->compares, "502", "500", &swapped);

		assert_non_null(c);
		assert_int_equal(swapped, 1);
		assert_string_equal(c->a, "500");
		assert_null(kb_compare_get(&en->compares, "550", "552",
					   &swapped));
	}
	config_free(cfg);
}

/* a bad compare.conf and the message it must give */
struct bad {
	const char *text, *error;
};

#define PAIR_OK                                                                \
	"summary = \"S.\"; command = [\"a\", \"b\"]; actor = [\"a\", \"b\"]; " \
	"next = [\"a\", \"b\"];"

static const struct bad bads[] = {
    {"compare = ( { pair = \"235/502\"; " PAIR_OK " } );", NULL},
    {"compare = \"x\";", "compare.conf:1: 'compare' must be a ( list )"},
    {"compare = ( 3 );", "a comparison must be a { group }"},
    {"compare = ( { pair = \"235-502\"; " PAIR_OK " } );",
     "needs 'pair', two different reply codes"},
    {"compare = ( { pair = \"235/235\"; " PAIR_OK " } );",
     "needs 'pair', two different reply codes"},
    {"compare = ( { pair = \"235/999\"; " PAIR_OK " } );",
     "needs 'pair', two different reply codes"},
    {"compare = ( { pair = \"235/502\"; summary = \"S.\"; command = [\"a\"]; "
     "actor = [\"a\", \"b\"]; next = [\"a\", \"b\"]; } );",
     "'command' must be [\"for 235\", \"for 502\"]"},
    {"compare = ( { pair = \"235/502\"; " PAIR_OK " why = \"x\"; } );",
     "unknown setting 'why'"},
    {"compare = ( { pair = \"235/502\"; summary = \"100%\"; "
     "command = [\"a\", \"b\"]; actor = [\"a\", \"b\"]; next = [\"a\", "
     "\"b\"]; } );",
     "'summary': a non-empty string"},
    {"compare = ( { pair = \"235/502\"; " PAIR_OK " },\n"
     "  { pair = \"502/235\"; " PAIR_OK " } );",
     "compare.conf:2: comparison 502/235 is written twice"},
    {"compare = ( { pair = \"235/502\"; " PAIR_OK " } );\nx = 1;",
     "holds one 'entries = ( ... );' list"},
};

/* test_loader - the loader's answers to bad files */
static void test_loader(void **state)
{
	char dir[] = "/tmp/test_kb_compare.XXXXXX", path[128], cmd[512];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/en", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(cmd, sizeof(cmd), /* without its list of files */
		 "sed '/^files = /,/];/d' '%s/conf/kb/en/lang.conf' >'%s/en/lang.conf'",
		 TOP_SRCDIR, dir);
	assert_int_equal(system(cmd), 0);
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct kb *kb = kb_new();
		char err[512] = "";
		FILE *f;
		int rc;

		snprintf(path, sizeof(path), "%s/en/compare.conf", dir);
		assert_non_null(f = fopen(path, "w"));
		fputs(bads[i].text, f);
		fclose(f);
		rc = kb_load_dir(kb, dir, "en", err, sizeof(err));
		if (bads[i].error == NULL) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err);
			assert_int_equal(kb->langs[0]->compares.n, 1);
		} else if (rc == 0 || strstr(err, bads[i].error) == NULL) {
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err,
				 bads[i].error);
		}
		kb_free(kb);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped),
	    cmocka_unit_test(test_loader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
