/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guidance - the lines of guidance for one reply, ready for the wire
 *
 * Exports: guidance_build, guidance_line, guidance_command_reply,
 * guidance_milter_line, guidance_footer, guidance_help_path,
 * guidance_provider_path. Every line
 * that leaves the daemon is made here: rendered from a template,
 * sanitised to printable text, one sentence per line (linebreak.h), and
 * fitted, whole sentences at a time, to the reply's line and byte
 * budgets (budget.h). guidance_render, guidance_fit and guidance_bytes
 * are guidance_build's parts, for the socketmap's memo.
 */
#include "guidance.h"
#include "budget.h"
#include "linebreak.h"
#include "rules.h"
#include "sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the first line of a command reply whose rule has no text of its own */
#define COMMAND_FIRST_LINE "Error: command not recognized"
/* the only line of a command reply that got no guidance at all */
#define COMMAND_LAST_RESORT "Error"

/* the variables Postfix itself expands in a reply footer */
static const char *const postfix_vars[] = {"client_address", "client_port",
					   "localtime", "server_name", NULL};

struct render_ctx {
	const struct config *cfg;
	const struct guidance_req *req;
	char code[8], enh[16];
	struct buf scratch;
	struct budget *budget;  /* where the sentences go */
	enum budget_prio prio;  /* of the sentences emitted now */
};

/* is_one_of - name (len bytes) is in the NULL-terminated list */
static int is_one_of(const char *name, size_t len, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == len && memcmp(list[i], name, len) == 0)
			return 1;
	return 0;
}

/* render_value - template_lookup_fn: computed, site and session values */
static const char *render_value(const char *name, size_t len, void *vctx)
{
	struct render_ctx *c = vctx;
	const struct guidance_req *req = c->req;
	const char *v;

	if (len == 4 && memcmp(name, "code", 4) == 0)
		return c->code;
	if (len == 13 && memcmp(name, "enhanced_code", 13) == 0)
		return c->enh[0] ? c->enh : NULL;
	if (len == 8 && memcmp(name, "help_url", 8) == 0)
		return c->cfg->help_url;
	if ((v = config_var(c->cfg, name, len)) != NULL)
		return v;
	if (req->target == TARGET_FOOTER &&
	    is_one_of(name, len, postfix_vars)) {
		buf_reset(&c->scratch);
		buf_addc(&c->scratch, SAN_MARK);
		buf_addn(&c->scratch, name, len);
		buf_addc(&c->scratch, SAN_MARK);
		return c->scratch.s;
	}
	if (len == 7 && memcmp(name, "command", 7) == 0 && req->command)
		v = req->command;
	else if (req->lookup)
		v = req->lookup(name, len, req->ctx);
	if (v == NULL)
		return NULL;
	/* an untrusted value: printable, short, no placeholder bytes */
	buf_reset(&c->scratch);
	sanitize_value(&c->scratch, v, strlen(v), VALUE_MAX);
	return c->scratch.s;
}

/* emit - render one template line, sanitise, add its sentences' lines */
static void emit(struct render_ctx *c, const char *tpl)
{
	const struct guidance_req *req = c->req;
	struct buf raw, clean;
	struct strlist sentences, lines;
	int flags = req->target == TARGET_FOOTER ? SAN_KEEP_MARK : 0;

	if (req->utf8)
		flags |= SAN_UTF8;
	buf_init(&raw);
	buf_init(&clean);
	strlist_init(&sentences);
	template_render(&raw, tpl, render_value, c);
	sanitize_text(&clean, raw.s, raw.len, flags);
	linebreak_sentences(&sentences, clean.s);
	for (size_t i = 0; i < sentences.n; i++) {
		strlist_init(&lines);
		linebreak_sentence(&lines, sentences.v[i],
				   (size_t)c->cfg->line_width);
		budget_add(c->budget, c->prio, &lines);
		strlist_release(&lines);
	}
	strlist_release(&sentences);
	buf_release(&clean);
	buf_release(&raw);
}

/* pick - the lines of ll for lang, else those for every language */
static const struct strlist *pick(const struct lang_lines *ll, size_t n,
				  const char *lang)
{
	const struct strlist *all = NULL;

	for (size_t i = 0; i < n; i++) {
		if (ll[i].lang == NULL)
			all = &ll[i].lines;
		else if (strcmp(ll[i].lang, lang) == 0)
			return &ll[i].lines;
	}
	return all;
}

/* emit_list - emit every line of l */
static void emit_list(struct render_ctx *c, const struct strlist *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		emit(c, l->v[i]);
}

/* has_page - the help site has a page for the enhanced code of st */
static int has_page(const struct kb *kb, const struct smtp_status *st)
{
	char key[16], xkey[16];

	if (kb == NULL)
		return 1;
	smtpcode_enhanced_str(st, key, sizeof(key));
	snprintf(xkey, sizeof(xkey), "X%s", strchr(key, '.'));
	for (size_t i = 0; i < kb->n; i++)
		if (kb_get(kb->langs[i], key) || kb_get(kb->langs[i], xkey))
			return 1;
	return 0;
}

