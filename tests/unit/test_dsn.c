/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_dsn - the DSN door's pure part on real Postfix 3.7 bounces
 * (tests/data/dsn/, made by generate.sh): what is added, in which
 * language and encoding, that every other byte stays, and every reason
 * a message passes unchanged
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "dsn.h"
#include "mime.h"

/* a message split as the milter sees it */
struct msg {
	struct buf raw;     /* the file */
	char ctype[2048], cte[256];
	struct buf body;    /* after the header, LF or CRLF */
};

/* top_field - mime_field_fn: Content-Type, Content-Transfer-Encoding */
static int top_field(const char *name, size_t n, const char *value, void *ctx)
{
	struct msg *m = ctx;

	if (n == 12 && strncasecmp(name, "Content-Type", n) == 0)
		snprintf(m->ctype, sizeof(m->ctype), "%s", value);
	if (n == 25 && strncasecmp(name, "Content-Transfer-Encoding", n) == 0)
		snprintf(m->cte, sizeof(m->cte), "%s", value);
	return 0;
}

/* msg_set - split text into header fields and body, body CRLF if crlf */
static void msg_set(struct msg *m, const char *text, size_t len, int crlf)
{
	size_t body;

	m->ctype[0] = m->cte[0] = '\0';
	buf_init(&m->body);
	assert_int_equal(mime_fields(text, len, &body, top_field, m), 0);
	for (size_t i = body; i < len; i++) {
		if (text[i] == '\n' && crlf)
			buf_addc(&m->body, '\r');
		buf_addc(&m->body, text[i]);
	}
}

/* msg_load - tests/data/dsn/NAME.eml */
static void msg_load(struct msg *m, const char *name, int crlf)
{
	char path[512], chunk[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/data/dsn/%s.eml", TOP_SRCDIR,
		 name);
	f = fopen(path, "rb");
	assert_non_null(f);
	buf_init(&m->raw);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_addn(&m->raw, chunk, n);
	fclose(f);
	msg_set(m, m->raw.s, m->raw.len, crlf);
}

static void msg_free(struct msg *m)
{
	buf_release(&m->raw);
	buf_release(&m->body);
}

static struct config *cfg_en, *cfg_fr;
static char cfg_path[2][64];

