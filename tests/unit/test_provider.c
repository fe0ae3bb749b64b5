/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_provider - the shipped provider rules: the table of real replies
 * (tests/data/provider-replies.tsv) each matches its rule, and the
 * guidance on the wire names the right cause and not the wrong one, in
 * English and French; every rule is matched by a line; texts are complete
 * and fit their class; site rules win; the loader's messages
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <sys/stat.h>

#include "testutil.h"
#include "guidance.h"
#include "litscan.h"
#include "provider.h"
#include "sanitize.h"

#define TABLE TOP_SRCDIR "/tests/data/provider-replies.tsv"
#define ROWS_MAX 400

struct row {
	char *id, *reply, *must[2], *not[2]; /* [0] English, [1] French */
	int line;
};

static struct config *cfg;
static struct row rows[ROWS_MAX];
static size_t nrows;
static char *table_text;

/* split_row - one tab-separated line into r; -1 when malformed */
static int split_row(char *s, struct row *r)
{
	char *f[6];
	int n = 0;

	for (char *p = s; n < 6; n++) {
		f[n] = p;
		if ((p = strchr(p, '\t')) == NULL) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n != 6)
		return -1;
	r->id = f[0];
	r->reply = f[1];
	r->must[0] = f[2];
	r->not[0] = f[3];
	r->must[1] = f[4];
	r->not[1] = f[5];
	return 0;
}

