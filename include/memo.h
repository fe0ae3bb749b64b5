/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memo - the rendered guidance of recent socketmap answers
 *
 * Exports: memo_new, memo_free, memo_forget, memo_stats, and for the
 * lookups memo_get (the entry for a request's inputs), memo_render (its
 * lines, rendered now or found) and memo_tmp_release. An entry is keyed
 * by what guidance_build depends on once a key is parsed and its rule
 * matched: status, rule, languages, line budget and target. Parsing, the
 * rule pattern and the check for a milter reply still run on every
 * lookup; only rendering and encoding are saved.
 * A memo belongs to one thread and one config snapshot: it forgets
 * everything when it sees another cfg. The caller keeps the snapshot of
 * the memo's entries alive (a store_pin reference) until it passes
 * another cfg or calls memo_forget, so that no freed snapshot's address
 * can return. Every function accepts a NULL memo: then the caller's tmp
 * entry stands in for it. Aborts on out of memory (see buf.h).
 */
#ifndef MILTER_EXPLAIN_MEMO_H
#define MILTER_EXPLAIN_MEMO_H

#include "budget.h"
#include "buf.h"
#include "config.h"
#include "guidance.h"

/* one rendering: what guidance_build gave for these inputs */
struct memo_entry {
	int used;
	struct smtp_status st;
	const struct rule *rule;
	const struct provider_rule *prov;
	const struct strlist *langs;
	int max_lines;
	enum guidance_target target;
	struct budget b;       /* the rendered sentences, before any budget */
	struct strlist lines;  /* the guidance lines within max_lines */
	size_t bytes;          /* what those take on the wire */
	struct buf footer;     /* TARGET_FOOTER: their encoded template */
	unsigned long used_at; /* the memo's clock at the last use */
};

/*
 * what one lookup sends of an entry: the entry's own lines when they fit
 * the reply's byte budget (req->used_bytes), else those that do, fitted
 * now (the byte budget depends on the key's own lines, so it is not part
 * of the entry's inputs)
 */
struct memo_fitted {
	const struct strlist *lines;
	const struct buf *footer;
	struct strlist own_lines;
	struct buf own_footer;
};

struct memo;

/* memo_new - an empty memo; memo_free(NULL) is a no-op */
struct memo *memo_new(void);
void memo_free(struct memo *m);

/* memo_forget - drop every entry (before releasing its config) */
void memo_forget(struct memo *m);

/* memo_stats - renderings found in (hits) and added to (misses) m */
void memo_stats(const struct memo *m, unsigned long *hits,
		unsigned long *misses);

/*
 * memo_get - the entry for req's inputs (req->rule matched already):
 * found in m (*fresh 0), or emptied for the caller to fill (*fresh 1),
 * replacing the least recently used entry of its set; m NULL: tmp,
 * always fresh. The entry stays valid until the next call on m.
 */
struct memo_entry *memo_get(struct memo *m, const struct config *cfg,
			    const struct guidance_req *req,
			    struct memo_entry *tmp, int *fresh);

/*
 * memo_render - memo_get, and a fresh entry filled: guidance_render's
 * sentences of req, the lines of those within req->max_lines (bytes
 * aside) and, for TARGET_FOOTER, their guidance_footer template
 */
const struct memo_entry *memo_render(struct memo *m, const struct config *cfg,
				     const struct guidance_req *req,
				     struct memo_entry *tmp);

/* memo_fit - what req's reply gets of e, into f; memo_fitted_release */
void memo_fit(const struct config *cfg, const struct guidance_req *req,
	      const struct memo_entry *e, struct memo_fitted *f);
void memo_fitted_release(struct memo_fitted *f);

/* memo_tmp_release - free what memo_get left in tmp ({0} before use) */
void memo_tmp_release(struct memo_entry *tmp);

#endif
