/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * provider_match - which shipped provider rule a reply matches
 *
 * Exports: provider_index (called once by provider_load: match order,
 * literal index, gates) and provider_match. A reply no rule matches must
 * stay cheap, since most replies are of that kind: the literals that the
 * pattern of each rule without an enhanced code needs (litscan.c) are
 * looked for in one pass over the reply, and a rule whose literals are
 * all absent is skipped without a regexec. Rules with an enhanced code
 * are few for any one code: their regexec runs directly. Pattern-only
 * rules whose pattern needs no literal keep the class's gate regex.
 */
#include "provider.h"
#include "buf.h"
#include "litscan.h"

#include <stdlib.h>
#include <string.h>

/* rank_cmp - qsort: match order */
static int rank_cmp(const void *a, const void *b)
{
	const struct provider_rule *x = *(const struct provider_rule *const *)a;
	const struct provider_rule *y = *(const struct provider_rule *const *)b;

	return (x->rank > y->rank) - (x->rank < y->rank);
}

/* index_literals - each pattern-only rule's literals, tagged with its slot */
static void index_literals(struct provider_set *ps)
{
	ps->lits = litscan_new();
	for (size_t i = 0; i < ps->nrules; i++) {
		struct provider_rule *r = ps->rules[i];
		struct strlist need;

		r->lit = -1;
		strlist_init(&need);
		if (r->pattern && !r->has_enh && i < PROVIDER_LIT_MAX &&
		    litscan_required(r->pattern, &need) == 0) {
			r->lit = (int)i;
			for (size_t k = 0; k < need.n; k++)
				litscan_add(ps->lits, need.v[k], i);
		}
		strlist_release(&need);
	}
}

/* build_gates - the alternation of each class's unindexed pattern-only rules */
static void build_gates(struct provider_set *ps)
{
	for (int c = 0; c < 2; c++) {
		struct buf all;

		buf_init(&all);
		for (size_t i = 0; i < ps->nrules; i++) {
			const struct provider_rule *r = ps->rules[i];

			if (r->code_class != c + 4 || r->pattern == NULL ||
			    r->has_enh || r->lit >= 0)
				continue;
			buf_printf(&all, "%s(%s)", all.len ? "|" : "", r->pattern);
		}
		/* a gate that does not compile leaves every rule to its own regex */
		ps->has_gate[c] = all.len &&
				  regcomp(&ps->gate[c], all.s, REG_EXTENDED |
					  REG_ICASE | REG_NOSUB) == 0;
		buf_release(&all);
	}
}

/* provider_index - see provider.h */
void provider_index(struct provider_set *ps)
{
	for (size_t i = 0; i < ps->nrules; i++) {
		struct provider_rule *r = ps->rules[i];
		int tier = r->generic ? 3 : !r->has_enh ? 2 : r->enh.cls ? 0 : 1;

		r->rank = tier * 1000000 + (int)i;
	}
	if (ps->nrules > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(ps->rules, ps->nrules, sizeof(*ps->rules), rank_cmp);
	index_literals(ps);
	build_gates(ps);
}

/* fits - do st's codes fit the rule (its pattern aside) */
static int fits(const struct provider_rule *r, const struct smtp_status *st)
{
	int cls = st->code ? st->code / 100 : st->cls;

	if (cls != r->code_class)
		return 0;
	if (r->code && st->code && r->code != st->code)
		return 0;
	if (!r->has_enh)
		return 1;
	return st->cls && st->subject == r->enh.subject &&
	       st->detail == r->enh.detail && (!r->enh.cls || r->enh.cls == st->cls);
}

/* one reply being matched: its text, and what was learnt about it so far */
struct probe {
	char text[PROVIDER_TEXT_MAX + 1]; /* NUL-free */
	size_t len;
	int scanned;  /* 0 not yet, 1 hit[] valid, -1 scan refused */
	int gate[2];  /* per class: -1 not tried, 0 failed, 1 matched */
	unsigned char hit[PROVIDER_LIT_MAX];
};

/* may_match - can r's pattern match: its literals occur, or its gate */
static int may_match(const struct provider_set *ps,
		     const struct provider_rule *r, struct probe *p)
{
	int c = r->code_class - 4;

	if (r->has_enh) /* few rules fit a given enhanced code: regexec them */
		return 1;
	if (r->lit >= 0) {
		if (p->scanned == 0) {
			memset(p->hit, 0, sizeof(p->hit));
			p->scanned = litscan_scan(ps->lits, p->text, p->len,
						  p->hit) == 0
					 ? 1
					 : -1;
		}
		return p->scanned < 0 || p->hit[r->lit];
	}
	if (p->gate[c] < 0)
		p->gate[c] = !ps->has_gate[c] ||
			     regexec(&ps->gate[c], p->text, 0, NULL, 0) == 0;
	return p->gate[c];
}

/* provider_match - see provider.h */
const struct provider_rule *provider_match(const struct provider_set *ps,
					   const struct smtp_status *st,
					   const char *text, size_t len)
{
	struct probe p;

	if (ps == NULL || (st->code && (st->code < 400 || st->code > 599)) ||
	    (!st->code && st->cls != 4 && st->cls != 5))
		return NULL;
	if (text == NULL)
		len = 0;
	if (len > PROVIDER_TEXT_MAX)
		len = PROVIDER_TEXT_MAX;
	/* the pattern sees the text as one NUL-free string */
	for (size_t i = 0; i < len; i++)
		p.text[i] = text[i] ? text[i] : ' ';
	p.text[len] = '\0';
	p.len = len;
	p.scanned = 0;
	p.gate[0] = p.gate[1] = -1;
	for (size_t i = 0; i < ps->nrules; i++) {
		const struct provider_rule *r = ps->rules[i];

		if (!fits(r, st))
			continue;
		if (r->pattern == NULL)
			return r;
		if (may_match(ps, r, &p) &&
		    regexec(&r->re, p.text, 0, NULL, 0) == 0)
			return r;
	}
	return NULL;
}
