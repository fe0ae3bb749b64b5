/* SPDX-License-Identifier: BSD-2-Clause */
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
#include "config_table.h"
#include "rules.h"

struct bad_case {
	const char *body; /* after the knowledge_base line (line 1) */
	int line;         /* expected line in the message */
	const char *want; /* the message after "FILE:LINE: "; a final '*'
			   * makes it a prefix (the C library's words follow) */
};

/* expect_error - err is exactly "path:line: want" (see struct bad_case) */
static void expect_error(const char *what, const char *err, const char *path,
			 int line, const char *want)
{
	char head[128];
	size_t hlen, wlen = strlen(want);

	snprintf(head, sizeof(head), "%s:%d: ", path, line);
	hlen = strlen(head);
	if (strncmp(err, head, hlen) != 0)
		fail_msg("%s: want \"%s%s\", got \"%s\"", what, head, want, err);
	if (wlen && want[wlen - 1] == '*' ? strncmp(err + hlen, want, wlen - 1)
					  : strcmp(err + hlen, want))
		fail_msg("%s: want \"%s%s\", got \"%s\"", what, head, want, err);
}

static void test_bad_configs(void **state)
{
	static const struct bad_case cases[] = {
		{"bogus = 1;\n", 2, "unknown setting 'bogus'"},
		{"utf8 = true;\n", 2,
		 "'utf8' was removed: SMTP replies are always US-ASCII (accents "
		 "transliterated); delete this line"},
		{"dsn_socket = \"tcp:25\";\n", 2, "'dsn_socket': *"},
		{"dsn_max_size = 100;\n", 2, "'dsn_max_size' *"},
		{"rules = ( { name = \"a\"; code = 650; } );\n", 2,
		 "impossible reply code 650: a code is 2xx to 5xx with a second "
		 "digit of 0 to 5"},
		{"rules = ( { name = \"a\"; code = 550; enhanced = \"4.1.1\"; } );\n", 2,
		 "enhanced code 4.1.1 does not fit reply class 5xx"},
		{"rules = ( { name = \"a\"; code = 250; } );\n", 2,
		 "reply code 250 is not a rejection: guidance goes on 4xx and 5xx "
		 "replies only"},
		{"rules = (\n { name = \"a\"; code = 550;\n   lines = [\"hi ${nosuch}\"]; } );\n",
		 4, "unknown template variable ${nosuch}"},
		{"rules = ( { name = \"a\"; code = 550; lines = [\"cost $5\"]; } );\n", 2,
		 "bad '$' in \"$5\": write ${name} for a variable or $$ for a dollar "
		 "sign"},
		{"rules = ( { name = \"a\"; code = 550; colour = 1; } );\n", 2,
		 "unknown setting 'colour' in a rule"},
		{"rules = ( { code = 550; } );\n", 2,
		 "every rule needs a 'name' (later files override rules by name)"},
		{"rules = ( { name = \"a\"; commands = [\"FOO\"]; } );\n", 2,
		 "rule 'a' names commands but no 'reply' code to answer them with"},
		{"rules = ( { name = \"a\"; commands = [\"FOO\"]; reply = \"502 4.5.1\"; } );\n",
		 2, "'reply' 502 4.5.1: the enhanced code must have the class of the "
		 "reply code (5.x.x)"},
		{"rules = ( { name = \"a\"; commands = [\"FOO\"]; reply = \"602 6.5.1\"; } );\n",
		 2, "'reply' must be a code and an enhanced code, such as \"502 5.5.1\""},
		{"rules = ( { name = \"a\"; code = 550; pattern = \"(\"; } );\n", 2,
		 "bad pattern: *"},
		{"rules = ( { name = \"a\"; code = 550; mode = \"swap\"; } );\n", 2,
		 "'mode' is \"append\" or \"replace\""},
		{"rules = ( { name = \"a\"; enabled = 1; } );\n", 2,
		 "'enabled' must be true or false"},
		{"languages = [\"xx\"];\n", 2,
		 "language \"xx\" is not in the knowledge base " TOP_SRCDIR "/conf/kb"},
		{"language_rules = (\n { client = \".fr\"; languages = [\"fr\"]; },"
		 "\n { client = \".de\"; languages = [\"de\"]; }\n);\n", 4,
		 "language \"de\" is not in the knowledge base " TOP_SRCDIR "/conf/kb"},
		{"rules = ( { name = \"a\"; code = 550;\n lines = { xx = [\"hi\"]; }; } );\n",
		 2, "language \"xx\" is not in the knowledge base " TOP_SRCDIR "/conf/kb"},
		{"line_width = 50;\nmax_lines = 3;\nline_width = 60;\n", 4,
		 "duplicate setting 'line_width'"},
		{"socketmap = {\n  max_clients = 5;\n  max_clients = 6;\n};\n", 4,
		 "duplicate setting 'max_clients'"},
		{"line_width = 5000;\n", 2, "'line_width' must be between 40 and 400"},
		{"rules = ( { name = \"a\"; code = 550; lines = [\"", 2, "syntax error"},
		{"include = [\"/nonexistent/file.conf\"];\n", 2,
		 "include \"/nonexistent/file.conf\": no such file"},
		{"variables = { helpdesk2 = \"has $dollar\"; };\n", 2,
		 "variable 'helpdesk2': at most 200 printable characters, no '$'"},
		{"guidance = ( { code = \"5.1.1\"; lang = \"en\"; short = [\"${nope}\"]; } );\n",
		 2, "unknown template variable ${nope}"},
		{"guidance = ( { code = \"9.9\"; lang = \"en\"; short = [\"x\"]; } );\n", 2,
		 "invalid code \"9.9\""},
		{"guidance = ( { code = \"550\"; related = [\"551\", \"55\"]; } );\n", 2,
		 "'related': \"55\" is not the code of another entry"},
		{"guidance = ( { code = \"550\"; related = [\"550\"]; } );\n", 2,
		 "'related': \"550\" is not the code of another entry"},
		{"language_rules = ( { client = \"300.1.1.1/99\"; languages = [\"fr\"]; } );\n",
		 2, "'client' \"300.1.1.1/99\" is not an address, a network or a host "
		 "name suffix"},
		/* one text check for config and knowledge-base text: no C0
		 * control, no DEL (the knowledge base used to let DEL through) */
		{"user = \"a\\x7fb\";\n", 2, "'user' has a control character"},
		{"footer = [\"a\\x01b\"];\n", 2, "control character in a line"},
		{"guidance = ( { code = \"550\"; lang = \"en\"; title = \"a\\x7fb\"; } );\n",
		 2, "'title' has a control character"},
		{"guidance = ( { code = \"550\"; lang = \"en\"; short = [\"a\\x7fb\"]; } );\n",
		 2, "'short' has a control character"},
		{"socketmap = { max_clients = 5; colour = 1; };\n", 2,
		 "unknown setting 'colour' in socketmap"},
		{"help_url = \"https://example.org/a b\";\n", 2,
		 "'help_url': at most 200 printable characters, no space, no '$'"},
	};
	char err[512], path[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[32];
		struct config *cfg = tu_load(cases[i].body, err, sizeof(err), path,
					     sizeof(path));

		snprintf(what, sizeof(what), "case %zu", i);
		if (cfg != NULL)
			fail_msg("case %zu loaded: %s", i, cases[i].body);
		expect_error(what, err, path, cases[i].line, cases[i].want);
		unlink(path);
	}
}

