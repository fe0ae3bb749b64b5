/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * budget - whole sentences into a reply's line and byte budgets
 *
 * Exports: struct budget (the candidate sentences of one reply's
 * guidance, each with its lines and a priority), budget_init,
 * budget_release, budget_add and budget_fit.
 *
 * Why: an SMTP client keeps only so much of a reply (Postfix's client
 * stores at most line_length_limit, 2048 bytes, and drops the rest
 * without a mark, the help link first). A reply that fits is whole; what
 * does not fit is dropped a whole sentence at a time, least important
 * first: further languages, then the footer, then the first language's
 * guidance; BUDGET_KEEP (the help link) never. Within one priority the
 * last sentence goes first. Pure; never fails.
 */
#ifndef MILTER_EXPLAIN_BUDGET_H
#define MILTER_EXPLAIN_BUDGET_H

#include "buf.h"

#include <stddef.h>

enum budget_prio {
	BUDGET_KEEP,   /* never dropped: the help link */
	BUDGET_FIRST,  /* the first language's guidance */
	BUDGET_FOOTER, /* the site's footer lines */
	BUDGET_OTHER,  /* further languages */
	BUDGET_NPRIO
};

struct budget_sentence {
	size_t first, n;       /* its lines: lines.v[first .. first + n) */
	enum budget_prio prio;
};

struct budget {
	struct strlist lines;
	struct budget_sentence *s;
	size_t ns, cap;
};

/* budget_init - an empty budget; budget_release frees what it holds */
void budget_init(struct budget *b);
void budget_release(struct budget *b);

/* budget_add - one sentence: copies of its lines, with its priority */
void budget_add(struct budget *b, enum budget_prio prio,
		const struct strlist *lines);

/*
 * budget_fit - append to out (copies) the lines of the sentences that
 * fit, in their order: at most max_lines lines and max_bytes octets,
 * each line costing overhead (its codes and CRLF) plus linebreak_width.
 * BUDGET_KEEP sentences are kept even beyond the budget. Returns the
 * number of sentences dropped.
 */
size_t budget_fit(const struct budget *b, size_t max_lines, size_t max_bytes,
		  size_t overhead, struct strlist *out);

#endif
