/*
 * htmlpage - the pieces of the help site's pages, for htmlsite.c only
 *
 * Exports: see htmlpage.h. Every string that reaches a page goes through
 * htmlsite_escape; the only markup written unescaped is this file's own
 * and htmlsite.c's.
 */
#include "htmlpage.h"
#include "hash.h"
#include "htmlsite.h"
#include "template.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* page_parse - a knowledge-base key into a page; -1 if it is none */
static int page_parse(const char *key, struct page *p)
{
	size_t len = strlen(key);

	memset(p, 0, sizeof(*p));
	if (len >= sizeof(p->key))
		return -1;
	memcpy(p->key, key, len + 1);
	if (len == 3 && key[0] >= '2' && key[0] <= '5' &&
	    strcmp(key + 1, "XX") == 0) {
		p->kind = PAGE_CLASS;
		p->cls = key[0] - '0';
	} else if (len == 5 && key[0] >= '2' && key[0] <= '5' &&
		   strcmp(key + 1, ".X.X") == 0) {
		p->kind = PAGE_CLASS;
		p->cls = key[0] - '0';
		p->enh = 1;
	} else if (smtpcode_parse_basic(key, len, &p->code) == 0) {
		p->kind = PAGE_BASIC;
		p->cls = p->code / 100;
	} else if (smtpcode_parse_enhanced(key, len, &p->st) == 0) {
		p->kind = PAGE_ENHANCED;
		p->cls = p->st.cls;
		p->enh = 1;
	} else {
		return -1;
	}
	return 0;
}

/* page_add - the page of key, added if new; listed if listed */
static void page_add(struct site *s, const char *key, int listed)
{
	struct page *p = hash_get(s->index, key);

	if (p == NULL) {
		p = xmalloc(sizeof(*p));
		if (page_parse(key, p) < 0) {
			free(p);
			return;
		}
		hash_put(s->index, p->key, p);
		s->pages =
		    xrealloc(s->pages, (s->npages + 1) * sizeof(*s->pages));
		s->pages[s->npages++] = p;
	}
	p->listed |= listed;
}

/* page_cmp - basic codes, then enhanced by subject, detail and class */
static int page_cmp(const void *a, const void *b)
{
	const struct page *x = *(struct page *const *)a;
	const struct page *y = *(struct page *const *)b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->kind == PAGE_BASIC)
		return x->code - y->code;
	if (x->kind == PAGE_CLASS)
		return x->enh != y->enh ? x->enh - y->enh : x->cls - y->cls;
	if (x->st.subject != y->st.subject)
		return x->st.subject - y->st.subject;
	if (x->st.detail != y->st.detail)
		return x->st.detail - y->st.detail;
	return x->cls - y->cls;
}

/* htmlpage_init - see htmlpage.h */
int htmlpage_init(struct site *s, const struct config *cfg, const char *dir,
		  char *err, size_t errlen)
{
	const struct kb *kb = cfg->kb;
	char key[24];

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->dir = dir;
	s->err = err;
	s->errlen = errlen;
	s->index = hash_new();
	s->langs = xcalloc(kb->n + 1, sizeof(*s->langs));
	for (size_t i = 0; i < cfg->languages.n; i++) {
		const struct kb_lang *l = kb_lang_get(kb, cfg->languages.v[i]);
		size_t k;

		for (k = 0; l && k < s->nlangs && s->langs[k] != l; k++)
			;
		if (l && k == s->nlangs)
			s->langs[s->nlangs++] = l;
	}
	for (size_t i = 0; i < kb->n; i++) {
		size_t k;

		for (k = 0; k < s->nlangs && s->langs[k] != kb->langs[i]; k++)
			;
		if (k == s->nlangs)
			s->langs[s->nlangs++] = kb->langs[i];
	}
	if (s->nlangs == 0 || *dir == '\0') {
		snprintf(err, errlen, "%s",
			 *dir ? "the knowledge base has no "
				"language"
			      : "--html needs a directory");
		return -1;
	}
	for (size_t i = 0; i < kb->n; i++) {
		for (size_t k = 0; k < kb->langs[i]->n; k++) {
			const char *k2 = kb->langs[i]->all[k]->key;
			struct smtp_status st;

			page_add(s, k2, 1);
			if (k2[0] == 'X' &&
			    smtpcode_parse_enhanced(k2, strlen(k2), &st) == 0) {
				for (int c = 2; c <= 5; c += c == 2 ? 2 : 1) {
					snprintf(key, sizeof(key), "%d.%d.%d",
						 c, st.subject, st.detail);
					page_add(s, key, 0);
				}
			}
		}
	}
	for (int code = 400; code < 600; code++) {
		if (smtpcode_valid(code)) {
			snprintf(key, sizeof(key), "%d", code);
			page_add(s, key, 0);
		}
	}
	qsort(s->pages, s->npages, sizeof(*s->pages), page_cmp);
	return 0;
}

