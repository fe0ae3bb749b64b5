/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlcompare - the comparison page of two reply codes
 *
 * Exports: see htmlcompare.h. The key differences of a pair that the
 * language's compare.conf describes are written by hand: a paragraph,
 * which command each code answers, who must act and what happens next
 * (kb_compare.h); the class, outcome and area rows, and for a pair
 * without such a text the retry row, come from the site strings of each
 * code's digits; a row shows one value when both codes share it.
 */
#include "htmlcompare.h"
#include "hash.h"
#include "htmlframe.h"

#include <stdio.h>

/* htmlcompare_title - see htmlcompare.h */
void htmlcompare_title(struct buf *o, const struct kb_lang *l,
		       const struct help_pair *hp)
{
	buf_printf(o, "SMTP <span class=\"code\">%s</span> ", hp->a);
	htmlframe_esc(o, htmlpage_str(l, "vs"));
	buf_printf(o, " <span class=\"code\">%s</span>", hp->b);
}

/* diff_row - one aspect of two codes: each code's value, or one if equal */
static void diff_row(struct buf *o, const struct kb_lang *l, const char *label,
		     const struct help_pair *hp, const char *prefix, int va,
		     int vb, int note)
{
	const char *code[2] = {hp->a, hp->b};
	int v[2] = {va, vb};

	buf_adds(o, "<dt>");
	htmlframe_esc(o, label);
	buf_adds(o, "</dt>\n");
	for (int i = 0; i < (va == vb ? 1 : 2); i++) {
		buf_adds(o, "<dd>");
		if (va == vb) {
			buf_adds(o, "<em>");
			htmlframe_esc(o, htmlpage_str(l, "same_for_both"));
			buf_adds(o, "</em>");
		} else {
			buf_printf(o, "<span class=\"code\">%s</span>",
				   code[i]);
		}
		buf_adds(o, " &mdash; ");
		if (note) /* the digit's place: "5xx" or "x5x" */
			buf_printf(o,
				   note == 1
				       ? "<span class=\"code\">%dxx</span> "
					 "&middot; "
				       : "<span class=\"code\">x%dx"
					 "</span> &middot; ",
				   v[i]);
		htmlframe_esc(o, htmlpage_strf(l, prefix, v[i]));
		buf_adds(o, "</dd>\n");
	}
}

/* aspect_row - one hand-written aspect of the pair: each code's text */
static void aspect_row(const struct site *s, struct buf *o, const char *label,
		       const struct help_pair *hp, const struct kb_compare *c,
		       int swapped, int k)
{
	const char *code[2] = {hp->a, hp->b};

	buf_adds(o, "<dt>");
	htmlframe_esc(o, label);
	buf_adds(o, "</dt>\n");
	for (int i = 0; i < 2; i++) {
		buf_printf(o, "<dd><span class=\"code\">%s</span> &mdash; ",
			   code[i]);
		htmlframe_text(s, o, NULL, c->aspect[k][swapped ? 1 - i : i]);
		buf_adds(o, "</dd>\n");
	}
}

/* compare_sections - description, when and fix of both codes, side by side */
static void compare_sections(const struct site *s, struct buf *o,
			     const struct kb_lang *l,
			     const struct help_pair *hp,
			     const struct page *const p[2],
			     const struct kb_entry *const e[2])
{
	const char *code[2] = {hp->a, hp->b};
	const char *heads[3] = {l->head.description, l->head.when, l->head.fix};

	for (int h = 0; h < 3; h++) {
		buf_adds(o, "<section>\n");
		htmlframe_heading(o, 2, heads[h]);
		buf_adds(o, "<div class=\"pair\">\n");
		for (int i = 0; i < 2; i++) {
			buf_printf(o,
				   "<div class=\"card k%d\">\n<h3><span "
				   "class=\"code\">"
				   "%s</span> ",
				   p[i]->cls, code[i]);
			htmlframe_esc(o, e[i]->title);
			buf_adds(o, "</h3>\n");
			if (h == 2) {
				htmlframe_fix(s, o, l, p[i], e[i], 4);
			} else {
				buf_adds(o, "<p>");
				htmlframe_text(s, o, p[i],
					       h ? e[i]->when
						 : e[i]->description);
				buf_adds(o, "</p>\n");
			}
			buf_adds(o, "</div>\n");
		}
		buf_adds(o, "</div>\n</section>\n");
	}
}

