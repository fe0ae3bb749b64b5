/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lookup - the answers of the socketmap service, without the sockets
 *
 * Exports: lookup_answer, lookup_answer_memo, lookup_answer_info,
 * lookup_footer, lookup_filter, lookup_explained. A key is parsed once
 * (replykey.c) and its reply rule and provider rule matched once
 * (rules.c, provider.c); the guidance request then carries them as
 * matched, so that guidance.c never matches again.
 * Everything that goes back to Postfix is made by guidance.c (sanitised,
 * folded, budgeted), copied from the key made printable US-ASCII and cut
 * to a 512-octet line, or
 * is one of smproto.c's answers. Never fails.
 */
#include "lookup.h"
#include "guidance.h"
#include "provider.h"
#include "replykey.h"
#include "rules.h"
#include "smproto.h"

#include <stdio.h>
#include <string.h>

/* one key being answered: parsed, its reply rule matched once */
struct keyed {
	struct replykey k;
	const struct rule *rule; /* the reply rule; NULL: none applies */
	const struct provider_rule *prov; /* the provider rule; NULL: none */
};

/*
 * key_prepare - parse key and match its rule and provider rule; 0, or -1:
 * no reply we take
 */
static int key_prepare(const struct config *cfg, const char *key, size_t len,
		       struct keyed *kd)
{
	if (replykey_parse(key, len, &kd->k) < 0)
		return -1;
	kd->rule = rules_match_reply(cfg, &kd->k.st, kd->k.lines[0].text,
				     kd->k.lines[0].len);
	kd->prov = provider_match(cfg->providers, &kd->k.st,
				  kd->k.lines[0].text, kd->k.lines[0].len);
	return 0;
}

/*
 * reply_bytes - octets of the first n lines of r on the wire; cut: as
 * the filter sends them (each line at most REPLY_LINE_OCTETS, add_line)
 */
static size_t reply_bytes(const struct replykey *r, size_t n, int cut)
{
	char enh[16] = "";
	size_t bytes = 0;

	if (r->st.cls)
		smtpcode_enhanced_str(&r->st, enh, sizeof(enh));
	for (size_t i = 0; i < n; i++) {
		size_t line =
		    4 + strlen(enh) + (enh[0] ? 1 : 0) + r->lines[i].len + 2;

		bytes += cut && line > REPLY_LINE_OCTETS ? REPLY_LINE_OCTETS
							 : line;
	}
	return bytes;
}

/* base_req - the guidance request for a prepared key */
static void base_req(const struct config *cfg, const struct keyed *kd,
		     struct guidance_req *req, enum guidance_target target)
{
	const struct replykey *r = &kd->k;

	memset(req, 0, sizeof(*req));
	req->st = r->st;
	req->text = r->lines[0].text;
	req->textlen = r->lines[0].len;
	req->rule = kd->rule;
	req->rule_state = RULE_MATCHED;
	req->prov = kd->prov;
	req->langs =
	    rules_languages(cfg, NULL, NULL, r->domain[0] ? r->domain : NULL);
	req->target = target;
	req->max_lines = cfg->max_lines - (int)r->n;
	req->used_bytes = reply_bytes(r, r->n, 0);
}

/* own_lines - does a rule bring lines of its own */
static int own_lines(const struct rule *rule)
{
	return rule->nlines || rule->nappend;
}

/*
 * candidates - every line this config's guidance for kd can hold, into
 * out: per language, the guidance of kd's reply rule (else of a command
 * rule of its status without lines, else the knowledge base's), the
 * knowledge base's beside a rule, and that of every rule with lines of
 * its own that answers with this status: the command rules, and the
 * reply rules of the status whatever their pattern (the text of a
 * filter answer after a "replace" rule no longer fits that pattern)
 */
