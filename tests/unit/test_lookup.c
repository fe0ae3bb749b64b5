/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_lookup - socketmap answers without sockets: footer and filter
 * rendering, NOTFOUND, budgets, replies already explained by the milter,
 * and hostile keys (8-bit, NUL, '$', '%', "\n" sequences, 100000 bytes)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "guidance.h"
#include "lookup.h"
#include "netstring.h"
#include "sanitize.h"

#define S_(x) x, sizeof(x) - 1

static const char test_conf[] =
	"languages = [\"en\"];\n"
	"max_lines = 12;\n"
	"language_rules = ( { recipient = [\".fr\"]; languages = [\"fr\", \"en\"]; } );\n"
	"rules = (\n"
	"  { name = \"unknown\"; commands = [\"*\"]; reply = \"500 5.5.2\";\n"
	"    text = \"Error: command not recognized: ${command}\"; },\n"
	"  { name = \"nohelp\"; commands = [\"HELP\"]; reply = \"502 5.5.1\";\n"
	"    text = \"Error: command not implemented\";\n"
	"    lines = [\"HELP is not offered by this server.\"]; },\n"
	"  { name = \"syntax\"; code = 500; enhanced = \"5.5.2\";\n"
	"    lines = [\"Your mail program sent a line this server cannot read.\"]; },\n"
	"  { name = \"grey\"; code = 450; pattern = \"greylist\"; mode = \"replace\";\n"
	"    lines = [\"Greylisted: your server should retry in a few minutes.\"]; },\n"
	"  { name = \"relay\"; code = 554; enhanced = \"5.7.1\"; pattern = \"Relay access denied\";\n"
	"    append = [\"Relaying costs $$0 with SMTP AUTH; you are ${client_address}.\"]; }\n"
	");\n";

static struct config *cfg;
static char conf_path[64];

/* setup - load the test config once */
static int setup(void **state)
{
	char err[512];

	(void)state;
	cfg = tu_load(test_conf, err, sizeof(err), conf_path, sizeof(conf_path));
	if (cfg == NULL) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	return 0;
}

/* teardown - free it */
static int teardown(void **state)
{
	(void)state;
	config_free(cfg);
	unlink(conf_path);
	return 0;
}

/* footer_ok - the footer is a safe Postfix template: printable ASCII,
 * '$' only as "$$" or ${postfix variable}, '\' only in "\n", no "\c" */
static void footer_ok(const char *s, size_t len)
{
	static const char *const vars[] = {"client_address", "client_port",
					   "localtime", "server_name"};

	assert_true(sanitize_is_printable(s, len));
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\') {
			assert_true(i + 1 < len && s[i + 1] == 'n');
			i++;
		} else if (s[i] == '$') {
			int ok = i + 1 < len && s[i + 1] == '$';

			for (size_t v = 0; !ok && v < 4; v++) {
				size_t n = strlen(vars[v]);

				ok = i + 3 + n <= len && s[i + 1] == '{' &&
				     memcmp(s + i + 2, vars[v], n) == 0 && s[i + 2 + n] == '}';
				if (ok)
					i += n + 2;
			}
			assert_true(ok);
			if (s[i] == '$')
				i++;
		}
	}
}

/* reply_ok - a replacement reply: CRLF-separated lines, each starting
 * with prefix and '-' (all but the last) or ' ', printable US-ASCII
 * only, at most 512 octets with its CRLF */
static void reply_ok(const char *s, size_t len, const char *code,
		     const char *enh)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *crlf = NULL;
		int last;

		for (const char *q = p; q + 1 < end; q++)
			if (q[0] == '\r' && q[1] == '\n') {
				crlf = q;
				break;
			}
		last = crlf == NULL;
		assert_memory_equal(p, code, 3);
		assert_int_equal(p[3], last ? ' ' : '-');
		if (enh[0]) {
			assert_memory_equal(p + 4, enh, strlen(enh));
			assert_int_equal(p[4 + strlen(enh)], ' ');
		}
		for (const char *q = p; q < (crlf ? crlf : end); q++)
			assert_true(*q >= 0x20 && *q <= 0x7e);
		assert_true((size_t)((crlf ? crlf : end) - p) + 2 <= 512);
		p = crlf ? crlf + 2 : end;
	}
}

