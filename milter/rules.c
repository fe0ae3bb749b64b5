/*
 * rules - which configured rule applies to a reply or a command, and
 * which languages a session gets
 *
 * Exports: rules_match_reply, rules_match_command, rules_command_name,
 * rules_languages. Read-only over a config snapshot; thread-safe.
 */
#include "rules.h"
#include "hash.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PATTERN_TEXT_MAX 1024 /* bytes of reply text a pattern looks at */

/* rule_fits - does r's pattern accept text (its code already fits) */
static int rule_fits(const struct rule *r, const char *text)
{
	return !r->has_re || regexec(&r->re, text, 0, NULL, 0) == 0;
}

/* better - is a a better match than b (b may be NULL) */
static int better(const struct rule *a, const struct rule *b)
{
	if (b == NULL)
		return 1;
	if (a->specificity != b->specificity)
		return a->specificity > b->specificity;
	return a->order < b->order;
}

/* rules_match_reply - see rules.h */
const struct rule *rules_match_reply(const struct config *cfg,
				     const struct smtp_status *st,
				     const char *text, size_t textlen)
{
	char codes[3][16], enhs[3][40], key[160], local[PATTERN_TEXT_MAX + 1];
	int nc = 0, ne = 0;
	const struct rule *best = NULL;

	if (st->code < 400 || st->code > 599)
		return NULL;
	/* the pattern sees the text as one NUL-free string */
	if (textlen > PATTERN_TEXT_MAX)
		textlen = PATTERN_TEXT_MAX;
	for (size_t i = 0; i < textlen; i++)
		local[i] = text[i] ? text[i] : ' ';
	local[textlen] = '\0';

	snprintf(codes[nc++], sizeof(codes[0]), "%d", st->code);
	snprintf(codes[nc++], sizeof(codes[0]), "%dXX", st->code / 100);
	strcpy(codes[nc++], "*");
	if (st->cls) {
		smtpcode_enhanced_str(st, enhs[ne++], sizeof(enhs[0]));
		snprintf(enhs[ne++], sizeof(enhs[0]), "X.%d.%d", st->subject,
			 st->detail);
	}
	strcpy(enhs[ne++], "*");
	for (int c = 0; c < nc; c++) {
		for (int e = 0; e < ne; e++) {
			const struct rule_bucket *b;

			snprintf(key, sizeof(key), "%.15s|%.39s", codes[c], enhs[e]);
			if ((b = hash_get(cfg->rule_index, key)) == NULL)
				continue;
			/* buckets are sorted: the first that fits is the best */
			for (size_t i = 0; i < b->n; i++) {
				if (!better(b->v[i], best))
					break;
				if (rule_fits(b->v[i], local)) {
					best = b->v[i];
					break;
				}
			}
		}
	}
	return best;
}

/* rules_command_name - see rules.h */
void rules_command_name(const char *line, char *out, size_t outlen)
{
	size_t n = 0;

	while (*line == ' ' || *line == '\t')
		line++;
	while (line[n] && line[n] != ' ' && line[n] != '\t' && line[n] != '\r' &&
	       line[n] != '\n' && n + 1 < outlen) {
		out[n] = (char)toupper((unsigned char)line[n]);
		n++;
	}
	out[n] = '\0';
}

/* rules_match_command - see rules.h */
const struct rule *rules_match_command(const struct config *cfg,
				       const char *line)
{
	char name[40];
	const struct rule_bucket *b;

	rules_command_name(line, name, sizeof(name));
	if (name[0] && (b = hash_get(cfg->command_index, name)) != NULL && b->n)
		return b->v[0];
	if ((b = hash_get(cfg->command_index, "*")) != NULL && b->n)
		return b->v[0];
	return NULL;
}

/* suffix_match - "example.fr" matches ".fr", "fr" and "example.fr" */
static int suffix_match(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	if (s == 0 || s > n)
		return 0;
	if (strcasecmp(name + n - s, suffix) != 0)
		return 0;
	return s == n || suffix[0] == '.' || name[n - s - 1] == '.';
}

/* net_match - address in network */
static int net_match(const struct net_match *m, const char *addr,
		     const char *name)
{
	unsigned char a[16];
	int bits, full;

	if (m->family == 0)
		return name && suffix_match(name, m->suffix);
	if (addr == NULL || inet_pton(m->family, addr, a) != 1)
		return 0;
	bits = m->prefix;
	full = bits / 8;
	if (memcmp(a, m->addr, (size_t)full) != 0)
		return 0;
	if (bits % 8) {
		unsigned char mask = (unsigned char)(0xff << (8 - bits % 8));

		return (a[full] & mask) == (m->addr[full] & mask);
	}
	return 1;
}

/* rules_languages - see rules.h */
const struct strlist *rules_languages(const struct config *cfg,
				      const char *client_addr,
				      const char *client_name,
				      const char *rcpt_domain)
{
	for (size_t i = 0; i < cfg->nlang_rules; i++) {
		const struct lang_rule *lr = &cfg->lang_rules[i];

		for (size_t k = 0; k < lr->nclients; k++)
			if (net_match(&lr->clients[k], client_addr, client_name))
				return &lr->languages;
		for (size_t k = 0; rcpt_domain && k < lr->recipients.n; k++)
			if (suffix_match(rcpt_domain, lr->recipients.v[k]))
				return &lr->languages;
	}
	return &cfg->languages;
}
