/*
 * htmlsite - the knowledge base as a static help site (`--html DIR`)
 *
 * Exports: htmlsite_write, htmlsite_escape, htmlsite_strings. The pages are
 * built in memory from the config snapshot, one at a time, and written
 * whole; every text from the knowledge base or the config is escaped, site
 * templates are filled with the site's variables, and http(s) URLs in a
 * text become links. The page set is described in htmlsite.h; the CSS and
 * the filter script (the only JavaScript) are constants below.
 */
#include "htmlsite.h"
#include "hash.h"
#include "htmlpage.h"
#include "sanitize.h"
#include "template.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* clang-format off */
const char *const htmlsite_strings[] = {
	"title", "intro", "languages", "all_codes", "filter", "filter_hint",
	"no_match", "reply_codes", "enhanced_codes", "class_defaults",
	"comparisons", "compare_with", "class_forms", "general_form",
	"general_note", "related", "on_the_wire", "key_differences",
	"same_for_both", "meaning", "class", "outcome", "retry", "area", "vs",
	"generated",
	"class_2", "class_3", "class_4", "class_5",
	"outcome_2", "outcome_3", "outcome_4", "outcome_5",
	"retry_2", "retry_3", "retry_4", "retry_5",
	"enhanced_2", "enhanced_4", "enhanced_5", "enhanced_x",
	"area_0", "area_1", "area_2", "area_3", "area_4", "area_5",
	"subject_0", "subject_1", "subject_2", "subject_3", "subject_4",
	"subject_5", "subject_6", "subject_7", NULL};
/* clang-format on */

static const char site_css[] =
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;font:17px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "sans-serif;color:#1b1f24;background:#fff;overflow-wrap:anywhere}\n"
    ".top,main,footer{max-width:62rem;margin:0 auto;padding:0 1rem}\n"
    ".top nav{display:flex;flex-wrap:wrap;justify-content:space-between;"
    "gap:.4rem 1.5rem;padding:.7rem 0;border-bottom:1px solid #d0d7de}\n"
    ".langs a{margin-left:.8rem}\n"
    "a{color:#0a58a8}\n"
    "h1{font-size:1.7rem;line-height:1.25;margin:1.2rem 0 .9rem}\n"
    "h2{font-size:1.3rem;margin:1.7rem 0 .5rem}\n"
    "h3{font-size:1.08rem;margin:1.1rem 0 .3rem}\n"
    "h4{font-size:1rem;margin:.8rem 0 .2rem}\n"
    ".code{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,"
    "monospace;font-weight:700}\n"
    ".facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;"
    "margin:0;padding:.8rem 1rem;background:#f3f5f8;border-left:5px solid "
    "#57606a}\n"
    ".facts dt{font-weight:600}.facts dd{margin:0}\n"
    ".note{padding:.6rem 1rem;background:#fff8e1;border-left:5px solid "
    "#b35900}\n"
    "ul.codes,ul.links{list-style:none;margin:0;padding:0}\n"
    "ul.codes li{border-bottom:1px solid #e6e9ed}\n"
    "ul.codes a{display:block;padding:.45rem .2rem;text-decoration:none}\n"
    "ul.codes a:hover,ul.codes a:focus{background:#eef4fb}\n"
    "ul.codes .code{display:inline-block;min-width:4.2em;color:#1b1f24}\n"
    "ul.links li{margin:.3rem 0}\n"
    "ul.wire{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;"
    "font-size:.92rem;background:#f3f5f8;padding:.6rem 1rem .6rem 2rem}\n"
    ".filter{margin:1rem 0}.filter label{display:block;font-weight:600}\n"
    ".filter input{width:100%;max-width:30rem;font-size:1.1rem;padding:.5rem;"
    "border:2px solid #57606a;border-radius:4px}\n"
    ".pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}\n"
    ".card{padding:.2rem 1rem .6rem;background:#f3f5f8;border-top:5px solid "
    "#57606a}\n"
    ".card h2,.card h3{margin-top:.6rem}\n"
    ".k2{border-color:#1a7f37}.k3{border-color:#0a58a8}"
    ".k4{border-color:#b35900}.k5{border-color:#cf222e}\n"
    ".diff dt{font-weight:600;margin-top:.7rem}.diff dd{margin:.2rem 0 0 "
    "1rem}\n"
    "footer{margin-top:2.5rem;padding:1rem;color:#57606a;font-size:.9rem;"
    "border-top:1px solid #d0d7de}\n"
    "[hidden]{display:none!important}\n"
    "@media (max-width:40rem){body{font-size:16px}h1{font-size:1.4rem}"
    ".pair,.facts{grid-template-columns:1fr}.facts dd{margin-bottom:.4rem}}\n";

