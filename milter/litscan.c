/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * litscan - required literals of an ERE, and a multi-literal scan
 *
 * Exports: litscan_required, litscan_new, litscan_free, litscan_add,
 * litscan_scan. A set indexes its literals by a hash of their first three
 * bytes (literals of one or two bytes by those bytes) in a bitmap and a
 * sorted array: the scan keeps a rolling window of the last three bytes,
 * tests one bit per text byte, and compares only the literals whose start
 * is there.
 */
#include "litscan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KEYS (65536 * 2 + 256) /* 3-byte start hashes, 2-byte, 1-byte */

struct lit {
	uint32_t key;
	size_t id;
	size_t len;
	char s[LITSCAN_MAX + 1];
};

struct litscan {
	uint64_t bits[KEYS / 64];
	struct lit *v; /* sorted by key */
	size_t n;
	int lens; /* literals of 1 (bit 1), 2 (bit 2) and 3 or more bytes (4) */
};

/* lower - ASCII lowercase of byte c */
static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* skip_bracket - past the bracket expression that starts at re[i] */
static size_t skip_bracket(const char *re, size_t i)
{
	i++;
	if (re[i] == '^')
		i++;
	if (re[i] == ']')
		i++;
	while (re[i] && re[i] != ']') {
		if (re[i] == '[' && (re[i + 1] == ':' || re[i + 1] == '.' ||
				     re[i + 1] == '=')) {
			char end = re[i + 1];

			for (i += 2; re[i] && !(re[i] == end && re[i + 1] == ']');
			     i++)
				;
			if (re[i])
				i += 2;
			continue;
		}
		i++;
	}
	return re[i] ? i + 1 : i;
}

/* skip_group - past the parenthesised group that starts at re[i] */
static size_t skip_group(const char *re, size_t i)
{
	int depth = 0;

	while (re[i]) {
		if (re[i] == '\\' && re[i + 1])
			i += 2;
		else if (re[i] == '[')
			i = skip_bracket(re, i);
		else if (re[i++] == '(')
			depth++;
		else if (re[i - 1] == ')' && --depth == 0)
			break;
	}
	return i;
}

/* keep - the run so far into best when it is longer; the run restarts */
static void keep(struct buf *run, struct buf *best)
{
	if (run->len > best->len) {
		buf_reset(best);
		buf_addn(best, run->s, run->len);
	}
	buf_reset(run);
}

/*
 * branch_literal - the longest run of literal bytes that every match of
 * the alternative re[i..] needs, into best; returns where it ends (the
 * top-level '|' or the end), or (size_t)-1 on a byte above 0x7f
 */
static size_t branch_literal(const char *re, size_t i, struct buf *best)
{
	struct buf run;

	buf_init(&run);
	while (re[i] && re[i] != '|') {
		int lit = -1;
		char q;

		if (re[i] == '(') {
			i = skip_group(re, i);
		} else if (re[i] == '[') {
			i = skip_bracket(re, i);
		} else if (re[i] == '\\' && re[i + 1]) {
			if (!((unsigned char)re[i + 1] & 0x80) &&
			    !(re[i + 1] >= '0' && re[i + 1] <= '9') &&
			    !(lower((unsigned char)re[i + 1]) >= 'a' &&
			      lower((unsigned char)re[i + 1]) <= 'z'))
				lit = lower((unsigned char)re[i + 1]);
			i += 2;
		} else if (strchr(".^$*+?{})", re[i]) == NULL) {
			lit = lower((unsigned char)re[i]);
			i++;
		} else {
			i++;
		}
		if (i > 0 && (unsigned char)re[i - 1] & 0x80) {
			buf_release(&run);
			return (size_t)-1;
		}
		q = re[i];
		if (lit >= 0 && q != '?' && q != '*' && q != '{')
			buf_addc(&run, (char)lit);
		if (lit < 0 || q == '?' || q == '*' || q == '{' || q == '+')
			keep(&run, best);
		if (q == '{')
			while (re[i] && re[i] != '}')
				i++;
	}
	keep(&run, best);
	buf_release(&run);
	return i;
}