/* guidance_help_path - see guidance.h */
void guidance_help_path(char *out, size_t outlen, const struct kb *kb,
			const char *lang, const struct smtp_status *st)
{
	char key[16];

	if (st->cls && (has_page(kb, st) || st->code == 0))
		smtpcode_enhanced_str(st, key, sizeof(key));
	else
		snprintf(key, sizeof(key), "%d", st->code);
	snprintf(out, outlen, "%s/%s.html", lang, key);
}

/* guidance_provider_path - see guidance.h */
void guidance_provider_path(char *out, size_t outlen, const char *lang,
			    const struct provider_rule *pr)
{
	snprintf(out, outlen, "%s/provider-%s.html#%s", lang, pr->source->id,
		 pr->id);
}

/* ctx_init - the rendering context of req, sentences into b */
static void ctx_init(struct render_ctx *c, const struct config *cfg,
		     const struct guidance_req *req, struct budget *b)
{
	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	c->req = req;
	c->budget = b;
	snprintf(c->code, sizeof(c->code), "%d", req->st.code);
	if (req->st.cls)
		smtpcode_enhanced_str(&req->st, c->enh, sizeof(c->enh));
	buf_init(&c->scratch);
}

/* is_temporary - a 4xx reply (or a bare 4.s.d) */
static int is_temporary(const struct smtp_status *st)
{
	return st->code ? st->code / 100 == 4 : st->cls == 4;
}

/*
 * emit_kb - the guidance of the knowledge base for lang: the provider
 * rule's text when one matched, else the entry for the status; a 4xx
 * reply's starts with the language's retry sentence. Returns 1 when the
 * provider rule's text was used.
 */
static int emit_kb(struct render_ctx *c, const struct kb_lang *l,
		   const struct provider_rule *pr, const char *lang)
{
	int class_only;
	const struct kb_entry *e = pr ? provider_text(pr, lang) : NULL;
	int prov = e != NULL;

	if (e == NULL)
		e = kb_find(l, &c->req->st, &class_only);
	if (e == NULL)
		return 0;
	if (is_temporary(&c->req->st) && l->head.retry)
		emit(c, l->head.retry);
	emit_list(c, &e->shorts);
	emit_list(c, &e->append);
	return prov;
}

/*
 * emit_help - the help link: one line, never broken nor dropped; the
 * section of the provider rule pr when its text was shown, else the
 * code's page
 */
static void emit_help(struct render_ctx *c, const char *lang,
		      const struct provider_rule *pr)
{
	char path[192];
	struct buf link;
	struct strlist one;

	if (pr)
		guidance_provider_path(path, sizeof(path), lang, pr);
	else
		guidance_help_path(path, sizeof(path), c->cfg->kb, lang,
				   &c->req->st);
	buf_init(&link);
	strlist_init(&one);
	buf_printf(&link, "%s/%s", c->cfg->help_url, path);
	/* a URL is never broken: left out if it cannot be sent whole */
	if (link.len <= LINEBREAK_HARD && sanitize_is_printable(link.s, link.len)) {
		strlist_add(&one, link.s);
		budget_add(c->budget, BUDGET_KEEP, &one);
	}
	strlist_release(&one);
	buf_release(&link);
}

/* guidance_render - see guidance.h */
const struct rule *guidance_render(const struct config *cfg,
				   const struct guidance_req *req,
				   struct budget *b)
{
	struct render_ctx c;
	const struct rule *r = req->rule;
	const struct provider_rule *pr;
	const struct strlist *langs = req->langs ? req->langs : &cfg->languages;
	int prov_shown = 0; /* the first language shows the provider's text */

	ctx_init(&c, cfg, req, b);
	if (req->rule_state == RULE_UNMATCHED)
		r = rules_match_reply(cfg, &req->st, req->text ? req->text : "",
				      req->text ? req->textlen : 0);
	pr = req->rule_state == RULE_MATCHED
		 ? req->prov
		 : provider_match(cfg->providers, &req->st, req->text,
				  req->text ? req->textlen : 0);
	for (size_t i = 0; i < langs->n; i++) {
		const struct strlist *own =
		    r ? pick(r->lines, r->nlines, langs->v[i]) : NULL;

		c.prio = i == 0 ? BUDGET_FIRST : BUDGET_OTHER;
		if (own) {
			emit_list(&c, own);
		} else {
			int used = emit_kb(&c, kb_lang_get(cfg->kb, langs->v[i]),
					   pr, langs->v[i]);

			if (i == 0)
				prov_shown = used;
		}
		if (r)
			emit_list(&c, pick(r->append, r->nappend, langs->v[i]));
		for (size_t k = 0; k < cfg->nfooter; k++)
			if (cfg->footer[k].lang &&
			    strcmp(cfg->footer[k].lang, langs->v[i]) == 0)
				emit_list(&c, &cfg->footer[k].lines);
	}
	c.prio = BUDGET_FOOTER;
	for (size_t k = 0; k < cfg->nfooter; k++)
		if (cfg->footer[k].lang == NULL)
			emit_list(&c, &cfg->footer[k].lines);
	if (cfg->help_url && langs->n)
		emit_help(&c, langs->v[0], prov_shown ? pr : NULL);
	buf_release(&c.scratch);
	return r;
}