static int setup(void **state)
{
	char err[512];

	(void)state;
	cfg_en = tu_load("languages = [\"en\"];\n"
			 "help_url = \"https://help.example.org/smtp\";\n",
			 err, sizeof(err), cfg_path[0], sizeof(cfg_path[0]));
	if (cfg_en == NULL)
		fail_msg("%s", err);
	cfg_fr = tu_load("languages = [\"en\"];\n"
			 "language_rules = ( { recipient = [\".fr\"]; "
			 "languages = [\"fr\"]; } );\n",
			 err, sizeof(err), cfg_path[1], sizeof(cfg_path[1]));
	if (cfg_fr == NULL)
		fail_msg("%s", err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	config_free(cfg_en);
	config_free(cfg_fr);
	unlink(cfg_path[0]);
	unlink(cfg_path[1]);
	return 0;
}

/* rewrite - dsn_rewrite on m as a bounce to rcpt; returns its result */
static int rewrite(const struct config *cfg, const struct msg *m,
		   const char *rcpt, struct buf *out, char *why, size_t wl)
{
	struct dsn_msg dm = {"<>", rcpt, m->ctype, m->cte[0] ? m->cte : NULL,
			     m->body.s, m->body.len, 0};

	return dsn_rewrite(cfg, &dm, out, NULL, why, wl);
}

/* check_splice - out is m's body with one insertion at the end of the
 * text part: every other byte the same; returns the insertion */
static void check_splice(const struct msg *m, const struct buf *out,
			 struct buf *added)
{
	struct dsn_report rep;
	char why[256];
	size_t tail;

	assert_int_equal(dsn_parse(m->ctype, m->body.s, m->body.len, &rep, why,
				   sizeof(why)), 0);
	tail = m->body.len - rep.text_end;
	assert_true(out->len > m->body.len);
	assert_memory_equal(out->s, m->body.s, rep.text_end);
	assert_memory_equal(out->s + out->len - tail, m->body.s + rep.text_end,
			    tail);
	buf_init(added);
	buf_addn(added, out->s + rep.text_end, out->len - tail - rep.text_end);
}

/* the exact guidance for bob, as alice reads it (English, help link) */
static const char unknown_en[] =
    "\n"
    "==> <bob@test.example>: 550 5.1.1, Recipient mailbox does not exist\n"
    "This address does not exist at the receiving domain: the part before the\n"
    "@ is unknown there.\n"
    "Check the spelling, or ask the person for their current address: they\n"
    "may have left or changed it.\n"
    "https://help.example.org/smtp/en/5.1.1.html\n";

static void test_exact_english(void **state)
{
	for (int crlf = 0; crlf <= 1; crlf++) {
		struct msg m;
		struct buf out, added, want;
		char why[256];

		(void)state;
		msg_load(&m, "bounce-unknown", crlf);
		buf_init(&out);
		buf_init(&want);
		assert_int_equal(rewrite(cfg_en, &m, "<sender@relay.test>",
					 &out, why, sizeof(why)), 1);
		check_splice(&m, &out, &added);
		for (const char *p = unknown_en; *p; p++) {
			if (*p == '\n' && crlf)
				buf_addc(&want, '\r');
			buf_addc(&want, *p);
		}
		assert_string_equal(added.s, want.s);
		buf_release(&want);
		buf_release(&added);
		buf_release(&out);
		msg_free(&m);
	}
}

/* one bounce, one language: the titles and a line to find */
struct case_ {
	const char *file;
	struct config **cfg;
	const char *rcpt;
	const char *want[4]; /* substrings of the insertion, in order */
};

static void test_cases(void **state)
{
	static const struct case_ cases[] = {
	    {"bounce-dmarc", &cfg_en, "<sender@relay.test>",
	     {"==> <dmarc@test.example>: 550 5.7.26, ", "DKIM", NULL}},
	    {"bounce-two", &cfg_en, "sender@relay.test",
	     {"==> <bob@test.example>: 550 5.1.1,", "==> <dmarc@test.example>: 550 5.7.26,",
	      NULL}},
	    {"delay-slow", &cfg_en, "<sender@relay.test>",
	     {"==> <grey@test.example>: 450 4.2.0,", NULL}},
	    {"bounce-slow", &cfg_en, "<sender@relay.test>",
	     {"==> <grey@test.example>: 450 4.2.0,", NULL}},
	    {"bounce-unknown", &cfg_fr, "<sender@relay.fr>",
	     {"==> <bob@test.example>: 550 5.1.1, Boîte aux lettres du "
	      "destinataire\r\ninexistante\r\nCette adresse n'existe pas",
	      "Vérifiez l'orthographe", NULL}},
	    {"bounce-unknown", &cfg_fr, "<sender@relay.test>",
	     {"Recipient mailbox does not exist", NULL}},
	    {"delay-slow", &cfg_fr, "<marie@relay.fr>",
	     {"==> <grey@test.example>: 450 4.2.0, La boîte ne peut pas encore",
	      "Votre serveur de messagerie garde le message", NULL}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct case_ *c = &cases[i];
		struct msg m;
		struct buf out, added;
		char why[256];
		const char *p;

		msg_load(&m, c->file, 1);
		buf_init(&out);
		if (rewrite(*c->cfg, &m, c->rcpt, &out, why, sizeof(why)) != 1)
			fail_msg("%s: %s", c->file, why);
		check_splice(&m, &out, &added);
		p = added.s;
		for (size_t k = 0; c->want[k]; k++) {
			const char *q = strstr(p, c->want[k]);

			if (q == NULL)
				fail_msg("%s to %s: no \"%s\" in:\n%s", c->file,
					 c->rcpt, c->want[k], added.s);
			p = q + strlen(c->want[k]);
		}
		buf_release(&added);
		buf_release(&out);
		msg_free(&m);
	}
}

/* one bounce: the heading of each section, and what dsn_done reports */
struct title_case {
	const char *file;
	struct config **cfg;
	const char *rcpt;
	const char *heading[2]; /* each section's heading line, in order */
	const char *rule[2];    /* done->rule of each, or NULL */
	int code[2], detail[2]; /* done->st of each: 550 5.x.DETAIL */
};

/* test_titles - a reply a provider rule explains gets the provider's
 * title (its text and link are those shown), any other the registry's;
 * dsn_done holds each section's status and rule */
static void test_titles(void **state)
{
	static struct config *cfg_rule;
	static const struct title_case cases[] = {
	    {"bounce-dmarc", &cfg_en, "<sender@relay.test>",
	     {"==> <dmarc@test.example>: 550 5.7.26, Sender not authenticated "
	      "(Gmail)\r\n", NULL},
	     {NULL, NULL}, {550, 0}, {26, 0}},
	    {"bounce-dmarc", &cfg_fr, "<marie@relay.fr>",
	     {"==> <dmarc@test.example>: 550 5.7.26, Expéditeur non "
	      "authentifié\r\n(Gmail)\r\n", NULL},
	     {NULL, NULL}, {550, 0}, {26, 0}},
	    {"bounce-two", &cfg_rule, "<sender@relay.test>",
	     {"==> <bob@test.example>: 550 5.1.1, Recipient mailbox does not "
	      "exist\r\n",
	      "==> <dmarc@test.example>: 550 5.7.26, Sender not authenticated "
	      "(Gmail)\r\n"},
	     {NULL, "dmarc-site"}, {550, 550}, {1, 26}},
	};
	char err[512], path[64];

	(void)state;
	cfg_rule = tu_load("languages = [\"en\"];\n"
			   "rules = ( { name = \"dmarc-site\"; code = 550; "
			   "enhanced = \"5.7.26\"; pattern = \"DMARC\"; } );\n",
			   err, sizeof(err), path, sizeof(path));
	if (cfg_rule == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct title_case *c = &cases[i];
		struct msg m;
		struct buf out;
		struct dsn_done done;
		struct dsn_msg dm;
		char why[256];
		size_t want = c->heading[1] ? 2 : 1;

		msg_load(&m, c->file, 1);
		buf_init(&out);
		dm = (struct dsn_msg){"<>", c->rcpt, m.ctype, NULL, m.body.s,
				      m.body.len, 0};
		if (dsn_rewrite(*c->cfg, &dm, &out, &done, why, sizeof(why)) != 1)
			fail_msg("%s: %s", c->file, why);
		assert_int_equal(done.n, want);
		for (size_t k = 0; k < want; k++) {
			if (strstr(out.s, c->heading[k]) == NULL)
				fail_msg("case %zu: no heading \"%s\" in:\n%s", i,
					 c->heading[k], out.s + m.body.len / 2);
			assert_int_equal(done.st[k].code, c->code[k]);
			assert_int_equal(done.st[k].detail, c->detail[k]);
			if (c->rule[k])
				assert_string_equal(done.rule[k], c->rule[k]);
			else
				assert_null(done.rule[k]);
		}
		/* the registry's title of X.7.26 is not shown */
		assert_null(strstr(out.s, "5.7.26, Several"));
		buf_release(&out);
		msg_free(&m);
	}
	/* unchanged: nothing counted */
	{
		struct msg m;
		struct buf out;
		struct dsn_done done = {.n = 7};
		char why[256];
		struct dsn_msg dm;

		msg_load(&m, "bounce-two", 1);
		buf_init(&out);
		dm = (struct dsn_msg){"<>", NULL, m.ctype, NULL, m.body.s,
				      m.body.len, 1};
		assert_int_equal(dsn_rewrite(cfg_en, &dm, &out, &done, why,
					     sizeof(why)), 0);
		assert_int_equal(done.n, 0);
		buf_release(&out);
		msg_free(&m);
	}
	config_free(cfg_rule);
	unlink(path);
}

/* reencode - bounce-unknown with its text part as charset/cte, the
 * content encoded accordingly (LF line ends) */
static void reencode(struct msg *m, const char *charset, const char *cte)
{
	struct msg orig;
	struct dsn_report rep;
	struct buf text;
	char why[256];
	size_t hstart;

	msg_load(&orig, "bounce-unknown", 0);
	assert_int_equal(dsn_parse(orig.ctype, orig.body.s, orig.body.len, &rep,
				   why, sizeof(why)), 0);
	/* the part's header starts after the first delimiter line */
	hstart = (size_t)(strstr(orig.body.s, "\nContent-Description") -
			  orig.body.s) + 1;
	buf_init(&text);
	buf_addn(&text, orig.raw.s, orig.raw.len - orig.body.len);
	buf_addn(&text, orig.body.s, hstart);
	buf_printf(&text, "Content-Type: text/plain; charset=\"%s\"\n"
		   "Content-Transfer-Encoding: %s\n\n", charset, cte);
	if (strcmp(cte, "base64") == 0) {
		mime_b64_encode(&text, orig.body.s + rep.text_start,
				rep.text_end - rep.text_start, 64, "\n");
		buf_truncate(&text, text.len - 1);
	} else if (strcmp(cte, "quoted-printable") == 0) {
		mime_qp_encode(&text, orig.body.s + rep.text_start,
			       rep.text_end - rep.text_start - 1, "\n");
	} else {
		buf_addn(&text, orig.body.s + rep.text_start,
			 rep.text_end - rep.text_start);
	}
	buf_adds(&text, orig.body.s + rep.text_end);
	m->raw = text;
	msg_set(m, text.s, text.len, 0);
	msg_free(&orig);
}

/* qp_decode - enough quoted-printable decoding for the test */
static void qp_decode(struct buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '=' && i + 1 < len && s[i + 1] == '\n') {
			i++;
		} else if (s[i] == '=' && i + 2 < len) {
			unsigned v;

			assert_int_equal(sscanf(s + i + 1, "%2X", &v), 1);
			buf_addc(out, (char)v);
			i += 2;
		} else {
			buf_addc(out, s[i]);
		}
	}
}

