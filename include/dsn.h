/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dsn - delivery status notifications: recognise one, read it, and add
 * guidance to the part people read
 *
 * Exports: dsn_parse (the body of a multipart/report; report-type=
 * delivery-status message -> where its first text/plain part lies, how
 * it is encoded, and each failed or delayed recipient's Status and
 * Diagnostic-Code) and dsn_rewrite (the whole door: a message as the
 * MTA hands it to a milter -> the new body, or "unchanged" and why).
 * Only the content of the first text/plain part ever changes; every
 * other byte of the body is copied as it came. Pure (no libmilter),
 * thread-safe over a pinned config. Fails: -1 or 0 with the reason in
 * the caller's buffer; the caller then leaves the message as it is.
 */
#ifndef MILTER_EXPLAIN_DSN_H
#define MILTER_EXPLAIN_DSN_H

#include "buf.h"
#include "config.h"
#include "mime.h"
#include "smtpcode.h"

#include <stddef.h>

#define DSN_RCPT_MAX 10       /* recipients explained in one report */
#define DSN_ADDR_MAX 256      /* bytes of a Final-Recipient kept */
#define DSN_DIAG_MAX 1024     /* bytes of a Diagnostic-Code kept */
#define DSN_SIZE_DEFAULT 262144 /* dsn_max_size when not configured */

enum dsn_action { ACTION_FAILED, ACTION_DELAYED };

struct dsn_rcpt {
	char addr[DSN_ADDR_MAX];   /* Final-Recipient's address, or "" */
	enum dsn_action action;
	struct smtp_status st;     /* code from an smtp Diagnostic-Code, or 0 */
	char diag[DSN_DIAG_MAX];   /* the remote reply's text after its codes */
};

struct dsn_report {
	size_t text_start;  /* content of the first part: [start, end) */
	size_t text_end;    /* (the line break before the delimiter excluded) */
	enum mime_cte cte;  /* of that part */
	int utf8;           /* its charset is UTF-8 */
	const char *eol;    /* "\r\n" or "\n", as the body writes them */
	struct dsn_rcpt rcpt[DSN_RCPT_MAX]; /* failed or delayed, in order */
	size_t n;           /* how many of rcpt[] are set */
	size_t more;        /* further failed or delayed ones, not kept */
};

/*
 * dsn_parse - read the body (len bytes) of a message whose top-level
 * Content-Type value is ctype. Returns 0 with rep filled, or -1 with the
 * reason in why (not a delivery-status report, malformed, truncated,
 * nothing failed or delayed).
 */
int dsn_parse(const char *ctype, const char *body, size_t len,
	      struct dsn_report *rep, char *why, size_t whylen);

/* what the MTA told the milter about one message */
struct dsn_msg {
	const char *sender;  /* envelope sender: "<>" or "" when null */
	const char *rcpt;    /* first envelope recipient, or NULL */
	const char *ctype;   /* top-level Content-Type value, or NULL */
	const char *cte;     /* top-level Content-Transfer-Encoding, or NULL */
	const char *body;
	size_t len;
	int over;            /* the body was longer than the cap: cut */
};

/* what dsn_rewrite explained: one entry per section it added */
struct dsn_done {
	struct smtp_status st[DSN_RCPT_MAX]; /* the recipient's status */
	const char *rule[DSN_RCPT_MAX]; /* the name of the config's rule that
					 * chose the guidance (the config's
					 * memory), or NULL: none did */
	size_t n;
};

/*
 * dsn_rewrite - the new body for m into out (reset first): m's body with
 * one section of guidance per failed or delayed recipient added to the
 * first text/plain part, in that part's encoding and charset, in the
 * languages of the bounce recipient's domain. Returns 1 with out set (and
 * done, when not NULL, says what each section explained), or 0 with the
 * reason in why (and done->n 0) when the message is to pass unchanged.
 */
int dsn_rewrite(const struct config *cfg, const struct dsn_msg *m,
		struct buf *out, struct dsn_done *done, char *why,
		size_t whylen);

/*
 * dsn_sections - the text dsn_rewrite adds for rep, decoded ('\n' line
 * ends, UTF-8 when utf8 is set, else ASCII), into out (reset first), and
 * what each section explains into done (when not NULL). A section's
 * heading carries the title of the provider rule that explains the reply
 * (in the first language), else the knowledge base's title of the codes.
 */
void dsn_sections(const struct config *cfg, const struct dsn_report *rep,
		  const char *rcpt, int utf8, struct buf *out,
		  struct dsn_done *done);

#endif
