/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rules - the rule index: which configured rule applies to a reply or a
 * command, and which languages a session gets
 *
 * Exports: rules_index_new, rules_index_free, rules_match_reply,
 * rules_for_status, rules_match_command, rules_replying, rules_command_name,
 * rules_languages. This file alone knows the index: its bucket keys
 * (key_code, key_enh, key_join) and the order of the rules in a bucket
 * (rule_before).
 * Read-only once built; thread-safe over a config snapshot.
 */
#include "rules.h"
#include "hash.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PATTERN_TEXT_MAX 1024 /* bytes of reply text a pattern looks at */
#define KEY_PART 40           /* bytes of one part of a bucket key */
#define KEY_MAX (2 * KEY_PART) /* bytes of a bucket key, NUL included */

/* the rules of one key, best first (rule_before) */
struct rule_bucket {
	const struct rule **v;
	size_t n, cap;
};

struct rules_index {
	struct hash *replies;       /* "550|5.1.1" -> struct rule_bucket */
	struct hash *commands;      /* "EXPN", "*" -> struct rule_bucket */
	const struct rule **cmdv;   /* every command rule, in config order */
	size_t ncmd;
};

/*
 * The bucket key of a reply rule, and of each query of a reply: the
 * code ("550"), its class ("5XX") or "*", then '|', then the enhanced
 * code ("5.1.1", "X.1.1") or "*": "550|5.1.1", "5XX|X.1.1", "*|*".
 * Built from its two parts, so that a query formats each part once.
 */

/* key_code - the code part: "550", else "5XX", else "*" */
static void key_code(char *out, size_t outlen, int code, int code_class)
{
	if (code)
		snprintf(out, outlen, "%d", code);
	else if (code_class)
		snprintf(out, outlen, "%dXX", code_class);
	else
		snprintf(out, outlen, "*");
}

/* key_enh - the enhanced-code part: "5.1.1", "X.1.1", or "*" (NULL) */
static void key_enh(char *out, size_t outlen, const struct smtp_status *enh)
{
	if (enh)
		smtpcode_enhanced_str(enh, out, outlen);
	else
		snprintf(out, outlen, "*");
}

/*
 * key_join - the key "code|enh" into out; each part is shorter than
 * KEY_PART bytes, so the key always fits KEY_MAX
 */
static void key_join(char out[KEY_MAX], const char *code, const char *enh)
{
	size_t c = strlen(code), e = strlen(enh);

	memcpy(out, code, c);
	out[c] = '|';
	memcpy(out + c + 1, enh, e);
	out[c + 1 + e] = '\0';
}

/* rule_before - a is a better match than b: more specific, else older */
static int rule_before(const struct rule *a, const struct rule *b)
{
	if (a->specificity != b->specificity)
		return a->specificity > b->specificity;
	return a->order < b->order;
}

/* rule_cmp - qsort comparator of rule_before */
static int rule_cmp(const void *a, const void *b)
{
	const struct rule *x = *(const struct rule *const *)a;
	const struct rule *y = *(const struct rule *const *)b;

	return rule_before(x, y) ? -1 : rule_before(y, x) ? 1 : 0;
}