/* line_overhead - octets of a line besides its text: codes, CRLF */
static size_t line_overhead(const struct smtp_status *st)
{
	char enh[16] = "";

	if (st->cls)
		smtpcode_enhanced_str(st, enh, sizeof(enh));
	return 4 + strlen(enh) + (enh[0] ? 1 : 0) + 2;
}

/* guidance_bytes - see guidance.h */
size_t guidance_bytes(const struct guidance_req *req, const struct strlist *l)
{
	size_t n = 0, over = line_overhead(&req->st);

	for (size_t i = 0; i < l->n; i++)
		n += over + linebreak_width(l->v[i], strlen(l->v[i]));
	return n;
}

/* guidance_fit - see guidance.h */
size_t guidance_fit(const struct config *cfg, const struct guidance_req *req,
		    const struct budget *b, struct strlist *out)
{
	size_t max = (size_t)cfg->max_reply_bytes;
	size_t bytes = req->used_bytes < max ? max - req->used_bytes : 0;
	size_t lines = req->max_lines > 0 ? (size_t)req->max_lines : 0;

	return budget_fit(b, lines, bytes, line_overhead(&req->st), out);
}

/* guidance_build - see guidance.h */
const struct rule *guidance_build(const struct config *cfg,
				  const struct guidance_req *req,
				  struct strlist *out)
{
	struct budget b;
	const struct rule *r;

	budget_init(&b);
	r = guidance_render(cfg, req, &b);
	guidance_fit(cfg, req, &b, out);
	budget_release(&b);
	return r;
}

/* guidance_milter_line - see guidance.h */
void guidance_milter_line(struct buf *out, const char *line)
{
	buf_reset(out);
	sanitize_escape(out, line, '%');
}

/* guidance_footer - see guidance.h */
void guidance_footer(struct buf *out, const struct strlist *lines)
{
	buf_reset(out);
	for (size_t i = 0; i < lines->n; i++) {
		const char *p = lines->v[i];

		if (i)
			buf_adds(out, "\\n");
		for (; *p; p++) {
			if (*p == '$') {
				buf_adds(out, "$$");
			} else if (*p == '\\') {
				/* "\n" and "\c" mean something to Postfix */
				buf_addc(out, '/');
			} else if (*p == SAN_MARK) {
				const char *end = strchr(p + 1, SAN_MARK);

				if (end == NULL)
					break;
				buf_adds(out, "${");
				buf_addn(out, p + 1, (size_t)(end - p - 1));
				buf_addc(out, '}');
				p = end;
			} else {
				buf_addc(out, *p);
			}
		}
	}
}

/* guidance_line - see guidance.h */
void guidance_line(const struct config *cfg, const struct guidance_req *req,
		   const char *tpl, struct strlist *out)
{
	struct render_ctx c;
	struct budget b;
	size_t start = out->n;

	budget_init(&b);
	ctx_init(&c, cfg, req, &b);
	c.prio = BUDGET_KEEP;
	emit(&c, tpl);
	budget_fit(&b, SIZE_MAX, SIZE_MAX, 0, out);
	while (out->n - start > (size_t)(req->max_lines > 0 ? req->max_lines : 0))
		free(out->v[--out->n]);
	buf_release(&c.scratch);
	budget_release(&b);
}

/* guidance_command_reply - see guidance.h */
const struct rule *guidance_command_reply(const struct config *cfg,
					  const char *line, size_t len,
					  const struct guidance_session *s,
					  char *name, size_t namelen,
					  struct strlist *out)
{
	const struct rule *r;
	struct guidance_req req;
	size_t start = out->n;

	if (line == NULL)
		len = 0;
	rules_command_name(line, len, name, namelen);
	if ((r = rules_match_command(cfg, line, len)) == NULL)
		return NULL; /* the MTA's own reply stands */
	memset(&req, 0, sizeof(req));
	req.st = r->reply;
	req.command = name;
	req.rule = r;
	req.rule_state = RULE_MATCHED;
	req.langs = rules_languages(cfg, s->client_addr, s->client_name, NULL);
	req.lookup = s->lookup;
	req.ctx = s->ctx;
	req.target = TARGET_MILTER;
	req.max_lines = cfg->max_lines;
	if (r->mode == MODE_APPEND)
		guidance_line(cfg, &req, r->text ? r->text : COMMAND_FIRST_LINE,
			      out);
	req.max_lines = cfg->max_lines - (int)(out->n - start);
	{
		/* out->v is NULL while out is empty: no offset from NULL */
		struct strlist first = {out->v ? out->v + start : NULL,
					out->n - start, 0};

		req.used_bytes = guidance_bytes(&req, &first);
	}
	guidance_build(cfg, &req, out);
	if (out->n == start)
		guidance_line(cfg, &req, r->text ? r->text : COMMAND_LAST_RESORT,
			      out);
	return r;
}
