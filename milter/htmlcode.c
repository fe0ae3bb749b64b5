/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlcode - the page of one code
 *
 * Exports: see htmlcode.h. Links to other pages are relative
 * ("<key>.html"): the site works from any URL.
 */
#include "htmlcode.h"
#include "hash.h"
#include "htmlcompare.h"
#include "htmlframe.h"

#include <stdio.h>
#include <string.h>

/* put_facts - class, outcome, retry and area of a page's code */
static void put_facts(struct buf *o, const struct kb_lang *l,
		      const struct page *p)
{
	const char *v;

	buf_printf(o, "<dl class=\"facts k%d\">\n<dt>", p->cls);
	htmlframe_esc(o, htmlpage_str(l, "class"));
	buf_adds(o, "</dt><dd>");
	if (p->cls == 0)
		htmlframe_esc(o, htmlpage_str(l, "enhanced_x"));
	else
		htmlframe_class(o, l, p->cls, p->enh);
	buf_adds(o, "</dd>\n");
	if (p->cls) {
		buf_adds(o, "<dt>");
		htmlframe_esc(o, htmlpage_str(l, "outcome"));
		buf_adds(o, "</dt><dd>");
		htmlframe_esc(o, htmlpage_strf(l, "outcome_", p->cls));
		buf_adds(o, "</dd>\n<dt>");
		htmlframe_esc(o, htmlpage_str(l, "retry"));
		buf_adds(o, "</dt><dd>");
		htmlframe_esc(o, htmlpage_strf(l, "retry_", p->cls));
		buf_adds(o, "</dd>\n");
	}
	if (p->kind == SMTP_KEY_BASIC) {
		buf_adds(o, "<dt>");
		htmlframe_esc(o, htmlpage_str(l, "area"));
		buf_printf(
		    o, "</dt><dd><span class=\"code\">x%dx</span> &middot; ",
		    p->code / 10 % 10);
		htmlframe_esc(o, htmlpage_strf(l, "area_", p->code / 10 % 10));
		buf_adds(o, "</dd>\n");
	} else if (p->kind == SMTP_KEY_ENHANCED &&
		   (v = htmlpage_strf(l, "subject_", p->st.subject)) != NULL) {
		buf_adds(o, "<dt>");
		htmlframe_esc(o, htmlpage_str(l, "area"));
		buf_printf(
		    o, "</dt><dd><span class=\"code\">X.%d.X</span> &middot; ",
		    p->st.subject);
		htmlframe_esc(o, v);
		buf_adds(o, "</dd>\n");
	}
	buf_adds(o, "</dl>\n");
}

/* put_link - a list item linking to the page of key, with its title */
static void put_link(const struct site *s, struct buf *o,
		     const struct kb_lang *l, const char *key,
		     const char *label)
{
	const struct page *p = hash_get(s->index, key);
	const struct kb_entry *e;
	int how;

	if (p == NULL)
		return;
	e = htmlpage_resolve(l, p, &how);
	buf_printf(o, "<li><a href=\"%s.html\"><span class=\"code\">%s</span> ",
		   p->key, p->key);
	htmlframe_esc(o, label			    ? label
			 : e && how != RES_FALLBACK ? e->title
						    : "");
	buf_adds(o, "</a></li>\n");
}

/* code_notes - why the page shows another entry than its own, if it does */
static void code_notes(struct buf *o, const struct kb_lang *l,
		       const struct kb_entry *e, int how)
{
	if (how == RES_GENERAL) {
		buf_adds(o, "<p class=\"note\">");
		htmlframe_esc(o, htmlpage_str(l, "general_note"));
		buf_printf(
		    o,
		    " <a href=\"%s.html\"><span class=\"code\">%s</span></a>"
		    "</p>\n",
		    e->key, e->key);
	}
	if (how == RES_FALLBACK) {
		buf_adds(o, "<p class=\"note\">");
		htmlframe_esc(o, l->head.class_fallback);
		if (e)
			buf_printf(
			    o,
			    " <a href=\"%s.html\"><span class=\"code\">%s"
			    "</span></a>",
			    e->key, e->key);
		buf_adds(o, "</p>\n");
	}
}

