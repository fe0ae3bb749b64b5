/*
 * guidance - the lines of guidance for one reply, ready for the wire
 *
 * Exports: guidance_build (rule or knowledge base -> sanitised, folded
 * lines within the line budget) and the encoders for each way out:
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
	TARGET_PLAIN   /* -x and tests: unknown values stay "unknown" */
};

#define VALUE_MAX 64 /* bytes of one untrusted session value on the wire */

struct guidance_req {
	struct smtp_status st;        /* the reply being explained */
	const char *text;             /* its text after the codes, or NULL */
	size_t textlen;
	const char *command;          /* the unknown command line, or NULL */
	const struct rule *rule;      /* a rule chosen already, or NULL */
	const struct strlist *langs;  /* NULL: the configured languages */
	template_lookup_fn lookup;    /* session values, raw; may be NULL */
	void *ctx;
	int utf8;                     /* the session may carry UTF-8 */
	enum guidance_target target;
	int max_lines;                /* lines this reply may add */
};

/*
 * guidance_build - append the guidance lines to out (each a copy the list
 * owns): the rule's lines or the knowledge base's short form per
 * language, the rule's extra lines, the footer and the help link. Returns
 * the rule that matched (may be NULL).
 */
const struct rule *guidance_build(const struct config *cfg,
				  const struct guidance_req *req,
				  struct strlist *out);

/*
 * guidance_line - render one template line (sanitised, folded, at most
 * req->max_lines lines) and append it to out; for a reply's first line
 */
void guidance_line(const struct config *cfg, const struct guidance_req *req,
		   const char *tpl, struct strlist *out);

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

#endif
