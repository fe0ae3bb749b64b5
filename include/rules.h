/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rules - which configured rule applies to a reply or a command, and
 * which languages a session gets
 *
 * Exports: rules_index_new and rules_index_free (the index a config
 * snapshot keeps of its rules), rules_match_reply (most specific rule for
 * "550 5.1.1 text"), rules_for_status (every reply rule of a status,
 * whatever the text), rules_match_command (the rule for an unknown SMTP
 * command), rules_replying (the command rules that answer with a status),
 * rules_languages (language_rules, else the configured list). Lookups
 * read a fixed number of index buckets, whatever the number of rules.
 * Nobody else knows the index's layout: struct rules_index is opaque.
 */
#ifndef MILTER_EXPLAIN_RULES_H
#define MILTER_EXPLAIN_RULES_H

#include "config.h"

#define COMMAND_NAME_MAX 40 /* bytes of a command word, NUL included */

/*
 * rules_index_new - the index of rules[0..n): reply rules by code and
 * enhanced code, command rules by command name, each bucket most specific
 * first, then in the order of definition; disabled rules (specificity < 0)
 * are left out. The rules are borrowed: they must outlive the index.
 * Aborts on out of memory (see buf.h). The caller frees the result with
 * rules_index_free (rules_index_free(NULL) is a no-op).
 */
struct rules_index *rules_index_new(struct rule *const *rules, size_t n);
void rules_index_free(struct rules_index *ix);

/* rules_match_reply - the best rule for a reply, or NULL */
const struct rule *rules_match_reply(const struct config *cfg,
				     const struct smtp_status *st,
				     const char *text, size_t textlen);

/*
 * rules_for_status - every reply rule whose code and enhanced code fit
 * st, whatever its pattern (each rule once: a rule sits in one bucket),
 * those of the exact code first, at most max into out; returns how many
 */
size_t rules_for_status(const struct config *cfg,
			const struct smtp_status *st,
			const struct rule **out, size_t max);

/*
 * rules_match_command - the rule for an unknown command line of len
 * bytes ("FOO bar": the first word is the command; nothing past len is
 * read), or NULL when no rule (not even "*") covers it
 */
const struct rule *rules_match_command(const struct config *cfg,
				       const char *line, size_t len);

/*
 * rules_replying - the command rules whose reply is exactly st (code and
 * enhanced code), in the order of definition, at most max into out;
 * returns how many
 */
size_t rules_replying(const struct config *cfg, const struct smtp_status *st,
		      const struct rule **out, size_t max);

/*
 * rules_command_name - the command word of the len bytes at line (after
 * leading blanks, up to a blank, CR, LF or NUL), upper-cased, cut to
 * outlen - 1 bytes, into out; nothing past len is read
 */
void rules_command_name(const char *line, size_t len, char *out,
			size_t outlen);

/*
 * rules_languages - the languages for a session: the first language rule
 * whose client (address, network or host-name suffix) or recipient domain
 * suffix matches, else the configured list. Any argument may be NULL.
 */
const struct strlist *rules_languages(const struct config *cfg,
				      const char *client_addr,
				      const char *client_name,
				      const char *rcpt_domain);

#endif
