/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dsn_rewrite - add guidance to the part of a bounce people read
 *
 * Exports: dsn_rewrite, dsn_sections. The new body is the old one with
 * one insertion: the guidance sections, encoded like the first
 * text/plain part (7bit, 8bit and binary as they are, quoted-printable
 * appended, base64 decoded and encoded again at the part's line width),
 * go at the end of that part's content. Every byte before and after the
 * insertion point is copied unchanged, so the delivery-status part, the
 * returned message and the MIME structure are what the MTA wrote. A
 * part whose charset is not UTF-8, or which is declared 7bit, gets
 * ASCII guidance (accents dropped) rather than a changed header.
 */
#include "dsn.h"
#include "guidance.h"
#include "provider.h"
#include "rules.h"
#include "sanitize.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADDR_SHOWN 120 /* bytes of a recipient address in a title */
#define MAIL_WIDTH 72  /* a mail client's line, at most (line_width is
			* for SMTP replies, which may be wider) */

/* say0 - the reason into why; returns 0 (unchanged) */
__attribute__((format(printf, 3, 4))) static int say0(char *why,
						      size_t whylen,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return 0;
}

/* rcpt_domain - the domain of an envelope address ("<a@b>" or "a@b")
 * into out; "" when there is none */
static void rcpt_domain(const char *rcpt, char *out, size_t outlen)
{
	const char *at = rcpt ? strrchr(rcpt, '@') : NULL;
	size_t n;

	out[0] = '\0';
	if (at == NULL)
		return;
	n = strcspn(at + 1, ">");
	if (n < outlen)
		snprintf(out, outlen, "%.*s", (int)n, at + 1);
}

/* mail_width - the width guidance is wrapped at in a mail body */
static size_t mail_width(const struct config *cfg)
{
	return cfg->line_width < MAIL_WIDTH ? (size_t)cfg->line_width
					    : MAIL_WIDTH;
}

/* add_title - "==> <addr>: 550 5.1.1, Title", folded, onto out; the
 * title is the provider rule pr's when it has a text in the first
 * language (its text and link are those shown), else the registry's */
static void add_title(const struct config *cfg, const struct dsn_rcpt *r,
		      const struct provider_rule *pr,
		      const struct strlist *langs, int flags, struct buf *out)
{
	const struct kb_entry *e = NULL;
	struct buf raw, clean, addr;
	struct strlist folded;
	char enh[16] = "";
	int class_only;

	if (langs->n && pr)
		e = provider_text(pr, langs->v[0]);
	if (langs->n && e == NULL)
		e = kb_find(kb_lang_get(cfg->kb, langs->v[0]), &r->st,
			    &class_only);
	buf_init(&raw);
	buf_init(&clean);
	buf_init(&addr);
	strlist_init(&folded);
	if (r->st.cls)
		smtpcode_enhanced_str(&r->st, enh, sizeof(enh));
	sanitize_value(&addr, r->addr, strlen(r->addr), ADDR_SHOWN);
	buf_adds(&raw, "==> ");
	if (addr.len)
		buf_printf(&raw, "<%s>: ", addr.s);
	if (r->st.code)
		buf_printf(&raw, "%d%s", r->st.code, enh[0] ? " " : "");
	buf_adds(&raw, enh);
	if (e && e->title)
		buf_printf(&raw, ", %s", e->title);
	sanitize_text(&clean, raw.s, raw.len, flags);
	sanitize_fold(&folded, clean.s, mail_width(cfg));
	for (size_t i = 0; i < folded.n; i++) {
		buf_adds(out, folded.v[i]);
		buf_addc(out, '\n');
	}
	strlist_release(&folded);
	buf_release(&addr);
	buf_release(&clean);
	buf_release(&raw);
}

/* add_wrapped - one guidance line (a sentence) wrapped at width for a
 * mail client, onto out; a line without a space (a link) stays whole */
static void add_wrapped(struct buf *out, const char *line, size_t width)
{
	struct strlist folded;

	if (strchr(line, ' ') == NULL) {
		buf_adds(out, line);
		buf_addc(out, '\n');
		return;
	}
	strlist_init(&folded);
	sanitize_fold(&folded, line, width);
	for (size_t i = 0; i < folded.n; i++) {
		buf_adds(out, folded.v[i]);
		buf_addc(out, '\n');
	}
	strlist_release(&folded);
}

/* dsn_sections - see dsn.h */
void dsn_sections(const struct config *cfg, const struct dsn_report *rep,
		  const char *rcpt, int utf8, struct buf *out,
		  struct dsn_done *done)
{
	char domain[256];
	const struct strlist *langs;

