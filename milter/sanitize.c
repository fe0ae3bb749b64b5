/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sanitize - make any byte string safe to put into an SMTP reply
 *
 * Exports: sanitize_text, sanitize_value, sanitize_fold, sanitize_escape,
 * sanitize_is_printable. Every reply line the daemon writes passes through
 * here; the functions never fail and never read past len.
 */
#include "sanitize.h"

#include <string.h>

/* U+00A0..U+017F, generated from Unicode NFKD plus hand-picked forms */
static const char *const translit_latin[0x180 - 0xA0] = {
	" ", "!", "c", "GBP", "?", "JPY", "|", "S",
	"\"", "(c)", "a", "\"", "-", "", "(R)", "-",
	"o", "+/-", "2", "3", "'", "u", "P", ".",
	",", "1", "o", "\"", "1/4", "1/2", "3/4", "?",
	"A", "A", "A", "A", "A", "A", "AE", "C",
	"E", "E", "E", "E", "I", "I", "I", "I",
	"D", "N", "O", "O", "O", "O", "O", "x",
	"O", "U", "U", "U", "U", "Y", "TH", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "/",
	"o", "u", "u", "u", "u", "y", "th", "y",
	"A", "a", "A", "a", "A", "a", "C", "c",
	"C", "c", "C", "c", "C", "c", "D", "d",
	"D", "d", "E", "e", "E", "e", "E", "e",
	"E", "e", "E", "e", "G", "g", "G", "g",
	"G", "g", "G", "g", "H", "h", "H", "h",
	"I", "i", "I", "i", "I", "i", "I", "i",
	"I", "i", "IJ", "ij", "J", "j", "K", "k",
	"k", "L", "l", "L", "l", "L", "l", "L",
	"l", "L", "l", "N", "n", "N", "n", "N",
	"n", "n", "N", "n", "O", "o", "O", "o",
	"O", "o", "OE", "oe", "R", "r", "R", "r",
	"R", "r", "S", "s", "S", "s", "S", "s",
	"S", "s", "T", "t", "T", "t", "T", "t",
	"U", "u", "U", "u", "U", "u", "U", "u",
	"U", "u", "U", "u", "W", "w", "Y", "y",
	"Y", "Z", "z", "Z", "z", "Z", "z", "s",
};

/* translit_punct - ASCII for the common punctuation above U+017F, or NULL */
static const char *translit_punct(unsigned cp)
{
	switch (cp) {
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212:
		return "-";
	case 0x2018: case 0x2019: case 0x201a: case 0x201b: case 0x2032:
		return "'";
	case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033:
		return "\"";
	case 0x2039:
		return "<";
	case 0x203a:
		return ">";
	case 0x2022:
		return "*";
	case 0x2026:
		return "...";
	case 0x20ac:
		return "EUR";
	case 0x2122:
		return "(TM)";
	case 0x2002: case 0x2003: case 0x2004: case 0x2005: case 0x2006:
	case 0x2007: case 0x2008: case 0x2009: case 0x200a: case 0x202f:
	case 0x205f: case 0x3000:
		return " ";
	case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff:
		return "";
	/* direction marks, embeddings, overrides and isolates: dropped
	 * (fuzz_sanitize: a kept U+202E could reorder the reply on screen) */
	case 0x061c: case 0x200e: case 0x200f: case 0x202a: case 0x202b:
	case 0x202c: case 0x202d: case 0x202e: case 0x2066: case 0x2067:
	case 0x2068: case 0x2069:
		return "";
	case 0x2028: case 0x2029:
		return " ";
	default:
		return NULL;
	}
}

/*
 * utf8_decode - decode one UTF-8 sequence at s; returns its length and the
 * code point in *cp, or 0 when the bytes are not valid UTF-8 (overlong
 * forms, surrogates and values past U+10FFFF included).
 */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/*
 * invisible - format and direction controls, which SAN_UTF8 must not keep
 * either: they are not printable text (found by fuzz_sanitize: U+2060 and
 * the bidi overrides U+202A..U+202E and isolates U+2066..U+2069 were kept)
 */
