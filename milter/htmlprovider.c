/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlprovider - the page of one provider source
 *
 * Exports: see htmlprovider.h. A rule whose text is missing in the page's
 * language shows the text of the first language that has one.
 */
#include "htmlprovider.h"
#include "htmlframe.h"

#include <stdio.h>
#include <string.h>

/* htmlprovider_file - see htmlprovider.h */
void htmlprovider_file(const struct provider_source *src, char *out,
		       size_t outlen)
{
	snprintf(out, outlen, "provider-%s.html", src->id);
}

/* rule_match - how a rule recognises a reply: codes, then its pattern */
static void rule_match(struct buf *o, const struct kb_lang *l,
		       const struct provider_rule *r)
{
	buf_adds(o, "<dt>");
	htmlframe_esc(o, htmlpage_str(l, "match"));
	buf_adds(o, "</dt>\n<dd>");
	if (r->code)
		buf_printf(o, "<span class=\"code\">%d</span>", r->code);
	else
		buf_printf(o, "<span class=\"code\">%dxx</span>",
			   r->code_class);
	if (r->has_enh) {
		buf_adds(o, " &middot; <span class=\"code\">");
		if (r->enh.cls)
			buf_printf(o, "%d", r->enh.cls);
		else
			buf_addc(o, 'X');
		buf_printf(o, ".%d.%d</span>", r->enh.subject, r->enh.detail);
	}
	if (r->pattern) {
		buf_adds(o, " &middot; <code>");
		htmlframe_esc(o, r->pattern);
		buf_adds(o, "</code>");
	}
	buf_adds(o, "</dd>\n<dt>");
	htmlframe_esc(o, htmlpage_str(l, "cite"));
	buf_adds(o, "</dt>\n<dd>");
	htmlframe_url(o, r->cite, strlen(r->cite));
	buf_adds(o, "</dd>\n");
}

/* rule_section - one rule: anchor, title, match, wire lines, entry */
static void rule_section(const struct site *s, struct buf *o,
			 const struct kb_lang *l, const struct provider_rule *r)
{
	const struct kb_entry *e = provider_text(r, l->code);

	if (e == NULL && r->ntexts)
		e = r->texts[0].entry;
	buf_adds(o, "<section class=\"rule\" id=\"");
	htmlframe_esc(o, r->id);
	buf_adds(o, "\">\n<h2>");
	htmlframe_esc(o, e ? e->title : r->id);
	buf_adds(o, "</h2>\n<dl class=\"facts\">\n");
	rule_match(o, l, r);
	buf_adds(o, "</dl>\n");
	if (e == NULL) {
		buf_adds(o, "</section>\n");
		return;
	}
	htmlframe_heading(o, 3, htmlpage_str(l, "on_the_wire"));
	buf_adds(o, "<ul class=\"wire\">\n");
	for (size_t i = 0; i < e->shorts.n; i++) {
		buf_adds(o, "<li>");
		htmlframe_text(s, o, NULL, e->shorts.v[i]);
		buf_adds(o, "</li>\n");
	}
	buf_adds(o, "</ul>\n");
	htmlframe_entry(s, o, l, NULL, e, 3);
	buf_adds(o, "</section>\n");
}

/* htmlprovider_page - see htmlprovider.h */
void htmlprovider_page(const struct site *s, struct buf *o,
		       const struct kb_lang *l,
		       const struct provider_source *src)
{
	const char *name = provider_name(src, l->code);
	char file[96];

	htmlprovider_file(src, file, sizeof(file));
	htmlframe_head(s, o, l, file, name, 0);
	buf_adds(o, "<h1>");
	htmlframe_esc(o, name);
	buf_adds(o, "</h1>\n<p>");
	htmlframe_esc(o, htmlpage_str(l, "provider_intro"));
	buf_adds(o, "</p>\n");
	if (src->help) {
		buf_adds(o, "<p>");
		htmlframe_esc(o, htmlpage_str(l, "provider_help"));
		buf_adds(o, " ");
		htmlframe_url(o, src->help, strlen(src->help));
		buf_adds(o, "</p>\n");
	}
	for (size_t i = 0; i < src->nrules; i++)
		rule_section(s, o, l, src->rules[i]);
	htmlframe_foot(o, l);
}
