/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dsn_callbacks - the libmilter side of the DSN door
 *
 * Thin mlfi_* wrappers that collect one message (envelope sender, first
 * recipient, the top-level Content-Type and Content-Transfer-Encoding,
 * the body up to the size cap) into a struct dsn_msg, hand it to
 * dsn_rewrite at end of message and give the new body to
 * smfi_replacebody. The door negotiates MAIL, RCPT, headers and body
 * (nothing about the connection) and only the SMFIF_CHGBODY action. A
 * message with a sender is accepted at MAIL FROM, so that ordinary
 * local mail costs one round trip. It never rejects, delays or discards
 * anything: every error accepts the message unchanged, with a log line
 * saying why (see README.md: Postfix loses a bounce a filter rejects).
 * Each section of guidance that left in a new body counts in the metrics
 * (door "dsn"). dsn_callbacks_busy says how many bounces are being read
 * or rewritten, for a stop that lets them finish.
 */
#include "dsn_callbacks.h"
#include "dsn.h"
#include "log.h"
#include "metrics.h"
#include "store.h"

#include <libmilter/mfapi.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REPLACE_CHUNK 65535 /* bytes per smfi_replacebody call */

/* per-connection state (smfi_setpriv); one message at a time */
struct dsn_conn {
	unsigned long id;
	struct config *cfg; /* pinned for the whole connection */
	size_t cap;         /* body bytes kept */
	int bounce;         /* this message's sender is null */
	int over;           /* its body was over the cap */
	char *rcpt, *ctype, *cte;
	struct buf body;
};

static atomic_ulong dsn_ids;
static atomic_int busy; /* bounces between MAIL FROM and end or abort */

/* conn_get - the connection's state, created on first use, or NULL */
static struct dsn_conn *conn_get(SMFICTX *ctx)
{
	struct dsn_conn *c = smfi_getpriv(ctx);

	if (c)
		return c;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->id = atomic_fetch_add(&dsn_ids, 1) + 1;
	c->cfg = store_pin();
	c->cap = c->cfg ? (size_t)c->cfg->dsn_max_size : DSN_SIZE_DEFAULT;
	buf_init(&c->body);
	if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
		store_release(c->cfg);
		buf_release(&c->body);
		free(c);
		return NULL;
	}
	return c;
}

/* msg_reset - forget the message (keeps the body's memory) */
static void msg_reset(struct dsn_conn *c)
{
	if (c->bounce)
		atomic_fetch_sub(&busy, 1);
	free(c->rcpt);
	free(c->ctype);
	free(c->cte);
	c->rcpt = c->ctype = c->cte = NULL;
	c->bounce = c->over = 0;
	buf_reset(&c->body);
}

/* queue_id - the queue id for log lines */
static const char *queue_id(SMFICTX *ctx)
{
	const char *q = smfi_getsymval(ctx, "i");

	return q ? q : "unknown";
}

/* mlfi_negotiate - MAIL, RCPT, headers and body; change the body only */
static sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0,
			       unsigned long f1, unsigned long f2,
			       unsigned long f3, unsigned long *pf0,
			       unsigned long *pf1, unsigned long *pf2,
			       unsigned long *pf3)
{
	unsigned long want = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN |
			     SMFIP_NODATA | SMFIP_NOEOH | SMFIP_SKIP;

	(void)ctx;
	(void)f2;
	(void)f3;
	if (!(f0 & SMFIF_CHGBODY)) {
		log_msg(LOG_ERR, "dsn: the MTA cannot replace a body: door off "
			"for this connection");
		return SMFIS_ALL_OPTS;
	}
	*pf0 = SMFIF_CHGBODY;
	*pf1 = f1 & want;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

/* mlfi_envfrom - a bounce has a null sender; anything else passes */
static sfsistat mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct dsn_conn *c = conn_get(ctx);
	const char *s = argv && argv[0] ? argv[0] : "";

	if (c == NULL || c->cfg == NULL) {
		log_msg(LOG_ERR, "dsn: no connection state or config: unchanged");
		return SMFIS_ACCEPT;
	}
	msg_reset(c);
	if (s[0] != '\0' && strcmp(s, "<>") != 0) {
		log_msg(LOG_DEBUG, "dsn %lu: queue %s: unchanged: not a bounce",
			c->id, queue_id(ctx));
		return SMFIS_ACCEPT;
	}
	c->bounce = 1;
	atomic_fetch_add(&busy, 1);
	return SMFIS_CONTINUE;
}