static int invisible(unsigned cp)
{
	return cp == 0xa0 || cp == 0x061c || (cp >= 0x2000 && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	       cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* add_space - one space, never two in a row, never at the start */
static void add_space(struct buf *out, size_t start)
{
	if (out->len > start && out->s[out->len - 1] != ' ')
		buf_addc(out, ' ');
}

/* sanitize_text - see sanitize.h */
void sanitize_text(struct buf *out, const char *s, size_t len, int flags)
{
	int keep_utf8 = flags & SAN_UTF8;
	const unsigned char *p = (const unsigned char *)s;
	size_t start = out->len, i = 0, n;
	unsigned cp;
	const char *t;

	while (i < len) {
		if (p[i] < 0x80) {
			if ((p[i] > 0x20 && p[i] < 0x7f) ||
			    (p[i] == SAN_MARK && (flags & SAN_KEEP_MARK)))
				buf_addc(out, (char)p[i]);
			else if (p[i] == 0)
				buf_addc(out, '?');
			else
				add_space(out, start);
			i++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			buf_addc(out, '?');
			i++;
			continue;
		}
		if (cp < 0xa0) /* C1 controls */
			add_space(out, start);
		else if (keep_utf8 && !invisible(cp))
			buf_addn(out, s + i, n);
		else if ((t = cp < 0x180 ? translit_latin[cp - 0xa0]
					  : translit_punct(cp)) == NULL)
			buf_addc(out, '?');
		else if (*t == ' ')
			add_space(out, start);
		else
			buf_adds(out, t);
		i += n;
	}
	while (out->len > start && out->s[out->len - 1] == ' ')
		buf_truncate(out, out->len - 1);
}

/* sanitize_value - see sanitize.h */
void sanitize_value(struct buf *out, const char *s, size_t len, size_t max)
{
	size_t start = out->len;

	sanitize_text(out, s, len, 0);
	if (max < 4)
		max = 4;
	if (out->len - start > max) {
		buf_truncate(out, start + max - 3);
		buf_adds(out, "...");
	}
}

/*
 * fold_cut - where to cut a word longer than the line, at most at limit:
 * never inside a UTF-8 sequence (found by fuzz_sanitize) nor inside a
 * SAN_MARK-bracketed placeholder (found by fuzz_guidance: a long client
 * name before "[${client_address}]" in a footer split the placeholder,
 * and guidance_footer then wrote "${]:}" into the Postfix footer). A
 * placeholder or character wider than the whole line is kept whole.
 */
static size_t fold_cut(const char *text, size_t len, size_t pos, size_t limit)
{
	size_t cut = limit, open = pos, marks = 0;

	for (size_t i = pos; i < limit; i++) {
		if (text[i] == SAN_MARK) {
			marks++;
			open = i;
		}
	}
	if (marks % 2) {
		const char *end = strchr(text + open + 1, SAN_MARK);

		if (open > pos)
			return open;
		return end ? (size_t)(end - text) + 1 : limit;
	}
	while (cut > pos && ((unsigned char)text[cut] & 0xc0) == 0x80)
		cut--;
	if (cut == pos)
		for (cut = limit; cut < len && ((unsigned char)text[cut] & 0xc0) == 0x80;)
			cut++;
	return cut;
}

/* sanitize_fold - see sanitize.h */
size_t sanitize_fold(struct strlist *out, const char *text, size_t width)
{
	size_t len = strlen(text), added = 0, pos = 0, cut;

	if (width < 1)
		width = 1;
	while (pos < len && text[pos] == ' ')
		pos++;
	if (pos >= len) {
		strlist_add(out, "");
		return 1;
	}
	while (pos < len) {
		if (len - pos <= width) {
			cut = len;
		} else {
			cut = pos + width;
			while (cut > pos && text[cut] != ' ')
				cut--;
			if (cut == pos) /* one word longer than the line */
				cut = fold_cut(text, len, pos, pos + width);
		}
		{
			size_t end = cut;

			while (end > pos && text[end - 1] == ' ')
				end--;
			strlist_take(out, xstrndup(text + pos, end - pos));
			added++;
		}
		pos = cut;
		while (pos < len && text[pos] == ' ')
			pos++;
	}
	return added;
}

/* sanitize_escape - see sanitize.h */
void sanitize_escape(struct buf *out, const char *s, char c)
{
	const char *p;

	while ((p = strchr(s, c)) != NULL) {
		buf_addn(out, s, (size_t)(p - s) + 1);
		buf_addc(out, c);
		s = p + 1;
	}
	buf_adds(out, s);
}

/* sanitize_is_printable - see sanitize.h */
int sanitize_is_printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}
