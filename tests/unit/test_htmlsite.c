/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_htmlsite - the help site generator (milter/html*.c) and the
 * help_compare setting it reads
 *
 * Table-driven: escaping; config errors of help_compare; the page set and
 * its link scheme against guidance_help_path; escaping, templates and
 * links of a site override on the pages; French headings; a language
 * without its site strings; the hand-written comparison rows; the
 * provider pages and the links of provider replies.
 */
#include "config.h"
#include "guidance.h"
#include "htmlframe.h"
#include "htmlsite.h"
#include "provider.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif
#define KB_DIR TOP_SRCDIR "/conf/kb"

struct tmp {
	char dir[64];
};

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* put - a file of printf-style text */
static void put(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(const char *path, const char *fmt, ...)
{
	FILE *f = fopen(path, "w");
	va_list ap;

	assert_non_null(f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
}

/* slurp - a file's text, or NULL; the caller frees it */
static char *slurp(const char *dir, const char *name)
{
	char path[256];
	FILE *f;
	long n;
	char *s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	strcpy(t->dir, "/tmp/test_htmlsite.XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

/* load - a config of the shipped base plus extra settings */
static struct config *load(struct tmp *t, const char *extra, char *err,
			   size_t errlen)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/test.conf", t->dir);
	put(path,
	    "knowledge_base = \"%s\";\nlanguages = [\"fr\", \"en\"];\n%s\n",
	    KB_DIR, extra);
	return config_load(path, err, errlen);
}

static void test_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "plain"},	    {"<script>", "&lt;script&gt;"},
	    {"a & b", "a &amp; b"}, {"\"q\" 'a'", "&quot;q&quot; &#39;a&#39;"},
	    {"Boîte", "Boîte"},	    {"", ""},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;

		buf_init(&b);
		htmlframe_escape(&b, cases[i].in, strlen(cases[i].in));
		assert_string_equal(b.s, cases[i].out);
		buf_release(&b);
	}
}

static void test_compare_config(void **state)
{
	static const struct {
		const char *setting, *error; /* error NULL: loads */
		size_t n;
	} cases[] = {
	    {"", NULL, 11}, /* the default set */
	    {"help_compare = ();", NULL, 0},
	    {"help_compare = ( [\"550\", \"554\"], [\"421\", \"451\"] );", NULL,
	     2},
	    {"help_compare = ( [\"550\", \"259\"] );",
	     "'help_compare': 259 is not in the knowledge base", 0},
	    {"help_compare = ( [\"550\", \"550\"] );", "compared with itself",
	     0},
	    {"help_compare = ( [\"550\", \"554\"], [\"554\", \"550\"] );",
	     "554 and 550 are compared twice", 0},
	    {"help_compare = ( [\"550\"] );", "each pair is two reply codes",
	     0},
	    {"help_compare = ( [\"5XX\", \"550\"] );", "each pair is two reply",
	     0},
	    {"help_compare = ( [550, 554] );", "each pair is two reply codes",
	     0},
	    {"help_compare = \"550\";", "must be a ( list )", 0},
	};
	struct tmp *t = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[512] = "";
		struct config *cfg =
		    load(t, cases[i].setting, err, sizeof(err));

		if (cases[i].error == NULL) {
			if (cfg == NULL)
				fail_msg("case %zu: %s", i, err);
			assert_int_equal(cfg->ncompare, cases[i].n);
		} else {
			assert_null(cfg);
			if (strstr(err, cases[i].error) == NULL ||
			    strstr(err, "test.conf:") == NULL)
				fail_msg("case %zu: \"%s\"", i, err);
		}
		config_free(cfg);
	}
}

