/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * budget - whole sentences into a reply's line and byte budgets
 *
 * Exports: budget_init, budget_release, budget_add, budget_fit. The
 * drop order lives in budget_fit alone; see budget.h for why.
 */
#include "budget.h"
#include "linebreak.h"

#include <stdlib.h>
#include <string.h>

/* budget_init - see budget.h */
void budget_init(struct budget *b)
{
	memset(b, 0, sizeof(*b));
	strlist_init(&b->lines);
}

/* budget_release - see budget.h */
void budget_release(struct budget *b)
{
	strlist_release(&b->lines);
	free(b->s);
	memset(b, 0, sizeof(*b));
}

/* budget_add - see budget.h */
void budget_add(struct budget *b, enum budget_prio prio,
		const struct strlist *lines)
{
	if (lines->n == 0)
		return;
	if (b->ns == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->s = xrealloc(b->s, b->cap * sizeof(*b->s));
	}
	b->s[b->ns].first = b->lines.n;
	b->s[b->ns].n = lines->n;
	b->s[b->ns].prio = prio;
	b->ns++;
	for (size_t i = 0; i < lines->n; i++)
		strlist_add(&b->lines, lines->v[i]);
}

/* sentence_cost - the octets of one sentence's lines on the wire */
static size_t sentence_cost(const struct budget *b, size_t k, size_t overhead)
{
	size_t c = 0;

	for (size_t i = 0; i < b->s[k].n; i++) {
		const char *l = b->lines.v[b->s[k].first + i];

		c += overhead + linebreak_width(l, strlen(l));
	}
	return c;
}

/* budget_fit - see budget.h */
size_t budget_fit(const struct budget *b, size_t max_lines, size_t max_bytes,
		  size_t overhead, struct strlist *out)
{
	unsigned char *drop = xcalloc(b->ns ? b->ns : 1, 1);
	size_t lines = 0, bytes = 0, dropped = 0;

	for (size_t k = 0; k < b->ns; k++) {
		lines += b->s[k].n;
		bytes += sentence_cost(b, k, overhead);
	}
	for (int p = BUDGET_NPRIO - 1; p > BUDGET_KEEP; p--) {
		for (size_t k = b->ns; k-- > 0;) {
			if (lines <= max_lines && bytes <= max_bytes)
				break;
			if (b->s[k].prio != (enum budget_prio)p)
				continue;
			drop[k] = 1;
			dropped++;
			lines -= b->s[k].n;
			bytes -= sentence_cost(b, k, overhead);
		}
	}
	for (size_t k = 0; k < b->ns; k++)
		for (size_t i = 0; !drop[k] && i < b->s[k].n; i++)
			strlist_add(out, b->lines.v[b->s[k].first + i]);
	free(drop);
	return dropped;
}
