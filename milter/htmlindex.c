/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlindex - the index of each language and the site's root index
 *
 * Exports: see htmlindex.h. Each item of an index carries, in data-k, the
 * lowercased words the filter matches (its key, the class forms of an
 * X.s.d key, its title in ASCII); without JavaScript the filter box stays
 * hidden and the whole list shows.
 */
#include "htmlindex.h"
#include "htmlcompare.h"
#include "htmlframe.h"
#include "htmlprovider.h"
#include "sanitize.h"

#include <ctype.h>
#include <string.h>

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

/* index_item - one code of the index, with the words the filter matches */
static void index_item(struct buf *o, const struct kb_lang *l,
		       const struct page *p)
{
	const struct kb_entry *e;
	struct buf k;
	char key[32];
	int how;

	e = htmlpage_resolve(l, p, &how);
	buf_init(&k);
	buf_adds(&k, p->key);
	for (int c = 2; p->kind == SMTP_KEY_ENHANCED && p->cls == 0 && c <= 5;
	     c += c == 2 ? 2 : 1) {
		htmlpage_enh_key(p, c, key, sizeof(key));
		buf_printf(&k, " %s", key);
	}
	if (e && how != RES_FALLBACK) {
		buf_addc(&k, ' ');
		sanitize_text(&k, e->title, strlen(e->title), 0);
	}
	for (char *c = k.s; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	buf_adds(o, "<li data-k=\"");
	htmlframe_esc(o, k.s);
	buf_printf(o, "\"><a href=\"%s.html\"><span class=\"code\">%s</span> ",
		   p->key, p->key);
	if (e && how != RES_FALLBACK)
		htmlframe_esc(o, e->title);
	buf_adds(o, "</a></li>\n");
	buf_release(&k);
}

/* index_group - a filterable section of the pages that match */
static void index_group(const struct site *s, struct buf *o,
			const struct kb_lang *l, int level,
			const char *heading_html, enum smtp_key_kind kind,
			int cls, int subject)
{
	int any = 0;

	for (size_t i = 0; i < s->npages; i++) {
		const struct page *p = s->pages[i];

		if (!p->listed || p->kind != kind ||
		    (cls >= 0 &&
		     (p->kind == SMTP_KEY_ENHANCED ? 0 : p->cls) != cls) ||
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

/* index_pairs - the comparisons, filterable by both codes and titles */
static void index_pairs(const struct site *s, struct buf *o,
			const struct kb_lang *l, struct buf *h)
{
	buf_adds(o, "<section class=\"group\">\n<h2>");
	htmlframe_esc(o, htmlpage_str(l, "comparisons"));
	buf_adds(o, "</h2>\n<ul class=\"codes\">\n");
	for (size_t i = 0; i < s->cfg->ncompare; i++) {
		const struct help_pair *hp = &s->cfg->compare[i];
		const struct kb_entry *a = kb_get(l, hp->a),
				      *b = kb_get(l, hp->b);

		buf_reset(h);
		buf_printf(h, "%s %s %s-vs-%s ", hp->a, hp->b, hp->a, hp->b);
		sanitize_text(h, a->title, strlen(a->title), 0);
		buf_addc(h, ' ');
		sanitize_text(h, b->title, strlen(b->title), 0);
		for (char *c = h->s; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		buf_adds(o, "<li data-k=\"");
		htmlframe_esc(o, h->s);
		buf_printf(o, "\"><a href=\"%s-vs-%s.html\">", hp->a, hp->b);
		htmlcompare_title(o, l, hp);
		buf_adds(o, " &mdash; ");
		htmlframe_esc(o, a->title);
		buf_adds(o, " / ");
		htmlframe_esc(o, b->title);
		buf_adds(o, "</a></li>\n");
	}
	buf_adds(o, "</ul>\n</section>\n");
}

/* index_providers - a link per provider source, filterable by its rules */
static void index_providers(const struct site *s, struct buf *o,
			    const struct kb_lang *l, struct buf *h)
{
	const struct provider_set *ps = s->cfg->providers;
	char file[96];

	buf_adds(o, "<section class=\"group\">\n<h2>");
	htmlframe_esc(o, htmlpage_str(l, "providers"));
	buf_adds(o, "</h2>\n<ul class=\"codes\">\n");
	for (size_t i = 0; i < ps->nsources; i++) {
		const struct provider_source *src = ps->sources[i];
		const char *name = provider_name(src, l->code);

		buf_reset(h);
		buf_printf(h, "%s ", src->id);
		sanitize_text(h, name, strlen(name), 0);
		for (size_t k = 0; k < src->nrules; k++) {
			const struct kb_entry *e =
			    provider_text(src->rules[k], l->code);

			buf_printf(h, " %s ", src->rules[k]->id);
			if (e)
				sanitize_text(h, e->title, strlen(e->title), 0);
		}
		for (char *c = h->s; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		htmlprovider_file(src, file, sizeof(file));
		buf_adds(o, "<li data-k=\"");
		htmlframe_esc(o, h->s);
		buf_adds(o, "\"><a href=\"");
		htmlframe_esc(o, file);
		buf_adds(o, "\">");
		htmlframe_esc(o, name);
		buf_printf(o, " <span class=\"count\">(%zu)</span></a></li>\n",
			   src->nrules);
	}
	buf_adds(o, "</ul>\n</section>\n");
}

/* htmlindex_lang - see htmlindex.h */
void htmlindex_lang(const struct site *s, struct buf *o,
		    const struct kb_lang *l)
{
	struct buf h;
	int maxsub = -1;

	buf_init(&h);
	htmlframe_head(s, o, l, "index.html", htmlpage_str(l, "title"), 0);
	buf_adds(o, "<h1>");
	htmlframe_esc(o, htmlpage_str(l, "title"));
	buf_adds(o, "</h1>\n<p>");
	htmlframe_esc(o, htmlpage_str(l, "intro"));
	buf_adds(o, "</p>\n<div class=\"filter\" id=\"filterbox\" hidden>"
		    "<label for=\"q\">");
	htmlframe_esc(o, htmlpage_str(l, "filter"));
	buf_adds(o,
		 "</label><input type=\"search\" id=\"q\" autocomplete=\"off\" "
		 "spellcheck=\"false\" placeholder=\"");
	htmlframe_esc(o, htmlpage_str(l, "filter_hint"));
	buf_adds(o, "\"></div>\n<p class=\"note\" id=\"none\" hidden>");
	htmlframe_esc(o, htmlpage_str(l, "no_match"));
	buf_adds(o, "</p>\n<section class=\"group\">\n<h2>");
	htmlframe_esc(o, htmlpage_str(l, "reply_codes"));
	buf_adds(o, "</h2>\n");
	for (int c = 2; c <= 5; c++) {
		buf_reset(&h);
		buf_printf(&h, "<span class=\"code\">%dxx</span> &middot; ", c);
		htmlframe_esc(&h, htmlpage_strf(l, "class_", c));
		index_group(s, o, l, 3, h.s, SMTP_KEY_BASIC, c, -1);
	}
	buf_adds(o, "</section>\n<section class=\"group\">\n<h2>");
	htmlframe_esc(o, htmlpage_str(l, "enhanced_codes"));
	buf_adds(o, "</h2>\n");
	for (size_t i = 0; i < s->npages; i++)
		if (s->pages[i]->kind == SMTP_KEY_ENHANCED &&
		    s->pages[i]->st.subject > maxsub)
			maxsub = s->pages[i]->st.subject;
	for (int sub = 0; sub <= maxsub; sub++) {
		const char *name = htmlpage_strf(l, "subject_", sub);

		buf_reset(&h);
		buf_printf(&h, "<span class=\"code\">X.%d.X</span>", sub);
		if (name) {
			buf_adds(&h, " &middot; ");
			htmlframe_esc(&h, name);
		}
		index_group(s, o, l, 3, h.s, SMTP_KEY_ENHANCED, -1, sub);
	}
	buf_adds(o, "</section>\n");
	buf_reset(&h);
	htmlframe_esc(&h, htmlpage_str(l, "class_defaults"));
	index_group(s, o, l, 2, h.s, SMTP_KEY_CLASS, -1, -1);
	if (s->cfg->ncompare)
		index_pairs(s, o, l, &h);
	if (s->cfg->providers && s->cfg->providers->nsources)
		index_providers(s, o, l, &h);
	buf_adds(o, filter_js);
	htmlframe_foot(o, l);
	buf_release(&h);
}

/* htmlindex_root - see htmlindex.h */
void htmlindex_root(const struct site *s, struct buf *o)
{
	const struct kb_lang *first = s->langs[0];

	buf_adds(o, "<!DOCTYPE html>\n<html lang=\"");
	htmlframe_esc(o, first->code);
	buf_adds(
	    o, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	       "content=\"width=device-width, initial-scale=1\">\n<title>");
	htmlframe_esc(o, htmlpage_str(first, "title"));
	buf_adds(o, "</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n"
		    "</head>\n<body>\n<main>\n<h1>");
	htmlframe_esc(o, htmlpage_str(first, "title"));
	buf_adds(o, "</h1>\n<ul class=\"codes\">\n");
	for (size_t i = 0; i < s->nlangs; i++) {
		const struct kb_lang *l = s->langs[i];

		buf_adds(o, "<li lang=\"");
		htmlframe_esc(o, l->code);
		buf_adds(o, "\"><a href=\"");
		htmlframe_esc(o, l->code);
		buf_adds(o, "/index.html\" hreflang=\"");
		htmlframe_esc(o, l->code);
		buf_adds(o, "\"><span class=\"code\">");
		htmlframe_esc(o, l->name);
		buf_adds(o, "</span> ");
		htmlframe_esc(o, htmlpage_str(l, "title"));
		buf_adds(o, "</a></li>\n");
	}
	buf_adds(o, "</ul>\n</main>\n</body>\n</html>\n");
}