/* every link the guidance can give a 4xx/5xx reply of the base resolves */
static void test_pages_and_links(void **state)
{
	static const struct smtp_status st[] = {
	    {550, 5, 1, 1}, {450, 4, 1, 1},  {550, 0, 0, 0}, {459, 0, 0, 0},
	    {554, 5, 7, 1}, {421, 4, 7, 0},  {552, 5, 3, 4}, {530, 5, 7, 0},
	    {451, 4, 4, 7}, {550, 5, 1, 10}, {501, 5, 5, 4},
	    /* enhanced codes the base does not know: the reply code's page */
	    {550, 5, 9, 9}, {451, 4, 8, 20}, {559, 5, 0, 99},
	};
	static const char *const pages[] = {
	    "index.html", "../index.html",   "../style.css",
	    "X.1.1.html", "2.1.1.html",	     "5XX.html",
	    "5.X.X.html", "235-vs-502.html", "501-vs-504.html",
	};
	struct tmp *t = *state;
	char err[512], site[128], dir[160], path[64];
	struct config *cfg = load(t, "", err, sizeof(err));

	assert_non_null(cfg);
	snprintf(site, sizeof(site), "%s/site/deep", t->dir);
	assert_int_equal(htmlsite_write(cfg, site, err, sizeof(err)), 0);
	for (size_t k = 0; k < cfg->kb->n; k++) {
		const char *lang = cfg->kb->langs[k]->code;

		for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
			char *s;

			guidance_help_path(path, sizeof(path), cfg->kb, lang,
					   &st[i]);
			if ((s = slurp(site, path)) == NULL)
				fail_msg("no page %s", path);
			free(s);
		}
		snprintf(dir, sizeof(dir), "%s/%s", site, lang);
		for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
			char *s = slurp(dir, pages[i]);

			if (s == NULL)
				fail_msg("no page %s/%s", lang, pages[i]);
			free(s);
		}
	}
	/* the link names the enhanced code's page only where there is one */
	guidance_help_path(path, sizeof(path), cfg->kb, "fr", &st[0]);
	assert_string_equal(path, "fr/5.1.1.html");
	guidance_help_path(path, sizeof(path), cfg->kb, "en", &st[11]);
	assert_string_equal(path, "en/550.html");
	guidance_help_path(path, sizeof(path), NULL, "en", &st[11]);
	assert_string_equal(path, "en/5.9.9.html");
	config_free(cfg);
	/* not a directory: a clear error, no crash */
	cfg = load(t, "", err, sizeof(err));
	snprintf(site, sizeof(site), "%s/test.conf/x", t->dir);
	assert_int_equal(htmlsite_write(cfg, site, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "test.conf"));
	config_free(cfg);
}