/* bucket_add - append r to the bucket of key in h */
static void bucket_add(struct hash *h, const char *key, const struct rule *r)
{
	struct rule_bucket *b = hash_get(h, key);

	if (b == NULL) {
		b = xcalloc(1, sizeof(*b));
		hash_put(h, key, b);
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	b->v[b->n++] = r;
}

/* bucket_sort - hash_walk callback: best first */
static void bucket_sort(const char *key, void *v, void *ctx)
{
	struct rule_bucket *b = v;

	(void)key;
	(void)ctx;
	qsort(b->v, b->n, sizeof(*b->v), rule_cmp);
}

/* bucket_free - hash_walk callback */
static void bucket_free(const char *key, void *v, void *ctx)
{
	struct rule_bucket *b = v;

	(void)key;
	(void)ctx;
	free(b->v);
	free(b);
}

/* rules_index_new - see rules.h */
struct rules_index *rules_index_new(struct rule *const *rules, size_t n)
{
	struct rules_index *ix = xcalloc(1, sizeof(*ix));

	ix->replies = hash_new();
	ix->commands = hash_new();
	ix->cmdv = xcalloc(n ? n : 1, sizeof(*ix->cmdv));
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = rules[i];
		char key[KEY_MAX], code[KEY_PART], enh[KEY_PART];

		if (r->specificity < 0)
			continue; /* disabled */
		if (r->commands.n) {
			for (size_t k = 0; k < r->commands.n; k++)
				bucket_add(ix->commands, r->commands.v[k], r);
			ix->cmdv[ix->ncmd++] = r;
			continue;
		}
		key_code(code, sizeof(code), r->code, r->code_class);
		key_enh(enh, sizeof(enh), r->has_enh ? &r->enh : NULL);
		key_join(key, code, enh);
		bucket_add(ix->replies, key, r);
	}
	hash_walk(ix->replies, bucket_sort, NULL);
	hash_walk(ix->commands, bucket_sort, NULL);
	return ix;
}

/* rules_index_free - see rules.h */
void rules_index_free(struct rules_index *ix)
{
	if (ix == NULL)
		return;
	hash_walk(ix->replies, bucket_free, NULL);
	hash_free(ix->replies);
	hash_walk(ix->commands, bucket_free, NULL);
	hash_free(ix->commands);
	free(ix->cmdv);
	free(ix);
}

/* rule_fits - does r's pattern accept text (its code already fits) */
static int rule_fits(const struct rule *r, const char *text)
{
	return !r->has_re || regexec(&r->re, text, 0, NULL, 0) == 0;
}

/* best_in - the best rule of bucket key that fits text, if better */
static const struct rule *best_in(const struct rules_index *ix,
				  const char *key, const char *text,
				  const struct rule *best)
{
	const struct rule_bucket *b = hash_get(ix->replies, key);

	/* buckets are sorted: the first that fits is the bucket's best */
	for (size_t i = 0; b && i < b->n; i++) {
		if (best && !rule_before(b->v[i], best))
			break;
		if (rule_fits(b->v[i], text))
			return b->v[i];
	}
	return best;
}

/*
 * reply_keys - the bucket keys a reply with status st looks in, most
 * specific code first: "550|5.1.1", "550|X.1.1", "550|*", "5XX|5.1.1",
 * ..., "*|*"; returns how many (at most 9)
 */
static int reply_keys(const struct smtp_status *st, char keys[9][KEY_MAX])
{
	char codes[3][KEY_PART], enhs[3][KEY_PART];
	struct smtp_status any = *st;
	int ne = 0, n = 0;

	key_code(codes[0], sizeof(codes[0]), st->code, 0);
	key_code(codes[1], sizeof(codes[1]), 0, st->code / 100);
	key_code(codes[2], sizeof(codes[2]), 0, 0);
	if (st->cls) {
		any.cls = 0; /* "X.1.1" */
		key_enh(enhs[ne++], sizeof(enhs[0]), st);
		key_enh(enhs[ne++], sizeof(enhs[0]), &any);
	}
	key_enh(enhs[ne++], sizeof(enhs[0]), NULL);
	for (int c = 0; c < 3; c++)
		for (int e = 0; e < ne; e++)
			key_join(keys[n++], codes[c], enhs[e]);
	return n;
}

/* rules_match_reply - see rules.h */
const struct rule *rules_match_reply(const struct config *cfg,
				     const struct smtp_status *st,
				     const char *text, size_t textlen)
{
	char keys[9][KEY_MAX];
	char local[PATTERN_TEXT_MAX + 1];
	const struct rule *best = NULL;
	int nkeys;

	if (st->code < 400 || st->code > 599)
		return NULL;
	/* the pattern sees the text as one NUL-free string */
	if (textlen > PATTERN_TEXT_MAX)
		textlen = PATTERN_TEXT_MAX;
	for (size_t i = 0; i < textlen; i++)
		local[i] = text[i] ? text[i] : ' ';
	local[textlen] = '\0';
	nkeys = reply_keys(st, keys);
	for (int k = 0; k < nkeys; k++)
		best = best_in(cfg->rules_index, keys[k], local, best);
	return best;
}