static void candidates(const struct config *cfg, const struct keyed *kd,
		       struct strlist *out)
{
	const struct rule *cr[REPLY_LINES_MAX], *rr[REPLY_LINES_MAX];
	const struct rule *plain = NULL;
	size_t ncr = rules_replying(cfg, &kd->k.st, cr, REPLY_LINES_MAX);
	size_t nrr = rules_for_status(cfg, &kd->k.st, rr, REPLY_LINES_MAX);

	for (size_t k = 0; k < ncr && plain == NULL; k++)
		if (!own_lines(cr[k]))
			plain = cr[k];
	for (size_t l = 0; l < cfg->kb->n; l++) {
		char *code = cfg->kb->langs[l]->code;
		struct strlist one = {&code, 1, 1};
		struct guidance_req req;

		base_req(cfg, kd, &req, TARGET_PLAIN);
		req.langs = &one;
		req.max_lines = REPLY_LINES_MAX;
		req.used_bytes = 0;
		req.rule = kd->rule ? kd->rule : plain; /* NULL: the base */
		guidance_build(cfg, &req, out);
		if (kd->rule && plain) {
			req.rule = plain;
			guidance_build(cfg, &req, out);
		}
		for (size_t k = 0; k < ncr; k++) {
			if (!own_lines(cr[k]))
				continue;
			req.rule = cr[k];
			guidance_build(cfg, &req, out);
		}
		for (size_t k = 0; k < nrr; k++) {
			if (!own_lines(rr[k]) || rr[k] == kd->rule)
				continue;
			req.rule = rr[k];
			guidance_build(cfg, &req, out);
		}
	}
}

/*
 * replaced_first - can the first line of a key be guidance: a reply
 * rule of its status replaces Postfix's text (the filter map answers
 * with the rule's lines alone)
 */
static int replaced_first(const struct config *cfg, const struct keyed *kd)
{
	const struct rule *rr[REPLY_LINES_MAX];
	size_t n = rules_for_status(cfg, &kd->k.st, rr, REPLY_LINES_MAX);

	for (size_t k = 0; k < n; k++)
		if (rr[k]->mode == MODE_REPLACE)
			return 1;
	return 0;
}

/*
 * explained - see lookup_explained. The candidate lines are rendered
 * once per language for each distinct source (see candidates). They
 * depend only on the status, the reply rule and the provider rule, so
 * the memo keeps them (max_lines -1). The first line of the key counts
 * only when a "replace" rule of its status could have written it.
 */
static int explained(struct memo *m, const struct config *cfg,
		     const struct keyed *kd)
{
	const struct replykey *r = &kd->k;
	struct guidance_req key;
	struct memo_entry tmp = {0}, *e;
	int fresh, found = 0;
	size_t first = replaced_first(cfg, kd) ? 0 : 1;

	if (r->n <= first)
		return 0;
	memset(&key, 0, sizeof(key));
	key.st = r->st;
	key.rule = kd->rule;
	key.rule_state = RULE_MATCHED;
	key.prov = kd->prov;
	key.max_lines = -1;
	key.target = TARGET_PLAIN;
	e = memo_get(m, cfg, &key, &tmp, &fresh);
	if (fresh)
		candidates(cfg, kd, &e->lines);
	for (size_t i = first; i < r->n && !found; i++) {
		const struct replykey_line *l = &r->lines[i];

		for (size_t k = 0; k < e->lines.n && !found; k++)
			found = l->len && strlen(e->lines.v[k]) == l->len &&
				memcmp(e->lines.v[k], l->text, l->len) == 0;
	}
	memo_tmp_release(&tmp);
	return found;
}

/* lookup_explained - see lookup.h */
int lookup_explained(const struct config *cfg, const char *key, size_t len)
{
	struct keyed kd;

	return key_prepare(cfg, key, len, &kd) == 0 &&
	       explained(NULL, cfg, &kd);
}