/* the filter: words typed (or ?q= in the URL) hide the items without them */
static const char filter_js[] =
    "<script>\n"
    "(function () {\n"
    "  var box = document.getElementById('filterbox'),\n"
    "      q = document.getElementById('q'),\n"
    "      none = document.getElementById('none'),\n"
    "      items = document.querySelectorAll('[data-k]'),\n"
    "      groups = document.querySelectorAll('section.group');\n"
    "  function norm(s) {\n"
    "    return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '')"
    ".toLowerCase();\n"
    "  }\n"
    "  function apply() {\n"
    "    var words = norm(q.value).split(/\\s+/).filter(Boolean), shown = 0, "
    "i;\n"
    "    for (i = 0; i < items.length; i++) {\n"
    "      var k = items[i].getAttribute('data-k');\n"
    "      items[i].hidden = !words.every(function (w) {\n"
    "        return k.indexOf(w) >= 0;\n"
    "      });\n"
    "      if (!items[i].hidden) shown++;\n"
    "    }\n"
    "    for (i = 0; i < groups.length; i++)\n"
    "      groups[i].hidden = "
    "!groups[i].querySelector('[data-k]:not([hidden])');\n"
    "    none.hidden = shown > 0;\n"
    "    document.body.setAttribute('data-shown', String(shown));\n"
    "  }\n"
    "  var p = new URLSearchParams(location.search).get('q');\n"
    "  if (p !== null) q.value = p;\n"
    "  box.hidden = false;\n"
    "  q.addEventListener('input', apply);\n"
    "  apply();\n"
    "})();\n"
    "</script>\n";

/* htmlsite_escape - see htmlsite.h */
void htmlsite_escape(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&':
			buf_adds(out, "&amp;");
			break;
		case '<':
			buf_adds(out, "&lt;");
			break;
		case '>':
			buf_adds(out, "&gt;");
			break;
		case '"':
			buf_adds(out, "&quot;");
			break;
		case '\'':
			buf_adds(out, "&#39;");
			break;
		default:
			buf_addc(out, s[i]);
			break;
		}
	}
}

/* check_strings - every language has every site string and no unknown one */
static int check_strings(const struct site *s)
{
	for (size_t i = 0; i < s->nlangs; i++) {
		const struct kb_lang *l = s->langs[i];
		size_t k;

		for (k = 0; htmlsite_strings[k]; k++)
			if (hash_get(l->head.site, htmlsite_strings[k]) == NULL)
				break;
		if (htmlsite_strings[k]) {
			snprintf(s->err, s->errlen,
				 "language \"%s\": lang.conf has no "
				 "site.%s, which the help site needs (see "
				 "conf/kb/README.md)",
				 l->code, htmlsite_strings[k]);
			return -1;
		}
		if (hash_count(l->head.site) != k) {
			snprintf(
			    s->err, s->errlen,
			    "language \"%s\": lang.conf's site "
			    "group has strings the help site does not know; it "
			    "takes exactly those of conf/kb/README.md",
			    l->code);
			return -1;
		}
	}
	return 0;
}

