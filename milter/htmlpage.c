/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * htmlpage - the help site's page set: one page per knowledge-base key in
 * any language, the class forms of every X.s.d key and every 4xx and 5xx
 * reply code, sorted in index order; which entry each page shows
 *
 * Exports: see htmlpage.h. Keys are parsed and built by smtpcode.c only.
 */
#include "htmlpage.h"
#include "hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* page_parse - a knowledge-base key into a page; -1 if it is none */
static int page_parse(const char *key, struct page *p)
{
	size_t len = strlen(key);
	struct smtp_key k;

	memset(p, 0, sizeof(*p));
	if (len >= sizeof(p->key) || smtpcode_parse_key(key, len, &k) < 0)
		return -1;
	memcpy(p->key, key, len + 1);
	p->kind = k.kind;
	p->code = k.code;
	p->st = k.st;
	p->cls = k.cls;
	p->enh = k.enh;
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
	if (x->kind == SMTP_KEY_BASIC)
		return x->code - y->code;
	if (x->kind == SMTP_KEY_CLASS)
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
			struct smtp_key sk;

			page_add(s, k2, 1);
			if (smtpcode_parse_key(k2, strlen(k2), &sk) < 0 ||
			    sk.kind != SMTP_KEY_ENHANCED || sk.cls != 0)
				continue;
			for (int c = 2; c <= 5; c += c == 2 ? 2 : 1) {
				sk.st.cls = c;
				smtpcode_format_key(&sk, key, sizeof(key));
				page_add(s, key, 0);
			}
		}
	}
	for (int code = 400; code < 600; code++) {
		struct smtp_key ck = {.kind = SMTP_KEY_BASIC, .code = code};

		if (smtpcode_valid(code)) {
			smtpcode_format_key(&ck, key, sizeof(key));
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
	if (p->kind == SMTP_KEY_ENHANCED && p->cls) {
		*how = RES_GENERAL;
		htmlpage_enh_key(p, 0, key, sizeof(key));
		if ((e = kb_get(l, key)) != NULL)
			return e;
	}
	*how = RES_FALLBACK;
	if (p->kind == SMTP_KEY_CLASS)
		return NULL;
	if (p->kind == SMTP_KEY_BASIC)
		st.code = p->code;
	else
		st = p->st;
	return kb_find(l, &st, &class_only);
}

/* htmlpage_enh_key - see htmlpage.h */
void htmlpage_enh_key(const struct page *p, int cls, char *out, size_t outlen)
{
	struct smtp_key k = {.kind = SMTP_KEY_ENHANCED, .st = p->st};

	k.st.code = 0;
	k.st.cls = cls;
	smtpcode_format_key(&k, out, outlen);
}

/* htmlpage_class_key - see htmlpage.h */
void htmlpage_class_key(const struct page *p, char *out, size_t outlen)
{
	struct smtp_key k = {
	    .kind = SMTP_KEY_CLASS, .cls = p->cls, .enh = p->enh};

	smtpcode_format_key(&k, out, outlen);
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