/* setting_body - "name = value;\n", or "group = { member = value; };\n" */
static void setting_body(const char *name, const char *value, char *out,
			 size_t len)
{
	const char *dot = strchr(name, '.');

	if (dot)
		snprintf(out, len, "%.*s = { %s = %s; };\n", (int)(dot - name),
			 name, dot + 1, value);
	else
		snprintf(out, len, "%s = %s;\n", name, value);
}

/* leaf - the name a message uses: the member name inside a group */
static const char *leaf(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? dot + 1 : name;
}

/* the table: unique names, each group member under a group row */
static void test_settings_table(void **state)
{
	(void)state;
	assert_true(config_nsettings > 10);
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct config_def *d = &config_settings[i];
		const char *dot = strchr(d->name, '.');
		int group = 0;

		for (size_t k = 0; k < config_nsettings; k++) {
			if (k != i && strcmp(config_settings[k].name, d->name) == 0)
				fail_msg("'%s' is in the table twice", d->name);
			if (dot && config_settings[k].type == CFG_GROUP &&
			    strncmp(config_settings[k].name, d->name,
				    (size_t)(dot - d->name)) == 0)
				group = 1;
		}
		if (dot && !group)
			fail_msg("'%s' has no group row", d->name);
		if (d->type == CFG_INT && d->def &&
		    (atoi(d->def) < d->min || atoi(d->def) > d->max))
			fail_msg("'%s': default %s out of its bounds", d->name, d->def);
		if (d->type == CFG_SPECIAL && d->pass != CFG_PASS_FILES &&
		    d->parse == NULL)
			fail_msg("'%s' has no parser", d->name);
	}
}