/* put_facts - class, outcome, retry and area of a page's code */
static void put_facts(struct buf *o, const struct kb_lang *l,
		      const struct page *p)
{
	const char *v;

	buf_printf(o, "<dl class=\"facts k%d\">\n<dt>", p->cls);
	htmlpage_esc(o, htmlpage_str(l, "class"));
	buf_adds(o, "</dt><dd>");
	if (p->cls == 0)
		htmlpage_esc(o, htmlpage_str(l, "enhanced_x"));
	else
		htmlpage_class(o, l, p->cls, p->enh);
	buf_adds(o, "</dd>\n");
	if (p->cls) {
		buf_adds(o, "<dt>");
		htmlpage_esc(o, htmlpage_str(l, "outcome"));
		buf_adds(o, "</dt><dd>");
		htmlpage_esc(o, htmlpage_strf(l, "outcome_", p->cls));
		buf_adds(o, "</dd>\n<dt>");
		htmlpage_esc(o, htmlpage_str(l, "retry"));
		buf_adds(o, "</dt><dd>");
		htmlpage_esc(o, htmlpage_strf(l, "retry_", p->cls));
		buf_adds(o, "</dd>\n");
	}
	if (p->kind == PAGE_BASIC) {
		buf_adds(o, "<dt>");
		htmlpage_esc(o, htmlpage_str(l, "area"));
		buf_printf(
		    o, "</dt><dd><span class=\"code\">x%dx</span> &middot; ",
		    p->code / 10 % 10);
		htmlpage_esc(o, htmlpage_strf(l, "area_", p->code / 10 % 10));
		buf_adds(o, "</dd>\n");
	} else if (p->kind == PAGE_ENHANCED &&
		   (v = htmlpage_strf(l, "subject_", p->st.subject)) != NULL) {
		buf_adds(o, "<dt>");
		htmlpage_esc(o, htmlpage_str(l, "area"));
		buf_printf(
		    o, "</dt><dd><span class=\"code\">X.%d.X</span> &middot; ",
		    p->st.subject);
		htmlpage_esc(o, v);
		buf_adds(o, "</dd>\n");
	}
	buf_adds(o, "</dl>\n");
}

/* put_link - a list item linking to the page of key, with its title */
static void put_link(struct site *s, struct buf *o, const struct kb_lang *l,
		     const char *key, const char *label)
{
	const struct page *p = hash_get(s->index, key);
	const struct kb_entry *e;
	int how;

	if (p == NULL)
		return;
	e = htmlpage_resolve(l, p, &how);
	buf_printf(o, "<li><a href=\"%s.html\"><span class=\"code\">%s</span> ",
		   p->key, p->key);
	htmlpage_esc(o, label			   ? label
			: e && how != RES_FALLBACK ? e->title
						   : "");
	buf_adds(o, "</a></li>\n");
}

