/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hash - string-keyed open-addressing table of borrowed pointers
 *
 * Exports: hash_new, hash_free, hash_put, hash_get. Keys are copied;
 * values are borrowed (the caller keeps them alive). Lookups cost O(1)
 * whatever the size: the knowledge base and the rule index sit on it.
 */
#ifndef MILTER_EXPLAIN_HASH_H
#define MILTER_EXPLAIN_HASH_H

#include <stddef.h>

struct hash;

struct hash *hash_new(void);
void hash_free(struct hash *h); /* hash_free(NULL) is a no-op */
/* hash_put - set key to value; returns the previous value or NULL */
void *hash_put(struct hash *h, const char *key, void *value);
void *hash_get(const struct hash *h, const char *key);
size_t hash_count(const struct hash *h);
/* hash_walk - call fn for every entry, in no particular order */
void hash_walk(const struct hash *h,
	       void (*fn)(const char *key, void *value, void *ctx), void *ctx);

#endif