/* noted - what a prepared key and its guidance e (NULL: none) were */
static void noted(struct lookup_info *info, const struct keyed *kd,
		  const struct memo_entry *e, unsigned long hits_before,
		  const struct memo *m)
{
	unsigned long hits, misses;

	info->st = kd->k.st;
	info->rule = kd->rule ? kd->rule->name : NULL;
	info->provider = kd->prov ? kd->prov->id : NULL;
	if (e) {
		memo_stats(m, &hits, &misses);
		info->lines = e->lines.n;
		info->from_memo = m != NULL && hits > hits_before;
	}
}

/* memo_hits - the memo's hits so far */
static unsigned long memo_hits(const struct memo *m)
{
	unsigned long hits, misses;

	memo_stats(m, &hits, &misses);
	return hits;
}

/* footer_memo - lookup_footer through a memo (NULL: none) */
static int footer_memo(struct memo *m, const struct config *cfg,
		       const char *key, size_t len, struct buf *out,
		       struct lookup_info *info)
{
	struct keyed kd;
	struct guidance_req req;
	struct memo_entry tmp = {0};
	const struct memo_entry *e;
	unsigned long hits;
	struct memo_fitted f;
	int rc = -1;

	buf_reset(out);
	if (key_prepare(cfg, key, len, &kd) < 0)
		goto out;
	noted(info, &kd, NULL, 0, m);
	if ((int)kd.k.n >= cfg->max_lines || explained(m, cfg, &kd))
		goto out;
	base_req(cfg, &kd, &req, TARGET_FOOTER);
	hits = memo_hits(m);
	e = memo_render(m, cfg, &req, &tmp);
	noted(info, &kd, e, hits, m);
	memo_fit(cfg, &req, e, &f);
	info->lines = f.lines->n; /* what the byte budget left */
	if (f.lines->n) {
		buf_addn(out, f.footer->s, f.footer->len);
		rc = 0;
	}
	memo_fitted_release(&f);
out:
	memo_tmp_release(&tmp);
	return rc;
}

/* lookup_footer - see lookup.h */
int lookup_footer(const struct config *cfg, const char *key, size_t len,
		  struct buf *out)
{
	struct lookup_info info;

	return footer_memo(NULL, cfg, key, len, out, &info);
}

/*
 * add_line - one line of a filter answer: the codes, then text with every
 * byte outside printable US-ASCII made '?', cut so that the line and its
 * CRLF fit REPLY_LINE_OCTETS (Postfix drops a reply it cannot send). A
 * text that itself starts like an enhanced code ("4.7.1 " under a 554
 * without one) gets the reply's class: one class per reply.
 */
static void add_line(struct buf *out, int code, const char *enh, int last,
		     const char *text, size_t len)
{
	size_t start, room, off;
	struct smtp_status st;

	if (out->len)
		buf_adds(out, "\r\n");
	start = out->len;
	buf_printf(out, "%d%c", code, last ? ' ' : '-');
	if (enh[0])
		buf_printf(out, "%s ", enh);
	room = REPLY_LINE_OCTETS - 2 - (out->len - start);
	if (len > room)
		len = room;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		buf_addc(out, c < 0x20 || c > 0x7e ? '?' : (char)c);
	}
	if (smtpcode_parse_reply(out->s + start, out->len - start, &st, &off) ==
		0 &&
	    st.cls && st.cls != code / 100)
		out->s[start + 4] = (char)('0' + code / 100);
}

/* filter_memo - lookup_filter through a memo (NULL: none) */
static int filter_memo(struct memo *m, const struct config *cfg,
		       const char *key, size_t len, struct buf *out,
		       struct lookup_info *info)
{
	struct keyed kd;
	const struct replykey *r = &kd.k;
	struct guidance_req req;
	struct memo_entry tmp = {0};
	const struct memo_entry *e;
	struct memo_fitted f;
	char enh[16] = "";
	size_t keep, total;
	unsigned long hits;
	int rc = -1;