/* htmlpage_release - see htmlpage.h */
void htmlpage_release(struct site *s)
{
	for (size_t i = 0; i < s->npages; i++)
		free(s->pages[i]);
	free(s->pages);
	free(s->langs);
	hash_free(s->index);
	memset(s, 0, sizeof(*s));
}

/* htmlpage_resolve - see htmlpage.h */
const struct kb_entry *htmlpage_resolve(const struct kb_lang *l,
					const struct page *p, int *how)
{
	const struct kb_entry *e;
	struct smtp_status st = {0, 0, 0, 0};
	char key[24];
	int class_only;

	*how = RES_EXACT;
	if ((e = kb_get(l, p->key)) != NULL)
		return e;
	if (p->kind == PAGE_ENHANCED && p->cls) {
		*how = RES_GENERAL;
		snprintf(key, sizeof(key), "X.%d.%d", p->st.subject,
			 p->st.detail);
		if ((e = kb_get(l, key)) != NULL)
			return e;
	}
	*how = RES_FALLBACK;
	if (p->kind == PAGE_CLASS)
		return NULL;
	if (p->kind == PAGE_BASIC)
		st.code = p->code;
	else
		st = p->st;
	return kb_find(l, &st, &class_only);
}

/* htmlpage_str - see htmlpage.h */
const char *htmlpage_str(const struct kb_lang *l, const char *name)
{
	const char *v = hash_get(l->head.site, name);

	return v ? v : "";
}

/* htmlpage_strf - see htmlpage.h */
const char *htmlpage_strf(const struct kb_lang *l, const char *prefix, int n)
{
	char name[48];

	snprintf(name, sizeof(name), "%s%d", prefix, n);
	return hash_get(l->head.site, name);
}

/* htmlpage_esc - see htmlpage.h */
void htmlpage_esc(struct buf *o, const char *s)
{
	htmlsite_escape(o, s ? s : "", s ? strlen(s) : 0);
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
	    f->p->kind == PAGE_ENHANCED)
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

/* htmlpage_text - see htmlpage.h */
void htmlpage_text(const struct site *s, struct buf *o, const struct page *p,
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
			htmlsite_escape(o, start, (size_t)(q - start));
			buf_adds(o, "<a href=\"");
			htmlsite_escape(o, q, n);
			buf_adds(o, "\">");
			htmlsite_escape(o, q, n);
			buf_adds(o, "</a>");
			q += n - 1;
			start = q + 1;
		}
	}
	htmlsite_escape(o, start, (size_t)(q - start));
	buf_release(&t);
}

/* htmlpage_class_name - see htmlpage.h */
void htmlpage_class_name(struct buf *o, const struct kb_lang *l, int cls,
			 int enh)
{
	const char *v = htmlpage_strf(l, enh ? "enhanced_" : "class_", cls);

	buf_adds(o, v ? v : "");
}

/* htmlpage_class - see htmlpage.h */
void htmlpage_class(struct buf *o, const struct kb_lang *l, int cls, int enh)
{
	struct buf name;

	buf_init(&name);
	htmlpage_class_name(&name, l, cls, enh);
	buf_printf(o,
		   enh ? "<span class=\"code\">%d.X.X</span> &middot; "
		       : "<span class=\"code\">%dxx</span> &middot; ",
		   cls);
	htmlpage_esc(o, name.s);
	buf_release(&name);
}