/* a config that sets nothing but the knowledge base has the defaults */
static void test_settings_defaults(void **state)
{
	char err[512], path[64];
	struct config *cfg = tu_load("", err, sizeof(err), path, sizeof(path));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct config_def *d = &config_settings[i];
		const void *f = (const char *)cfg + d->offset;

		if (strcmp(d->name, "knowledge_base") == 0)
			continue; /* tu_load sets it */
		switch (d->type) {
		case CFG_STRING:
		case CFG_PATH:
		case CFG_URL:
		case CFG_SOCKET:
			if (d->def == NULL)
				assert_null(*(char *const *)f);
			else
				assert_string_equal(*(char *const *)f, d->def);
			break;
		case CFG_INT:
			assert_int_equal(*(const int *)f, atoi(d->def));
			break;
		case CFG_BOOL:
			assert_int_equal(*(const int *)f, strcmp(d->def, "true") == 0);
			break;
		case CFG_WORD:
			assert_int_equal(*(const int *)f, 0); /* the first word */
			assert_memory_equal(d->choices, d->def, strlen(d->def));
			break;
		case CFG_LANGS:
			assert_int_equal(((const struct strlist *)f)->n, 1);
			assert_string_equal(((const struct strlist *)f)->v[0], d->def);
			break;
		case CFG_VAR:
			assert_string_equal(config_var(cfg, d->name, strlen(d->name)),
					    d->def);
			break;
		case CFG_GROUP:
		case CFG_SPECIAL:
			break;
		}
	}
	/* the values the rest of the daemon relies on */
	assert_int_equal(cfg->line_width, 150);
	assert_int_equal(cfg->max_reply_bytes, 900);
	assert_int_equal(cfg->max_lines, REPLY_LINES_MAX);
	assert_int_equal(cfg->on_error, ON_ERROR_CONTINUE);
	assert_int_equal(cfg->socketmap_max_clients, 1024);
	assert_int_equal(cfg->socketmap_idle_timeout, 600);
	assert_int_equal(cfg->milter_timeout, 900);
	assert_string_equal(config_var(cfg, "helpdesk", 8),
			    "the postmaster of the receiving site");
	config_free(cfg);
	unlink(path);
}

/* expect_refused - setting name = value fails with "'leaf'" + rest */
static void expect_refused(const char *name, const char *value,
			   const char *rest)
{
	char body[256], want[256], err[512], path[64];
	struct config *cfg;

	setting_body(name, value, body, sizeof(body));
	snprintf(want, sizeof(want), "'%s'%s", leaf(name), rest);
	cfg = tu_load(body, err, sizeof(err), path, sizeof(path));
	if (cfg != NULL)
		fail_msg("%s loaded", body);
	expect_error(name, err, path, 2, want);
	unlink(path);
}

/* expect_value - setting name = v loads and the field holds v */
static void expect_loaded(const struct config_def *d, int v)
{
	char body[256], value[16], err[512], path[64];
	struct config *cfg;

	snprintf(value, sizeof(value), "%d", v);
	setting_body(d->name, value, body, sizeof(body));
	if ((cfg = tu_load(body, err, sizeof(err), path, sizeof(path))) == NULL)
		fail_msg("%s: %s", body, err);
	assert_int_equal(*(const int *)((const char *)cfg + d->offset), v);
	config_free(cfg);
	unlink(path);
}

/* every scalar setting refuses a wrong type or a value out of its bounds
 * with a message that names it */
static void test_settings_bounds(void **state)
{
	(void)state;
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct config_def *d = &config_settings[i];
		char v[16], rest[64];

		if (strcmp(d->name, "knowledge_base") == 0)
			continue; /* tu_load sets it: twice is a syntax error */
		switch (d->type) {
		case CFG_INT:
			snprintf(rest, sizeof(rest), " must be between %d and %d",
				 d->min, d->max);
			snprintf(v, sizeof(v), "%d", d->min - 1);
			expect_refused(d->name, v, rest);
			snprintf(v, sizeof(v), "%d", d->max + 1);
			expect_refused(d->name, v, rest);
			expect_refused(d->name, "\"12\"", " must be a whole number");
			expect_loaded(d, d->min);
			expect_loaded(d, d->max);
			break;
		case CFG_STRING:
		case CFG_PATH:
		case CFG_URL:
		case CFG_VAR:
			expect_refused(d->name, "1", " must be a string");
			expect_refused(d->name, "\"a\\x01\"", " has a control character");
			break;
		case CFG_BOOL:
			expect_refused(d->name, "1", " must be true or false");
			break;
		case CFG_WORD:
			expect_refused(d->name, "\"nope\"",
				       strcmp(d->name, "on_error") == 0
					       ? " is \"continue\" or \"tempfail\""
					       : " is *");
			break;
		case CFG_LANGS:
			expect_refused(d->name, "[]", " needs at least one language");
			break;
		case CFG_GROUP:
			expect_refused(d->name, "1", " must be a { group }");
			break;
		case CFG_SOCKET:
			expect_refused(d->name, "1", " must be a string");
			expect_refused(d->name, "\"foo\"",
				       ": \"foo\": expected unix:/path, "
				       "inet:PORT@HOST or inet6:PORT@HOST");
			break;
		case CFG_SPECIAL:
			break;
		}
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
	assert_non_null(rules_match_command(cfg, "EXPN root", 9));
	assert_string_equal(rules_match_command(cfg, "expn root", 9)->name, "unimplemented");
	assert_string_equal(rules_match_command(cfg, "FOO bar", 7)->name, "unknown");
	assert_string_equal(rules_match_command(cfg, "", 0)->name, "unknown");
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
	r = rules_match_command(cfg, "FOO", 3);
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
		cmocka_unit_test(test_settings_table),
		cmocka_unit_test(test_settings_defaults),
		cmocka_unit_test(test_settings_bounds),
		cmocka_unit_test(test_shipped_config),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_reply_precedence),
		cmocka_unit_test(test_languages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