/* mlfi_envrcpt - the first recipient chooses the language */
static sfsistat mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct dsn_conn *c = smfi_getpriv(ctx);

	if (c && c->rcpt == NULL && argv && argv[0])
		c->rcpt = strdup(argv[0]);
	return SMFIS_CONTINUE;
}

/* mlfi_header - keep the top-level Content-Type and CTE (first each) */
static sfsistat mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct dsn_conn *c = smfi_getpriv(ctx);
	char **dst = NULL;

	if (c == NULL || name == NULL || value == NULL)
		return SMFIS_CONTINUE;
	if (strcasecmp(name, "Content-Type") == 0)
		dst = &c->ctype;
	else if (strcasecmp(name, "Content-Transfer-Encoding") == 0)
		dst = &c->cte;
	if (dst && *dst == NULL)
		*dst = strdup(value);
	return SMFIS_CONTINUE;
}

/* mlfi_body - keep the body up to the cap, then skip the rest */
static sfsistat mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct dsn_conn *c = smfi_getpriv(ctx);

	if (c == NULL || c->over)
		return SMFIS_CONTINUE;
	if (c->body.len + len > c->cap) {
		c->over = 1;
		buf_release(&c->body);
		buf_init(&c->body);
		return SMFIS_SKIP;
	}
	buf_addn(&c->body, (const char *)chunk, len);
	return SMFIS_CONTINUE;
}

/* replace - hand the new body to libmilter in chunks; 0 or -1 */
static int replace(SMFICTX *ctx, const struct buf *b)
{
	for (size_t off = 0; off < b->len; off += REPLACE_CHUNK) {
		size_t n = b->len - off < REPLACE_CHUNK ? b->len - off
							: REPLACE_CHUNK;

		if (smfi_replacebody(ctx, (unsigned char *)b->s + off,
				     (int)n) != MI_SUCCESS)
			return -1;
	}
	return 0;
}

/* mlfi_eom - rewrite the body, or leave it, and say which and why */
static sfsistat mlfi_eom(SMFICTX *ctx)
{
	struct dsn_conn *c = smfi_getpriv(ctx);
	struct dsn_msg m;
	struct dsn_done done;
	struct buf out;
	char why[256];

	if (c == NULL || c->cfg == NULL || !c->bounce)
		return SMFIS_CONTINUE;
	m = (struct dsn_msg){"<>", c->rcpt, c->ctype, c->cte, c->body.s,
			     c->body.len, c->over};
	buf_init(&out);
	if (dsn_rewrite(c->cfg, &m, &out, &done, why, sizeof(why)) == 0)
		log_msg(LOG_INFO, "dsn %lu: queue %s: unchanged: %s", c->id,
			queue_id(ctx), why);
	else if (replace(ctx, &out) < 0)
		log_msg(LOG_ERR, "dsn %lu: queue %s: unchanged: the MTA "
			"refused the new body", c->id, queue_id(ctx));
	else {
		log_msg(LOG_INFO, "dsn %lu: queue %s: guidance added: %s",
			c->id, queue_id(ctx), why);
		for (size_t i = 0; i < done.n; i++)
			metrics_reply(METRICS_DSN, &done.st[i], done.rule[i]);
	}
	buf_release(&out);
	msg_reset(c);
	return SMFIS_CONTINUE;
}

/* mlfi_abort - forget the message */
static sfsistat mlfi_abort(SMFICTX *ctx)
{
	struct dsn_conn *c = smfi_getpriv(ctx);

	if (c)
		msg_reset(c);
	return SMFIS_CONTINUE;
}

/* mlfi_close - release the connection's config and state */
static sfsistat mlfi_close(SMFICTX *ctx)
{
	struct dsn_conn *c = smfi_getpriv(ctx);

	if (c) {
		smfi_setpriv(ctx, NULL);
		msg_reset(c);
		buf_release(&c->body);
		store_release(c->cfg);
		free(c);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc dsn_filter = {
    .xxfi_name = "milter-explain-dsn",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_CHGBODY,
    .xxfi_envfrom = mlfi_envfrom,
    .xxfi_envrcpt = mlfi_envrcpt,
    .xxfi_header = mlfi_header,
    .xxfi_body = mlfi_body,
    .xxfi_eom = mlfi_eom,
    .xxfi_abort = mlfi_abort,
    .xxfi_close = mlfi_close,
    .xxfi_negotiate = mlfi_negotiate,
};

/* dsn_callbacks_busy - see dsn_callbacks.h */
int dsn_callbacks_busy(void)
{
	return atomic_load(&busy);
}

/* dsn_callbacks_register - see dsn_callbacks.h */
int dsn_callbacks_register(void)
{
	return smfi_register(dsn_filter) == MI_SUCCESS ? 0 : -1;
}