/* htmlpage_head - see htmlpage.h */
void htmlpage_head(const struct site *s, struct buf *o, const struct kb_lang *l,
		   const char *file, const char *title, int noindex)
{
	const char *site_title = htmlpage_str(l, "title");

	buf_adds(o, "<!DOCTYPE html>\n<html lang=\"");
	htmlpage_esc(o, l->code);
	buf_adds(
	    o, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	       "content=\"width=device-width, initial-scale=1\">\n<title>");
	htmlpage_esc(o, title);
	if (strcmp(title, site_title) != 0) {
		buf_adds(o, " &middot; ");
		htmlpage_esc(o, site_title);
	}
	buf_adds(o,
		 "</title>\n<link rel=\"stylesheet\" href=\"../style.css\">\n");
	if (noindex)
		buf_adds(o, "<meta name=\"robots\" content=\"noindex\">\n");
	if (s->cfg->help_url) {
		buf_adds(o, "<link rel=\"canonical\" href=\"");
		htmlpage_esc(o, s->cfg->help_url);
		buf_addc(o, '/');
		htmlpage_esc(o, l->code);
		buf_addc(o, '/');
		htmlpage_esc(o, file);
		buf_adds(o, "\">\n");
	}
	for (size_t i = 0; i < s->nlangs; i++) {
		if (s->langs[i] == l)
			continue;
		buf_adds(o, "<link rel=\"alternate\" hreflang=\"");
		htmlpage_esc(o, s->langs[i]->code);
		buf_adds(o, "\" href=\"../");
		htmlpage_esc(o, s->langs[i]->code);
		buf_addc(o, '/');
		htmlpage_esc(o, file);
		buf_adds(o, "\">\n");
	}
	buf_adds(o, "</head>\n<body>\n<header class=\"top\"><nav>");
	if (strcmp(file, "index.html") != 0) {
		buf_adds(o, "<a href=\"index.html\">");
		htmlpage_esc(o, htmlpage_str(l, "all_codes"));
		buf_adds(o, "</a>");
	} else {
		buf_adds(o, "<a href=\"../index.html\">");
		htmlpage_esc(o, site_title);
		buf_adds(o, "</a>");
	}
	if (s->nlangs > 1) {
		buf_adds(o, "<span class=\"langs\" title=\"");
		htmlpage_esc(o, htmlpage_str(l, "languages"));
		buf_adds(o, "\">");
		for (size_t i = 0; i < s->nlangs; i++) {
			if (s->langs[i] == l)
				continue;
			buf_adds(o, "<a href=\"../");
			htmlpage_esc(o, s->langs[i]->code);
			buf_addc(o, '/');
			htmlpage_esc(o, file);
			buf_adds(o, "\" hreflang=\"");
			htmlpage_esc(o, s->langs[i]->code);
			buf_adds(o, "\" lang=\"");
			htmlpage_esc(o, s->langs[i]->code);
			buf_adds(o, "\">");
			htmlpage_esc(o, s->langs[i]->name);
			buf_adds(o, "</a>");
		}
		buf_adds(o, "</span>");
	}
	buf_adds(o, "</nav></header>\n<main>\n");
}

/* htmlpage_foot - see htmlpage.h */
void htmlpage_foot(struct buf *o, const struct kb_lang *l)
{
	buf_adds(o, "</main>\n<footer><p>");
	htmlpage_esc(o, htmlpage_str(l, "generated"));
	buf_adds(o, "</p></footer>\n</body>\n</html>\n");
}

/* heading - <hN>text</hN> */
static void heading(struct buf *o, int level, const char *text)
{
	buf_printf(o, "<h%d>", level);
	htmlpage_esc(o, text);
	buf_printf(o, "</h%d>\n", level);
}

