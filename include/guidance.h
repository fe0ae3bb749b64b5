/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guidance - the lines of guidance for one reply, ready for the wire
 *
 * Exports: guidance_build (rule or knowledge base -> sanitised lines, one
 * sentence per line, whole sentences within the reply's line and byte
 * budgets; guidance_render and guidance_fit are its two halves), guidance_line (one template line),
 * guidance_command_reply (the whole reply to an unknown SMTP command, as
 * the milter sends it) and the encoders for each way out:
 * guidance_milter_line (libmilter: '%' doubled), guidance_footer (Postfix
 * footer template: "\n"-joined, '$' doubled, MTA-side variables as
 * ${name}). Pure; no libmilter. Fails: never; missing guidance yields 0
 * lines.
 */
#ifndef MILTER_EXPLAIN_GUIDANCE_H
#define MILTER_EXPLAIN_GUIDANCE_H

#include "config.h"
#include "template.h"

enum guidance_target {
	TARGET_MILTER, /* session values known to the daemon */
	TARGET_FOOTER, /* Postfix fills client_address, client_port, ... */
	TARGET_PLAIN,  /* -x and tests: unknown values stay "unknown" */
	TARGET_BODY    /* a mail body (DSN door): as TARGET_PLAIN; req->utf8
			* says whether its charset allows UTF-8 */
};

/* what guidance_req.rule means */
enum guidance_rule_state {
	RULE_UNMATCHED, /* not matched yet: guidance_build matches the reply */
	RULE_MATCHED    /* matched already: rule is it, NULL when none applies */
};

#define VALUE_MAX 64 /* bytes of one untrusted session value on the wire */

struct guidance_req {
	struct smtp_status st;        /* the reply being explained */
	const char *text;             /* its text after the codes, or NULL */
	size_t textlen;
	const char *command;          /* the unknown command line, or NULL */
	const struct rule *rule;      /* see rule_state */
	enum guidance_rule_state rule_state; /* 0: RULE_UNMATCHED */
	const struct provider_rule *prov; /* with RULE_MATCHED: the provider
					   * rule that matches, or NULL */
	const struct strlist *langs;  /* NULL: the configured languages */
	template_lookup_fn lookup;    /* session values, raw; may be NULL */
	void *ctx;
	int utf8;                     /* UTF-8 allowed: a mail body with a charset
				       * (the DSN door), never an SMTP reply */
	enum guidance_target target;
	int max_lines;                /* lines this reply may add */
	size_t used_bytes;            /* octets of the reply's own lines,
				       * codes and CRLFs included: the
				       * guidance gets max_reply_bytes less */
};

struct budget;

/* the session an unknown command arrives in */
struct guidance_session {
	const char *client_addr;   /* for language rules; NULL: unknown */
	const char *client_name;   /* for language rules; NULL: unknown */
	template_lookup_fn lookup; /* session values, raw; may be NULL */
	void *ctx;
};

/*
 * guidance_build - append the guidance lines to out (each a copy the list
 * owns): per language the rule's lines, else the provider rule's short
 * form, else the knowledge base's, then the rule's extra lines, the
 * footer and the help link. The rule and provider rule are req->rule and
 * req->prov when req->rule_state is RULE_MATCHED, else those that match
 * req->st and req->text. Returns the rule (may be NULL).
 */
const struct rule *guidance_build(const struct config *cfg,
				  const struct guidance_req *req,
				  struct strlist *out);

/*
 * guidance_render - the candidate sentences of the guidance (as
 * guidance_build, before any budget) into b, each with its priority
 * (budget.h). Returns the rule (may be NULL).
 */
const struct rule *guidance_render(const struct config *cfg,
				   const struct guidance_req *req,
				   struct budget *b);

/*
 * guidance_fit - the lines of b's sentences that fit req->max_lines and
 * cfg->max_reply_bytes less req->used_bytes, appended to out; whole
 * sentences dropped by priority. Returns how many were dropped.
 */
size_t guidance_fit(const struct config *cfg, const struct guidance_req *req,
		    const struct budget *b, struct strlist *out);

/* guidance_bytes - octets the lines of l take on the wire in req's reply */
size_t guidance_bytes(const struct guidance_req *req, const struct strlist *l);

/*
 * guidance_line - render one template line (sanitised, folded, at most
 * req->max_lines lines) and append it to out; for a reply's first line
 */
void guidance_line(const struct config *cfg, const struct guidance_req *req,
		   const char *tpl, struct strlist *out);

/*
 * guidance_command_reply - the reply to an unknown command line of len
 * bytes (its first word, upper-cased, goes into name; nothing past len
 * is read; line NULL: empty): the command rule that covers
 * it, else NULL and out unchanged (the MTA's own reply stands). The
 * lines appended to out (at most cfg->max_lines, never none) are the
 * rule's first line (its text, else an English default) unless the rule
 * replaces it, then the guidance of the rule's reply code in the
 * languages of the session's client. Values come from s (raw, cleaned
 * here); the reply is US-ASCII: the milter never learns whether the
 * session may carry UTF-8. Its code is the returned rule's reply.
 */
const struct rule *guidance_command_reply(const struct config *cfg,
					  const char *line, size_t len,
					  const struct guidance_session *s,
					  char *name, size_t namelen,
					  struct strlist *out);

/* guidance_milter_line - line with '%' doubled, into out (reset first) */
void guidance_milter_line(struct buf *out, const char *line);

/* guidance_footer - Postfix footer template of lines, into out (reset) */
void guidance_footer(struct buf *out, const struct strlist *lines);

/*
 * guidance_help_path - the help site's page for a status, into out:
 * "en/5.1.1.html" when the site has a page for the enhanced code (kb has
 * its c.s.d or X.s.d entry in some language, see htmlsite.h), else the
 * page of the reply code ("en/550.html"); kb NULL: the enhanced code's.
 */
void guidance_help_path(char *out, size_t outlen, const struct kb *kb,
			const char *lang, const struct smtp_status *st);

/*
 * guidance_provider_path - the help site's section for a provider rule,
 * into out: "en/provider-microsoft365.html#ms365-dbeb" (see htmlsite.h)
 */
void guidance_provider_path(char *out, size_t outlen, const char *lang,
			    const struct provider_rule *pr);

#endif