/* code_page - the page of one code */
static void code_page(struct site *s, struct buf *o, const struct kb_lang *l,
		      const struct page *p)
{
	const struct kb_entry *e;
	struct buf title;
	char file[32], key[32];
	int how;

	e = htmlpage_resolve(l, p, &how);
	buf_init(&title);
	buf_printf(&title, "%s ", p->key);
	if (e && how != RES_FALLBACK)
		buf_adds(&title, e->title);
	else
		htmlpage_class_name(&title, l, p->cls, p->enh);
	snprintf(file, sizeof(file), "%s.html", p->key);
	htmlpage_head(s, o, l, file, title.s,
		      !p->listed && how == RES_FALLBACK);
	buf_printf(o, "<h1><span class=\"code\">%s</span> ", p->key);
	htmlpage_esc(o, title.s + strlen(p->key) + 1);
	buf_adds(o, "</h1>\n");
	put_facts(o, l, p);
	if (how == RES_GENERAL) {
		buf_adds(o, "<p class=\"note\">");
		htmlpage_esc(o, htmlpage_str(l, "general_note"));
		buf_printf(
		    o,
		    " <a href=\"%s.html\"><span class=\"code\">%s</span></a>"
		    "</p>\n",
		    e->key, e->key);
	}
	if (how == RES_FALLBACK) {
		buf_adds(o, "<p class=\"note\">");
		htmlpage_esc(o, l->head.class_fallback);
		if (e)
			buf_printf(
			    o,
			    " <a href=\"%s.html\"><span class=\"code\">%s"
			    "</span></a>",
			    e->key, e->key);
		buf_adds(o, "</p>\n");
	}
	if (e) {
		htmlpage_entry(s, o, l, p, e, 2);
		htmlpage_wire(s, o, l, p, e);
	}
	if (p->kind == PAGE_BASIC) {
		int any = 0;

		for (size_t i = 0; i < s->cfg->ncompare; i++) {
			const struct help_pair *hp = &s->cfg->compare[i];

			if (strcmp(hp->a, p->key) && strcmp(hp->b, p->key))
				continue;
			if (!any++) {
				buf_adds(o, "<section>\n<h2>");
				htmlpage_esc(o,
					     htmlpage_str(l, "compare_with"));
				buf_adds(o, "</h2>\n<ul class=\"links\">\n");
			}
			buf_printf(o, "<li><a href=\"%s-vs-%s.html\">", hp->a,
				   hp->b);
			htmlpage_pair_title(o, l, hp);
			buf_adds(o, "</a></li>\n");
		}
		if (any)
			buf_adds(o, "</ul>\n</section>\n");
	}
	buf_adds(o, "<section>\n<h2>");
	if (p->kind == PAGE_ENHANCED && p->cls == 0) {
		htmlpage_esc(o, htmlpage_str(l, "class_forms"));
		buf_adds(o, "</h2>\n<ul class=\"links\">\n");
		for (int c = 2; c <= 5; c += c == 2 ? 2 : 1) {
			struct buf name;

			buf_init(&name);
			htmlpage_class_name(&name, l, c, 1);
			snprintf(key, sizeof(key), "%d.%d.%d", c, p->st.subject,
				 p->st.detail);
			put_link(s, o, l, key, name.s);
			buf_release(&name);
		}
	} else {
		htmlpage_esc(o, htmlpage_str(l, "related"));
		buf_adds(o, "</h2>\n<ul class=\"links\">\n");
		if (p->kind == PAGE_ENHANCED) {
			snprintf(key, sizeof(key), "X.%d.%d", p->st.subject,
				 p->st.detail);
			put_link(s, o, l, key, htmlpage_str(l, "general_form"));
		}
		if (p->kind != PAGE_CLASS) {
			snprintf(key, sizeof(key), p->enh ? "%d.X.X" : "%dXX",
				 p->cls);
			if (strcmp(key, e && how == RES_FALLBACK ? e->key : ""))
				put_link(s, o, l, key, NULL);
		}
		buf_adds(o, "<li><a href=\"index.html\">");
		htmlpage_esc(o, htmlpage_str(l, "all_codes"));
		buf_adds(o, "</a></li>\n");
	}
	buf_adds(o, "</ul>\n</section>\n");
	htmlpage_foot(o, l);
	buf_release(&title);
}

/* index_item - one code of the index, with the words the filter matches */
static void index_item(struct buf *o, const struct kb_lang *l,
		       const struct page *p)
{
	const struct kb_entry *e;
	struct buf k;
	int how;

	e = htmlpage_resolve(l, p, &how);
	buf_init(&k);
	buf_adds(&k, p->key);
	if (p->kind == PAGE_ENHANCED && p->cls == 0)
		for (int c = 2; c <= 5; c += c == 2 ? 2 : 1)
			buf_printf(&k, " %d.%d.%d", c, p->st.subject,
				   p->st.detail);
	if (e && how != RES_FALLBACK) {
		buf_addc(&k, ' ');
		sanitize_text(&k, e->title, strlen(e->title), 0);
	}
	for (char *c = k.s; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	buf_adds(o, "<li data-k=\"");
	htmlpage_esc(o, k.s);
	buf_printf(o, "\"><a href=\"%s.html\"><span class=\"code\">%s</span> ",
		   p->key, p->key);
	if (e && how != RES_FALLBACK)
		htmlpage_esc(o, e->title);
	buf_adds(o, "</a></li>\n");
	buf_release(&k);
}

/* index_group - a filterable section of the pages that match */
static void index_group(struct site *s, struct buf *o, const struct kb_lang *l,
			int level, const char *heading_html,
			enum page_kind kind, int cls, int subject)
{
	int any = 0;

	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];

		if (!p->listed || p->kind != kind ||
		    (cls >= 0 &&
		     (p->kind == PAGE_ENHANCED ? 0 : p->cls) != cls) ||
		    (subject >= 0 && p->st.subject != subject))
			continue;
		if (!any++)
			buf_printf(o,
				   "<section class=\"group\">\n<h%d>%s</h%d>\n"
				   "<ul class=\"codes\">\n",
				   level, heading_html, level);
		index_item(o, l, p);
	}
	if (any)
		buf_adds(o, "</ul>\n</section>\n");
}

