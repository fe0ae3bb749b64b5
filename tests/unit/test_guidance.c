/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_guidance - the lines that leave the daemon are valid SMTP whatever
 * the session sends: hostile values, long text, too many lines; the
 * reply to an unknown command exactly as the milter sends it; a rule
 * matched once is used as matched
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "guidance.h"
#include "rules.h"
#include "sanitize.h"

static const char *hostile;

static const char *hostile_lookup(const char *name, size_t len, void *ctx)
{
	(void)name;
	(void)len;
	(void)ctx;
	return hostile;
}

/* check_lines - every line printable, within width; milter form safe */
static void check_lines(const struct config *cfg, const struct strlist *l,
			size_t max)
{
	struct buf b;

	assert_true(l->n <= max);
	buf_init(&b);
	for (size_t i = 0; i < l->n; i++) {
		assert_true(sanitize_is_printable(l->v[i], strlen(l->v[i])));
		assert_true(strlen(l->v[i]) <= (size_t)cfg->line_width);
		/* libmilter's form: every '%' doubled, nothing else changed */
		guidance_milter_line(&b, l->v[i]);
		for (const char *p = b.s, *q = l->v[i];; p++, q++) {
			assert_int_equal(*p, *q);
			if (*p == '\0')
				break;
			if (*p == '%')
				assert_int_equal(*++p, '%');
		}
	}
	buf_release(&b);
}

/* hostile_session - every session value is the hostile one */
static const struct guidance_session hostile_session = {
	"192.0.2.1", "host.example", hostile_lookup, NULL};

static void test_hostile_values(void **state)
{
	static const char *values[] = {
		"%s%n%x%%", "$name ${client_address} $$", "\xff\xfe\x80 8-bit \xc3",
		"line\r\nbreak\r\n550 injected", "\\n\\c backslashes",
		"\x01marker\x01", "",
	};
	char err[512], path[64], big[6000], name[COMMAND_NAME_MAX];
	struct config *cfg = tu_load(
		"rules = ( { name = \"u\"; commands = [\"*\"]; reply = \"500 5.5.2\";\n"
		"  text = \"Error: ${command} from ${helo_name}\";\n"
		"  append = [\"client ${client_address} ${client_name} ${helo_name} ${queue_id}\"]; } );\n",
		err, sizeof(err), path, sizeof(path));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	memset(big, 'Z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (size_t i = 0; i <= sizeof(values) / sizeof(values[0]); i++) {
		struct strlist lines;
		const struct rule *r;

		hostile = i < sizeof(values) / sizeof(values[0]) ? values[i] : big;
		strlist_init(&lines);
		r = guidance_command_reply(cfg, hostile, strlen(hostile),
					   &hostile_session, name,
					   sizeof(name), &lines);
		assert_non_null(r);
		assert_string_equal(r->name, "u");
		assert_true(lines.n >= 2);
		check_lines(cfg, &lines, (size_t)cfg->max_lines);
		for (size_t k = 0; k < lines.n; k++)
			assert_null(strchr(lines.v[k], '\x01'));
		strlist_release(&lines);
	}
	config_free(cfg);
	unlink(path);
}

static void test_line_budget(void **state)
{
	char err[512], path[64];
	struct buf body;
	struct config *cfg;

	(void)state;
	buf_init(&body);
	/* lines only: a byte budget that does not bind */
	buf_adds(&body, "languages = [\"en\", \"fr\"];\nmax_reply_bytes = 65536;\n"
		 "footer = [");
	for (int i = 0; i < 30; i++)
		buf_printf(&body, "%s\"footer line %d of a long footer\"", i ? "," : "", i);
	buf_adds(&body, "];\n");
	cfg = tu_load(body.s, err, sizeof(err), path, sizeof(path));
	buf_release(&body);
	if (cfg == NULL)
		fail_msg("%s", err);
	for (int max = 1; max <= 31; max += 5) {
		struct guidance_req req;
		struct strlist lines;

		memset(&req, 0, sizeof(req));
		req.st.code = 550;
		req.st.cls = 5;
		req.st.subject = 1;
		req.st.detail = 1;
		req.target = TARGET_PLAIN;
		req.max_lines = max;
		strlist_init(&lines);
		guidance_build(cfg, &req, &lines);
		assert_int_equal(lines.n, (size_t)max);
		check_lines(cfg, &lines, (size_t)max);
		strlist_release(&lines);
	}
	config_free(cfg);
	unlink(path);
}

