/*
 * lookup - the answers of the socketmap service, without the sockets
 *
 * Exports: lookup_answer, lookup_footer, lookup_filter, lookup_explained,
 * and the memo (lookup_memo_new, lookup_answer_memo, ...).
 * A key is split into at most REPLY_LINES_MAX lines (CRLF or LF); the
 * first must start with a 4xx or 5xx reply code. Everything that goes
 * back to Postfix is made by guidance.c (sanitised, folded, budgeted) or
 * copied from the key with control bytes replaced. Never fails.
 */
#include "lookup.h"
#include "guidance.h"
#include "netstring.h"
#include "rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOMAIN_MAX 253 /* bytes of a recipient domain for language rules */

struct line {
	const char *text; /* after the codes */
	size_t len;
};

/* a parsed key: the status of its first line and the text of each line */
struct reply {
	struct smtp_status st;
	struct line lines[REPLY_LINES_MAX];
	size_t n;
	char domain[DOMAIN_MAX + 1]; /* of the first <local@domain>, or "" */
};

/*
 * Renderings a memo keeps: MEMO_SETS sets of MEMO_WAYS entries, least
 * recently used replaced. Two ways, because one lookup may need two
 * entries (the check for our own guidance and the answer) and those
 * must not evict each other when their inputs hash to the same set.
 */
#define MEMO_SETS 32
#define MEMO_WAYS 2
#define MEMO_SLOTS (MEMO_SETS * MEMO_WAYS)

/* one rendering: what guidance_build gave for these inputs */
struct memo_entry {
	int used;
	struct smtp_status st;
	const struct rule *rule;
	const struct strlist *langs;
	int max_lines;
	enum guidance_target target;
	struct strlist lines;
	struct buf footer;     /* TARGET_FOOTER: the encoded template */
	unsigned long used_at; /* the memo's clock at the last use */
};

struct lookup_memo {
	const struct config *cfg; /* the snapshot the entries belong to */
	struct memo_entry e[MEMO_SLOTS];
	unsigned long hits, misses, clock;
};

/* line_text - the text of one reply line after "550-5.1.1 ", or it all */
static struct line line_text(const char *s, size_t len)
{
	struct smtp_status st;
	struct line l = {s, len};
	size_t off;

	if (smtpcode_parse_reply(s, len, &st, &off) == 0) {
		l.text = s + off;
		l.len = len - off;
	}
	return l;
}

/* domain_char - a byte of a DNS domain name */
static int domain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* find_domain - the domain of the first <local@domain> of text into out */
static void find_domain(const char *text, size_t len, char *out)
{
	const char *p = text, *end = text + len;

	out[0] = '\0';
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *gt = memchr(p, '>', (size_t)(end - p)), *at = NULL;
		size_t n;

		if (gt == NULL)
			return;
		for (const char *q = p + 1; q < gt; q++)
			if (*q == '@')
				at = q;
		if (at && at > p + 1 && (n = (size_t)(gt - at - 1)) > 0 &&
		    n <= DOMAIN_MAX) {
			size_t i;

			for (i = 0; i < n && domain_char(at[1 + i]); i++)
				;
			if (i == n) {
				memcpy(out, at + 1, n);
				out[n] = '\0';
				return;
			}
		}
		p = gt + 1;
	}
}