	buf_reset(out);
	if (done)
		done->n = 0;
	rcpt_domain(rcpt, domain, sizeof(domain));
	langs = rules_languages(cfg, NULL, NULL, domain[0] ? domain : NULL);
	for (size_t i = 0; i < rep->n; i++) {
		const struct dsn_rcpt *r = &rep->rcpt[i];
		struct guidance_req req;
		struct strlist lines;
		const struct rule *rule;

		memset(&req, 0, sizeof(req));
		req.st = r->st;
		req.text = r->diag;
		req.textlen = strlen(r->diag);
		/* matched once here: the title shows what the text explains */
		req.rule_state = RULE_MATCHED;
		req.rule = rules_match_reply(cfg, &r->st, r->diag, req.textlen);
		req.prov = provider_match(cfg->providers, &r->st, r->diag,
					  req.textlen);
		req.langs = langs;
		req.utf8 = utf8;
		req.target = TARGET_BODY;
		req.max_lines = cfg->max_lines;
		strlist_init(&lines);
		rule = guidance_build(cfg, &req, &lines);
		if (lines.n) {
			buf_addc(out, '\n');
			add_title(cfg, r, req.prov, langs, utf8 ? SAN_UTF8 : 0,
				  out);
			if (done) {
				done->st[done->n] = r->st;
				done->rule[done->n++] = rule ? rule->name : NULL;
			}
			for (size_t k = 0; k < lines.n; k++)
				add_wrapped(out, lines.v[k], mail_width(cfg));
		}
		strlist_release(&lines);
	}
}

/* add_eol - text with each '\n' written as eol, onto out */
static void add_eol(struct buf *out, const char *s, size_t len,
		    const char *eol)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			buf_adds(out, eol);
		else
			buf_addc(out, s[i]);
	}
}

/* ends_eol - the range ends with a line break */
static int ends_eol(const char *s, size_t len)
{
	return len && s[len - 1] == '\n';
}

/* b64_width - the line width of the encoded content, else 76 */
static size_t b64_width(const char *s, size_t len)
{
	size_t end;

	(void)mime_line(s, len, 0, &end);
	return end >= 4 && end <= 76 && end % 4 == 0 ? end : 76;
}

/* encode_base64 - decode the content, append text, encode again */
static int encode_base64(const char *content, size_t len, const char *text,
			 size_t tlen, const char *eol, struct buf *out)
{
	struct buf plain;
	size_t before = out->len;
	int rc = -1;

	buf_init(&plain);
	if (mime_b64_decode(&plain, content, len) < 0)
		goto done;
	/* text in base64 is in canonical form: keep its line breaks */
	if (memchr(plain.s, '\r', plain.len) || plain.len == 0)
		add_eol(&plain, text, tlen, "\r\n");
	else
		add_eol(&plain, text, tlen, "\n");
	mime_b64_encode(out, plain.s, plain.len, b64_width(content, len), eol);
	/* the delimiter's own line break follows */
	if (out->len - before >= strlen(eol))
		buf_truncate(out, out->len - strlen(eol));
	rc = 0;
done:
	buf_release(&plain);
	return rc;
}

/* encode_part - the new content of the text part onto out; 0 or -1 */
static int encode_part(const struct dsn_report *rep, const char *body,
		       const struct buf *text, struct buf *out)
{
	const char *c = body + rep->text_start;
	size_t clen = rep->text_end - rep->text_start;

	if (rep->cte == CTE_BASE64)
		return encode_base64(c, clen, text->s, text->len, rep->eol,
				     out);
	buf_addn(out, c, clen);
	if (!ends_eol(c, clen))
		buf_adds(out, rep->eol);
	if (rep->cte == CTE_QP)
		mime_qp_encode(out, text->s, text->len, rep->eol);
	else
		add_eol(out, text->s, text->len, rep->eol);
	return 0;
}

/* is_null_sender - "", "<>" */
static int is_null_sender(const char *s)
{
	return s && (s[0] == '\0' || strcmp(s, "<>") == 0);
}

/* dsn_rewrite - see dsn.h */
int dsn_rewrite(const struct config *cfg, const struct dsn_msg *m,
		struct buf *out, struct dsn_done *done, char *why,
		size_t whylen)
{
	struct dsn_report *rep;
	struct buf text;
	int utf8, rc = 0;

	buf_reset(out);
	if (done)
		done->n = 0;
	if (!is_null_sender(m->sender))
		return say0(why, whylen, "not a bounce: the sender is not null");
	if (m->ctype == NULL)
		return say0(why, whylen, "not a report: no Content-Type");
	if (m->over)
		return say0(why, whylen, "the message is over the size cap");
	if (m->cte && mime_cte(m->cte) > CTE_BINARY)
		return say0(why, whylen, "the message is encoded as a whole");
	rep = xmalloc(sizeof(*rep));
	buf_init(&text);
	if (dsn_parse(m->ctype, m->body, m->len, rep, why, whylen) < 0)
		goto done;
	utf8 = rep->utf8 && rep->cte != CTE_7BIT;
	dsn_sections(cfg, rep, m->rcpt, utf8, &text, done);
	if (text.len == 0) {
		say0(why, whylen, "no guidance for these status codes");
		goto done;
	}
	buf_addn(out, m->body, rep->text_start);
	if (encode_part(rep, m->body, &text, out) < 0) {
		buf_reset(out);
		if (done)
			done->n = 0;
		say0(why, whylen, "the text part's base64 is broken");
		goto done;
	}
	buf_addn(out, m->body + rep->text_end, m->len - rep->text_end);
	snprintf(why, whylen, "%zu recipient(s) explained%s", rep->n,
		 rep->more ? ", more not explained" : "");
	rc = 1;
done:
	buf_release(&text);
	free(rep);
	return rc;
}