/* footer - lookup_footer of a NUL-terminated key; returns rc */
static int footer(const char *key, struct buf *out)
{
	return lookup_footer(cfg, key, strlen(key), out);
}

static void test_footer_user_unknown(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(footer("550 5.1.1 <bob@test.example>: Recipient address "
				"rejected: User unknown in local recipient table", &b), 0);
	assert_string_equal(b.s,
		"This address does not exist at the receiving domain: the part before "
		"the @ is unknown there."
		"\\nCheck the spelling, or ask the person for their current address: "
		"they may have left or changed it.");
	footer_ok(b.s, b.len);
	buf_release(&b);
}

static void test_footer_relay_rule(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(footer("554 5.7.1 <x@foreign.example>: Relay access denied",
				&b), 0);
	assert_string_equal(b.s,
		"The receiving server refused this message by policy: one of its rules "
		"does not accept it."
		"\\nThe text after the code gives the reason: act on that reason, or "
		"give this bounce to your mail administrator."
		"\\nRelaying costs $$0 with SMTP AUTH; you are ${client_address}.");
	footer_ok(b.s, b.len);
	buf_release(&b);
}

static void test_footer_language_by_recipient(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(footer("550 5.1.1 <Marie@Exemple.FR>: Recipient address "
				"rejected", &b), 0);
	/* French first (accents removed on the wire), then English */
	assert_true(strncmp(b.s, "Cette adresse n'existe pas", 26) == 0);
	assert_non_null(strstr(b.s, "\\nThis address does not exist"));
	footer_ok(b.s, b.len);
	buf_release(&b);
}

static void test_footer_notfound(void **state)
{
	static const char *const keys[] = {
		"250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>",
		"221 2.0.0 Bye", "", "hello", "600 6.0.0 nope", "55", "5505.1.1 x",
		"\r\n550 5.1.1 x",
	};
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (footer(keys[i], &b) != -1)
			fail_msg("key \"%s\" got a footer", keys[i]);
		assert_int_equal(b.len, 0);
	}
	buf_release(&b);
}

static void test_footer_budget(void **state)
{
	struct buf key, b;
	size_t n = 0;

	(void)state;
	buf_init(&key);
	buf_init(&b);
	/* 11 lines of another filter's text: one line left of 12 */
	for (int i = 0; i < 11; i++)
		buf_printf(&key, "%s550%c5.1.1 line %d", i ? "\r\n" : "",
			   i == 10 ? ' ' : '-', i);
	assert_int_equal(lookup_footer(cfg, key.s, key.len, &b), 0);
	for (size_t i = 0; i + 1 < b.len; i++)
		n += b.s[i] == '\\' && b.s[i + 1] == 'n';
	assert_int_equal(n, 0);
	/* 12 lines: nothing left */
	buf_adds(&key, "\r\n550 5.1.1 line 11");
	assert_int_equal(lookup_footer(cfg, key.s, key.len, &b), -1);
	buf_release(&key);
	buf_release(&b);
}

static void test_filter_append(void **state)
{
	static const char key[] = "550 5.1.1 <bob@test.example>: Recipient address "
				  "rejected: User unknown in local recipient table";
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(lookup_filter(cfg, key, sizeof(key) - 1, &b), 0);
	assert_string_equal(b.s,
		"550-5.1.1 <bob@test.example>: Recipient address rejected: User unknown "
		"in local recipient table\r\n"
		"550-5.1.1 This address does not exist at the receiving domain: the part "
		"before the @ is unknown there.\r\n"
		"550 5.1.1 Check the spelling, or ask the person for their current "
		"address: they may have left or changed it.");
	reply_ok(b.s, b.len, "550", "5.1.1");
	buf_release(&b);
}

static void test_filter_replace(void **state)
{
	static const char key[] = "450 4.2.0 <x@test.example>: Recipient address "
				  "rejected: Greylisted, see http://x/greylisting";
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(lookup_filter(cfg, key, sizeof(key) - 1, &b), 0);
	assert_string_equal(b.s, "450 4.2.0 Greylisted: your server should retry "
			    "in a few minutes.");
	buf_release(&b);
}

