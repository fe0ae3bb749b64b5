/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * callbacks - the libmilter side of the daemon
 *
 * Thin mlfi_* wrappers: they turn libmilter calls into a struct conn and a
 * guidance_req, and the guidance lines back into smfi_setmlreply. The
 * daemon negotiates only connect and HELO (without replies: they carry the
 * client's address and name for templates and language rules), unknown
 * commands, and on an inet: socket DATA (answered at once, see
 * mlfi_data); the MTA sends nothing else. A callback never exits: on an
 * internal error it logs and returns the configured on_error action.
 *
 * Every string libmilter passes comes from the peer and is read within
 * what was received: libmilter checks that the connect host name and the
 * HELO argument end in a NUL inside their payload, cmdbuf_hook.c ends
 * every payload (macros included) with one, and the unknown command's
 * length comes from cmdbuf_length; each value is then kept only up to a
 * fixed bound (NAME_MAX_BYTES, MACRO_MAX_BYTES).
 */
#include "callbacks.h"
#include "cmdbuf.h"
#include "guidance.h"
#include "log.h"
#include "metrics.h"
#include "rules.h"
#include "sanitize.h"
#include "store.h"

#include <arpa/inet.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* the milter socket is a unix: one (set once, before smfi_main) */
static int local_socket;

/* bytes of a host name or HELO argument kept; a longer one is unknown */
#define NAME_MAX_BYTES 255
/* bytes of a macro value used; a longer one is unknown */
#define MACRO_MAX_BYTES 255

/* per-connection state, smfi_setpriv */
struct conn {
	unsigned long id;
	struct config *cfg;  /* pinned for the whole connection */
	unsigned long flags; /* negotiated SMFIP_* */
	char addr[INET6_ADDRSTRLEN];
	char *name; /* client host name, raw */
	char *helo; /* HELO argument, raw */
};

static atomic_ulong conn_ids;
static atomic_int sessions;	  /* milter sessions with state now */
static int session_budget;	  /* at most this many; 0: no bound */
static atomic_llong over_logged; /* s: last "over the budget" line */
static atomic_ulong over_count;	 /* sessions closed since that line */
static atomic_int replies_busy; /* unknown commands being answered */

/* conn_get - the connection's state, created on first use */
static struct conn *conn_get(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			return NULL;
		c->id = atomic_fetch_add(&conn_ids, 1) + 1;
		c->cfg = store_pin();
		if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
			store_release(c->cfg);
			free(c);
			return NULL;
		}
		atomic_fetch_add(&sessions, 1);
	}
	return c;
}

/* fail_action - what a callback returns when it cannot do its job */
static sfsistat fail_action(const struct conn *c)
{
	if (c && c->cfg && c->cfg->on_error == ON_ERROR_TEMPFAIL)
		return SMFIS_TEMPFAIL;
	return SMFIS_CONTINUE;
}

/*
 * over_budget - more milter sessions than the open-file budget allows:
 * log at most once a minute how many were closed
 */
static int over_budget(void)
{
	long long now = (long long)time(NULL), last;

	if (session_budget <= 0 || atomic_load(&sessions) <= session_budget)
		return 0;
	atomic_fetch_add(&over_count, 1);
	last = atomic_load(&over_logged);
	if (now - last >= 60 &&
	    atomic_compare_exchange_strong(&over_logged, &last, now))
		log_msg(LOG_WARNING,
			"milter: %d sessions open, the open-file budget: "
			"closed %lu new session(s) at negotiation",
			session_budget, atomic_exchange(&over_count, 0));
	return 1;
}

/* mlfi_negotiate - ask for connect, HELO (no reply) and unknown only */
static sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			       unsigned long f2, unsigned long f3,
			       unsigned long *pf0, unsigned long *pf1,
			       unsigned long *pf2, unsigned long *pf3)
{
	struct conn *c = conn_get(ctx);
	/* SMFIP_NODATA only on a unix: socket: see mlfi_data */
	unsigned long want = SMFIP_NOMAIL | SMFIP_NORCPT | SMFIP_NOBODY |
			     SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NR_CONN |
			     SMFIP_NR_HELO | (local_socket ? SMFIP_NODATA : 0);

	(void)f0;
	(void)f2;
	(void)f3;
	if (over_budget())
		return SMFIS_REJECT; /* libmilter ends the session */
	*pf0 = 0; /* no message modifications */
	*pf1 = f1 & want;
	*pf2 = 0;
	*pf3 = 0;
	if (c)
		c->flags = *pf1;
	return SMFIS_CONTINUE;
}