/* index_page - every listed code and comparison of one language */
static void index_page(struct site *s, struct buf *o, const struct kb_lang *l)
{
	struct buf h;
	int maxsub = -1;

	buf_init(&h);
	htmlpage_head(s, o, l, "index.html", htmlpage_str(l, "title"), 0);
	buf_adds(o, "<h1>");
	htmlpage_esc(o, htmlpage_str(l, "title"));
	buf_adds(o, "</h1>\n<p>");
	htmlpage_esc(o, htmlpage_str(l, "intro"));
	buf_adds(o, "</p>\n<div class=\"filter\" id=\"filterbox\" hidden>"
		    "<label for=\"q\">");
	htmlpage_esc(o, htmlpage_str(l, "filter"));
	buf_adds(o,
		 "</label><input type=\"search\" id=\"q\" autocomplete=\"off\" "
		 "spellcheck=\"false\" placeholder=\"");
	htmlpage_esc(o, htmlpage_str(l, "filter_hint"));
	buf_adds(o, "\"></div>\n<p class=\"note\" id=\"none\" hidden>");
	htmlpage_esc(o, htmlpage_str(l, "no_match"));
	buf_adds(o, "</p>\n<section class=\"group\">\n<h2>");
	htmlpage_esc(o, htmlpage_str(l, "reply_codes"));
	buf_adds(o, "</h2>\n");
	for (int c = 2; c <= 5; c++) {
		buf_reset(&h);
		buf_printf(&h, "<span class=\"code\">%dxx</span> &middot; ", c);
		htmlpage_esc(&h, htmlpage_strf(l, "class_", c));
		index_group(s, o, l, 3, h.s, PAGE_BASIC, c, -1);
	}
	buf_adds(o, "</section>\n<section class=\"group\">\n<h2>");
	htmlpage_esc(o, htmlpage_str(l, "enhanced_codes"));
	buf_adds(o, "</h2>\n");
	for (size_t i = 0; i < s->npages; i++)
		if (s->pages[i]->kind == PAGE_ENHANCED &&
		    s->pages[i]->st.subject > maxsub)
			maxsub = s->pages[i]->st.subject;
	for (int sub = 0; sub <= maxsub; sub++) {
		const char *name = htmlpage_strf(l, "subject_", sub);

		buf_reset(&h);
		buf_printf(&h, "<span class=\"code\">X.%d.X</span>", sub);
		if (name) {
			buf_adds(&h, " &middot; ");
			htmlpage_esc(&h, name);
		}
		index_group(s, o, l, 3, h.s, PAGE_ENHANCED, -1, sub);
	}
	buf_adds(o, "</section>\n");
	buf_reset(&h);
	htmlpage_esc(&h, htmlpage_str(l, "class_defaults"));
	index_group(s, o, l, 2, h.s, PAGE_CLASS, -1, -1);
	if (s->cfg->ncompare) {
		buf_adds(o, "<section class=\"group\">\n<h2>");
		htmlpage_esc(o, htmlpage_str(l, "comparisons"));
		buf_adds(o, "</h2>\n<ul class=\"codes\">\n");
		for (size_t i = 0; i < s->cfg->ncompare; i++) {
			const struct help_pair *hp = &s->cfg->compare[i];
			const struct kb_entry *a = kb_get(l, hp->a),
					      *b = kb_get(l, hp->b);

			buf_reset(&h);
			buf_printf(&h, "%s %s %s-vs-%s ", hp->a, hp->b, hp->a,
				   hp->b);
			sanitize_text(&h, a->title, strlen(a->title), 0);
			buf_addc(&h, ' ');
			sanitize_text(&h, b->title, strlen(b->title), 0);
			for (char *c = h.s; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			buf_adds(o, "<li data-k=\"");
			htmlpage_esc(o, h.s);
			buf_printf(o, "\"><a href=\"%s-vs-%s.html\">", hp->a,
				   hp->b);
			htmlpage_pair_title(o, l, hp);
			buf_adds(o, " &mdash; ");
			htmlpage_esc(o, a->title);
			buf_adds(o, " / ");
			htmlpage_esc(o, b->title);
			buf_adds(o, "</a></li>\n");
		}
		buf_adds(o, "</ul>\n</section>\n");
	}
	buf_adds(o, filter_js);
	htmlpage_foot(o, l);
	buf_release(&h);
}

/* root_page - DIR/index.html: the languages */
static void root_page(struct site *s, struct buf *o)
{
	const struct kb_lang *first = s->langs[0];

	buf_adds(o, "<!DOCTYPE html>\n<html lang=\"");
	htmlpage_esc(o, first->code);
	buf_adds(
	    o, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	       "content=\"width=device-width, initial-scale=1\">\n<title>");
	htmlpage_esc(o, htmlpage_str(first, "title"));
	buf_adds(o, "</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n"
		    "</head>\n<body>\n<main>\n<h1>");
	htmlpage_esc(o, htmlpage_str(first, "title"));
	buf_adds(o, "</h1>\n<ul class=\"codes\">\n");
	for (size_t i = 0; i < s->nlangs; i++) {
		const struct kb_lang *l = s->langs[i];

		buf_adds(o, "<li lang=\"");
		htmlpage_esc(o, l->code);
		buf_adds(o, "\"><a href=\"");
		htmlpage_esc(o, l->code);
		buf_adds(o, "/index.html\" hreflang=\"");
		htmlpage_esc(o, l->code);
		buf_adds(o, "\"><span class=\"code\">");
		htmlpage_esc(o, l->name);
		buf_adds(o, "</span> ");
		htmlpage_esc(o, htmlpage_str(l, "title"));
		buf_adds(o, "</a></li>\n");
	}
	buf_adds(o, "</ul>\n</main>\n</body>\n</html>\n");
}

/* write_lang - every page of one language */
static int write_lang(struct site *s, const struct kb_lang *l, struct buf *o)
{
	char name[32];
	int rc = -1;

	buf_reset(o);
	buf_printf(o, "%s/%s", s->dir, l->code);
	if (htmlpage_mkdir(s, o->s) < 0)
		goto out;
	buf_reset(o);
	index_page(s, o, l);
	if (htmlpage_write(s, l->code, "index.html", o) < 0)
		goto out;
	for (size_t i = 0; i < s->npages; i++) {
		buf_reset(o);
		code_page(s, o, l, s->pages[i]);
		snprintf(name, sizeof(name), "%s.html", s->pages[i]->key);
		if (htmlpage_write(s, l->code, name, o) < 0)
			goto out;
	}
	for (size_t i = 0; i < s->cfg->ncompare; i++) {
		const struct help_pair *hp = &s->cfg->compare[i];

		buf_reset(o);
		htmlpage_compare(s, o, l, hp);
		snprintf(name, sizeof(name), "%s-vs-%s.html", hp->a, hp->b);
		if (htmlpage_write(s, l->code, name, o) < 0)
			goto out;
	}
	rc = 0;
out:
	return rc;
}

/* htmlsite_write - see htmlsite.h */
int htmlsite_write(const struct config *cfg, const char *dir, char *err,
		   size_t errlen)
{
	struct site s;
	struct buf o;
	int rc = -1;

	buf_init(&o);
	if (htmlpage_init(&s, cfg, dir, err, errlen) < 0 ||
	    check_strings(&s) < 0 || htmlpage_mkdir(&s, dir) < 0)
		goto out;
	buf_adds(&o, site_css);
	if (htmlpage_write(&s, NULL, "style.css", &o) < 0)
		goto out;
	buf_reset(&o);
	root_page(&s, &o);
	if (htmlpage_write(&s, NULL, "index.html", &o) < 0)
		goto out;
	for (size_t i = 0; i < s.nlangs; i++)
		if (write_lang(&s, s.langs[i], &o) < 0)
			goto out;
	rc = 0;
out:
	htmlpage_release(&s);
	buf_release(&o);
	return rc;
}