/* htmlcompare_page - see htmlcompare.h */
void htmlcompare_page(const struct site *s, struct buf *o,
		      const struct kb_lang *l, const struct help_pair *hp)
{
	const char *code[2] = {hp->a, hp->b};
	const struct kb_entry *e[2] = {kb_get(l, hp->a), kb_get(l, hp->b)};
	const struct page *p[2] = {hash_get(s->index, hp->a),
				   hash_get(s->index, hp->b)};
	static const char *const labels[KB_CMP_ASPECTS] = {"answers", "who_acts",
							    "next_step"};
	int swapped;
	const struct kb_compare *c =
	    kb_compare_get(&l->compares, hp->a, hp->b, &swapped);
	char file[32];
	struct buf title;

	buf_init(&title);
	buf_printf(&title, "SMTP %s %s %s", hp->a, htmlpage_str(l, "vs"),
		   hp->b);
	snprintf(file, sizeof(file), "%s-vs-%s.html", hp->a, hp->b);
	htmlframe_head(s, o, l, file, title.s, 0);
	buf_adds(o, "<h1>");
	htmlcompare_title(o, l, hp);
	buf_adds(o, "</h1>\n<div class=\"pair\">\n");
	for (int i = 0; i < 2; i++) {
		buf_printf(o,
			   "<div class=\"card k%d\">\n<h2><a href=\"%s.html\">"
			   "<span class=\"code\">%s</span> ",
			   p[i]->cls, code[i], code[i]);
		htmlframe_esc(o, e[i]->title);
		buf_adds(o, "</a></h2>\n<p>");
		htmlframe_class(o, l, p[i]->cls, 0);
		buf_adds(o, "</p>\n<p>");
		htmlframe_esc(o, htmlpage_strf(l, "outcome_", p[i]->cls));
		buf_adds(o, "</p>\n</div>\n");
	}
	buf_adds(o, "</div>\n<section>\n");
	htmlframe_heading(o, 2, htmlpage_str(l, "key_differences"));
	if (c) {
		buf_adds(o, "<p class=\"summary\">");
		htmlframe_text(s, o, NULL, c->summary);
		buf_adds(o, "</p>\n");
	}
	buf_adds(o, "<dl class=\"diff\">\n<dt>");
	htmlframe_esc(o, htmlpage_str(l, "meaning"));
	buf_adds(o, "</dt>\n");
	for (int i = 0; i < 2; i++) {
		buf_printf(o, "<dd><span class=\"code\">%s</span> &mdash; ",
			   code[i]);
		htmlframe_esc(o, e[i]->title);
		buf_adds(o, "</dd>\n");
	}
	for (int k = 0; c && k < KB_CMP_ASPECTS; k++)
		aspect_row(s, o, htmlpage_str(l, labels[k]), hp, c, swapped, k);
	diff_row(o, l, htmlpage_str(l, "class"), hp, "class_", p[0]->cls,
		 p[1]->cls, 1);
	diff_row(o, l, htmlpage_str(l, "outcome"), hp, "outcome_", p[0]->cls,
		 p[1]->cls, 0);
	if (c == NULL) /* the digits' retry row: right for a mail transaction */
		diff_row(o, l, htmlpage_str(l, "retry"), hp, "retry_",
			 p[0]->cls, p[1]->cls, 0);
	diff_row(o, l, htmlpage_str(l, "area"), hp, "area_",
		 p[0]->code / 10 % 10, p[1]->code / 10 % 10, 2);
	buf_adds(o, "</dl>\n</section>\n");
	compare_sections(s, o, l, hp, p, e);
	htmlframe_foot(o, l);
	buf_release(&title);
}
