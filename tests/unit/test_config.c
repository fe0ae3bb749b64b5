/*
 * test_config - validation of configs: every error names file and line;
 * layering by include; rules, variables and guidance overrides
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "rules.h"

struct bad_case {
	const char *body;   /* after the knowledge_base line (line 1) */
	int line;           /* expected line in the message */
	const char *want;   /* expected part of the message */
};

static void test_bad_configs(void **state)
{
	static const struct bad_case cases[] = {
		{"bogus = 1;\n", 2, "unknown setting 'bogus'"},
		{"rules = ( { name = \"a\"; code = 650; } );\n", 2, "impossible reply code 650"},
		{"rules = ( { name = \"a\"; code = 550; enhanced = \"4.1.1\"; } );\n", 2,
		 "does not fit reply class 5xx"},
		{"rules = ( { name = \"a\"; code = 250; } );\n", 2, "not a rejection"},
		{"rules = (\n { name = \"a\"; code = 550;\n   lines = [\"hi ${nosuch}\"]; } );\n",
		 4, "unknown template variable ${nosuch}"},
		{"rules = ( { name = \"a\"; code = 550; lines = [\"cost $5\"]; } );\n", 2,
		 "bad '$'"},
		{"rules = ( { name = \"a\"; code = 550; colour = 1; } );\n", 2,
		 "unknown setting 'colour' in a rule"},
		{"rules = ( { code = 550; } );\n", 2, "needs a 'name'"},
		{"rules = ( { name = \"a\"; commands = [\"FOO\"]; } );\n", 2,
		 "no 'reply' code"},
		{"rules = ( { name = \"a\"; commands = [\"FOO\"]; reply = \"502 4.5.1\"; } );\n",
		 2, "class of the reply code"},
		{"rules = ( { name = \"a\"; commands = [\"FOO\"]; reply = \"602 6.5.1\"; } );\n",
		 2, "'reply' must be"},
		{"rules = ( { name = \"a\"; code = 550; pattern = \"(\"; } );\n", 2, "bad pattern"},
		{"languages = [\"xx\"];\n", 0, "language \"xx\" is not in the knowledge base"},
		{"line_width = 5000;\n", 2, "'line_width' must be between"},
		{"rules = ( { name = \"a\"; code = 550; lines = [\"", 0, ""},
		{"include = [\"/nonexistent/file.conf\"];\n", 2, "no such file"},
		{"variables = { helpdesk2 = \"has $dollar\"; };\n", 2, "no '$'"},
		{"guidance = ( { code = \"5.1.1\"; lang = \"en\"; short = [\"${nope}\"]; } );\n",
		 2, "unknown template variable ${nope}"},
		{"guidance = ( { code = \"9.9\"; lang = \"en\"; short = [\"x\"]; } );\n", 2,
		 "invalid code"},
		{"language_rules = ( { client = \"300.1.1.1/99\"; languages = [\"fr\"]; } );\n",
		 2, "not an address"},
	};
	char err[512], path[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[128];
		struct config *cfg = tu_load(cases[i].body, err, sizeof(err), path,
					     sizeof(path));

		if (cfg != NULL)
			fail_msg("case %zu loaded: %s", i, cases[i].body);
		assert_non_null(strstr(err, path));
		if (cases[i].line) {
			snprintf(want, sizeof(want), "%s:%d: ", path, cases[i].line);
			if (strstr(err, want) == NULL)
				fail_msg("case %zu: want \"%s\" in \"%s\"", i, want, err);
		}
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: want \"%s\" in \"%s\"", i, cases[i].want, err);
		unlink(path);
	}
}

static void test_shipped_config(void **state)
{
	char err[512], path[64], body[8192];
	FILE *f = fopen(TOP_SRCDIR "/conf/milter-explain.conf", "r");
	size_t n;
	struct config *cfg;

	(void)state;
	assert_non_null(f);
	n = fread(body, 1, sizeof(body) - 1, f);
	fclose(f);
	body[n] = '\0';
	cfg = tu_load(body, err, sizeof(err), path, sizeof(path));
	if (cfg == NULL)
		fail_msg("shipped config: %s", err);
	assert_non_null(rules_match_command(cfg, "EXPN root"));
	assert_string_equal(rules_match_command(cfg, "expn root")->name, "unimplemented");
	assert_string_equal(rules_match_command(cfg, "FOO bar")->name, "unknown");
	assert_string_equal(rules_match_command(cfg, "")->name, "unknown");
	config_free(cfg);
	unlink(path);
}

