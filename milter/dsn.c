/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dsn - read a delivery status notification (RFC 3464, RFC 6522)
 *
 * Exports: dsn_parse. The body is scanned once for the delimiters of
 * the top-level boundary: the first part must be text/plain (the one
 * people read), the second message/delivery-status (or RFC 6533's
 * message/global-delivery-status), and a close delimiter must follow, or
 * the report is refused (truncated or malformed). The status fields are
 * read as header blocks; each recipient whose Action is failed or
 * delayed and whose status is 4.x.x or 5.x.x is kept (at most
 * DSN_RCPT_MAX, the rest counted). Nothing is copied but the few
 * fields kept, so memory does not grow with the input.
 */
#include "dsn.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* say - the reason into why; returns -1 */
__attribute__((format(printf, 3, 4))) static int say(char *why,
						     size_t whylen,
						     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* the two fields of a part's header block that matter here */
struct part_head {
	char ctype[MIME_FIELD_MAX + 1]; /* "" when absent */
	char cte[MIME_FIELD_MAX + 1];
	int dup;                        /* a field given twice */
};

/* part_field - mime_field_fn collecting struct part_head */
static int part_field(const char *name, size_t n, const char *value,
		      void *ctx)
{
	struct part_head *h = ctx;
	char *dst = NULL;

	if (n == 12 && strncasecmp(name, "Content-Type", n) == 0)
		dst = h->ctype;
	else if (n == 25 &&
		 strncasecmp(name, "Content-Transfer-Encoding", n) == 0)
		dst = h->cte;
	if (dst == NULL)
		return 0;
	if (dst[0])
		h->dup = 1;
	snprintf(dst, MIME_FIELD_MAX + 1, "%s", value);
	return 0;
}

/* the parts of the report, as offsets into the body */
struct layout {
	const char *boundary;
	size_t part[2];    /* where the first two parts start */
	size_t end[2];     /* where their delimiters start */
};

/* find_parts - the first two parts and the close delimiter after them */
static int find_parts(const char *body, size_t len, struct layout *ly,
		      char *why, size_t whylen)
{
	size_t pos = 0, d, next;
	int close = 0;

	d = mime_find_delim(body, len, 0, ly->boundary, &close, &next);
	if (d == len || close)
		return say(why, whylen, "no MIME part in the report");
	for (int i = 0; i < 2; i++) {
		ly->part[i] = pos = next;
		d = mime_find_delim(body, len, pos, ly->boundary, &close,
				    &next);
		if (d == len)
			return say(why, whylen, "truncated: part %d has no "
				   "delimiter after it", i + 1);
		ly->end[i] = d;
		if (close && i == 0)
			return say(why, whylen, "no delivery-status part");
	}
	while (!close) {
		d = mime_find_delim(body, len, next, ly->boundary, &close,
				    &next);
		if (d == len)
			return say(why, whylen, "truncated: no close delimiter");
	}
	return 0;
}

/* content_end - where a part's content ends: before the line break
 * that belongs to the delimiter at d */
static size_t content_end(const char *body, size_t start, size_t d)
{
	if (d >= start + 2 && body[d - 2] == '\r' && body[d - 1] == '\n')
		return d - 2;
	if (d >= start + 1 && body[d - 1] == '\n')
		return d - 1;
	return d;
}

/* ascii_charset - a charset whose bytes 0..127 are US-ASCII */
static int ascii_charset(const char *cs)
{
	static const char *const prefixes[] = {"us-ascii", "iso-8859-",
					       "windows-125", "ascii",
					       "iso_8859-", "latin", NULL};

	if (cs[0] == '\0')
		return 1;
	for (size_t i = 0; prefixes[i]; i++)
		if (strncasecmp(cs, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* read_text_part - the first part: text/plain, its encoding, charset */
static int read_text_part(const char *body, const struct layout *ly,
			  struct dsn_report *rep, char *why, size_t whylen)
{
	struct part_head h = {"", "", 0};
	char type[MIME_TOKEN_MAX + 1] = "text/plain", cs[MIME_TOKEN_MAX + 1];
	size_t start = ly->part[0], hb;

	cs[0] = '\0';
	if (mime_fields(body + start, ly->end[0] - start, &hb, part_field,
			&h) != 0 || h.dup)
		return say(why, whylen, "the first part's header is malformed");
	if (h.ctype[0] && mime_ctype(h.ctype, type, sizeof(type), "charset",
				     cs, sizeof(cs)) < 0)
		return say(why, whylen, "the first part's Content-Type is "
			   "malformed");
	if (strcmp(type, "text/plain") != 0)
		return say(why, whylen, "the first part is %s, not text/plain",
			   type);
	rep->utf8 = strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0;
	if (!rep->utf8 && !ascii_charset(cs))
		return say(why, whylen, "the first part's charset %s is not "
			   "handled", cs);
	rep->cte = mime_cte(h.cte);
	if (rep->cte == CTE_OTHER)
		return say(why, whylen, "the first part's encoding is unknown");
	rep->text_start = start + hb;
	rep->text_end = content_end(body, rep->text_start, ly->end[0]);
	if (rep->text_end <= rep->text_start)
		return say(why, whylen, "the first part is empty");
	return 0;
}

/* the fields of one per-recipient block */
struct rcpt_head {
	char final[MIME_FIELD_MAX + 1], orig[MIME_FIELD_MAX + 1];
	char action[MIME_FIELD_MAX + 1], status[MIME_FIELD_MAX + 1];
	char diag[MIME_FIELD_MAX + 1];
};

/* rcpt_field - mime_field_fn collecting struct rcpt_head (first wins) */
static int rcpt_field(const char *name, size_t n, const char *value,
		      void *ctx)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
	    {"Final-Recipient", offsetof(struct rcpt_head, final)},
	    {"Original-Recipient", offsetof(struct rcpt_head, orig)},
	    {"Action", offsetof(struct rcpt_head, action)},
	    {"Status", offsetof(struct rcpt_head, status)},
	    {"Diagnostic-Code", offsetof(struct rcpt_head, diag)},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char *dst = (char *)ctx + fields[i].off;

		if (strlen(fields[i].name) == n &&
		    strncasecmp(name, fields[i].name, n) == 0 && !dst[0])
			snprintf(dst, MIME_FIELD_MAX + 1, "%s", value);
	}
	return 0;
}

/* after_type - the text after "type;" of an address or diagnostic
 * field, white space skipped; NULL when there is no ';' */
static const char *after_type(const char *v, const char *type)
{
	const char *semi = strchr(v, ';');

	if (semi == NULL)
		return NULL;
	if (type && ((size_t)(semi - v) != strlen(type) ||
		     strncasecmp(v, type, strlen(type)) != 0))
		return NULL;
	for (semi++; *semi == ' '; semi++)
		;
	return semi;
}

/* rcpt_status - the status to explain; 0, or -1 when there is none */
static int rcpt_status(const struct rcpt_head *h, struct dsn_rcpt *r)
{
	struct smtp_status st = {0};
	const char *reply = after_type(h->diag, "smtp");
	size_t text = 0, n = strcspn(h->status, " (");

	memset(&r->st, 0, sizeof(r->st));
	r->diag[0] = '\0';
	if (smtpcode_parse_enhanced(h->status, n, &st) < 0 || st.cls == 0)
		st.cls = 0;
	if (reply && smtpcode_parse_reply(reply, strlen(reply), &r->st,
					  &text) == 0) {
		snprintf(r->diag, sizeof(r->diag), "%s", reply + text);
		if (r->st.cls == 0 && st.cls) {
			r->st.cls = st.cls;
			r->st.subject = st.subject;
			r->st.detail = st.detail;
		}
	} else {
		const char *any = after_type(h->diag, NULL);

		r->st = st;
		snprintf(r->diag, sizeof(r->diag), "%s", any ? any : "");
	}
	n = r->st.code ? (size_t)r->st.code / 100 : (size_t)r->st.cls;
	return n == 4 || n == 5 ? 0 : -1;
}

/* keep_rcpt - record one recipient block if it failed or was delayed */
static void keep_rcpt(const struct rcpt_head *h, struct dsn_report *rep)
{
	struct dsn_rcpt r = {"", ACTION_FAILED, {0, 0, 0, 0}, ""};
	const char *addr = after_type(h->final[0] ? h->final : h->orig, NULL);

	if (strcasecmp(h->action, "failed") == 0)
		r.action = ACTION_FAILED;
	else if (strcasecmp(h->action, "delayed") == 0)
		r.action = ACTION_DELAYED;
	else
		return;
	if (rcpt_status(h, &r) < 0)
		return;
	if (rep->n == DSN_RCPT_MAX) {
		rep->more++;
		return;
	}
	snprintf(r.addr, sizeof(r.addr), "%s", addr ? addr : "");
	rep->rcpt[rep->n++] = r;
}

/* read_status - the per-message block, then each recipient's block */
static int read_status(const char *s, size_t len, struct dsn_report *rep,
		       char *why, size_t whylen)
{
	struct rcpt_head *h = xmalloc(sizeof(*h));
	size_t pos = 0, body;
	int block = 0, rc;

	while (pos < len) {
		size_t end, next = mime_line(s, len, pos, &end);

		if (end == pos) { /* blank lines between blocks */
			pos = next;
			continue;
		}
		h->final[0] = h->orig[0] = h->action[0] = '\0';
		h->status[0] = h->diag[0] = '\0';
		rc = mime_fields(s + pos, len - pos, &body, rcpt_field, h);
		if (rc < 0) {
			free(h);
			return say(why, whylen, "the delivery-status part is "
				   "malformed");
		}
		if (block++ > 0)
			keep_rcpt(h, rep);
		pos += body;
	}
	free(h);
	if (block < 2)
		return say(why, whylen, "the delivery-status part names no "
			   "recipient");
	if (rep->n == 0)
		return say(why, whylen, "no recipient failed or was delayed "
			   "with a 4.x.x or 5.x.x status");
	return 0;
}

/* read_status_part - the second part: its type, then its fields */
static int read_status_part(const char *body, const struct layout *ly,
			    struct dsn_report *rep, char *why, size_t whylen)
{
	struct part_head h = {"", "", 0};
	char type[MIME_TOKEN_MAX + 1];
	size_t start = ly->part[1], hb, end;

	if (mime_fields(body + start, ly->end[1] - start, &hb, part_field,
			&h) != 0 || h.dup ||
	    mime_ctype(h.ctype, type, sizeof(type), NULL, NULL, 0) < 0)
		return say(why, whylen, "the second part's header is "
			   "malformed");
	if (strcmp(type, "message/delivery-status") != 0 &&
	    strcmp(type, "message/global-delivery-status") != 0)
		return say(why, whylen, "the second part is %s, not "
			   "message/delivery-status", type);
	if (mime_cte(h.cte) > CTE_BINARY)
		return say(why, whylen, "the delivery-status part is encoded");
	start += hb;
	end = content_end(body, start, ly->end[1]);
	return read_status(body + start, end > start ? end - start : 0, rep,
			   why, whylen);
}

/* unfold - a header value as the MTA passed it (folded lines keep their
 * CR LF or LF), on one line, into out */
static void unfold(const char *v, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *v && n + 1 < outlen; v++)
		out[n++] = *v == '\r' || *v == '\n' || *v == '\t' ? ' ' : *v;
	out[n] = '\0';
}

/* dsn_parse - see dsn.h */
int dsn_parse(const char *folded, const char *body, size_t len,
	      struct dsn_report *rep, char *why, size_t whylen)
{
	char type[MIME_TOKEN_MAX + 1], rt[MIME_TOKEN_MAX + 1];
	char boundary[MIME_TOKEN_MAX + 1], ctype[MIME_FIELD_MAX + 1];
	struct layout ly = {NULL, {0, 0}, {0, 0}};

	memset(rep, 0, sizeof(*rep));
	if (folded == NULL)
		return say(why, whylen, "no Content-Type: not a report");
	unfold(folded, ctype, sizeof(ctype));
	if (mime_ctype(ctype, type, sizeof(type), "report-type", rt,
		       sizeof(rt)) < 0 ||
	    mime_ctype(ctype, type, sizeof(type), "boundary", boundary,
		       sizeof(boundary)) < 0)
		return say(why, whylen, "malformed Content-Type");
	if (strcmp(type, "multipart/report") != 0 ||
	    strcasecmp(rt, "delivery-status") != 0)
		return say(why, whylen, "not a delivery-status report (%s)",
			   type);
	if (boundary[0] == '\0')
		return say(why, whylen, "the report has no boundary");
	ly.boundary = boundary;
	if (find_parts(body, len, &ly, why, whylen) < 0 ||
	    read_text_part(body, &ly, rep, why, whylen) < 0 ||
	    read_status_part(body, &ly, rep, why, whylen) < 0)
		return -1;
	rep->eol = ly.part[0] >= 2 && body[ly.part[0] - 2] == '\r' ? "\r\n"
								   : "\n";
	return 0;
}