static void test_encodings(void **state)
{
	static const struct {
		const char *charset, *cte;
		int utf8; /* accents kept */
	} cases[] = {
	    {"utf-8", "8bit", 1},        {"UTF-8", "quoted-printable", 1},
	    {"utf-8", "base64", 1},      {"us-ascii", "7bit", 0},
	    {"utf-8", "7bit", 0},        {"iso-8859-1", "quoted-printable", 0},
	    {"us-ascii", "base64", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct msg m, orig;
		struct dsn_report rep, old;
		struct buf out, plain, before, sect;
		char why[256];
		struct dsn_msg dm;

		reencode(&m, cases[i].charset, cases[i].cte);
		msg_load(&orig, "bounce-unknown", 0);
		buf_init(&out);
		buf_init(&plain);
		buf_init(&before);
		buf_init(&sect);
		dm = (struct dsn_msg){"", "<marie@relay.fr>", m.ctype, m.cte,
				      m.body.s, m.body.len, 0};
		if (dsn_rewrite(cfg_fr, &dm, &out, NULL, why, sizeof(why)) != 1)
			fail_msg("%s %s: %s", cases[i].charset, cases[i].cte, why);
		assert_int_equal(dsn_parse(m.ctype, m.body.s, m.body.len, &old,
					   why, sizeof(why)), 0);
		assert_int_equal(dsn_parse(m.ctype, out.s, out.len, &rep, why,
					   sizeof(why)), 0);
		/* the part's header and everything after it are unchanged */
		assert_memory_equal(out.s, m.body.s, old.text_start);
		assert_string_equal(out.s + rep.text_end, m.body.s + old.text_end);
		if (rep.cte == CTE_BASE64)
			assert_int_equal(mime_b64_decode(&plain, out.s + rep.text_start,
							 rep.text_end - rep.text_start), 0);
		else if (rep.cte == CTE_QP)
			qp_decode(&plain, out.s + rep.text_start,
				  rep.text_end - rep.text_start);
		else
			buf_addn(&plain, out.s + rep.text_start,
				 rep.text_end - rep.text_start);
		dsn_sections(cfg_fr, &rep, "marie@relay.fr", cases[i].utf8, &sect, NULL);
		dsn_parse(orig.ctype, orig.body.s, orig.body.len, &old, why,
			  sizeof(why));
		buf_addn(&before, orig.body.s + old.text_start,
			 old.text_end - old.text_start);
		buf_adds(&before, sect.s);
		assert_string_equal(plain.s, before.s);
		assert_int_equal(strstr(sect.s, "\xc3") != NULL, cases[i].utf8);
		buf_release(&sect);
		buf_release(&before);
		buf_release(&plain);
		buf_release(&out);
		msg_free(&orig);
		msg_free(&m);
	}
}

/* edit - bounce-two with the first occurrence of from replaced by to */
static void edit(struct msg *m, const char *from, const char *to)
{
	struct msg orig;
	struct buf t;
	const char *p;

	msg_load(&orig, "bounce-two", 0);
	p = strstr(orig.raw.s, from);
	assert_non_null(p);
	buf_init(&t);
	buf_addn(&t, orig.raw.s, (size_t)(p - orig.raw.s));
	buf_adds(&t, to);
	buf_adds(&t, p + strlen(from));
	m->raw = t;
	msg_set(m, t.s, t.len, 1);
	msg_free(&orig);
}

static void test_unchanged(void **state)
{
	static const struct {
		const char *from, *to; /* an edit of bounce-two, or NULL */
		const char *sender;
		int over;
		const char *why;
	} cases[] = {
	    {NULL, NULL, "<sender@relay.test>", 0, "not a bounce"},
	    {NULL, NULL, "<>", 1, "over the size cap"},
	    {"multipart/report", "multipart/mixed", "<>", 0,
	     "not a delivery-status report (multipart/mixed)"},
	    {"report-type=delivery-status", "report-type=disposition-notification",
	     "<>", 0, "not a delivery-status report"},
	    {"boundary=", "x-boundary=", "<>", 0, "no boundary"},
	    {"Content-Type: text/plain; charset=utf-8",
	     "Content-Type: text/html; charset=utf-8", "<>", 0,
	     "the first part is text/html, not text/plain"},
	    {"charset=utf-8", "charset=iso-2022-jp", "<>", 0, "charset"},
	    {"Content-Transfer-Encoding: 8bit\n\nThis",
	     "Content-Transfer-Encoding: base64\n\n!!!This", "<>", 0, "base64"},
	    {"Content-Transfer-Encoding: 8bit\n\nThis",
	     "Content-Transfer-Encoding: x-uuencode\n\nThis", "<>", 0, "encoding"},
	    {"message/delivery-status", "text/plain", "<>", 0,
	     "the second part is text/plain"},
	    {"Action: failed", "Action: delivered", "<>", 0, NULL},
	    {"Content-Transfer-Encoding: 8bit\nMessage-Id", "Content-Transfer-Encoding: base64\nMessage-Id",
	     "<>", 0, "encoded as a whole"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct msg m;
		struct buf out;
		char why[256] = "";
		struct dsn_msg dm;

		if (cases[i].from)
			edit(&m, cases[i].from, cases[i].to);
		else
			msg_load(&m, "bounce-two", 1);
		buf_init(&out);
		dm = (struct dsn_msg){cases[i].sender, "<sender@relay.test>",
				      m.ctype, m.cte, m.body.s, m.body.len,
				      cases[i].over};
		if (cases[i].why == NULL) {
			/* one recipient left: still rewritten */
			assert_int_equal(dsn_rewrite(cfg_en, &dm, &out, NULL, why,
						     sizeof(why)), 1);
			assert_null(strstr(out.s, "==> <bob@"));
			assert_non_null(strstr(out.s, "==> <dmarc@"));
		} else {
			assert_int_equal(dsn_rewrite(cfg_en, &dm, &out, NULL, why,
						     sizeof(why)), 0);
			if (strstr(why, cases[i].why) == NULL)
				fail_msg("case %zu: \"%s\", want \"%s\"", i, why,
					 cases[i].why);
		}
		buf_release(&out);
		msg_free(&m);
	}
}

/* test_truncated - every cut of a bounce passes unchanged, with a reason */
static void test_truncated(void **state)
{
	struct msg m;
	struct dsn_report rep;
	char why[256];

	(void)state;
	msg_load(&m, "bounce-two", 1);
	for (size_t cut = 0; cut + 2 < m.body.len; cut++) {
		struct dsn_msg dm = {"<>", NULL, m.ctype, NULL, m.body.s, cut, 0};
		struct buf out;

		buf_init(&out);
		why[0] = '\0';
		assert_int_equal(dsn_rewrite(cfg_en, &dm, &out, NULL, why, sizeof(why)),
				 0);
		assert_true(why[0] != '\0');
		buf_release(&out);
	}
	/* the whole body parses, with its two recipients */
	assert_int_equal(dsn_parse(m.ctype, m.body.s, m.body.len, &rep, why,
				   sizeof(why)), 0);
	assert_int_equal(rep.n, 2);
	assert_string_equal(rep.rcpt[1].addr, "dmarc@test.example");
	assert_int_equal(rep.rcpt[1].st.code, 550);
	assert_int_equal(rep.rcpt[1].st.detail, 26);
	assert_non_null(strstr(rep.rcpt[1].diag, "DMARC policy. Please"));
	msg_free(&m);
}

/* test_many - 10,000 recipients: ten explained, the rest counted */
static void test_many(void **state)
{
	struct buf b;
	struct dsn_report rep;
	char why[256];

	(void)state;
	buf_init(&b);
	buf_adds(&b, "--b\nContent-Type: text/plain\n\nHello.\n\n--b\n"
		     "Content-Type: message/delivery-status\n\n"
		     "Reporting-MTA: dns; x\n");
	for (int i = 0; i < 10000; i++)
		buf_printf(&b, "\nFinal-Recipient: rfc822; u%d@x\nAction: failed\n"
			   "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no\n", i);
	buf_adds(&b, "\n--b--\n");
	/* as libmilter passes a folded field: line breaks kept */
	assert_int_equal(dsn_parse("multipart/report; report-type="
				   "\"delivery-status\";\r\n\tboundary=b",
				   b.s, b.len, &rep, why, sizeof(why)), 0);
	assert_int_equal(rep.n, DSN_RCPT_MAX);
	assert_int_equal(rep.more, 10000 - DSN_RCPT_MAX);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_english),
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_titles),
	    cmocka_unit_test(test_encodings),
	    cmocka_unit_test(test_unchanged),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