static void test_layers(void **state)
{
	char err[512], path[64], site[64], body[1024];
	struct config *cfg;
	const struct rule *r;

	(void)state;
	tu_write("helpdesk = \"help@example.org\";\n"
		 "rules = (\n"
		 "  { name = \"unknown\"; commands = [\"*\"]; reply = \"500 5.5.2\";\n"
		 "    lines = [\"Ask ${helpdesk} or ${site}\"]; },\n"
		 "  { name = \"drop-me\"; enabled = false; }\n"
		 ");\n"
		 "variables = { site = \"Example\"; };\n",
		 site, sizeof(site));
	snprintf(body, sizeof(body),
		 "rules = (\n"
		 " { name = \"unknown\"; commands = [\"*\"]; reply = \"500 5.5.2\"; },\n"
		 " { name = \"drop-me\"; code = 550; lines = [\"x\"]; }\n"
		 ");\ninclude = [\"%s\"];\n", site);
	cfg = tu_load(body, err, sizeof(err), path, sizeof(path));
	if (cfg == NULL)
		fail_msg("%s", err);
	r = rules_match_command(cfg, "FOO");
	assert_non_null(r);
	assert_int_equal(r->nlines, 1);
	assert_string_equal(config_var(cfg, "helpdesk", 8), "help@example.org");
	{
		struct smtp_status st = {550, 0, 0, 0};

		assert_null(rules_match_reply(cfg, &st, "x", 1));
	}
	config_free(cfg);
	unlink(path);
	unlink(site);
}

static void test_reply_precedence(void **state)
{
	char err[512], path[64];
	struct config *cfg = tu_load(
		"rules = (\n"
		" { name = \"class\"; code = \"5XX\"; lines = [\"c\"]; },\n"
		" { name = \"code\"; code = 550; lines = [\"b\"]; },\n"
		" { name = \"neutral\"; enhanced = \"X.1.1\"; lines = [\"n\"]; },\n"
		" { name = \"enh\"; code = 550; enhanced = \"5.1.1\"; lines = [\"e\"]; },\n"
		" { name = \"pat\"; code = 550; enhanced = \"5.1.1\"; pattern = \"unknown in local\"; lines = [\"p\"]; }\n"
		");\n",
		err, sizeof(err), path, sizeof(path));
	struct {
		const char *reply;
		const char *want;
	} cases[] = {
		{"550 5.1.1 <bob@x>: User unknown in local recipient table", "pat"},
		{"550 5.1.1 <bob@x>: User unknown in virtual table", "enh"},
		{"551 5.1.1 moved", "neutral"},
		{"450 4.1.1 try later", "neutral"},
		{"550 5.7.1 denied", "code"},
		{"554 5.7.1 denied", "class"},
		{"450 4.7.1 later", NULL},
	};

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct smtp_status st;
		size_t text;
		const struct rule *r;

		assert_int_equal(smtpcode_parse_reply(cases[i].reply, strlen(cases[i].reply),
						      &st, &text), 0);
		r = rules_match_reply(cfg, &st, cases[i].reply + text,
				      strlen(cases[i].reply + text));
		if (cases[i].want == NULL)
			assert_null(r);
		else if (r == NULL || strcmp(r->name, cases[i].want) != 0)
			fail_msg("%s: want %s, got %s", cases[i].reply, cases[i].want,
				 r ? r->name : "none");
	}
	config_free(cfg);
	unlink(path);
}

static void test_languages(void **state)
{
	char err[512], path[64];
	struct config *cfg = tu_load(
		"languages = [\"en\"];\n"
		"language_rules = (\n"
		" { client = [\"192.0.2.0/24\", \"2001:db8::/32\", \".example.fr\"]; languages = [\"fr\", \"en\"]; },\n"
		" { recipient = [\".fr\"]; languages = [\"fr\"]; }\n"
		");\n",
		err, sizeof(err), path, sizeof(path));
	const struct strlist *l;

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	l = rules_languages(cfg, "192.0.2.77", NULL, NULL);
	assert_int_equal(l->n, 2);
	assert_string_equal(l->v[0], "fr");
	assert_string_equal(rules_languages(cfg, "2001:db8::1", NULL, NULL)->v[0], "fr");
	assert_string_equal(rules_languages(cfg, "198.51.100.1", "mx.example.fr", NULL)->v[0], "fr");
	assert_string_equal(rules_languages(cfg, "198.51.100.1", "mx.example.com", NULL)->v[0], "en");
	assert_string_equal(rules_languages(cfg, NULL, NULL, "exemple.fr")->v[0], "fr");
	assert_string_equal(rules_languages(cfg, NULL, NULL, "notfr")->v[0], "en");
	config_free(cfg);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_shipped_config),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_reply_precedence),
		cmocka_unit_test(test_languages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