/* rules_for_status - see rules.h */
size_t rules_for_status(const struct config *cfg,
			const struct smtp_status *st,
			const struct rule **out, size_t max)
{
	char keys[9][KEY_MAX];
	size_t n = 0;
	int nkeys;

	if (st->code < 400 || st->code > 599)
		return 0;
	nkeys = reply_keys(st, keys);
	for (int k = 0; k < nkeys; k++) {
		const struct rule_bucket *b =
		    hash_get(cfg->rules_index->replies, keys[k]);

		for (size_t i = 0; b && i < b->n && n < max; i++)
			out[n++] = b->v[i];
	}
	return n;
}

/* rules_command_name - see rules.h */
void rules_command_name(const char *line, size_t len, char *out,
			size_t outlen)
{
	size_t i = 0, n = 0;

	if (outlen == 0)
		return;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	for (; i < len && n + 1 < outlen; i++, n++) {
		char ch = line[i];

		if (ch == '\0' || ch == ' ' || ch == '\t' || ch == '\r' ||
		    ch == '\n')
			break;
		out[n] = (char)toupper((unsigned char)ch);
	}
	out[n] = '\0';
}

/* rules_match_command - see rules.h */
const struct rule *rules_match_command(const struct config *cfg,
				       const char *line, size_t len)
{
	char name[COMMAND_NAME_MAX];
	const struct rule_bucket *b;
	const struct hash *h = cfg->rules_index->commands;

	rules_command_name(line, len, name, sizeof(name));
	if (name[0] && (b = hash_get(h, name)) != NULL && b->n)
		return b->v[0];
	if ((b = hash_get(h, "*")) != NULL && b->n)
		return b->v[0];
	return NULL;
}

/* rules_replying - see rules.h */
size_t rules_replying(const struct config *cfg, const struct smtp_status *st,
		      const struct rule **out, size_t max)
{
	const struct rules_index *ix = cfg->rules_index;
	size_t n = 0;

	for (size_t i = 0; i < ix->ncmd && n < max; i++) {
		const struct smtp_status *r = &ix->cmdv[i]->reply;

		if (r->code == st->code && r->cls == st->cls &&
		    r->subject == st->subject && r->detail == st->detail)
			out[n++] = ix->cmdv[i];
	}
	return n;
}

/* suffix_match - "example.fr" matches ".fr", "fr" and "example.fr" */
static int suffix_match(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (s == 0 || s > n)
		return 0;
	if (strcasecmp(name + n - s, suffix) != 0)
		return 0;
	return s == n || suffix[0] == '.' || name[n - s - 1] == '.';
}

/* net_match - address in network */
static int net_match(const struct net_match *m, const char *addr,
		     const char *name)
{
	unsigned char a[16];
	int bits, full;

	if (m->family == 0)
		return name && suffix_match(name, m->suffix);
	if (addr == NULL || inet_pton(m->family, addr, a) != 1)
		return 0;
	bits = m->prefix;
	full = bits / 8;
	if (memcmp(a, m->addr, (size_t)full) != 0)
		return 0;
	if (bits % 8) {
		unsigned char mask = (unsigned char)(0xff << (8 - bits % 8));

		return (a[full] & mask) == (m->addr[full] & mask);
	}
	return 1;
}

/* rules_languages - see rules.h */
const struct strlist *rules_languages(const struct config *cfg,
				      const char *client_addr,
				      const char *client_name,
				      const char *rcpt_domain)
{
	for (size_t i = 0; i < cfg->nlang_rules; i++) {
		const struct lang_rule *lr = &cfg->lang_rules[i];

		for (size_t k = 0; k < lr->nclients; k++)
			if (net_match(&lr->clients[k], client_addr, client_name))
				return &lr->languages;
		for (size_t k = 0; rcpt_domain && k < lr->recipients.n; k++)
			if (suffix_match(rcpt_domain, lr->recipients.v[k]))
				return &lr->languages;
	}
	return &cfg->languages;
}