/* a site override: escaped, templates filled, URL linked, on the pages */
static void test_override_and_headings(void **state)
{
	struct tmp *t = *state;
	char err[512], site[128], dir[160];
	struct config *cfg;
	char *en, *fr, *idx, *cmp;

	cfg = load(t,
		   "helpdesk = \"the <desk> & co\";\n"
		   "help_url = \"https://help.example/smtp\";\n"
		   "guidance = ( { code = \"X.1.1\"; lang = \"en\";\n"
		   "  fix = \"Call ${helpdesk}, see "
		   "https://example.org/people?a=1&b=2.\";\n"
		   "  append = [\"Directory: https://example.org/dir\"]; } );",
		   err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	snprintf(site, sizeof(site), "%s/site", t->dir);
	assert_int_equal(htmlsite_write(cfg, site, err, sizeof(err)), 0);
	snprintf(dir, sizeof(dir), "%s/en", site);
	en = slurp(dir, "5.1.1.html");
	snprintf(dir, sizeof(dir), "%s/fr", site);
	fr = slurp(dir, "5.1.1.html");
	idx = slurp(dir, "index.html");
	cmp = slurp(dir, "235-vs-502.html");
	assert_non_null(en);
	assert_non_null(fr);
	assert_non_null(idx);
	assert_non_null(cmp);
	assert_non_null(strstr(en,
			       "Call the &lt;desk&gt; &amp; co, see <a href=\""
			       "https://example.org/people?a=1&amp;b=2\">"));
	assert_null(strstr(en, "<desk>"));
	assert_non_null(
	    strstr(en, "<li>Directory: <a href=\"https://example.org/dir\">"));
	assert_non_null(strstr(en,
			       "<link rel=\"canonical\" href=\"https://help."
			       "example/smtp/en/5.1.1.html\">"));
	assert_non_null(strstr(en,
			       "<a href=\"../fr/5.1.1.html\" hreflang=\"fr\" "
			       "lang=\"fr\">Français</a>"));
	assert_non_null(strstr(fr, "<html lang=\"fr\">"));
	assert_non_null(strstr(fr, "<h2>Quand vous le voyez</h2>"));
	assert_non_null(strstr(fr, "<h2>Comment résoudre</h2>"));
	assert_null(strstr(fr, "example.org")); /* the override was for en */
	assert_non_null(strstr(idx, "id=\"filterbox\" hidden"));
	assert_non_null(strstr(idx, "<li data-k=\"x.1.1 2.1.1 4.1.1 5.1.1 "));
	assert_non_null(strstr(cmp, "Réussite"));
	assert_null(strstr(cmp, "Achèvement positif"));
	assert_non_null(strstr(cmp, "<h2>Différences essentielles</h2>"));
	free(en);
	free(fr);
	free(idx);
	free(cmp);
	config_free(cfg);
}

/*
 * comparison pages: the hand-written rows where the base has a text (and
 * no digit-derived retry row), the retry row otherwise; provider pages:
 * one per source and language, an anchor, the pattern and the cite per
 * rule, linked from the index; a provider reply's help link resolves to
 * its section, any other reply's to its code page
 */
static void test_compare_and_provider_pages(void **state)
{
	static const char *const replies[][2] = {
	    {"550 5.4.1 Recipient address rejected: Access denied",
	     "fr/provider-microsoft365.html#ms365-dbeb"},
	    {"421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred",
	     "fr/provider-yahoo.html#yahoo-ts-deferred"},
	    {"550 5.1.1 <bob@example.org>: Recipient address rejected: User "
	     "unknown", "fr/5.1.1.html"},
	};
	struct tmp *t = *state;
	char err[512], site[128], dir[160], anchor[96];
	struct config *cfg =
	    load(t, "help_url = \"https://help.example/smtp\";\n"
		    "help_compare = ( [\"502\", \"500\"], [\"550\", \"552\"] );",
		 err, sizeof(err));
	char *cmp, *plain, *fr, *idx, *prov;

	if (cfg == NULL)
		fail_msg("%s", err);
	snprintf(site, sizeof(site), "%s/site", t->dir);
	assert_int_equal(htmlsite_write(cfg, site, err, sizeof(err)), 0);
	snprintf(dir, sizeof(dir), "%s/en", site);
	cmp = slurp(dir, "502-vs-500.html");
	plain = slurp(dir, "550-vs-552.html");
	idx = slurp(dir, "index.html");
	snprintf(dir, sizeof(dir), "%s/fr", site);
	fr = slurp(dir, "502-vs-500.html");
	assert_non_null(cmp);
	assert_non_null(plain);
	assert_non_null(fr);
	/* the pair is written 500/502: the rows follow the page's order */
	assert_non_null(strstr(cmp, "<dt>Who must act</dt>\n<dd><span "
				    "class=\"code\">502</span> &mdash; Nobody"));
	assert_non_null(strstr(cmp, "neither bounces a message"));
	assert_null(strstr(cmp, "<dt>What the sending server does</dt>"));
	assert_non_null(strstr(fr, "<dt>Ce qui se passe ensuite</dt>"));
	assert_non_null(strstr(plain, "<dt>What the sending server does</dt>"));
	assert_null(strstr(plain, "<dt>Who must act</dt>"));
	for (size_t k = 0; k < cfg->kb->n; k++) {
		const struct provider_set *ps = cfg->providers;

		snprintf(dir, sizeof(dir), "%s/%s", site, cfg->kb->langs[k]->code);
		for (size_t i = 0; i < ps->nsources; i++) {
			const struct provider_source *src = ps->sources[i];

			snprintf(anchor, sizeof(anchor), "provider-%s.html",
				 src->id);
			if ((prov = slurp(dir, anchor)) == NULL)
				fail_msg("no page %s", anchor);
			if (strstr(idx, anchor) == NULL)
				fail_msg("index: no link to %s", anchor);
			for (size_t r = 0; r < src->nrules; r++) {
				struct buf cite;

				buf_init(&cite);
				htmlframe_esc(&cite, src->rules[r]->cite);
				snprintf(anchor, sizeof(anchor), "id=\"%s\"",
					 src->rules[r]->id);
				if (strstr(prov, anchor) == NULL ||
				    strstr(prov, cite.s) == NULL)
					fail_msg("%s: no section %s", src->id,
						 anchor);
				buf_release(&cite);
			}
			free(prov);
		}
	}
	snprintf(dir, sizeof(dir), "%s/en", site);
	prov = slurp(dir, "provider-microsoft365.html");
	assert_non_null(strstr(prov, "<code>Recipient address rejected: "
				     "Access denied</code>"));
	assert_non_null(strstr(prov, "<h1>Microsoft 365 / Exchange Online</h1>"));
	free(prov);
	/* an entry's related codes are in its "See also" list */
	prov = slurp(dir, "235.html");
	for (size_t i = 0; i < 4; i++) {
		static const char *const fail[] = {"535", "534", "538", "454"};

		snprintf(anchor, sizeof(anchor), "<li><a href=\"%s.html\">",
			 fail[i]);
		if (strstr(prov, anchor) == NULL)
			fail_msg("235.html: no link to %s", fail[i]);
	}
	free(prov);
	for (size_t i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		struct guidance_req req;
		struct strlist lines, langs;
		size_t text;
		const char *link, *hash;
		char *page;

		memset(&req, 0, sizeof(req));
		strlist_init(&lines);
		strlist_init(&langs);
		strlist_add(&langs, "fr");
		assert_int_equal(smtpcode_parse_reply(replies[i][0],
						      strlen(replies[i][0]),
						      &req.st, &text), 0);
		req.text = replies[i][0] + text;
		req.textlen = strlen(req.text);
		req.langs = &langs;
		req.max_lines = 10;
		guidance_build(cfg, &req, &lines);
		link = lines.v[lines.n - 1];
		if (strncmp(link, "https://help.example/smtp/", 26) != 0 ||
		    strcmp(link + 26, replies[i][1]) != 0)
			fail_msg("%s: link %s", replies[i][0], link);
		hash = strchr(replies[i][1], '#');
		snprintf(anchor, sizeof(anchor), "%.*s",
			 (int)(hash ? hash - replies[i][1]
				    : (long)strlen(replies[i][1])),
			 replies[i][1]);
		if ((page = slurp(site, anchor)) == NULL)
			fail_msg("no page %s", anchor);
		if (hash) {
			snprintf(anchor, sizeof(anchor), "id=\"%s\"", hash + 1);
			assert_non_null(strstr(page, anchor));
		}
		free(page);
		strlist_release(&lines);
		strlist_release(&langs);
	}
	free(cmp);
	free(plain);
	free(fr);
	free(idx);
	config_free(cfg);
}

/* a language whose lang.conf lacks the site strings is named */
static void test_missing_strings(void **state)
{
	struct tmp *t = *state;
	char err[512], path[160], site[128];
	struct config *cfg;

	snprintf(path, sizeof(path), "%s/kb", t->dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/kb/de", t->dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/kb/de/lang.conf", t->dir);
	put(path,
	    "language = \"de\"; name = \"Deutsch\";\n"
	    "headings = { description = \"Beschreibung\"; when = \"Wann\"; "
	    "fix = \"Abhilfe\"; sender = \"Absender\"; admin = \"Admin\"; "
	    "class_fallback = \"Klasse.\"; };\nsite = { title = \"T\"; };\n");
	snprintf(path, sizeof(path), "%s/kb/de/basic.conf", t->dir);
	put(path, "entries = ( { code = \"550\"; title = \"Nein\"; short = "
		  "[\"Nein.\"]; description = \"D\"; when = \"W\"; fix = "
		  "\"F\"; } );\n");
	snprintf(path, sizeof(path), "%s/de.conf", t->dir);
	put(path, "knowledge_base = \"kb\";\nlanguages = [\"de\"];\n"
		  "help_compare = ();\n");
	cfg = config_load(path, err, sizeof(err));
	if (cfg == NULL)
		fail_msg("%s", err);
	snprintf(site, sizeof(site), "%s/site", t->dir);
	assert_int_equal(htmlsite_write(cfg, site, err, sizeof(err)), -1);
	assert_non_null(
	    strstr(err, "language \"de\": lang.conf has no site.intro"));
	config_free(cfg);
	/* the site group must hold strings */
	snprintf(path, sizeof(path), "%s/kb/de/lang.conf", t->dir);
	put(path,
	    "language = \"de\"; name = \"Deutsch\";\n"
	    "headings = { description = \"Beschreibung\"; when = \"Wann\"; "
	    "fix = \"Abhilfe\"; sender = \"Absender\"; admin = \"Admin\"; "
	    "class_fallback = \"Klasse.\"; };\nsite = { title = 3; };\n");
	snprintf(path, sizeof(path), "%s/de.conf", t->dir);
	assert_null(config_load(path, err, sizeof(err)));
	if (strstr(err, "lang.conf:3: 'title' must be a string") == NULL)
		fail_msg("%s", err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test_setup_teardown(test_compare_config, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pages_and_links, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_override_and_headings, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_missing_strings, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_compare_and_provider_pages,
					    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
