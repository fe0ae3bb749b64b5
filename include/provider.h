/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * provider - shipped pattern rules for the replies of named providers and
 * mail software ("550 5.1.10 RESOLVER.ADR.RecipientNotFound" is Microsoft
 * 365's unknown recipient, not the registry's null MX)
 *
 * Exports: struct provider_set (sources of rules), provider_load (the
 * knowledge base's providers/ folder and each language's providers/
 * texts), provider_match (the rule for a reply, provider_match.c), provider_text (a rule's
 * guidance in one language, as a knowledge-base entry), provider_name.
 * A loaded set is read-only and shared by every thread of the snapshot
 * that owns it. Fails: provider_load returns -1 with "file:line: message"
 * in the caller's buffer.
 *
 * Precedence (see conf/kb/README.md): a site's own rule with lines, then
 * the provider rule that matches, then the knowledge-base entry of the
 * codes. Within the set: rules with an exact enhanced code first, then
 * those with a class-neutral one, then the rest; rules marked generic
 * after all others; file order (sources in name order) breaks ties.
 */
#ifndef MILTER_EXPLAIN_PROVIDER_H
#define MILTER_EXPLAIN_PROVIDER_H

#include "kb.h"
#include "smtpcode.h"

#include <regex.h>
#include <stddef.h>

#define PROVIDER_TEXT_MAX 1024 /* bytes of reply text a pattern looks at */
#define PROVIDER_LIT_MAX 1024  /* rules whose literals are indexed */

struct provider_source;
struct litscan;

/* one language's text of a rule: an entry whose key is the rule's id */
struct provider_text {
	char *lang;
	struct kb_entry *entry;
};

struct provider_rule {
	char *id;                       /* "ms365-recipient-not-found" */
	const struct provider_source *source;
	char *cite;                     /* the public page it was checked against */
	int code;                       /* 550, or 0 */
	int code_class;                 /* 4 or 5: always set */
	int has_enh;
	struct smtp_status enh;         /* cls 0: "X.1.10" */
	char *pattern;                  /* POSIX ERE, case-insensitive, or NULL */
	regex_t re;
	int generic;                    /* tried after every specific rule */
	struct provider_text *texts;
	size_t ntexts;
	char *file;
	int line;
	int rank;                       /* match order, lower first */
	int lit;                        /* its slot in the literal index, or -1:
					 * an enhanced code, or no literal needed */
};

struct provider_name {
	char *lang;
	char *name;
};

struct provider_source {
	char *id;                       /* the file name: "microsoft365" */
	char *help;                     /* the provider's page of its codes, or NULL */
	struct provider_name *names;    /* per language */
	size_t nnames;
	struct provider_rule **rules;   /* borrowed from the set, file order */
	size_t nrules;
};

struct provider_set {
	struct provider_source **sources; /* name order */
	size_t nsources;
	struct provider_rule **rules;     /* match order */
	size_t nrules;
	/* the literals each pattern needs (litscan.h), tagged with r->lit */
	struct litscan *lits;
	/*
	 * per class (4xx, 5xx): the alternation of the patterns of every rule
	 * without an enhanced code and without literals, tried once before
	 * them
	 */
	regex_t gate[2];
	int has_gate[2];
};

/* provider_new - an empty set; provider_free(NULL) is a no-op */
struct provider_set *provider_new(void);
void provider_free(struct provider_set *ps);

/*
 * provider_load - read dir/providers/ *.conf (the match rules) and, for
 * each language of kb, dir/LANG/providers/ *.conf (their texts). Either
 * folder may be missing. A text may be missing in a language: that
 * language then falls back to the knowledge base. Returns 0, or -1 with
 * the reason in err.
 */
int provider_load(struct provider_set *ps, const char *dir, const struct kb *kb,
		  char *err, size_t errlen);

/*
 * provider_match - the rule for a reply (st, and its text after the codes,
 * len bytes, NUL bytes allowed), or NULL. Only 4xx and 5xx replies, and
 * bare enhanced codes (st->code 0), match. Cost: one regexec per rule
 * with the reply's enhanced code; for the rules without one, one pass
 * over the text for the literals their patterns need (litscan.h), then a
 * regexec only for those whose literals occur (or whose pattern needs
 * none: their class's gate first). Text with a byte above 0x7f skips the
 * literal pass: every fitting rule's regexec runs.
 */
const struct provider_rule *provider_match(const struct provider_set *ps,
					   const struct smtp_status *st,
					   const char *text, size_t len);

/*
 * provider_index - put the rules of ps in match order and index their
 * patterns (provider_match.c); provider_load calls it once, at the end
 */
void provider_index(struct provider_set *ps);

/* provider_text - the rule's entry in lang, or NULL */
const struct kb_entry *provider_text(const struct provider_rule *r,
				     const char *lang);

/* provider_name - the source's name in lang, else its id */
const char *provider_name(const struct provider_source *s, const char *lang);

/* provider_get - the rule with this id, or NULL */
const struct provider_rule *provider_get(const struct provider_set *ps,
					 const char *id);

#endif