static void test_footer_encoding(void **state)
{
	char err[512], path[64];
	struct config *cfg = tu_load(
		"rules = ( { name = \"r\"; code = 554; enhanced = \"5.7.1\";\n"
		"  lines = [\"Price: $$5, 100% sure\", \"You are ${client_address} via ${server_name}\", \"helo ${helo_name}\"]; } );\n",
		err, sizeof(err), path, sizeof(path));
	struct guidance_req req;
	struct strlist lines;
	struct buf b;

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	memset(&req, 0, sizeof(req));
	req.st.code = 554;
	req.st.cls = 5;
	req.st.subject = 7;
	req.st.detail = 1;
	req.target = TARGET_FOOTER;
	req.max_lines = 31;
	strlist_init(&lines);
	guidance_build(cfg, &req, &lines);
	buf_init(&b);
	guidance_footer(&b, &lines);
	assert_string_equal(b.s, "Price: $$5, 100% sure\\n"
				 "You are ${client_address} via ${server_name}\\n"
				 "helo unknown");
	buf_release(&b);
	strlist_release(&lines);
	config_free(cfg);
	unlink(path);
}

static void test_utf8_and_translit(void **state)
{
	char err[512], path[64];
	struct config *cfg = tu_load("languages = [\"fr\"];\n", err,
				     sizeof(err), path, sizeof(path));
	struct guidance_req req;
	struct strlist lines;

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	memset(&req, 0, sizeof(req));
	req.st.code = 550;
	req.target = TARGET_PLAIN;
	req.max_lines = 31;
	strlist_init(&lines);
	guidance_build(cfg, &req, &lines);
	assert_true(lines.n > 0);
	check_lines(cfg, &lines, 31); /* no UTF-8 without the session's consent */
	strlist_release(&lines);
	req.utf8 = 1;
	guidance_build(cfg, &req, &lines);
	{
		int eight = 0;

		for (size_t i = 0; i < lines.n; i++)
			for (const char *p = lines.v[i]; *p; p++)
				eight |= (unsigned char)*p >= 0x80;
		assert_true(eight);
	}
	strlist_release(&lines);
	config_free(cfg);
	unlink(path);
}

/* session_helo - the only session value of the command table */
static const char *session_helo(const char *name, size_t len, void *ctx)
{
	(void)ctx;
	return len == 9 && memcmp(name, "helo_name", 9) == 0 ? "client.example"
							     : NULL;
}

/* one sentence per line */
#define EN_500_1 "The receiving server could not understand a command: wrong syntax or unknown command."
#define EN_500_2 "Usually a fault in the sending program: check or update it, or tell your mail administrator."
#define EN_502_1 "The server refused a command: it does not offer it, or the command came out of order (for example before a login)."
#define EN_502_2 "If a message bounced because of it, check the outgoing server settings (port, encryption, login) or update the mail program."

static const struct {
	const char *line, *client;
	const char *rule, *name; /* rule NULL: no rule covers the command */
	const char *lines[5];
} command_cases[] = {
	/* the rule's text, then the knowledge base: one sentence per line */
	{"foo bar", NULL, "any", "FOO",
	 {"Error: command not recognized: FOO from client.example", EN_500_1,
	  EN_500_2}},
	{"", NULL, "any", "",
	 {"Error: command not recognized: from client.example", EN_500_1,
	  EN_500_2}},
	/* the client's language, transliterated: the milter sends ASCII */
	{"foo", "192.0.2.7", "any", "FOO",
	 {"Error: command not recognized: FOO from client.example",
	  "Le serveur destinataire n'a pas compris une commande : syntaxe incorrecte ou commande inconnue.",
	  "En general un defaut du logiciel d'envoi : verifiez-le ou mettez-le a jour, ou prevenez votre administrateur."}},
	/* a replacing rule: its lines only */
	{"help me", NULL, "help", "HELP", {"HELP is not offered here (100%)."}},
	/* no text of its own: the English first line */
	{"turn", NULL, "notext", "TURN",
	 {"Error: command not recognized", EN_502_1, EN_502_2}},
	{" \tetrn x", "2001:db8::1", "notext", "ETRN",
	 {"Error: command not recognized", EN_502_1, EN_502_2}},
};

