/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linebreak - guidance text into reply lines: one sentence per line
 *
 * Exports: linebreak_sentences (a paragraph into its sentences),
 * linebreak_sentence (one sentence into lines of at most a width, broken
 * after a clause, else between words, never inside a word, a URL or a
 * placeholder; a word longer than the line is cut as a last resort) and
 * linebreak_width (the octets a line takes on the wire).
 *
 * Why sentences: an SMTP client either keeps a reply's lines (Exim shows
 * each one) or joins them with spaces, codes included (Postfix: "...
 * there. 550-5.1.1 Check ..."). A line that is one whole sentence reads
 * well both ways: kept, it is a whole thought; joined, the codes fall
 * between sentences. Input is sanitised text (sanitize_text): one line,
 * single spaces, maybe UTF-8 and SAN_MARK-bracketed placeholders. Pure;
 * never fails.
 */
#ifndef MILTER_EXPLAIN_LINEBREAK_H
#define MILTER_EXPLAIN_LINEBREAK_H

#include "buf.h"

#include <stddef.h>

/*
 * The most text one reply line can carry: 512 octets (RFC 5321) less the
 * longest codes "550-5.999.999 " and the CRLF. Only a URL or placeholder
 * that is longer than the configured width by itself may use it.
 */
#define LINEBREAK_HARD 496

/* the width a placeholder counts for: what Postfix may put in its place */
#define LINEBREAK_MARK_WIDTH 64

/*
 * linebreak_sentences - append each sentence of text to out (copies the
 * list owns). A sentence ends at '.', '!' or '?' (closing quotes and
 * brackets included) followed by a space and a word that does not start
 * with a lower-case letter ("e.g. this" stays one sentence). Text without
 * an end is one sentence. Empty text adds nothing. Returns the count.
 */
size_t linebreak_sentences(struct strlist *out, const char *text);

/*
 * linebreak_sentence - append the lines of one sentence to out, each at
 * most width (linebreak_width) unless a URL or placeholder alone is
 * wider (then it has a line to itself, up to LINEBREAK_HARD). A sentence
 * wider than width breaks after the last clause (", ", "; ", ": ") that
 * fits, if that leaves at least a quarter of a line, else after the last
 * word that fits. Returns the number of lines added.
 */
size_t linebreak_sentence(struct strlist *out, const char *s, size_t width);

/*
 * linebreak_text - linebreak_sentences, then linebreak_sentence on each:
 * the lines of a paragraph, one sentence (or more lines) at a time
 */
size_t linebreak_text(struct strlist *out, const char *text, size_t width);

/* linebreak_width - octets of s[0..len) on the wire, placeholders as
 * LINEBREAK_MARK_WIDTH each */
size_t linebreak_width(const char *s, size_t len);

#endif