	buf_reset(out);
	if (key_prepare(cfg, key, len, &kd) < 0)
		goto out;
	noted(info, &kd, NULL, 0, m);
	if (explained(m, cfg, &kd))
		goto out;
	keep = kd.rule && kd.rule->mode == MODE_REPLACE ? 0 : r->n;
	if ((int)keep >= cfg->max_lines)
		goto out;
	base_req(cfg, &kd, &req, TARGET_PLAIN);
	req.max_lines = cfg->max_lines - (int)keep;
	req.used_bytes = reply_bytes(r, keep, 1);
	hits = memo_hits(m);
	e = memo_render(m, cfg, &req, &tmp);
	noted(info, &kd, e, hits, m);
	memo_fit(cfg, &req, e, &f);
	info->lines = f.lines->n; /* what the byte budget left */
	if (f.lines->n == 0) {
		memo_fitted_release(&f);
		goto out;
	}
	if (r->st.cls)
		smtpcode_enhanced_str(&r->st, enh, sizeof(enh));
	total = keep + f.lines->n;
	for (size_t i = 0; i < keep; i++)
		add_line(out, r->st.code, enh, i + 1 == total,
			 r->lines[i].text, r->lines[i].len);
	for (size_t i = 0; i < f.lines->n; i++)
		add_line(out, r->st.code, enh, keep + i + 1 == total,
			 f.lines->v[i], strlen(f.lines->v[i]));
	memo_fitted_release(&f);
	rc = 0;
out:
	memo_tmp_release(&tmp);
	return rc;
}

/* lookup_filter - see lookup.h */
int lookup_filter(const struct config *cfg, const char *key, size_t len,
		  struct buf *out)
{
	struct lookup_info info;

	return filter_memo(NULL, cfg, key, len, out, &info);
}

/* lookup_answer_info - see lookup.h */
void lookup_answer_info(struct memo *m, const struct config *cfg,
			const char *req, size_t len, struct buf *out,
			struct lookup_info *info)
{
	static const char no_config[] = "no configuration loaded";
	static const char no_map[] = "unknown map";
	const char *name, *key;
	size_t namelen, keylen;
	char err[128];
	struct buf data;
	int rc = -1;

	memset(info, 0, sizeof(*info));
	info->map = SMPROTO_MAP_UNKNOWN;
	info->status = SMPROTO_PERM;
	buf_init(&data);
	if (smproto_split_request(req, len, &name, &namelen, &key, &keylen,
				  err, sizeof(err)) < 0) {
		smproto_answer(out, SMPROTO_PERM, err, strlen(err));
		goto out;
	}
	info->map = smproto_map(name, namelen);
	if (cfg == NULL) {
		smproto_answer(out, SMPROTO_TEMP, no_config, strlen(no_config));
		info->status = SMPROTO_TEMP;
		goto out;
	}
	switch (info->map) {
	case SMPROTO_MAP_FOOTER:
		rc = footer_memo(m, cfg, key, keylen, &data, info);
		break;
	case SMPROTO_MAP_FILTER:
		rc = filter_memo(m, cfg, key, keylen, &data, info);
		break;
	case SMPROTO_MAP_UNKNOWN:
		smproto_answer(out, SMPROTO_PERM, no_map, strlen(no_map));
		goto out;
	}
	smproto_answer(out, rc == 0 ? SMPROTO_OK : SMPROTO_NOTFOUND, data.s,
		       data.len);
	/* an answer too long for a netstring went out as NOTFOUND */
	info->status = rc == 0 && out->len >= 3 && memcmp(out->s, "OK ", 3) == 0
			   ? SMPROTO_OK
			   : SMPROTO_NOTFOUND;
	if (info->status != SMPROTO_OK)
		info->lines = 0;
out:
	buf_release(&data);
}

/* lookup_answer_memo - see lookup.h */
void lookup_answer_memo(struct memo *m, const struct config *cfg,
			const char *req, size_t len, struct buf *out)
{
	struct lookup_info info;

	lookup_answer_info(m, cfg, req, len, out, &info);
}

/* lookup_answer - see lookup.h */
void lookup_answer(const struct config *cfg, const char *req, size_t len,
		   struct buf *out)
{
	lookup_answer_memo(NULL, cfg, req, len, out);
}