static void test_filter_no_enhanced_code(void **state)
{
	static const char key[] = "554 Relay access denied";
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(lookup_filter(cfg, key, sizeof(key) - 1, &b), 0);
	assert_true(strncmp(b.s, "554-Relay access denied\r\n554-", 29) == 0);
	reply_ok(b.s, b.len, "554", "");
	buf_release(&b);
}

/*
 * hostile keys for the filter map: every answer is valid SMTP (lines of at
 * most 512 octets with CRLF, printable US-ASCII, the enhanced code of the
 * reply's class); the exact first line of each
 */
static void test_filter_hostile(void **state)
{
	static const struct {
		const char *key;
		const char *code, *enh, *first;
	} cases[] = {
		/* a class mismatch: the enhanced code follows the reply code */
		{"550 4.1.1 <bob@test.example>: User unknown", "550", "5.1.1",
		 "550-5.1.1 <bob@test.example>: User unknown"},
		{"450 5.2.0 <x@test.example>: greylisted", "450", "4.2.0",
		 "450 4.2.0 Greylisted: your server should retry in a few minutes."},
		{"554 2.7.1 Relay access denied", "554", "5.7.1",
		 "554-5.7.1 Relay access denied"},
		/* 8-bit and control bytes: '?' */
		{"550 5.1.1 <b\xc3\xa9@test.example>: \x1b[1m\x7f\xff", "550", "5.1.1",
		 "550-5.1.1 <b??@test.example>: ?[1m??"},
		{"554 Relay\xa0" "access denied", "554", "", "554-Relay?access denied"},
		/* a later line that reads as an enhanced code of another class */
		{"554 denied\r\n4.7.1 see policy", "554", "", "554-denied\r\n554-5.7.1 see policy"},
	};
	struct buf b;
	char *big, want[600];

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *k = cases[i].key;
		size_t n = strlen(cases[i].first);

		assert_int_equal(lookup_filter(cfg, k, strlen(k), &b), 0);
		reply_ok(b.s, b.len, cases[i].code, cases[i].enh);
		if (b.len < n || memcmp(b.s, cases[i].first, n) != 0 ||
		    (b.len > n && b.s[n] != '\r'))
			fail_msg("case %zu: \"%s\"", i, b.s);
	}
	/* a 700-byte text: its line is cut to 510 octets + CRLF, and the
	 * guidance follows within the reply's byte budget */
	big = malloc(5001);
	assert_non_null(big);
	memcpy(big, "550 5.1.1 ", 10);
	memset(big + 10, 'x', 4990);
	big[5000] = '\0';
	assert_int_equal(lookup_filter(cfg, big, 710, &b), 0);
	reply_ok(b.s, b.len, "550", "5.1.1");
	memcpy(want, "550-5.1.1 ", 10);
	memset(want + 10, 'x', 500);
	memcpy(want + 510, "\r\n", 3);
	assert_memory_equal(b.s, want, 512);
	assert_true(b.len > 512 && b.len <= (size_t)cfg->max_reply_bytes);
	/* a 4,990-byte text (the case): cut the same way, and the
	 * budget counts the line as it goes out */
	assert_int_equal(lookup_filter(cfg, big, 5000, &b), 0);
	reply_ok(b.s, b.len, "550", "5.1.1");
	assert_memory_equal(b.s, want, 512);
	assert_true(b.len > 512 && b.len <= (size_t)cfg->max_reply_bytes);
	free(big);
	buf_release(&b);
}

/*
 * the filter's answer after a "replace" rule, looked up again in the
 * footer map (Postfix with both maps): explained, no second guidance
 */
static void test_filter_then_footer(void **state)
{
	static const char key[] = "450 4.2.0 <x@test.example>: Recipient address "
				  "rejected: Greylisted, see http://x/greylisting";
	struct buf b, f;

	(void)state;
	buf_init(&b);
	buf_init(&f);
	assert_int_equal(lookup_filter(cfg, key, sizeof(key) - 1, &b), 0);
	assert_string_equal(b.s, "450 4.2.0 Greylisted: your server should retry "
			    "in a few minutes.");
	assert_int_equal(lookup_explained(cfg, b.s, b.len), 1);
	assert_int_equal(lookup_footer(cfg, b.s, b.len, &f), -1);
	assert_int_equal(lookup_filter(cfg, b.s, b.len, &f), -1);
	/* Postfix's own greylisting text still gets its footer */
	assert_int_equal(lookup_explained(cfg, key, sizeof(key) - 1), 0);
	assert_int_equal(lookup_footer(cfg, key, sizeof(key) - 1, &f), 0);
	buf_release(&f);
	buf_release(&b);
}

