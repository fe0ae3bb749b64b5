/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlframe - escaping and the frame shared by every page of the help site
 *
 * Exports: see htmlframe.h. Every string that reaches a page goes through
 * htmlframe_escape; the only markup written unescaped is the html*.c
 * files' own.
 */
#include "htmlframe.h"
#include "template.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* htmlframe_escape - see htmlframe.h */
void htmlframe_escape(struct buf *out, const char *s, size_t n)
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

/* htmlframe_esc - see htmlframe.h */
void htmlframe_esc(struct buf *o, const char *s)
{
	htmlframe_escape(o, s ? s : "", s ? strlen(s) : 0);
}

/* template values on a page: the site's variables, the page's code */
struct fill {
	const struct config *cfg;
	const struct page *p;
	char tmp[48];
};

/* fill_lookup - template_lookup_fn; a session value shows as "[name]" */
static const char *fill_lookup(const char *name, size_t len, void *ctx)
{
	struct fill *f = ctx;
	const char *v;

	if (len == 8 && memcmp(name, "help_url", 8) == 0 && f->cfg->help_url)
		return f->cfg->help_url;
	if (len == 4 && memcmp(name, "code", 4) == 0 && f->p && f->p->code)
		return f->p->key;
	if (len == 13 && memcmp(name, "enhanced_code", 13) == 0 && f->p &&
	    f->p->kind == SMTP_KEY_ENHANCED)
		return f->p->key;
	if ((v = config_var(f->cfg, name, len)) != NULL)
		return v;
	snprintf(f->tmp, sizeof(f->tmp), "[%.*s]", len > 40 ? 40 : (int)len,
		 name);
	return f->tmp;
}

/* url_at - length of an http(s) URL starting at u, or 0 */
static size_t url_at(const char *u)
{
	size_t n;

	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return 0;
	n = strcspn(u, " \t<>\"'");
	while (n && strchr(".,;:!?)", u[n - 1]))
		n--;
	return n > 8 ? n : 0;
}

/* htmlframe_url - see htmlframe.h */
void htmlframe_url(struct buf *o, const char *url, size_t n)
{
	buf_adds(o, "<a href=\"");
	htmlframe_escape(o, url, n);
	buf_adds(o, "\">");
	htmlframe_escape(o, url, n);
	buf_adds(o, "</a>");
}

/* htmlframe_text - see htmlframe.h */
void htmlframe_text(const struct site *s, struct buf *o, const struct page *p,
		    const char *text)
{
	struct fill f = {s->cfg, p, ""};
	struct buf t;
	const char *q, *start;
	size_t n;

	buf_init(&t);
	template_render(&t, text, fill_lookup, &f);
	for (q = start = t.s; *q; q++) {
		if ((q == t.s || !isalnum((unsigned char)q[-1])) &&
		    (n = url_at(q)) != 0) {
			htmlframe_escape(o, start, (size_t)(q - start));
			htmlframe_url(o, q, n);
			q += n - 1;
			start = q + 1;
		}
	}
	htmlframe_escape(o, start, (size_t)(q - start));
	buf_release(&t);
}

/* htmlframe_class_name - see htmlframe.h */
void htmlframe_class_name(struct buf *o, const struct kb_lang *l, int cls,
			  int enh)
{
	const char *v = htmlpage_strf(l, enh ? "enhanced_" : "class_", cls);

	buf_adds(o, v ? v : "");
}

/* htmlframe_class - see htmlframe.h */
void htmlframe_class(struct buf *o, const struct kb_lang *l, int cls, int enh)
{
	struct buf name;

	buf_init(&name);
	htmlframe_class_name(&name, l, cls, enh);
	buf_printf(o,
		   enh ? "<span class=\"code\">%d.X.X</span> &middot; "
		       : "<span class=\"code\">%dxx</span> &middot; ",
		   cls);
	htmlframe_esc(o, name.s);
	buf_release(&name);
}

