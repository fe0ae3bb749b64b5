/*
 * rules - which configured rule applies to a reply or a command, and
 * which languages a session gets
 *
 * Exports: rules_match_reply (most specific rule for "550 5.1.1 text"),
 * rules_match_command (the rule for an unknown SMTP command),
 * rules_languages (language_rules, else the configured list). Lookups read
 * a fixed number of index buckets, whatever the number of rules.
 */
#ifndef MILTER_EXPLAIN_RULES_H
#define MILTER_EXPLAIN_RULES_H

#include "config.h"

/* rules_match_reply - the best rule for a reply, or NULL */
const struct rule *rules_match_reply(const struct config *cfg,
				     const struct smtp_status *st,
				     const char *text, size_t textlen);

/*
 * rules_match_command - the rule for an unknown command line ("FOO bar":
 * the first word is the command), or NULL when no rule (not even "*")
 * covers it
 */
const struct rule *rules_match_command(const struct config *cfg,
				       const char *line);

/* rules_command_name - the command word of a line, upper-cased, into out */
void rules_command_name(const char *line, char *out, size_t outlen);

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