/* the milter's own reply to FOO, as Postfix looks it up (see test_unknown.sh) */
static const char milter_foo[] =
	"500-5.5.2 Error: command not recognized: FOO\r\n"
	"500-5.5.2 The receiving server could not understand a command: wrong syntax or unknown command.\r\n"
	"500 5.5.2 Usually a fault in the sending program: check or update it, or tell your mail administrator.";

static void test_explained(void **state)
{
	static const struct {
		const char *key;
		int explained;
	} cases[] = {
		{milter_foo, 1},
		/* the command rule's own lines */
		{"502-5.5.1 Error: command not implemented\r\n"
		 "502 5.5.1 HELP is not offered by this server.", 1},
		/* guidance in another loaded language (a language rule chose it) */
		{"550-5.1.1 Nope\r\n550 5.1.1 Verifiez l'orthographe, ou demandez son "
		 "adresse actuelle a la personne : elle a pu partir ou en changer.", 1},
		/* another filter's multi-line text: not ours */
		{"550-5.7.1 Rejected by policy\r\n550 5.7.1 See https://example.org/policy", 0},
		/* our text under a different code is not what we would say there */
		{"550-5.1.1 x\r\n550 5.1.1 Usually a fault in the sending program: check "
		 "or update it, or tell your mail administrator.", 0},
		/* a single line is never taken for ours */
		{"500 5.5.2 unknown command.", 0},
		{"250-2.0.0 x\r\n250 2.0.0 unknown command.", 0},
	};
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *k = cases[i].key;

		if (lookup_explained(cfg, k, strlen(k)) != cases[i].explained)
			fail_msg("case %zu: explained should be %d", i, cases[i].explained);
		if (cases[i].explained) {
			assert_int_equal(lookup_footer(cfg, k, strlen(k), &b), -1);
			assert_int_equal(lookup_filter(cfg, k, strlen(k), &b), -1);
		}
	}
	/* a reply rule's own lines for 500 5.5.2 do not hide the knowledge
	 * base lines the "*" command rule gave the milter (milter_foo) */
	assert_int_equal(footer("500 5.5.2 Error: bad UTF-8 syntax", &b), 0);
	assert_string_equal(b.s, "Your mail program sent a line this server cannot read.");
	/* the other filter's reply still gets a footer, within the budget */
	assert_int_equal(footer("550-5.7.1 Rejected by policy\r\n550 5.7.1 See "
				"https://example.org/policy", &b), 0);
	buf_release(&b);
}

/* answer - lookup_answer of a request given with its length */
static void answer(const struct config *c, const char *req, size_t len,
		   struct buf *out)
{
	lookup_answer(c, req, len, out);
	assert_true(out->len <= NETSTRING_MAX);
}

static void test_answer_protocol(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	answer(cfg, S_("footer 550 5.1.1 <bob@test.example>: User unknown"), &b);
	assert_true(strncmp(b.s, "OK This address does not exist", 30) == 0);
	answer(cfg, S_("filter 550 5.1.1 <bob@test.example>: User unknown"), &b);
	assert_true(strncmp(b.s, "OK 550-5.1.1 <bob@test.example>: User unknown\r\n", 47) == 0);
	answer(cfg, S_("footer 250 2.0.0 Ok"), &b);
	assert_string_equal(b.s, "NOTFOUND ");
	answer(cfg, S_("footer "), &b);
	assert_string_equal(b.s, "NOTFOUND ");
	answer(cfg, S_("virtual alice@example.org"), &b);
	assert_string_equal(b.s, "PERM unknown map");
	answer(cfg, S_("FOOTER 550 5.1.1 x"), &b);
	assert_string_equal(b.s, "PERM unknown map");
	answer(cfg, S_("footer"), &b);
	assert_true(strncmp(b.s, "PERM malformed request", 22) == 0);
	answer(cfg, S_(""), &b);
	assert_true(strncmp(b.s, "PERM ", 5) == 0);
	answer(NULL, S_("footer 550 5.1.1 x"), &b);
	assert_string_equal(b.s, "TEMP no configuration loaded");
	answer(cfg, S_("footer 500-5.5.2 Error: command not recognized: FOO\r\n"
		       "500 5.5.2 Usually a fault in the sending program: check or "
		       "update it, or tell your mail administrator."), &b);
	assert_string_equal(b.s, "NOTFOUND ");
	buf_release(&b);
}

