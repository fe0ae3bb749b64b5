/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kb_compare - hand-written differences between two reply codes, for the
 * help site's comparison pages, per language
 *
 * Exports: struct kb_compare (one pair: a paragraph, and for each code
 * which command it answers, who must act and what happens next),
 * kb_compare_load (a language's compare.conf, called by kb.c's loader),
 * kb_compare_get (the text of a pair, either order), kb_compare_free.
 * The format is in conf/kb/README.md ("Comparisons"). Fails:
 * kb_compare_load returns -1 with "file:line: message" in the caller's
 * buffer.
 */
#ifndef MILTER_EXPLAIN_KB_COMPARE_H
#define MILTER_EXPLAIN_KB_COMPARE_H

#include <stddef.h>

struct confutil_src;

/* the aspects each code of a pair is described by, in page order */
enum { KB_CMP_COMMAND, KB_CMP_ACTOR, KB_CMP_NEXT, KB_CMP_ASPECTS };

struct kb_compare {
	char a[4], b[4];	/* "235", "502": the order of the file */
	char *summary;		/* the difference in one paragraph */
	char *aspect[KB_CMP_ASPECTS][2]; /* [aspect][0: a, 1: b] */
	int line;
};

/* the comparisons of one language */
struct kb_compares {
	struct kb_compare **v;
	size_t n;
};

/* kb_compare_aspect_names - the member names: "command", "actor", "next" */
extern const char *const kb_compare_aspect_names[KB_CMP_ASPECTS];

/*
 * kb_compare_load - the "compare = ( ... )" list of a file (a libconfig
 * setting, passed as void to keep libconfig out of kb.h) into set.
 * Returns 0 or -1 with src's err set.
 */
int kb_compare_load(const struct confutil_src *src, const void *list,
		    struct kb_compares *set);

/*
 * kb_compare_get - the text of the pair a, b in set, or NULL; *swapped is
 * set when the file names the pair as b, a (aspect[..][0] is then b's)
 */
const struct kb_compare *kb_compare_get(const struct kb_compares *set,
					const char *a, const char *b,
					int *swapped);

/* kb_compare_free - every comparison of set (not set itself) */
void kb_compare_free(struct kb_compares *set);

#endif