/* parse_key - split a key; 0, or -1 when it is no 4xx/5xx reply we take */
static int parse_key(const char *key, size_t len, struct reply *r)
{
	const char *p = key, *end = key + len;
	size_t off;

	memset(r, 0, sizeof(*r));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (r->n == REPLY_LINES_MAX)
			return -1; /* no room for anything anyway */
		if (r->n == 0) {
			if (smtpcode_parse_reply(p, n, &r->st, &off) < 0 ||
			    r->st.code < 400 || r->st.code > 599)
				return -1;
			r->lines[0].text = p + off;
			r->lines[0].len = n - off;
			r->n = 1;
		} else {
			r->lines[r->n++] = line_text(p, n);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (r->n == 0)
		return -1;
	find_domain(r->lines[0].text, r->lines[0].len, r->domain);
	return 0;
}

/* base_req - the guidance request for a parsed key */
static void base_req(const struct config *cfg, const struct reply *r,
		     struct guidance_req *req, enum guidance_target target)
{
	memset(req, 0, sizeof(*req));
	req->st = r->st;
	req->text = r->lines[0].text;
	req->textlen = r->lines[0].len;
	req->rule_state = RULE_MATCHED; /* the callers set req->rule */
	req->langs =
	    rules_languages(cfg, NULL, NULL, r->domain[0] ? r->domain : NULL);
	req->target = target;
	req->max_lines = cfg->max_lines - (int)r->n;
}

/* memo_clear - forget every memorised rendering */
static void memo_clear(struct lookup_memo *m)
{
	for (size_t i = 0; i < MEMO_SLOTS; i++) {
		if (m->e[i].used) {
			strlist_release(&m->e[i].lines);
			buf_release(&m->e[i].footer);
		}
		m->e[i].used = 0;
	}
	m->cfg = NULL;
}

/* memo_set - the set of the memo a rendering lives in */
static size_t memo_set(const struct guidance_req *req)
{
	uintptr_t h = (uintptr_t)req->rule * 31u + (uintptr_t)req->langs;

	h = h * 31u + (uintptr_t)(req->st.code * 1000003 + req->st.cls * 10007 +
				  req->st.subject * 1009 + req->st.detail);
	h = h * 31u + (uintptr_t)(req->max_lines * 2 + (int)req->target);
	return (size_t)(h ^ (h >> 17)) % MEMO_SETS;
}

/*
 * memo_find - the memo entry for req's inputs (tmp without a memo);
 * *fresh is set when the caller must fill its lines (and footer)
 */
static struct memo_entry *memo_find(struct lookup_memo *m,
				    const struct config *cfg,
				    const struct guidance_req *req,
				    struct memo_entry *tmp, int *fresh)
{
	struct memo_entry *e = tmp;

	*fresh = 1;
	if (m) {
		if (m->cfg != cfg) {
			memo_clear(m);
			m->cfg = cfg;
		}
		struct memo_entry *set = &m->e[memo_set(req) * MEMO_WAYS];

		e = set;
		for (size_t w = 0; w < MEMO_WAYS; w++) {
			struct memo_entry *c = &set[w];

			if (c->used && c->rule == req->rule &&
			    c->langs == req->langs &&
			    c->max_lines == req->max_lines &&
			    c->target == req->target &&
			    memcmp(&c->st, &req->st, sizeof(c->st)) == 0) {
				m->hits++;
				c->used_at = ++m->clock;
				*fresh = 0;
				return c;
			}
			if (!c->used || (e->used && c->used_at < e->used_at))
				e = c;
		}
		if (e->used) {
			strlist_release(&e->lines);
			buf_release(&e->footer);
		}
		m->misses++;
	}
	memset(e, 0, sizeof(*e));
	strlist_init(&e->lines);
	buf_init(&e->footer);
	e->st = req->st;
	e->rule = req->rule;
	e->langs = req->langs;
	e->max_lines = req->max_lines;
	e->target = req->target;
	e->used = 1;
	if (m)
		e->used_at = ++m->clock;
	return e;
}

/*
 * render - the guidance lines of req (its rule matched already), and for
 * a footer their template, from the memo or rendered now (into tmp
 * without a memo). The result stays valid until the next call.
 */
static const struct memo_entry *render(struct lookup_memo *m,
				       const struct config *cfg,
				       const struct guidance_req *req,
				       struct memo_entry *tmp)
{
	int fresh;
	struct memo_entry *e = memo_find(m, cfg, req, tmp, &fresh);

	if (fresh) {
		guidance_build(cfg, req, &e->lines);
		if (req->target == TARGET_FOOTER && e->lines.n)
			guidance_footer(&e->footer, &e->lines);
	}
	return e;
}

/* tmp_release - free what render left in tmp */
static void tmp_release(struct memo_entry *tmp)
{
	if (tmp->used) {
		strlist_release(&tmp->lines);
		buf_release(&tmp->footer);
		tmp->used = 0;
	}
}

/* own_lines - does a rule bring lines of its own */
static int own_lines(const struct rule *rule)
{
	return rule->nlines || rule->nappend;
}

/* candidates - every line this config's guidance for r can hold, into out */
static void candidates(const struct config *cfg, const struct reply *r,
		       const struct rule *reply_rule, struct strlist *out)
{
	const struct rule *cr[REPLY_LINES_MAX], *plain = NULL;
	size_t ncr = rules_replying(cfg, &r->st, cr, REPLY_LINES_MAX);

	for (size_t k = 0; k < ncr && plain == NULL; k++)
		if (!own_lines(cr[k]))
			plain = cr[k];
	for (size_t l = 0; l < cfg->kb->n; l++) {
		char *code = cfg->kb->langs[l]->code;
		struct strlist one = {&code, 1, 1};
		struct guidance_req req;

		base_req(cfg, r, &req, TARGET_PLAIN);
		req.langs = &one;
		req.max_lines = REPLY_LINES_MAX;
		req.rule = reply_rule ? reply_rule : plain;
		guidance_build(cfg, &req, out);
		if (reply_rule && plain) {
			req.rule = plain;
			guidance_build(cfg, &req, out);
		}
		for (size_t k = 0; k < ncr; k++) {
			if (!own_lines(cr[k]))
				continue;
			req.rule = cr[k];
			guidance_build(cfg, &req, out);
		}
	}
}

/*
 * explained - see lookup_explained; r is the parsed key. The candidate
 * lines are rendered once per language for each distinct source: the
 * reply rule that matches (else the knowledge base), the knowledge base
 * again when a command rule without lines of its own falls back to it,
 * and each command rule with lines of its own. They depend only on the
 * status and the reply rule, so the memo keeps them (max_lines -1).
 */
static int explained(struct lookup_memo *m, const struct config *cfg,
		     const struct reply *r)
{
	struct guidance_req key;
	struct memo_entry tmp = {0}, *e;
	int fresh, found = 0;

	if (r->n < 2)
		return 0;
	memset(&key, 0, sizeof(key));
	key.st = r->st;
	key.rule =
	    rules_match_reply(cfg, &r->st, r->lines[0].text, r->lines[0].len);
	key.max_lines = -1;
	key.target = TARGET_PLAIN;
	e = memo_find(m, cfg, &key, &tmp, &fresh);
	if (fresh)
		candidates(cfg, r, key.rule, &e->lines);
	for (size_t i = 1; i < r->n && !found; i++) {
		const struct line *l = &r->lines[i];

		for (size_t k = 0; k < e->lines.n && !found; k++)
			found = l->len && strlen(e->lines.v[k]) == l->len &&
				memcmp(e->lines.v[k], l->text, l->len) == 0;
	}
	tmp_release(&tmp);
	return found;
}

/* lookup_explained - see lookup.h */
int lookup_explained(const struct config *cfg, const char *key, size_t len)
{
	struct reply r;

	return parse_key(key, len, &r) == 0 && explained(NULL, cfg, &r);
}

/* footer_memo - lookup_footer through a memo (NULL: none) */
static int footer_memo(struct lookup_memo *m, const struct config *cfg,
		       const char *key, size_t len, struct buf *out)
{
	struct reply r;
	struct guidance_req req;
	struct memo_entry tmp = {0};
	const struct memo_entry *e;
	int rc = -1;

	buf_reset(out);
	if (parse_key(key, len, &r) < 0 || (int)r.n >= cfg->max_lines ||
	    explained(m, cfg, &r))
		goto out;
	base_req(cfg, &r, &req, TARGET_FOOTER);
	req.rule = rules_match_reply(cfg, &r.st, req.text, req.textlen);
	e = render(m, cfg, &req, &tmp);
	if (e->lines.n == 0)
		goto out;
	buf_addn(out, e->footer.s, e->footer.len);
	rc = 0;
out:
	tmp_release(&tmp);
	return rc;
}

/* lookup_footer - see lookup.h */
int lookup_footer(const struct config *cfg, const char *key, size_t len,
		  struct buf *out)
{
	return footer_memo(NULL, cfg, key, len, out);
}

/* add_line - one line of a replacement reply, control bytes made '?' */
static void add_line(struct buf *out, const struct reply *r, const char *enh,
		     int last, const char *text, size_t len)
{
	if (out->len)
		buf_adds(out, "\r\n");
	buf_printf(out, "%d%c", r->st.code, last ? ' ' : '-');
	if (enh[0])
		buf_printf(out, "%s ", enh);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		buf_addc(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
}

/* filter_memo - lookup_filter through a memo (NULL: none) */
static int filter_memo(struct lookup_memo *m, const struct config *cfg,
		       const char *key, size_t len, struct buf *out)
{
	struct reply r;
	struct guidance_req req;
	struct memo_entry tmp = {0};
	const struct memo_entry *e;
	char enh[16] = "";
	size_t keep, total;
	int rc = -1;

	buf_reset(out);
	if (parse_key(key, len, &r) < 0 || explained(m, cfg, &r))
		goto out;
	base_req(cfg, &r, &req, TARGET_PLAIN);
	req.rule = rules_match_reply(cfg, &r.st, req.text, req.textlen);
	keep = req.rule && req.rule->mode == MODE_REPLACE ? 0 : r.n;
	if ((int)keep >= cfg->max_lines)
		goto out;
	req.max_lines = cfg->max_lines - (int)keep;
	e = render(m, cfg, &req, &tmp);
	if (e->lines.n == 0)
		goto out;
	if (r.st.cls)
		smtpcode_enhanced_str(&r.st, enh, sizeof(enh));
	total = keep + e->lines.n;
	for (size_t i = 0; i < keep; i++)
		add_line(out, &r, enh, i + 1 == total, r.lines[i].text,
			 r.lines[i].len);
	for (size_t i = 0; i < e->lines.n; i++)
		add_line(out, &r, enh, keep + i + 1 == total, e->lines.v[i],
			 strlen(e->lines.v[i]));
	rc = 0;
out:
	tmp_release(&tmp);
	return rc;
}

/* lookup_filter - see lookup.h */
int lookup_filter(const struct config *cfg, const char *key, size_t len,
		  struct buf *out)
{
	return filter_memo(NULL, cfg, key, len, out);
}

/* lookup_answer_memo - see lookup.h */
void lookup_answer_memo(struct lookup_memo *m, const struct config *cfg,
			const char *req, size_t len, struct buf *out)
{
	const char *name, *key;
	size_t namelen, keylen;
	char err[128];
	struct buf data;
	int rc;

	buf_reset(out);
	buf_init(&data);
	if (netstring_split_request(req, len, &name, &namelen, &key, &keylen,
				    err, sizeof(err)) < 0) {
		buf_printf(out, "PERM %s", err);
		goto out;
	}
	if (cfg == NULL) {
		buf_adds(out, "TEMP no configuration loaded");
		goto out;
	}
	if (namelen == 6 && memcmp(name, "footer", 6) == 0) {
		rc = footer_memo(m, cfg, key, keylen, &data);
	} else if (namelen == 6 && memcmp(name, "filter", 6) == 0) {
		rc = filter_memo(m, cfg, key, keylen, &data);
	} else {
		buf_adds(out, "PERM unknown map");
		goto out;
	}
	if (rc == 0 && data.len + 3 <= NETSTRING_MAX) {
		buf_adds(out, "OK ");
		buf_addn(out, data.s, data.len);
	} else {
		buf_adds(out, "NOTFOUND ");
	}
out:
	buf_release(&data);
}

/* lookup_answer - see lookup.h */
void lookup_answer(const struct config *cfg, const char *req, size_t len,
		   struct buf *out)
{
	lookup_answer_memo(NULL, cfg, req, len, out);
}

/* lookup_memo_new - see lookup.h */
struct lookup_memo *lookup_memo_new(void)
{
	return xcalloc(1, sizeof(struct lookup_memo));
}

/* lookup_memo_free - see lookup.h */
void lookup_memo_free(struct lookup_memo *m)
{
	if (m == NULL)
		return;
	memo_clear(m);
	free(m);
}

/* lookup_memo_forget - see lookup.h */
void lookup_memo_forget(struct lookup_memo *m)
{
	if (m)
		memo_clear(m);
}

/* lookup_memo_stats - see lookup.h */
void lookup_memo_stats(const struct lookup_memo *m, unsigned long *hits,
		       unsigned long *misses)
{
	*hits = m ? m->hits : 0;
	*misses = m ? m->misses : 0;
}