static void test_hostile_keys(void **state)
{
	static const char *const keys[] = {
		"550 5.1.1 <b\xc3\xa9\xff\xfe@test.example>: \xe2\x80\x9cUser\xe2\x80\x9d unknown",
		"550 5.1.1 <$USER@${x}.example>: $$ $ ${client_address} %s%n%%",
		"550 5.1.1 a\\nb\\c\\\\n <x@y\\n.fr>",
		"550 5.1.1 line\nbare LF\rbare CR\r\n550 5.1.1 \\c",
		"550 5.1.1 \x01\x02\x1b[31m\x7f",
		"550-5.1.1 \r\n\r\n\r\n",
		"550 5.1.1 <@>: <a@> <@b> <<a@b.fr>> <a@b.fr",
		"550 5.1.1 <a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.fr>",
	};
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t len = strlen(keys[i]);

		if (lookup_footer(cfg, keys[i], len, &b) == 0)
			footer_ok(b.s, b.len);
		if (lookup_filter(cfg, keys[i], len, &b) == 0)
			reply_ok(b.s, b.len, "550", "5.1.1");
	}
	/* a NUL inside the key */
	{
		static const char key[] = "554 5.7.1 <x@y.example>\0: Relay access denied";

		assert_int_equal(lookup_footer(cfg, key, sizeof(key) - 1, &b), 0);
		footer_ok(b.s, b.len);
		assert_non_null(strstr(b.s, "Relaying costs")); /* pattern matched */
		assert_int_equal(lookup_filter(cfg, key, sizeof(key) - 1, &b), 0);
		assert_int_equal(strlen(b.s), b.len); /* no NUL goes back */
		reply_ok(b.s, b.len, "554", "5.7.1");
	}
	buf_release(&b);
}

static void test_huge_keys(void **state)
{
	size_t max = NETSTRING_MAX - 7; /* "footer " */
	char *req = malloc(NETSTRING_MAX);
	struct buf b;

	(void)state;
	buf_init(&b);
	/* one line of 99993 bytes: over any reply's byte budget already, so
	 * no footer could arrive whole; the filter's answer cuts the line to
	 * 512 octets and has room for guidance */
	memcpy(req, "footer 550 5.1.1 ", 17);
	memset(req + 17, 'x', NETSTRING_MAX - 17);
	answer(cfg, req, NETSTRING_MAX, &b);
	assert_string_equal(b.s, "NOTFOUND ");
	memcpy(req, "filter", 6);
	answer(cfg, req, NETSTRING_MAX, &b);
	assert_true(strncmp(b.s, "OK 550-5.1.1 xxx", 16) == 0);
	reply_ok(b.s + 3, b.len - 3, "550", "5.1.1");
	/* 8-bit everywhere */
	memset(req + 17, '\xe9', NETSTRING_MAX - 17);
	memcpy(req, "footer", 6);
	answer(cfg, req, NETSTRING_MAX, &b);
	assert_string_equal(b.s, "NOTFOUND ");
	/* 8-bit in a line of ordinary length */
	memcpy(req + 17 + 200, "", 1);
	answer(cfg, req, 17 + 200, &b);
	assert_true(strncmp(b.s, "OK ", 3) == 0);
	footer_ok(b.s + 3, b.len - 3);
	/* thousands of lines: refused early */
	for (size_t i = 17; i + 2 <= NETSTRING_MAX; i += 2)
		memcpy(req + i, "\r\n", 2);
	answer(cfg, req, NETSTRING_MAX, &b);
	assert_string_equal(b.s, "NOTFOUND ");
	assert_int_equal(lookup_explained(cfg, req + 7, max), 0);
	buf_release(&b);
	free(req);
}

