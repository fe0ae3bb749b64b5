/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linebreak - guidance text into reply lines: one sentence per line
 *
 * Exports: linebreak_sentences, linebreak_sentence, linebreak_text,
 * linebreak_width. Works on sanitised text (see linebreak.h); treats a
 * SAN_MARK-bracketed placeholder as one unit of LINEBREAK_MARK_WIDTH and
 * never splits it nor a UTF-8 sequence. Never fails, never reads past
 * the string.
 */
#include "linebreak.h"
#include "sanitize.h"

#include <string.h>

/* mark_end - the index after the placeholder opening at s[i] (len if open) */
static size_t mark_end(const char *s, size_t len, size_t i)
{
	const char *e = memchr(s + i + 1, SAN_MARK, len - i - 1);

	return e ? (size_t)(e - s) + 1 : len;
}

/* linebreak_width - see linebreak.h */
size_t linebreak_width(const char *s, size_t len)
{
	size_t w = 0, i = 0;

	while (i < len) {
		if (s[i] == SAN_MARK) {
			i = mark_end(s, len, i);
			w += LINEBREAK_MARK_WIDTH;
		} else {
			i++;
			w++;
		}
	}
	return w;
}

/* add_trimmed - append s[from..to) without its outer spaces, if any left */
static size_t add_trimmed(struct strlist *out, const char *s, size_t from,
			  size_t to)
{
	while (from < to && s[from] == ' ')
		from++;
	while (to > from && s[to - 1] == ' ')
		to--;
	if (to == from)
		return 0;
	strlist_take(out, xstrndup(s + from, to - from));
	return 1;
}

/* is_end_mark - '.', '!' or '?' */
static int is_end_mark(char c)
{
	return c == '.' || c == '!' || c == '?';
}

/* is_closer - what may follow an end mark inside the sentence */
static int is_closer(char c)
{
	return c == ')' || c == ']' || c == '"' || c == '\'';
}

/*
 * sentence_end - when the end mark at s[i] ends a sentence, the index
 * after it and its closers; else 0
 */
static size_t sentence_end(const char *s, size_t len, size_t i)
{
	size_t j = i, k;

	while (j < len && (is_end_mark(s[j]) || is_closer(s[j])))
		j++;
	if (j >= len || s[j] != ' ')
		return 0;
	for (k = j; k < len && s[k] == ' '; k++)
		;
	if (k >= len || (s[k] >= 'a' && s[k] <= 'z'))
		return 0;
	return j;
}

/* linebreak_sentences - see linebreak.h */
size_t linebreak_sentences(struct strlist *out, const char *text)
{
	size_t len = strlen(text), start = 0, n = 0, end;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == SAN_MARK) {
			i = mark_end(text, len, i) - 1;
			continue;
		}
		if (!is_end_mark(text[i]) || (end = sentence_end(text, len, i)) == 0)
			continue;
		n += add_trimmed(out, text, start, end);
		start = end;
		i = end - 1;
	}
	return n + add_trimmed(out, text, start, len);
}

/* token_end - the index of the space (or end) after the word at pos */
static size_t token_end(const char *s, size_t len, size_t pos)
{
	size_t i = pos;

	while (i < len && s[i] != ' ')
		i = s[i] == SAN_MARK ? mark_end(s, len, i) : i + 1;
	return i;
}

/* unbreakable - a word that holds a URL or a placeholder */
static int unbreakable(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i] == SAN_MARK)
			return 1;
		if (i + 3 <= n && memcmp(t + i, "://", 3) == 0)
			return 1;
	}
	return (n > 7 && strncmp(t, "mailto:", 7) == 0) ||
	       (n > 4 && strncmp(t, "www.", 4) == 0);
}

/*
 * word_cut - the last resort: where to cut the word at pos that is wider
 * than the line, given i, the first unit that did not fit. Never inside
 * a UTF-8 sequence; at least one unit (a placeholder, a character).
 */
static size_t word_cut(const char *s, size_t len, size_t pos, size_t i)
{
	size_t cut = i;

	while (cut > pos && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	if (cut > pos)
		return cut;
	if (s[pos] == SAN_MARK)
		return mark_end(s, len, pos);
	for (cut = pos + 1; cut < len && ((unsigned char)s[cut] & 0xc0) == 0x80;)
		cut++;
	return cut;
}

/* is_clause - a space at s[i] that follows ',', ';' or ':' */
static int is_clause(const char *s, size_t pos, size_t i)
{
	return s[i] == ' ' && i > pos &&
	       (s[i - 1] == ',' || s[i - 1] == ';' || s[i - 1] == ':');
}

/* find_cut - where the line that starts at pos ends (see linebreak.h) */
static size_t find_cut(const char *s, size_t len, size_t pos, size_t width)
{
	size_t w = 0, i = pos, clause = 0, space = 0, tend;

	while (i < len) {
		size_t step = 1, uw = 1;

		if (s[i] == SAN_MARK) {
			step = mark_end(s, len, i) - i;
			uw = LINEBREAK_MARK_WIDTH;
		} else if (s[i] == ' ') {
			space = i;
			if (is_clause(s, pos, i))
				clause = i;
		}
		if (w + uw > width)
			break;
		w += uw;
		i += step;
	}
	if (i >= len)
		return len;
	if (s[i] == ' ') {
		space = i;
		if (is_clause(s, pos, i))
			clause = i;
	}
	if (clause && linebreak_width(s + pos, clause - pos) >= width / 4)
		return clause;
	if (space > pos)
		return space;
	tend = token_end(s, len, pos);
	if (unbreakable(s + pos, tend - pos) &&
	    linebreak_width(s + pos, tend - pos) <= LINEBREAK_HARD)
		return tend;
	return word_cut(s, len, pos, i);
}

/* linebreak_sentence - see linebreak.h */
size_t linebreak_sentence(struct strlist *out, const char *s, size_t width)
{
	size_t len = strlen(s), pos = 0, n = 0, cut;

	if (width < 1)
		width = 1;
	while (pos < len) {
		while (pos < len && s[pos] == ' ')
			pos++;
		if (pos >= len)
			break;
		cut = find_cut(s, len, pos, width);
		n += add_trimmed(out, s, pos, cut);
		pos = cut;
	}
	return n;
}

/* linebreak_text - see linebreak.h */
size_t linebreak_text(struct strlist *out, const char *text, size_t width)
{
	struct strlist sentences;
	size_t n = 0;

	strlist_init(&sentences);
	linebreak_sentences(&sentences, text);
	for (size_t i = 0; i < sentences.n; i++)
		n += linebreak_sentence(out, sentences.v[i], width);
	strlist_release(&sentences);
	return n;
}