/* test_command_reply - the whole reply to an unknown command, exactly */
static void test_command_reply(void **state)
{
	char err[512], path[64], name[COMMAND_NAME_MAX];
	struct config *cfg = tu_load(
		"max_lines = 4;\n"
		"language_rules = ( { client = [\"192.0.2.0/24\"]; languages = [\"fr\"]; } );\n"
		"rules = (\n"
		" { name = \"any\"; commands = [\"*\"]; reply = \"500 5.5.2\";\n"
		"   text = \"Error: command not recognized: ${command} from ${helo_name}\"; },\n"
		" { name = \"help\"; commands = [\"HELP\"]; reply = \"502 5.5.1\";\n"
		"   mode = \"replace\"; lines = [\"HELP is not offered here (100%).\"]; },\n"
		" { name = \"notext\"; commands = [\"TURN\", \"ETRN\"]; reply = \"502 5.5.1\"; }\n"
		");\n",
		err, sizeof(err), path, sizeof(path));

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < sizeof(command_cases) / sizeof(command_cases[0]); i++) {
		struct guidance_session s = {command_cases[i].client, NULL,
					     session_helo, NULL};
		struct strlist lines;
		const struct rule *r;
		size_t n = 0;

		strlist_init(&lines);
		r = guidance_command_reply(cfg, command_cases[i].line,
					   strlen(command_cases[i].line), &s, name,
					   sizeof(name), &lines);
		assert_non_null(r);
		assert_string_equal(r->name, command_cases[i].rule);
		assert_string_equal(name, command_cases[i].name);
		while (n < 5 && command_cases[i].lines[n])
			n++;
		if (lines.n != n)
			fail_msg("case %zu: %zu lines, expected %zu", i, lines.n, n);
		for (size_t k = 0; k < n; k++)
			assert_string_equal(lines.v[k], command_cases[i].lines[k]);
		strlist_release(&lines);
	}
	config_free(cfg);
	unlink(path);
}

/* test_command_no_rule - no rule: no lines, the MTA's reply stands */
static void test_command_no_rule(void **state)
{
	char err[512], path[64], name[COMMAND_NAME_MAX];
	struct config *cfg = tu_load(
		"rules = ( { name = \"help\"; commands = [\"HELP\"]; reply = \"502 5.5.1\"; },\n"
		"          { name = \"off\"; commands = [\"*\"]; reply = \"500 5.5.2\";\n"
		"            enabled = false; } );\n",
		err, sizeof(err), path, sizeof(path));
	struct guidance_session s = {NULL, NULL, NULL, NULL};
	struct strlist lines;

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	strlist_init(&lines);
	assert_null(guidance_command_reply(cfg, "XYZZY now", 9, &s, name,
					   sizeof(name), &lines));
	assert_string_equal(name, "XYZZY");
	assert_int_equal(lines.n, 0);
	assert_null(guidance_command_reply(cfg, NULL, 0, &s, name, sizeof(name),
					   &lines));
	assert_int_equal(lines.n, 0);
	assert_non_null(guidance_command_reply(cfg, "help", 4, &s, name,
					       sizeof(name), &lines));
	assert_true(lines.n >= 2);
	strlist_release(&lines);
	config_free(cfg);
	unlink(path);
}

/* test_rule_state - a rule matched already is never matched again */
static void test_rule_state(void **state)
{
	static const char text[] = "<bob@example.org>: User unknown";
	char err[512], path[64];
	struct config *cfg = tu_load(
		"max_lines = 4;\n"
		"rules = ( { name = \"r\"; code = 550; pattern = \"unknown\";\n"
		"            mode = \"replace\"; lines = [\"Rule line\"]; },\n"
		"          { name = \"c\"; commands = [\"X\"]; reply = \"500 5.5.2\";\n"
		"            lines = [\"Command line\"]; } );\n",
		err, sizeof(err), path, sizeof(path));
	struct guidance_req req;
	struct strlist lines;
	const struct rule *cmd;

	(void)state;
	if (cfg == NULL)
		fail_msg("%s", err);
	cmd = rules_match_command(cfg, "X", 1);
	assert_non_null(cmd);
	memset(&req, 0, sizeof(req));
	req.st = (struct smtp_status){550, 5, 1, 1};
	req.text = text;
	req.textlen = sizeof(text) - 1;
	req.target = TARGET_PLAIN;
	req.max_lines = 4;
	strlist_init(&lines);
	/* not matched yet: the reply rule */
	assert_string_equal(guidance_build(cfg, &req, &lines)->name, "r");
	assert_int_equal(lines.n, 1);
	assert_string_equal(lines.v[0], "Rule line");
	strlist_release(&lines);
	/* matched, no rule: the knowledge base, although "r" would fit */
	req.rule_state = RULE_MATCHED;
	assert_null(guidance_build(cfg, &req, &lines));
	assert_true(lines.n > 1);
	assert_string_equal(lines.v[0], "This address does not exist at the "
					"receiving domain: the part before the @ "
					"is unknown there.");
	strlist_release(&lines);
	/* matched: that rule, whatever the text */
	req.rule = cmd;
	assert_ptr_equal(guidance_build(cfg, &req, &lines), cmd);
	assert_int_equal(lines.n, 1);
	assert_string_equal(lines.v[0], "Command line");
	strlist_release(&lines);
	config_free(cfg);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_line_budget),
		cmocka_unit_test(test_footer_encoding),
		cmocka_unit_test(test_utf8_and_translit),
		cmocka_unit_test(test_command_reply),
		cmocka_unit_test(test_command_no_rule),
		cmocka_unit_test(test_rule_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
