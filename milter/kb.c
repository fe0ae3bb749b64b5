/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kb - the knowledge base in memory: who owns it, and the lookup
 *
 * Exports: kb_new, kb_free, kb_entry_free, kb_lang_get, kb_find, kb_get,
 * kb_key_valid; for the loader (kb_load.c) kb_lang_add, kb_entry_add and
 * kb_site_set, so that this file alone knows the base's tables. A loaded base is
 * read-only and shared by every thread of the config snapshot that owns
 * it. Fails: nothing here fails; allocation failure aborts (buf.h), a
 * lookup that finds nothing returns NULL.
 */
#include "kb.h"
#include "hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* kb_new - an empty base */
struct kb *kb_new(void)
{
	return xcalloc(1, sizeof(struct kb));
}

/* kb_entry_free - see kb.h */
void kb_entry_free(struct kb_entry *e)
{
	if (e == NULL)
		return;
	free(e->key);
	free(e->title);
	strlist_release(&e->shorts);
	strlist_release(&e->append);
	strlist_release(&e->related);
	free(e->description);
	free(e->when);
	free(e->fix);
	free(e->admin);
	free(e->file);
	free(e);
}

/* free_value - hash_walk callback for tables that own their values */
static void free_value(const char *key, void *value, void *ctx)
{
	(void)key;
	(void)ctx;
	free(value);
}

/* lang_free - one language */
static void lang_free(struct kb_lang *l)
{
	for (size_t i = 0; i < l->n; i++)
		kb_entry_free(l->all[i]);
	free(l->all);
	kb_compare_free(&l->compares);
	hash_free(l->entries);
	free(l->code);
	free(l->name);
	free(l->head.description);
	free(l->head.when);
	free(l->head.fix);
	free(l->head.sender);
	free(l->head.admin);
	free(l->head.class_fallback);
	free(l->head.retry);
	free(l->head.on_the_wire);
	free(l->head.checked_against);
	hash_walk(l->head.site, free_value, NULL);
	hash_free(l->head.site);
	free(l);
}

/* kb_free - everything */
void kb_free(struct kb *kb)
{
	if (kb == NULL)
		return;
	for (size_t i = 0; i < kb->n; i++)
		lang_free(kb->langs[i]);
	free(kb->langs);
	free(kb);
}

/* kb_lang_get - see kb.h */
const struct kb_lang *kb_lang_get(const struct kb *kb, const char *lang)
{
	for (size_t i = 0; kb && i < kb->n; i++)
		if (strcmp(kb->langs[i]->code, lang) == 0)
			return kb->langs[i];
	return NULL;
}

/* kb_lang_add - see kb.h */
struct kb_lang *kb_lang_add(struct kb *kb, const char *lang)
{
	struct kb_lang *l = (struct kb_lang *)kb_lang_get(kb, lang);

	if (l)
		return l;
	l = xcalloc(1, sizeof(*l));
	l->code = xstrdup(lang);
	l->entries = hash_new();
	l->head.site = hash_new();
	kb->langs = xrealloc(kb->langs, (kb->n + 1) * sizeof(*kb->langs));
	kb->langs[kb->n++] = l;
	return l;
}

/* kb_entry_add - see kb.h */
void kb_entry_add(struct kb_lang *l, struct kb_entry *e)
{
	hash_put(l->entries, e->key, e);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->all = xrealloc(l->all, l->cap * sizeof(*l->all));
	}
	l->all[l->n++] = e;
}

/* kb_site_set - see kb.h */
void kb_site_set(struct kb_lang *l, const char *name, char *text)
{
	free(hash_put(l->head.site, name, text));
}

/* kb_key_valid - "550", "X.1.1", "5.1.1", "5XX", "5.X.X" */
int kb_key_valid(const char *key)
{
	struct smtp_key k;

	return smtpcode_parse_key(key, strlen(key), &k) == 0;
}

/* kb_get - see kb.h */
const struct kb_entry *kb_get(const struct kb_lang *l, const char *key)
{
	return l ? hash_get(l->entries, key) : NULL;
}

/* kb_find - see kb.h */
const struct kb_entry *kb_find(const struct kb_lang *l,
			       const struct smtp_status *st, int *class_only)
{
	const struct kb_entry *e;
	char key[24];
	int cls = st->code ? st->code / 100 : st->cls;

	*class_only = 0;
	if (l == NULL)
		return NULL;
	if (st->cls || st->subject || st->detail) {
		if (st->cls) {
			smtpcode_enhanced_str(st, key, sizeof(key));
			if ((e = kb_get(l, key)) != NULL)
				return e;
		}
		snprintf(key, sizeof(key), "X.%d.%d", st->subject, st->detail);
		if ((e = kb_get(l, key)) != NULL)
			return e;
		/* an unknown detail (5.7.708): its subject's X.N.0 */
		if (st->detail && st->cls) {
			snprintf(key, sizeof(key), "%d.%d.0", st->cls, st->subject);
			if ((e = kb_get(l, key)) != NULL)
				return e;
		}
		snprintf(key, sizeof(key), "X.%d.0", st->subject);
		if (st->detail && (e = kb_get(l, key)) != NULL)
			return e;
	}
	if (st->code) {
		snprintf(key, sizeof(key), "%d", st->code);
		if ((e = kb_get(l, key)) != NULL)
			return e;
	}
	*class_only = 1;
	if (st->cls) {
		snprintf(key, sizeof(key), "%d.X.X", st->cls);
		if ((e = kb_get(l, key)) != NULL)
			return e;
	}
	if (cls >= 2 && cls <= 5) {
		snprintf(key, sizeof(key), "%dXX", cls);
		if ((e = kb_get(l, key)) != NULL)
			return e;
	}
	return NULL;
}