/* quiet - the reply for an event negotiated without one */
static sfsistat quiet(const struct conn *c, unsigned long nr)
{
	return c && (c->flags & nr) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/*
 * name_dup - a copy of s (a NUL-terminated argument from libmilter) when
 * it has at most NAME_MAX_BYTES bytes, else NULL; the caller frees it
 */
static char *name_dup(const char *s)
{
	if (s == NULL || strnlen(s, NAME_MAX_BYTES + 1) > NAME_MAX_BYTES)
		return NULL;
	return strdup(s);
}

/* mlfi_connect - remember the client */
static sfsistat mlfi_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
	struct conn *c = conn_get(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	free(c->name);
	c->name = name_dup(hostname);
	c->addr[0] = '\0';
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET,
			  &((struct sockaddr_in *)(void *)sa)->sin_addr,
			  c->addr, sizeof(c->addr));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((struct sockaddr_in6 *)(void *)sa)->sin6_addr,
			  c->addr, sizeof(c->addr));
	return quiet(c, SMFIP_NR_CONN);
}

/* mlfi_helo - remember the HELO name */
static sfsistat mlfi_helo(SMFICTX *ctx, char *helo)
{
	struct conn *c = conn_get(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	free(c->helo);
	c->helo = name_dup(helo);
	return quiet(c, SMFIP_NR_HELO);
}

struct session {
	SMFICTX *ctx;
	struct conn *c;
};

/* macro - the value of macro name, when short enough (see MACRO_MAX_BYTES) */
static const char *macro(SMFICTX *ctx, const char *name)
{
	const char *v = smfi_getsymval(ctx, (char *)name);

	if (v == NULL || strnlen(v, MACRO_MAX_BYTES + 1) > MACRO_MAX_BYTES)
		return NULL;
	return v;
}

/* session_value - template values of the session (raw: guidance cleans) */
static const char *session_value(const char *name, size_t len, void *vctx)
{
	struct session *s = vctx;

	if (len == 14 && memcmp(name, "client_address", 14) == 0)
		return s->c->addr[0] ? s->c->addr : NULL;
	if (len == 11 && memcmp(name, "client_name", 11) == 0)
		return s->c->name;
	if (len == 9 && memcmp(name, "helo_name", 9) == 0)
		return s->c->helo;
	if (len == 8 && memcmp(name, "queue_id", 8) == 0)
		return macro(s->ctx, "i");
	if (len == 11 && memcmp(name, "server_name", 11) == 0)
		return macro(s->ctx, "j");
	if (len == 11 && memcmp(name, "client_port", 11) == 0)
		return macro(s->ctx, "{client_port}");
	return NULL;
}

/* set_reply - hand the lines to libmilter (32 at most, '%' doubled) */
static int set_reply(SMFICTX *ctx, const struct smtp_status *st,
		     const struct strlist *lines)
{
	char code[8], enh[16];
	const char *a[REPLY_LINES_MAX];
	struct buf esc[REPLY_LINES_MAX];
	size_t n = lines->n < REPLY_LINES_MAX ? lines->n : REPLY_LINES_MAX;
	int rc;

	snprintf(code, sizeof(code), "%d", st->code);
	smtpcode_enhanced_str(st, enh, sizeof(enh));
	for (size_t i = 0; i < REPLY_LINES_MAX; i++)
		a[i] = NULL;
	for (size_t i = 0; i < n; i++) {
		buf_init(&esc[i]);
		guidance_milter_line(&esc[i], lines->v[i]);
		a[i] = esc[i].s;
	}
	if (n == 1)
		rc = smfi_setreply(ctx, code, enh, (char *)a[0]);
	else
		rc = smfi_setmlreply(ctx, code, enh, a[0], a[1], a[2], a[3],
				     a[4], a[5], a[6], a[7], a[8], a[9], a[10],
				     a[11], a[12], a[13], a[14], a[15], a[16],
				     a[17], a[18], a[19], a[20], a[21], a[22],
				     a[23], a[24], a[25], a[26], a[27], a[28],
				     a[29], a[30], a[31], (char *)NULL);
	for (size_t i = 0; i < n; i++)
		buf_release(&esc[i]);
	return rc == MI_SUCCESS ? 0 : -1;
}

/* log_reply - one log line for a reply given to an unknown command */
static void log_reply(const struct conn *c, const char *name,
		      const struct rule *r, size_t nlines)
{
	struct buf who;

	buf_init(&who);
	sanitize_value(&who, name, strlen(name), COMMAND_NAME_MAX);
	log_msg(LOG_INFO,
		"conn %lu: client [%s]: unknown command %s: "
		"%d %d.%d.%d with %zu lines (rule %s)",
		c->id, c->addr[0] ? c->addr : "unknown", who.s, r->reply.code,
		r->reply.cls, r->reply.subject, r->reply.detail, nlines,
		r->name);
	buf_release(&who);
}

/*
 * unbounded - log once that a command arrived with no known length: the
 * hook of cmdbuf_hook.c is not in effect with this libmilter
 */
static void unbounded(const struct conn *c)
{
	static atomic_int said;

	if (atomic_exchange(&said, 1) == 0)
		log_msg(LOG_ERR,
			"conn %lu: unknown command of unknown length (libmilter "
			"not read through cmdbuf_hook): left to the MTA",
			c->id);
}

/* mlfi_unknown - answer an unknown command with guidance */
static sfsistat mlfi_unknown(SMFICTX *ctx, const char *cmd)
{
	struct conn *c = conn_get(ctx);
	const struct rule *r;
	struct guidance_session gs;
	struct session sess;
	struct strlist lines;
	char name[COMMAND_NAME_MAX];
	size_t len;
	sfsistat rc;

	if (c == NULL || c->cfg == NULL) {
		log_msg(LOG_ERR,
			"unknown command: no connection state or config");
		return fail_action(c);
	}
	if (cmdbuf_length(cmd, &len) < 0) {
		unbounded(c);
		return SMFIS_CONTINUE; /* never read past the payload */
	}
	sess.ctx = ctx;
	sess.c = c;
	gs.client_addr = c->addr[0] ? c->addr : NULL;
	gs.client_name = c->name;
	gs.lookup = session_value;
	gs.ctx = &sess;
	strlist_init(&lines);
	r = guidance_command_reply(c->cfg, cmd, len, &gs, name, sizeof(name),
				   &lines);
	if (r == NULL) {
		rc = SMFIS_CONTINUE; /* the MTA's own reply stands */
	} else if (set_reply(ctx, &r->reply, &lines) < 0) {
		log_msg(LOG_ERR,
			"conn %lu: smfi_setmlreply refused the reply for "
			"\"%s\"",
			c->id, name);
		rc = fail_action(c);
	} else {
		log_reply(c, name, r, lines.n);
		metrics_reply(METRICS_MILTER, &r->reply, r->name);
		rc = r->reply.code >= 500 ? SMFIS_REJECT : SMFIS_TEMPFAIL;
	}
	strlist_release(&lines);
	return rc;
}

/*
 * mlfi_data - nothing to do, and answered at once. Asked for on purpose
 * on an inet: socket: with SMFIP_NODATA, Postfix (3.7) writes to an inet:
 * milter socket twice without reading in between, and its end-of-message
 * command then waits for the milter's delayed ACK (Nagle): about 40 ms per
 * message, which made mail 5 to 10 times slower
 * (bench/postfix_overhead.sh). Replying to DATA costs one round trip per
 * message instead. A unix: socket has no Nagle delay: there the event is
 * negotiated away, and each message costs only end-of-message.
 */
static sfsistat mlfi_data(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

/* mlfi_close - release the connection's config and state */
static sfsistat mlfi_close(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c) {
		smfi_setpriv(ctx, NULL);
		store_release(c->cfg);
		free(c->name);
		free(c->helo);
		free(c);
		atomic_fetch_sub(&sessions, 1);
	}
	return SMFIS_CONTINUE;
}

/* mlfi_unknown_counted - mlfi_unknown, counted for callbacks_busy */
static sfsistat mlfi_unknown_counted(SMFICTX *ctx, const char *cmd)
{
	sfsistat rc;

	atomic_fetch_add(&replies_busy, 1);
	rc = mlfi_unknown(ctx, cmd);
	atomic_fetch_sub(&replies_busy, 1);
	return rc;
}

/* callbacks_busy - see callbacks.h */
int callbacks_busy(void)
{
	return atomic_load(&replies_busy);
}

static struct smfiDesc filter = {
    .xxfi_name = "milter-explain",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = 0,
    .xxfi_connect = mlfi_connect,
    .xxfi_helo = mlfi_helo,
    .xxfi_close = mlfi_close,
    .xxfi_unknown = mlfi_unknown_counted,
    .xxfi_data = mlfi_data,
    .xxfi_negotiate = mlfi_negotiate,
};

/* callbacks_register - see callbacks.h */
int callbacks_register(int local)
{
	struct config *cfg = store_pin();
	int timeout = cfg ? cfg->milter_timeout : 0;

	store_release(cfg);
	local_socket = local;
	if (timeout > 0 && smfi_settimeout(timeout) != MI_SUCCESS)
		return -1;
	return smfi_register(filter) == MI_SUCCESS ? 0 : -1;
}

/* callbacks_set_budget - see callbacks.h */
void callbacks_set_budget(int max_sessions)
{
	session_budget = max_sessions;
}
