/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memo - the rendered guidance of recent socketmap answers
 *
 * Exports: memo_new, memo_free, memo_forget, memo_stats, memo_get,
 * memo_render, memo_fit, memo_fitted_release, memo_tmp_release. A small set-associative cache: MEMO_SETS
 * sets of MEMO_WAYS entries, the least recently used of a set replaced.
 * Not thread-safe: one memo per service thread.
 */
#include "memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Two ways, because one lookup may need two entries (the check for our
 * own guidance and the answer) and those must not evict each other when
 * their inputs hash to the same set.
 */
#define MEMO_SETS 32
#define MEMO_WAYS 2
#define MEMO_SLOTS (MEMO_SETS * MEMO_WAYS)

struct memo {
	const struct config *cfg; /* the snapshot the entries belong to */
	struct memo_entry e[MEMO_SLOTS];
	unsigned long hits, misses, clock;
};

/* entry_release - free an entry's lines and footer */
static void entry_release(struct memo_entry *e)
{
	if (e->used) {
		budget_release(&e->b);
		strlist_release(&e->lines);
		buf_release(&e->footer);
	}
	e->used = 0;
}

/* memo_clear - forget every memorised rendering */
static void memo_clear(struct memo *m)
{
	for (size_t i = 0; i < MEMO_SLOTS; i++)
		entry_release(&m->e[i]);
	m->cfg = NULL;
}

/* memo_set - the set of the memo a rendering lives in */
static size_t memo_set(const struct guidance_req *req)
{
	uintptr_t h = (uintptr_t)req->rule * 31u + (uintptr_t)req->langs;

	h = h * 31u + (uintptr_t)req->prov;
	h = h * 31u + (uintptr_t)(req->st.code * 1000003 + req->st.cls * 10007 +
				  req->st.subject * 1009 + req->st.detail);
	h = h * 31u + (uintptr_t)(req->max_lines * 2 + (int)req->target);
	return (size_t)(h ^ (h >> 17)) % MEMO_SETS;
}

/* entry_matches - e holds the rendering of req's inputs */
static int entry_matches(const struct memo_entry *e,
			 const struct guidance_req *req)
{
	return e->used && e->rule == req->rule && e->prov == req->prov &&
	       e->langs == req->langs &&
	       e->max_lines == req->max_lines && e->target == req->target &&
	       memcmp(&e->st, &req->st, sizeof(e->st)) == 0;
}

/* memo_lookup - req's entry in m (*fresh 0), else the one to replace */
static struct memo_entry *memo_lookup(struct memo *m,
				      const struct config *cfg,
				      const struct guidance_req *req,
				      int *fresh)
{
	struct memo_entry *set, *e;

	if (m->cfg != cfg) {
		memo_clear(m);
		m->cfg = cfg;
	}
	set = &m->e[memo_set(req) * MEMO_WAYS];
	e = set;
	for (size_t w = 0; w < MEMO_WAYS; w++) {
		struct memo_entry *c = &set[w];

		if (entry_matches(c, req)) {
			m->hits++;
			c->used_at = ++m->clock;
			*fresh = 0;
			return c;
		}
		if (!c->used || (e->used && c->used_at < e->used_at))
			e = c;
	}
	entry_release(e);
	m->misses++;
	return e;
}

/* memo_get - see memo.h */
struct memo_entry *memo_get(struct memo *m, const struct config *cfg,
			    const struct guidance_req *req,
			    struct memo_entry *tmp, int *fresh)
{
	struct memo_entry *e = tmp;

	*fresh = 1;
	if (m) {
		e = memo_lookup(m, cfg, req, fresh);
		if (!*fresh)
			return e;
	} else {
		entry_release(tmp);
	}
	memset(e, 0, sizeof(*e));
	budget_init(&e->b);
	strlist_init(&e->lines);
	buf_init(&e->footer);
	e->st = req->st;
	e->rule = req->rule;
	e->prov = req->prov;
	e->langs = req->langs;
	e->max_lines = req->max_lines;
	e->target = req->target;
	e->used = 1;
	if (m)
		e->used_at = ++m->clock;
	return e;
}

/* memo_render - see memo.h */
const struct memo_entry *memo_render(struct memo *m, const struct config *cfg,
				     const struct guidance_req *req,
				     struct memo_entry *tmp)
{
	int fresh;
	struct memo_entry *e = memo_get(m, cfg, req, tmp, &fresh);

	if (fresh) {
		guidance_render(cfg, req, &e->b);
		budget_fit(&e->b,
			   (size_t)(req->max_lines > 0 ? req->max_lines : 0),
			   SIZE_MAX, 0, &e->lines);
		e->bytes = guidance_bytes(req, &e->lines);
		if (req->target == TARGET_FOOTER && e->lines.n)
			guidance_footer(&e->footer, &e->lines);
	}
	return e;
}

/* memo_fit - see memo.h */
void memo_fit(const struct config *cfg, const struct guidance_req *req,
	      const struct memo_entry *e, struct memo_fitted *f)
{
	strlist_init(&f->own_lines);
	buf_init(&f->own_footer);
	f->lines = &e->lines;
	f->footer = &e->footer;
	if (req->used_bytes + e->bytes <= (size_t)cfg->max_reply_bytes)
		return;
	guidance_fit(cfg, req, &e->b, &f->own_lines);
	if (req->target == TARGET_FOOTER && f->own_lines.n)
		guidance_footer(&f->own_footer, &f->own_lines);
	f->lines = &f->own_lines;
	f->footer = &f->own_footer;
}

/* memo_fitted_release - see memo.h */
void memo_fitted_release(struct memo_fitted *f)
{
	strlist_release(&f->own_lines);
	buf_release(&f->own_footer);
}

/* memo_tmp_release - see memo.h */
void memo_tmp_release(struct memo_entry *tmp)
{
	entry_release(tmp);
}

/* memo_new - see memo.h */
struct memo *memo_new(void)
{
	return xcalloc(1, sizeof(struct memo));
}

/* memo_free - see memo.h */
void memo_free(struct memo *m)
{
	if (m == NULL)
		return;
	memo_clear(m);
	free(m);
}

/* memo_forget - see memo.h */
void memo_forget(struct memo *m)
{
	if (m)
		memo_clear(m);
}

/* memo_stats - see memo.h */
void memo_stats(const struct memo *m, unsigned long *hits,
		unsigned long *misses)
{
	*hits = m ? m->hits : 0;
	*misses = m ? m->misses : 0;
}