/* litscan_required - see litscan.h */
int litscan_required(const char *re, struct strlist *out)
{
	struct strlist tmp;
	struct buf best;
	size_t i = 0;
	int rc = -1;

	strlist_init(&tmp);
	buf_init(&best);
	for (;;) {
		buf_reset(&best);
		if ((i = branch_literal(re, i, &best)) == (size_t)-1 ||
		    best.len == 0)
			goto out;
		if (best.len > LITSCAN_MAX)
			buf_truncate(&best, LITSCAN_MAX);
		strlist_add(&tmp, best.s);
		if (re[i] != '|')
			break;
		i++;
	}
	for (size_t k = 0; k < tmp.n; k++)
		strlist_add(out, tmp.v[k]);
	rc = 0;
out:
	buf_release(&best);
	strlist_release(&tmp);
	return rc;
}

/* litscan_new - see litscan.h */
struct litscan *litscan_new(void)
{
	return xcalloc(1, sizeof(struct litscan));
}

/* litscan_free - see litscan.h */
void litscan_free(struct litscan *ls)
{
	if (ls == NULL)
		return;
	free(ls->v);
	free(ls);
}

/* hash3 - the index key of three bytes, packed as b0 << 16 | b1 << 8 | b2 */
static inline uint32_t hash3(uint32_t w)
{
	return (w * 2654435761u) >> 16;
}

/* key_of - the index key of a literal's first bytes (n of them, n >= 1) */
static uint32_t key_of(const unsigned char *s, size_t n)
{
	if (n >= 3)
		return hash3((uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2]);
	return n == 2 ? 65536u + ((uint32_t)s[0] << 8 | s[1]) : 131072u + s[0];
}

/* litscan_add - see litscan.h */
void litscan_add(struct litscan *ls, const char *lit, size_t id)
{
	size_t len = strlen(lit), at;
	struct lit l;

	if (len == 0)
		return;
	if (len > LITSCAN_MAX)
		len = LITSCAN_MAX;
	memset(&l, 0, sizeof(l));
	for (size_t k = 0; k < len; k++)
		l.s[k] = (char)lower((unsigned char)lit[k]);
	l.len = len;
	l.id = id;
	l.key = key_of((const unsigned char *)l.s, len);
	ls->lens |= len >= 3 ? 4 : len == 2 ? 2 : 1;
	ls->v = xrealloc(ls->v, (ls->n + 1) * sizeof(*ls->v));
	for (at = ls->n; at > 0 && ls->v[at - 1].key > l.key; at--)
		ls->v[at] = ls->v[at - 1];
	ls->v[at] = l;
	ls->n++;
	ls->bits[l.key / 64] |= (uint64_t)1 << (l.key % 64);
}

/* first_of - index of the first literal with key k (ls->n if none) */
static size_t first_of(const struct litscan *ls, uint32_t k)
{
	size_t lo = 0, hi = ls->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ls->v[mid].key < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* has_key - is some literal indexed under k */
static inline int has_key(const struct litscan *ls, uint32_t k)
{
	return (int)(ls->bits[k / 64] >> (k % 64) & 1);
}

/* try_key - mark the literals with key k that occur at t (n bytes left) */
static void try_key(const struct litscan *ls, uint32_t k,
		    const unsigned char *t, size_t n, unsigned char *hit)
{
	for (size_t i = first_of(ls, k); i < ls->n && ls->v[i].key == k; i++) {
		const struct lit *l = &ls->v[i];
		size_t j = 0;

		if (hit[l->id] || l->len > n)
			continue;
		while (j < l->len && (unsigned char)l->s[j] == lower(t[j]))
			j++;
		if (j == l->len)
			hit[l->id] = 1;
	}
}

/* litscan_scan - see litscan.h */
int litscan_scan(const struct litscan *ls, const char *text, size_t len,
		 unsigned char *hit)
{
	const unsigned char *t = (const unsigned char *)text;
	uint32_t w = 0; /* the last three bytes, lowercased */

	for (size_t i = 0; i < len; i++) {
		uint32_t c = t[i], k;

		if (c & 0x80)
			return -1;
		c = lower((unsigned char)c);
		w = (w << 8 | c) & 0xffffffu;
		if ((ls->lens & 1) && has_key(ls, k = 131072u + c))
			try_key(ls, k, t + i, len - i, hit);
		if ((ls->lens & 2) && i >= 1 &&
		    has_key(ls, k = 65536u + (w & 0xffffu)))
			try_key(ls, k, t + i - 1, len - i + 1, hit);
		if (i >= 2 && has_key(ls, k = hash3(w)))
			try_key(ls, k, t + i - 2, len - i + 2, hit);
	}
	return 0;
}
