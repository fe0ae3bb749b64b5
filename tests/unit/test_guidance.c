/*
 * test_guidance - the lines that leave the daemon are valid SMTP whatever
 * the session sends: hostile values, long text, too many lines
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
		/* "550-5.1.1 " + text + CRLF within 512 octets, '%' doubled */
		guidance_milter_line(&b, l->v[i]);
		assert_true(strlen(b.s) + 12 <= 512 * 2);
		for (const char *p = b.s; *p; p++) {
			if (*p == '%') {
				assert_int_equal(p[1], '%');
				p++;
			}
		}
	}
	buf_release(&b);
}

static void test_hostile_values(void **state)
{
	static const char *values[] = {
		"%s%n%x%%", "$name ${client_address} $$", "\xff\xfe\x80 8-bit \xc3",
		"line\r\nbreak\r\n550 injected", "\\n\\c backslashes",
		"\x01marker\x01", "",
	};
	char err[512], path[64], big[6000];
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
		struct guidance_req req;
		struct strlist lines;
		const struct rule *r = rules_match_command(cfg, "FOO");

		hostile = i < sizeof(values) / sizeof(values[0]) ? values[i] : big;
		memset(&req, 0, sizeof(req));
		req.st = r->reply;
		req.command = hostile;
		req.rule = r;
		req.lookup = hostile_lookup;
		req.target = TARGET_MILTER;
		req.max_lines = 31;
		strlist_init(&lines);
		guidance_line(cfg, &req, r->text, &lines);
		guidance_build(cfg, &req, &lines);
		assert_true(lines.n >= 2);
		check_lines(cfg, &lines, 32);
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
	buf_adds(&body, "languages = [\"en\", \"fr\"];\nfooter = [");
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
	struct config *cfg = tu_load("languages = [\"fr\"];\nutf8 = true;\n", err,
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_line_budget),
		cmocka_unit_test(test_footer_encoding),
		cmocka_unit_test(test_utf8_and_translit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