/* code_compare - the comparison pages a basic code is part of */
static void code_compare(const struct site *s, struct buf *o,
			 const struct kb_lang *l, const struct page *p)
{
	int any = 0;

	for (size_t i = 0; i < s->cfg->ncompare; i++) {
		const struct help_pair *hp = &s->cfg->compare[i];

		if (strcmp(hp->a, p->key) && strcmp(hp->b, p->key))
			continue;
		if (!any++) {
			buf_adds(o, "<section>\n<h2>");
			htmlframe_esc(o, htmlpage_str(l, "compare_with"));
			buf_adds(o, "</h2>\n<ul class=\"links\">\n");
		}
		buf_printf(o, "<li><a href=\"%s-vs-%s.html\">", hp->a, hp->b);
		htmlcompare_title(o, l, hp);
		buf_adds(o, "</a></li>\n");
	}
	if (any)
		buf_adds(o, "</ul>\n</section>\n");
}

/* code_related - the class forms of an X.s.d page, else the related pages */
static void code_related(const struct site *s, struct buf *o,
			 const struct kb_lang *l, const struct page *p,
			 const struct kb_entry *e, int how)
{
	char key[32];

	buf_adds(o, "<section>\n<h2>");
	if (p->kind == SMTP_KEY_ENHANCED && p->cls == 0) {
		htmlframe_esc(o, htmlpage_str(l, "class_forms"));
		buf_adds(o, "</h2>\n<ul class=\"links\">\n");
		for (int c = 2; c <= 5; c += c == 2 ? 2 : 1) {
			struct buf name;

			buf_init(&name);
			htmlframe_class_name(&name, l, c, 1);
			htmlpage_enh_key(p, c, key, sizeof(key));
			put_link(s, o, l, key, name.s);
			buf_release(&name);
		}
	} else {
		htmlframe_esc(o, htmlpage_str(l, "related"));
		buf_adds(o, "</h2>\n<ul class=\"links\">\n");
		for (size_t i = 0; e && how != RES_FALLBACK && i < e->related.n;
		     i++)
			put_link(s, o, l, e->related.v[i], NULL);
		if (p->kind == SMTP_KEY_ENHANCED) {
			htmlpage_enh_key(p, 0, key, sizeof(key));
			put_link(s, o, l, key, htmlpage_str(l, "general_form"));
		}
		if (p->kind != SMTP_KEY_CLASS) {
			htmlpage_class_key(p, key, sizeof(key));
			if (strcmp(key, e && how == RES_FALLBACK ? e->key : ""))
				put_link(s, o, l, key, NULL);
		}
		buf_adds(o, "<li><a href=\"index.html\">");
		htmlframe_esc(o, htmlpage_str(l, "all_codes"));
		buf_adds(o, "</a></li>\n");
	}
	buf_adds(o, "</ul>\n</section>\n");
}

/* htmlcode_page - see htmlcode.h */
void htmlcode_page(const struct site *s, struct buf *o, const struct kb_lang *l,
		   const struct page *p)
{
	const struct kb_entry *e;
	struct buf title;
	char file[32];
	int how;

	e = htmlpage_resolve(l, p, &how);
	buf_init(&title);
	buf_printf(&title, "%s ", p->key);
	if (e && how != RES_FALLBACK)
		buf_adds(&title, e->title);
	else
		htmlframe_class_name(&title, l, p->cls, p->enh);
	snprintf(file, sizeof(file), "%s.html", p->key);
	htmlframe_head(s, o, l, file, title.s,
		       !p->listed && how == RES_FALLBACK);
	buf_printf(o, "<h1><span class=\"code\">%s</span> ", p->key);
	htmlframe_esc(o, title.s + strlen(p->key) + 1);
	buf_adds(o, "</h1>\n");
	put_facts(o, l, p);
	code_notes(o, l, e, how);
	if (e) {
		htmlframe_entry(s, o, l, p, e, 2);
		htmlframe_wire(s, o, l, p, e);
	}
	if (p->kind == SMTP_KEY_BASIC)
		code_compare(s, o, l, p);
	code_related(s, o, l, p, e, how);
	htmlframe_foot(o, l);
	buf_release(&title);
}