/* load_table - read the table into rows (strings point into table_text) */
static int load_table(void)
{
	FILE *f = fopen(TABLE, "r");
	struct stat st;
	char *line, *save = NULL;
	int lineno = 0;

	if (f == NULL || fstat(fileno(f), &st) < 0)
		return -1;
	table_text = calloc(1, (size_t)st.st_size + 1);
	if (fread(table_text, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		return -1;
	fclose(f);
	for (line = strtok_r(table_text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (nrows == ROWS_MAX || split_row(line, &rows[nrows]) < 0) {
			fprintf(stderr, "%s: malformed row: %s\n", TABLE, line);
			return -1;
		}
		rows[nrows++].line = lineno;
	}
	return 0;
}

static int setup(void **state)
{
	(void)state;
	cfg = tu_config("");
	return cfg && load_table() == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	config_free(cfg);
	free(table_text);
	return 0;
}

/* icontains - case-insensitive substring */
static int icontains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* wire - the guidance lines for reply in lang, joined by spaces */
static void wire(struct config *c, const char *reply, const char *lang,
		 struct buf *out)
{
	struct guidance_req req;
	struct strlist lines, langs;
	size_t text;

	memset(&req, 0, sizeof(req));
	strlist_init(&lines);
	strlist_init(&langs);
	strlist_add(&langs, lang);
	assert_int_equal(smtpcode_parse_reply(reply, strlen(reply), &req.st,
					      &text), 0);
	req.text = reply + text;
	req.textlen = strlen(reply + text);
	req.langs = &langs;
	req.target = TARGET_PLAIN;
	req.max_lines = c->max_lines - 1;
	guidance_build(c, &req, &lines);
	buf_reset(out);
	for (size_t i = 0; i < lines.n; i++) {
		if (i)
			buf_addc(out, ' ');
		buf_adds(out, lines.v[i]);
	}
	strlist_release(&lines);
	strlist_release(&langs);
}

/* starts_with_retry - the wire text s opens with lang's retry sentence */
static int starts_with_retry(const char *s, const char *lang)
{
	const struct kb_lang *l = kb_lang_get(cfg->kb, lang);
	struct buf retry;
	int yes;

	buf_init(&retry);
	sanitize_text(&retry, l->head.retry, strlen(l->head.retry), 0);
	yes = strncmp(s, retry.s, retry.len) == 0;
	buf_release(&retry);
	return yes;
}

/* each row: the rule it names matches (none for "-": a look-alike reply
 * of another server), and the wire text is right (a 4xx's opens with the
 * retry sentence) */
static void test_table(void **state)
{
	static const char *const langs[2] = {"en", "fr"};
	struct buf out;
	int bad = 0;

	(void)state;
	assert_true(nrows >= 80);
	buf_init(&out);
	for (size_t i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		struct smtp_status st;
		const struct provider_rule *m;
		size_t text;

		assert_int_equal(smtpcode_parse_reply(r->reply, strlen(r->reply),
						      &st, &text), 0);
		m = provider_match(cfg->providers, &st, r->reply + text,
				   strlen(r->reply + text));
		if (strcmp(r->id, "-") == 0 ? m != NULL
					   : m == NULL || strcmp(m->id, r->id) != 0) {
			fprintf(stderr, "line %d: %s matched %s, not %s\n", r->line,
				r->reply, m ? m->id : "nothing", r->id);
			bad++;
			continue;
		}
		for (int l = 0; l < 2; l++) {
			wire(cfg, r->reply, langs[l], &out);
			if (!icontains(out.s, r->must[l]) ||
			    icontains(out.s, r->not[l]) ||
			    (st.code / 100 == 4 &&
			     !starts_with_retry(out.s, langs[l]))) {
				fprintf(stderr, "line %d (%s): want \"%s\", not \"%s\" "
					"in: %s\n", r->line, langs[l], r->must[l],
					r->not[l], out.s);
				bad++;
			}
		}
	}
	buf_release(&out);
	assert_int_equal(bad, 0);
}

/* every shipped rule is matched by at least one line of the table */
static void test_every_rule_covered(void **state)
{
	const struct provider_set *ps = cfg->providers;

	(void)state;
	assert_true(ps->nrules >= 60);
	for (size_t k = 0; k < ps->nrules; k++) {
		size_t i;

		for (i = 0; i < nrows; i++)
			if (strcmp(rows[i].id, ps->rules[k]->id) == 0)
				break;
		if (i == nrows)
			fail_msg("rule %s has no reply in the table", ps->rules[k]->id);
	}
}

/* two_sentences - a line holding a sentence end followed by another */
static int two_sentences(const char *s)
{
	for (const char *p = s; *p; p++)
		if ((p[0] == '.' || p[0] == '!' || p[0] == '?') && p[1] == ' ' &&
		    isupper((unsigned char)p[2]))
			return 1;
	return 0;
}

/*
 * each rule has both texts; a 4xx text leaves the retry to the language's
 * retry sentence, a 5xx text never calls itself temporary; one sentence
 * per wire line
 */
static void test_texts(void **state)
{
	const struct provider_set *ps = cfg->providers;

	(void)state;
	for (size_t k = 0; k < ps->nrules; k++) {
		const struct provider_rule *r = ps->rules[k];
		const struct kb_entry *en = provider_text(r, "en");
		const struct kb_entry *fr = provider_text(r, "fr");

		if (en == NULL || fr == NULL)
			fail_msg("rule %s lacks a text in %s", r->id, en ? "fr" : "en");
		assert_non_null(r->cite);
		assert_non_null(r->source);
		/* the retry sentence of lang.conf precedes a 4xx text on the
		 * wire: the text does not say it again (test_wording_registry
		 * checks the whole word list) */
		if (r->code_class == 4) {
			if (icontains(en->shorts.v[0], "retries"))
				fail_msg("%s (en): a 4xx text repeats the retry", r->id);
			if (icontains(fr->shorts.v[0], "réessaie"))
				fail_msg("%s (fr): a 4xx text repeats the retry", r->id);
		}
		for (size_t i = 0; i < en->shorts.n; i++) {
			if (two_sentences(en->shorts.v[i]))
				fail_msg("%s (en): two sentences in one line", r->id);
			if (r->code_class == 5 && icontains(en->shorts.v[i], "temporar"))
				fail_msg("%s (en): a 5xx calls itself temporary", r->id);
		}
		for (size_t i = 0; i < fr->shorts.n; i++) {
			if (two_sentences(fr->shorts.v[i]))
				fail_msg("%s (fr): two sentences in one line", r->id);
			if (r->code_class == 5 && icontains(fr->shorts.v[i], "temporaire"))
				fail_msg("%s (fr): a 5xx calls itself temporary", r->id);
		}
	}
}

/* replies that look alike but are not the provider's */
static void test_no_false_match(void **state)
{
	static const char *const replies[] = {
		/* RFC 7505 null MX, Postfix's wording */
		"556 5.1.10 <bob@example.org>: Recipient address rejected: Domain example.org does not accept mail (nullMX)",
		"550 5.7.27 <a@example.org>: Sender address rejected: Domain example.org does not accept mail (nullMX)",
		"550 5.1.1 <bob@example.org>: User unknown",
		"451 4.3.0 Error: queue file write error",
		"550 5.7.1 <bob@example.org>: Recipient address rejected: Access denied",
		"450 4.2.1 Mailbox busy",
		NULL};

	(void)state;
	for (size_t i = 0; replies[i]; i++) {
		struct smtp_status st;
		size_t text;
		const struct provider_rule *m;

		assert_int_equal(smtpcode_parse_reply(replies[i], strlen(replies[i]),
						      &st, &text), 0);
		m = provider_match(cfg->providers, &st, replies[i] + text,
				   strlen(replies[i] + text));
		if (m)
			fail_msg("%s matched %s", replies[i], m->id);
	}
}

/*
 * the literal index never hides a match: for every reply of the table and
 * indexed rule, a pattern that matches the text has one of its literals
 * found by the scan; and every shipped pattern-only rule is indexed
 */
static void test_literals_sound(void **state)
{
	const struct provider_set *ps = cfg->providers;
	unsigned char hit[PROVIDER_LIT_MAX];
	size_t checked = 0;

	(void)state;
	for (size_t i = 0; i < ps->nrules; i++)
		if (ps->rules[i]->pattern && !ps->rules[i]->has_enh &&
		    ps->rules[i]->lit < 0)
			fail_msg("rule %s: pattern without literals",
				 ps->rules[i]->id);
	for (size_t i = 0; i < nrows; i++) {
		struct smtp_status st;
		size_t text;
		const char *t;

		assert_int_equal(smtpcode_parse_reply(rows[i].reply,
						      strlen(rows[i].reply),
						      &st, &text), 0);
		t = rows[i].reply + text;
		memset(hit, 0, sizeof(hit));
		if (litscan_scan(ps->lits, t, strlen(t), hit) < 0)
			continue;
		for (size_t k = 0; k < ps->nrules; k++) {
			const struct provider_rule *r = ps->rules[k];

			if (r->lit < 0 || regexec(&r->re, t, 0, NULL, 0) != 0)
				continue;
			checked++;
			if (!hit[r->lit])
				fail_msg("line %d: %s matches %s, literals not "
					 "found", rows[i].line, r->id, t);
		}
	}
	assert_true(checked >= nrows / 2);
}

/* a bare enhanced code that only a provider uses finds its rule */
static void test_bare_code(void **state)
{
	struct smtp_status st = {0, 5, 7, 708};

	(void)state;
	assert_string_equal(provider_match(cfg->providers, &st, "", 0)->id,
			    "ms365-traffic-not-accepted");
	st.code = 250;
	assert_null(provider_match(cfg->providers, &st, "", 0));
}

/* a site's own rule with lines wins; one without lines keeps the text */
static void test_site_rule_wins(void **state)
{
	static const char *reply = "554 5.7.9 Message not accepted for policy reasons.";
	char err[512], path[64];
	struct config *c;
	struct buf out;

	(void)state;
	buf_init(&out);
	c = tu_load("rules = ( { name = \"own\"; code = 554; enhanced = \"5.7.9\";"
		    " lines = [\"Our own words.\"]; } );", err, sizeof(err), path,
		    sizeof(path));
	unlink(path);
	assert_non_null(c);
	wire(c, reply, "en", &out);
	assert_string_equal(out.s, "Our own words.");
	config_free(c);
	c = tu_load("rules = ( { name = \"own\"; code = 554;"
		    " append = [\"Ask us.\"]; } );", err, sizeof(err), path,
		    sizeof(path));
	unlink(path);
	assert_non_null(c);
	wire(c, reply, "en", &out);
	assert_true(icontains(out.s, "Yahoo refused this message"));
	assert_true(icontains(out.s, "Ask us."));
	config_free(c);
	buf_release(&out);
}

struct bad_case {
	const char *match, *text, *error;
};

/* write - body into dir/name, creating dir */
static void write_file(const char *dir, const char *name, const char *body)
{
	char path[512];
	FILE *f;

	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(body, f);
	fclose(f);
}

/* malformed provider files: each fails with its file:line: message */
static void test_loader_errors(void **state)
{
	static const struct bad_case cases[] = {
		{"rules = ( { id = \"a\"; code = \"550\"; pattern = \"x\"; } );", NULL,
		 "providers/s.conf:1: a needs 'cite'"},
		{"rules = ( { id = \"a\"; cite = \"ftp://x\"; code = \"550\"; pattern = \"x\"; } );", NULL,
		 "providers/s.conf:1: rule a: 'cite' is the URL of the public page it was checked against"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"550\"; pattern = \"(x\"; } );", NULL,
		 "providers/s.conf:1: pattern of rule a: Unmatched ( or \\("},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"250\"; pattern = \"x\"; } );", NULL,
		 "providers/s.conf:1: invalid code \"250\" (4xx or 5xx)"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; pattern = \"x\"; } );", NULL,
		 "providers/s.conf:1: rule a needs 'code' (\"550\", \"5XX\" or \"4XX\"): its text depends on the class"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"5XX\"; enhanced = \"4.7.1\"; } );", NULL,
		 "providers/s.conf:1: enhanced code 4.7.1 does not fit the class of rule a"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"5XX\"; } );", NULL,
		 "providers/s.conf:1: rule a needs 'enhanced' or 'pattern'"},
		{"rules = ( { id = \"A b\"; cite = \"https://x\"; code = \"5XX\"; pattern = \"x\"; } );", NULL,
		 "providers/s.conf:1: rule without a valid 'id' (a-z, 0-9, '-')"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"5XX\"; pattern = \"x\"; },\n"
		 " { id = \"a\"; cite = \"https://x\"; code = \"5XX\"; pattern = \"y\"; } );", NULL,
		 "providers/s.conf:2: rule id a is used twice"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"5XX\"; pattern = \"x\"; color = 1; } );", NULL,
		 "providers/s.conf:1: a rule is a { group } of id, cite, code, enhanced, pattern, generic"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"5XX\"; pattern = \"x\"; } );",
		 "source = \"S\";\ntexts = ( { id = \"b\"; title = \"t\"; short = [\"s\"]; description = \"d\"; when = \"w\"; fix = \"f\"; } );",
		 "en/providers/s.conf:2: text b: no rule of that id in providers/s.conf"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"5XX\"; pattern = \"x\"; } );",
		 "source = \"S\";\ntexts = ( { id = \"a\"; title = \"t\"; short = [\"100 $\"]; description = \"d\"; when = \"w\"; fix = \"f\"; } );",
		 "en/providers/s.conf:2: 'short': a line must be a non-empty string without '$', '%' or control characters"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"5XX\"; pattern = \"x\"; } );",
		 "source = \"S\";\ntexts = ( { id = \"a\"; title = \"t\"; short = [\"s\"]; when = \"w\"; fix = \"f\"; } );",
		 "en/providers/s.conf:2: a needs 'description'"},
		{"rules = ( { id = \"a\"; cite = \"https://x\"; code = \"5XX\"; pattern = \"x\"; } );",
		 "texts = ( );",
		 "en/providers/s.conf:0: 'source', the provider's name in this language, is required"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char dir[] = "/tmp/me-prov-XXXXXX", sub[600], err[512], want[700];
		struct provider_set *ps = provider_new();

		assert_non_null(mkdtemp(dir));
		snprintf(sub, sizeof(sub), "%s/providers", dir);
		write_file(sub, "s.conf", cases[i].match);
		if (cases[i].text) {
			snprintf(sub, sizeof(sub), "%s/en", dir);
			mkdir(sub, 0700);
			snprintf(sub, sizeof(sub), "%s/en/providers", dir);
			write_file(sub, "s.conf", cases[i].text);
		}
		assert_int_equal(provider_load(ps, dir, cfg->kb, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s/%s", dir, cases[i].error);
		assert_string_equal(err, want);
		provider_free(ps);
		snprintf(sub, sizeof(sub), "rm -rf '%s'", dir);
		assert_int_equal(system(sub), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_rule_covered),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_no_false_match),
		cmocka_unit_test(test_literals_sound),
		cmocka_unit_test(test_bare_code),
		cmocka_unit_test(test_site_rule_wins),
		cmocka_unit_test(test_loader_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