/* memo_same - memo answers equal plain ones for every key, twice */
static void memo_same(struct memo *m, const struct config *c,
		      struct strlist *keys)
{
	struct buf a, b;

	buf_init(&a);
	buf_init(&b);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < keys->n; i++) {
			lookup_answer(c, keys->v[i], strlen(keys->v[i]), &a);
			lookup_answer_memo(m, c, keys->v[i], strlen(keys->v[i]), &b);
			if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0)
				fail_msg("key \"%s\": memo \"%.60s\", plain \"%.60s\"",
					 keys->v[i], b.s, a.s);
		}
	}
	buf_release(&a);
	buf_release(&b);
}

static void test_memo(void **state)
{
	static const char *const texts[] = {
		"<bob@test.example>: User unknown", "<marie@exemple.fr>: inconnu",
		"Relay access denied", "Greylisted, see greylist docs", "",
	};
	struct memo *m = memo_new();
	struct strlist keys;
	struct config *other;
	char err[512], path[64];
	unsigned long hits, misses;

	(void)state;
	strlist_init(&keys);
	/* far more distinct renderings than the memo has slots */
	for (int code = 400; code < 600; code += 7) {
		for (int sub = 0; sub < 8; sub += 3) {
			for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
				struct buf k;

				buf_init(&k);
				buf_printf(&k, "%s %d %d.%d.%d %s", t % 2 ? "filter" : "footer",
					   code, code / 100, sub, (int)t, texts[t]);
				strlist_take(&keys, buf_detach(&k));
				buf_release(&k);
			}
		}
	}
	strlist_add(&keys, "footer 550 5.1.1 <bob@test.example>: User unknown");
	strlist_add(&keys, "filter 450 4.2.0 <a@b.example>: greylisted");
	strlist_add(&keys, "footer 550-5.1.1 a\r\n550 5.1.1 b");
	{
		struct buf k;

		buf_init(&k);
		buf_printf(&k, "footer %s", milter_foo);
		strlist_take(&keys, buf_detach(&k));
		buf_release(&k);
	}
	memo_same(m, cfg, &keys);
	memo_stats(m, &hits, &misses);
	assert_true(misses > 0);
	/*
	 * Whether a key of the list above survives in its set until the
	 * second pass depends on where the rules lie in memory; the same key
	 * asked twice in a row is a hit every time, also a multi-line key
	 * whose check for our own guidance takes a second entry.
	 */
	for (size_t i = keys.n - 4; i < keys.n; i++) {
		const char *k = keys.v[i];
		unsigned long h2, m2;
		struct buf b;

		buf_init(&b);
		lookup_answer_memo(m, cfg, k, strlen(k), &b);
		memo_stats(m, &hits, &misses);
		lookup_answer_memo(m, cfg, k, strlen(k), &b);
		memo_stats(m, &h2, &m2);
		assert_true(h2 > hits);
		assert_int_equal(m2, misses);
		buf_release(&b);
	}
	/* another snapshot through the same memo: nothing of the first shows */
	other = tu_load("languages = [\"fr\"];\nmax_lines = 4;\n", err, sizeof(err),
			path, sizeof(path));
	assert_non_null(other);
	memo_same(m, other, &keys);
	memo_same(m, cfg, &keys);
	memo_forget(m);
	config_free(other);
	unlink(path);
	memo_same(m, cfg, &keys);
	memo_free(m);
	memo_free(NULL);
	strlist_release(&keys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_footer_user_unknown),
		cmocka_unit_test(test_footer_relay_rule),
		cmocka_unit_test(test_footer_language_by_recipient),
		cmocka_unit_test(test_footer_notfound),
		cmocka_unit_test(test_footer_budget),
		cmocka_unit_test(test_filter_append),
		cmocka_unit_test(test_filter_replace),
		cmocka_unit_test(test_filter_no_enhanced_code),
		cmocka_unit_test(test_filter_hostile),
		cmocka_unit_test(test_filter_then_footer),
		cmocka_unit_test(test_explained),
		cmocka_unit_test(test_answer_protocol),
		cmocka_unit_test(test_hostile_keys),
		cmocka_unit_test(test_huge_keys),
		cmocka_unit_test(test_memo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