/* put_fix - the fix text, split for sender and administrator if both */
static void put_fix(const struct site *s, struct buf *o,
		    const struct kb_lang *l, const struct page *p,
		    const struct kb_entry *e, int level)
{
	if (e->admin)
		heading(o, level, l->head.sender);
	buf_adds(o, "<p>");
	htmlpage_text(s, o, p, e->fix);
	buf_adds(o, "</p>\n");
	if (e->admin) {
		heading(o, level, l->head.admin);
		buf_adds(o, "<p>");
		htmlpage_text(s, o, p, e->admin);
		buf_adds(o, "</p>\n");
	}
}

/* htmlpage_entry - see htmlpage.h */
void htmlpage_entry(const struct site *s, struct buf *o,
		    const struct kb_lang *l, const struct page *p,
		    const struct kb_entry *e, int level)
{
	buf_adds(o, "<section>\n");
	heading(o, level, l->head.description);
	buf_adds(o, "<p>");
	htmlpage_text(s, o, p, e->description);
	buf_adds(o, "</p>\n</section>\n<section>\n");
	heading(o, level, l->head.when);
	buf_adds(o, "<p>");
	htmlpage_text(s, o, p, e->when);
	buf_adds(o, "</p>\n</section>\n<section>\n");
	heading(o, level, l->head.fix);
	put_fix(s, o, l, p, e, level + 1);
	buf_adds(o, "</section>\n");
}

/* htmlpage_wire - see htmlpage.h */
void htmlpage_wire(const struct site *s, struct buf *o, const struct kb_lang *l,
		   const struct page *p, const struct kb_entry *e)
{
	buf_adds(o, "<section>\n");
	heading(o, 2, htmlpage_str(l, "on_the_wire"));
	buf_adds(o, "<ul class=\"wire\">\n");
	for (size_t i = 0; i < e->shorts.n + e->append.n; i++) {
		buf_adds(o, "<li>");
		htmlpage_text(s, o, p,
			      i < e->shorts.n ? e->shorts.v[i]
					      : e->append.v[i - e->shorts.n]);
		buf_adds(o, "</li>\n");
	}
	buf_adds(o, "</ul>\n</section>\n");
}

