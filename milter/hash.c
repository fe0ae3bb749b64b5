/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hash - string-keyed open-addressing table of borrowed pointers
 *
 * Linear probing, FNV-1a, load factor at most 1/2. No deletion: tables are
 * built once per config snapshot and then only read, from many threads.
 */
#include "hash.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	char *key;
	void *value;
};

struct hash {
	struct slot *slots;
	size_t cap; /* power of two */
	size_t count;
};

/* hash_fnv - FNV-1a of a string */
static uint64_t hash_fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* hash_new - an empty table; hash_free releases it */
struct hash *hash_new(void)
{
	struct hash *h = xcalloc(1, sizeof(*h));

	h->cap = 16;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
	return h;
}

/* hash_free - free the table and its key copies, not the values */
void hash_free(struct hash *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->cap; i++)
		free(h->slots[i].key);
	free(h->slots);
	free(h);
}

/* hash_find - the slot of key, or the empty slot where it would go */
static struct slot *hash_find(const struct hash *h, const char *key)
{
	size_t i = (size_t)hash_fnv(key) & (h->cap - 1);

	while (h->slots[i].key && strcmp(h->slots[i].key, key) != 0)
		i = (i + 1) & (h->cap - 1);
	return &h->slots[i];
}

/* hash_grow - double the table */
static void hash_grow(struct hash *h)
{
	struct slot *old = h->slots;
	size_t oldcap = h->cap;

	h->cap *= 2;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*hash_find(h, old[i].key) = old[i];
	free(old);
}

/* hash_put - insert or replace; returns the replaced value or NULL */
void *hash_put(struct hash *h, const char *key, void *value)
{
	struct slot *s;
	void *prev;

	if ((h->count + 1) * 2 > h->cap)
		hash_grow(h);
	s = hash_find(h, key);
	if (s->key == NULL) {
		s->key = xstrdup(key);
		s->value = value;
		h->count++;
		return NULL;
	}
	prev = s->value;
	s->value = value;
	return prev;
}

/* hash_get - the value of key, or NULL */
void *hash_get(const struct hash *h, const char *key)
{
	return h ? hash_find(h, key)->value : NULL;
}

/* hash_count - number of keys */
size_t hash_count(const struct hash *h)
{
	return h ? h->count : 0;
}

/* hash_walk - visit every entry */
void hash_walk(const struct hash *h,
	       void (*fn)(const char *key, void *value, void *ctx), void *ctx)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->cap; i++)
		if (h->slots[i].key)
			fn(h->slots[i].key, h->slots[i].value, ctx);
}