/* htmlframe_head - see htmlframe.h */
void htmlframe_head(const struct site *s, struct buf *o,
		    const struct kb_lang *l, const char *file,
		    const char *title, int noindex)
{
	const char *site_title = htmlpage_str(l, "title");

	buf_adds(o, "<!DOCTYPE html>\n<html lang=\"");
	htmlframe_esc(o, l->code);
	buf_adds(
	    o, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	       "content=\"width=device-width, initial-scale=1\">\n<title>");
	htmlframe_esc(o, title);
	if (strcmp(title, site_title) != 0) {
		buf_adds(o, " &middot; ");
		htmlframe_esc(o, site_title);
	}
	buf_adds(o,
		 "</title>\n<link rel=\"stylesheet\" href=\"../style.css\">\n");
	if (noindex)
		buf_adds(o, "<meta name=\"robots\" content=\"noindex\">\n");
	if (s->cfg->help_url) {
		buf_adds(o, "<link rel=\"canonical\" href=\"");
		htmlframe_esc(o, s->cfg->help_url);
		buf_addc(o, '/');
		htmlframe_esc(o, l->code);
		buf_addc(o, '/');
		htmlframe_esc(o, file);
		buf_adds(o, "\">\n");
	}
	for (size_t i = 0; i < s->nlangs; i++) {
		if (s->langs[i] == l)
			continue;
		buf_adds(o, "<link rel=\"alternate\" hreflang=\"");
		htmlframe_esc(o, s->langs[i]->code);
		buf_adds(o, "\" href=\"../");
		htmlframe_esc(o, s->langs[i]->code);
		buf_addc(o, '/');
		htmlframe_esc(o, file);
		buf_adds(o, "\">\n");
	}
	buf_adds(o, "</head>\n<body>\n<header class=\"top\"><nav>");
	if (strcmp(file, "index.html") != 0) {
		buf_adds(o, "<a href=\"index.html\">");
		htmlframe_esc(o, htmlpage_str(l, "all_codes"));
		buf_adds(o, "</a>");
	} else {
		buf_adds(o, "<a href=\"../index.html\">");
		htmlframe_esc(o, site_title);
		buf_adds(o, "</a>");
	}
	if (s->nlangs > 1) {
		buf_adds(o, "<span class=\"langs\" title=\"");
		htmlframe_esc(o, htmlpage_str(l, "languages"));
		buf_adds(o, "\">");
		for (size_t i = 0; i < s->nlangs; i++) {
			if (s->langs[i] == l)
				continue;
			buf_adds(o, "<a href=\"../");
			htmlframe_esc(o, s->langs[i]->code);
			buf_addc(o, '/');
			htmlframe_esc(o, file);
			buf_adds(o, "\" hreflang=\"");
			htmlframe_esc(o, s->langs[i]->code);
			buf_adds(o, "\" lang=\"");
			htmlframe_esc(o, s->langs[i]->code);
			buf_adds(o, "\">");
			htmlframe_esc(o, s->langs[i]->name);
			buf_adds(o, "</a>");
		}
		buf_adds(o, "</span>");
	}
	buf_adds(o, "</nav></header>\n<main>\n");
}

/* htmlframe_foot - see htmlframe.h */
void htmlframe_foot(struct buf *o, const struct kb_lang *l)
{
	buf_adds(o, "</main>\n<footer><p>");
	htmlframe_esc(o, htmlpage_str(l, "generated"));
	buf_adds(o, "</p></footer>\n</body>\n</html>\n");
}

/* htmlframe_heading - see htmlframe.h */
void htmlframe_heading(struct buf *o, int level, const char *text)
{
	buf_printf(o, "<h%d>", level);
	htmlframe_esc(o, text);
	buf_printf(o, "</h%d>\n", level);
}

/* htmlframe_fix - see htmlframe.h */
void htmlframe_fix(const struct site *s, struct buf *o, const struct kb_lang *l,
		   const struct page *p, const struct kb_entry *e, int level)
{
	if (e->admin)
		htmlframe_heading(o, level, l->head.sender);
	buf_adds(o, "<p>");
	htmlframe_text(s, o, p, e->fix);
	buf_adds(o, "</p>\n");
	if (e->admin) {
		htmlframe_heading(o, level, l->head.admin);
		buf_adds(o, "<p>");
		htmlframe_text(s, o, p, e->admin);
		buf_adds(o, "</p>\n");
	}
}

/* htmlframe_entry - see htmlframe.h */
void htmlframe_entry(const struct site *s, struct buf *o,
		     const struct kb_lang *l, const struct page *p,
		     const struct kb_entry *e, int level)
{
	buf_adds(o, "<section>\n");
	htmlframe_heading(o, level, l->head.description);
	buf_adds(o, "<p>");
	htmlframe_text(s, o, p, e->description);
	buf_adds(o, "</p>\n</section>\n<section>\n");
	htmlframe_heading(o, level, l->head.when);
	buf_adds(o, "<p>");
	htmlframe_text(s, o, p, e->when);
	buf_adds(o, "</p>\n</section>\n<section>\n");
	htmlframe_heading(o, level, l->head.fix);
	htmlframe_fix(s, o, l, p, e, level + 1);
	buf_adds(o, "</section>\n");
}

/* htmlframe_wire - see htmlframe.h */
void htmlframe_wire(const struct site *s, struct buf *o,
		    const struct kb_lang *l, const struct page *p,
		    const struct kb_entry *e)
{
	buf_adds(o, "<section>\n");
	htmlframe_heading(o, 2, htmlpage_str(l, "on_the_wire"));
	buf_adds(o, "<ul class=\"wire\">\n");
	for (size_t i = 0; i < e->shorts.n + e->append.n; i++) {
		buf_adds(o, "<li>");
		htmlframe_text(s, o, p,
			       i < e->shorts.n ? e->shorts.v[i]
					       : e->append.v[i - e->shorts.n]);
		buf_adds(o, "</li>\n");
	}
	buf_adds(o, "</ul>\n</section>\n");
}