/* htmlpage_pair_title - see htmlpage.h */
void htmlpage_pair_title(struct buf *o, const struct kb_lang *l,
			 const struct help_pair *hp)
{
	buf_printf(o, "SMTP <span class=\"code\">%s</span> ", hp->a);
	htmlpage_esc(o, htmlpage_str(l, "vs"));
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
	htmlpage_esc(o, label);
	buf_adds(o, "</dt>\n");
	for (int i = 0; i < (va == vb ? 1 : 2); i++) {
		buf_adds(o, "<dd>");
		if (va == vb) {
			buf_adds(o, "<em>");
			htmlpage_esc(o, htmlpage_str(l, "same_for_both"));
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
		htmlpage_esc(o, htmlpage_strf(l, prefix, v[i]));
		buf_adds(o, "</dd>\n");
	}
}

/* htmlpage_compare - see htmlpage.h */
void htmlpage_compare(const struct site *s, struct buf *o,
		      const struct kb_lang *l, const struct help_pair *hp)
{
	const char *code[2] = {hp->a, hp->b};
	const struct kb_entry *e[2] = {kb_get(l, hp->a), kb_get(l, hp->b)};
	const struct page *p[2] = {hash_get(s->index, hp->a),
				   hash_get(s->index, hp->b)};
	const char *heads[3] = {l->head.description, l->head.when, l->head.fix};
	char file[32];
	struct buf title;

	buf_init(&title);
	buf_printf(&title, "SMTP %s %s %s", hp->a, htmlpage_str(l, "vs"),
		   hp->b);
	snprintf(file, sizeof(file), "%s-vs-%s.html", hp->a, hp->b);
	htmlpage_head(s, o, l, file, title.s, 0);
	buf_adds(o, "<h1>");
	htmlpage_pair_title(o, l, hp);
	buf_adds(o, "</h1>\n<div class=\"pair\">\n");
	for (int i = 0; i < 2; i++) {
		buf_printf(o,
			   "<div class=\"card k%d\">\n<h2><a href=\"%s.html\">"
			   "<span class=\"code\">%s</span> ",
			   p[i]->cls, code[i], code[i]);
		htmlpage_esc(o, e[i]->title);
		buf_adds(o, "</a></h2>\n<p>");
		htmlpage_class(o, l, p[i]->cls, 0);
		buf_adds(o, "</p>\n<p>");
		htmlpage_esc(o, htmlpage_strf(l, "outcome_", p[i]->cls));
		buf_adds(o, "</p>\n</div>\n");
	}
	buf_adds(o, "</div>\n<section>\n");
	heading(o, 2, htmlpage_str(l, "key_differences"));
	buf_adds(o, "<dl class=\"diff\">\n<dt>");
	htmlpage_esc(o, htmlpage_str(l, "meaning"));
	buf_adds(o, "</dt>\n");
	for (int i = 0; i < 2; i++) {
		buf_printf(o, "<dd><span class=\"code\">%s</span> &mdash; ",
			   code[i]);
		htmlpage_esc(o, e[i]->title);
		buf_adds(o, "</dd>\n");
	}
	diff_row(o, l, htmlpage_str(l, "class"), hp, "class_", p[0]->cls,
		 p[1]->cls, 1);
	diff_row(o, l, htmlpage_str(l, "outcome"), hp, "outcome_", p[0]->cls,
		 p[1]->cls, 0);
	diff_row(o, l, htmlpage_str(l, "retry"), hp, "retry_", p[0]->cls,
		 p[1]->cls, 0);
	diff_row(o, l, htmlpage_str(l, "area"), hp, "area_",
		 p[0]->code / 10 % 10, p[1]->code / 10 % 10, 2);
	buf_adds(o, "</dl>\n</section>\n");
	for (int h = 0; h < 3; h++) {
		buf_adds(o, "<section>\n");
		heading(o, 2, heads[h]);
		buf_adds(o, "<div class=\"pair\">\n");
		for (int i = 0; i < 2; i++) {
			buf_printf(o,
				   "<div class=\"card k%d\">\n<h3><span "
				   "class=\"code\">"
				   "%s</span> ",
				   p[i]->cls, code[i]);
			htmlpage_esc(o, e[i]->title);
			buf_adds(o, "</h3>\n");
			if (h == 2) {
				put_fix(s, o, l, p[i], e[i], 4);
			} else {
				buf_adds(o, "<p>");
				htmlpage_text(s, o, p[i],
					      h ? e[i]->when
						: e[i]->description);
				buf_adds(o, "</p>\n");
			}
			buf_adds(o, "</div>\n");
		}
		buf_adds(o, "</div>\n</section>\n");
	}
	htmlpage_foot(o, l);
	buf_release(&title);
}

/* htmlpage_mkdir - see htmlpage.h */
int htmlpage_mkdir(const struct site *s, const char *path)
{
	char *p = xstrdup(path);
	struct stat st;
	int rc = -1;

	for (char *q = p + 1; *p; q++) {
		char c = *q;

		if (c != '/' && c != '\0')
			continue;
		*q = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			snprintf(s->err, s->errlen, "%s: %s", p,
				 strerror(errno));
			goto out;
		}
		*q = c;
		if (c == '\0')
			break;
	}
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(s->err, s->errlen, "%s: not a directory", path);
		goto out;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

/* htmlpage_write - see htmlpage.h */
int htmlpage_write(const struct site *s, const char *lang, const char *name,
		   const struct buf *b)
{
	struct buf path;
	FILE *f;
	int rc = -1;

	buf_init(&path);
	buf_printf(&path, "%s/%s%s%s", s->dir, lang ? lang : "",
		   lang ? "/" : "", name);
	errno = 0;
	if ((f = fopen(path.s, "w")) != NULL) {
		int ok = fwrite(b->s, 1, b->len, f) == b->len;

		if (fclose(f) == 0 && ok)
			rc = 0;
	}
	if (rc < 0)
		snprintf(s->err, s->errlen, "%s: %s", path.s,
			 strerror(errno ? errno : EIO));
	buf_release(&path);
	return rc;
}
