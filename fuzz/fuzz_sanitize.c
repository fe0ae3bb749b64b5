/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_sanitize - the reply sanitiser: sanitize_text, sanitize_value,
 * sanitize_fold, sanitize_escape
 *
 * Input: one control byte (flags, width, escape character), then the
 * bytes to clean. Properties: the cleaned text is printable US-ASCII (or
 * valid printable UTF-8 with SAN_UTF8), has no leading, trailing or
 * doubled space; a value stays within its cap; folding keeps every
 * non-space byte in order and gives lines of at most width bytes without
 * edge spaces; escaping doubles exactly the escaped character.
 */
#include "fuzz.h"
#include "sanitize.h"

#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* utf8_len - length of the valid UTF-8 of a printable character at s, or 0 */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	unsigned c = s[0], v;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, v = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, v = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, v = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff) || (v >= 0x80 && v < 0xa0))
		return 0;
	/* invisible format and direction controls are not printable text */
	if (v == 0xa0 || v == 0x61c || (v >= 0x2000 && v <= 0x200f) ||
	    (v >= 0x2028 && v <= 0x202e) || (v >= 0x2060 && v <= 0x206f) ||
	    v == 0xfeff || (v >= 0xfff9 && v <= 0xfffb))
		return 0;
	return n;
}

/* utf8_whole - the line ends on a character boundary */
static int utf8_whole(const char *l, size_t n)
{
	size_t i = n;

	while (i > 0 && ((unsigned char)l[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return 0;
	i--; /* the last lead byte */
	if ((unsigned char)l[i] < 0x80)
		return i == n - 1;
	return utf8_len((const unsigned char *)l + i, n - i) == n - i;
}

/* check_clean - the properties of sanitize_text's output */
static void check_clean(const char *s, size_t len, int flags)
{
	const unsigned char *p = (const unsigned char *)s;

	FUZZ_CHECK(strlen(s) == len);
	if (len) {
		FUZZ_CHECK(p[0] != ' ');
		FUZZ_CHECK(p[len - 1] != ' ');
	}
	for (size_t i = 0; i < len;) {
		if (p[i] == ' ')
			FUZZ_CHECK(i + 1 < len && p[i + 1] != ' ');
		if (p[i] == (unsigned char)SAN_MARK && (flags & SAN_KEEP_MARK)) {
			i++;
			continue;
		}
		if (p[i] >= 0x80) {
			size_t n = utf8_len(p + i, len - i);

			FUZZ_CHECK(flags & SAN_UTF8);
			FUZZ_CHECK(n > 1);
			i += n;
			continue;
		}
		FUZZ_CHECK(p[i] >= 0x20 && p[i] < 0x7f);
		i++;
	}
}

/* check_fold - fold text at width and check the lines */
static void check_fold(const char *text, size_t width, int mark_pairs,
		       int strict_utf8)
{
	struct strlist lines;
	size_t added, k = 0;
	const char *t = text;

	strlist_init(&lines);
	added = sanitize_fold(&lines, text, width);
	FUZZ_CHECK(added == lines.n);
	FUZZ_CHECK(added >= 1);
	for (size_t i = 0; i < lines.n; i++) {
		const char *l = lines.v[i];
		size_t n = strlen(l);

		/* a placeholder or a character wider than a tiny line stays
		 * whole; marks that do not pair up as guidance.c's do may
		 * hold a longer line together */
		FUZZ_CHECK(n <= width || width < 18 || !mark_pairs);
		if (n) {
			FUZZ_CHECK(l[0] != ' ');
			FUZZ_CHECK(l[n - 1] != ' ');
		} else {
			FUZZ_CHECK(lines.n == 1); /* only an empty text */
		}
		/* placeholders and UTF-8 characters are never cut */
		{
			size_t marks = 0;

			for (size_t j = 0; j < n; j++)
				marks += l[j] == SAN_MARK;
			FUZZ_CHECK(marks % 2 == 0 || !(mark_pairs));
		}
		if (n && strict_utf8)
			FUZZ_CHECK(((unsigned char)l[0] & 0xc0) != 0x80 &&
				   utf8_whole(l, n));
		/* the non-space bytes come back in order */
		for (size_t j = 0; j < n; j++) {
			if (l[j] == ' ')
				continue;
			while (*t == ' ')
				t++;
			FUZZ_CHECK(*t == l[j]);
			t++;
			k++;
		}
	}
	while (*t == ' ')
		t++;
	FUZZ_CHECK(*t == '\0');
	(void)k;
	strlist_release(&lines);
}

/* check_escape - every c doubled, nothing else changed */
static void check_escape(const char *s, char c)
{
	struct buf out;
	size_t j = 0;

	buf_init(&out);
	buf_adds(&out, "pre");
	sanitize_escape(&out, s, c);
	FUZZ_CHECK(memcmp(out.s, "pre", 3) == 0);
	for (const char *p = s; *p; p++) {
		FUZZ_CHECK(out.s[3 + j] == *p);
		j++;
		if (*p == c) {
			FUZZ_CHECK(out.s[3 + j] == c);
			j++;
		}
	}
	FUZZ_CHECK(out.len == 3 + j);
	buf_release(&out);
}

/* balanced - the marks of s pair up around names of at most 14 bytes of
 * a-z, 0-9 and '_', as the placeholders that guidance.c makes do */
static int balanced(const char *s)
{
	int in = 0;
	size_t n = 0;

	for (; *s; s++) {
		if (*s == SAN_MARK)
			in = !in, n = 0;
		else if (in && (++n > 14 || !((*s >= 'a' && *s <= 'z') ||
					     (*s >= '0' && *s <= '9') || *s == '_')))
			return 0;
	}
	return !in;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t widths[] = {1, 2, 5, 40, 72, 400};
	struct buf clean, value;
	int flags;
	size_t width, max;
	char esc;

	if (size < 1)
		return 0;
	flags = data[0] & (SAN_UTF8 | SAN_KEEP_MARK);
	width = widths[(data[0] >> 2) % 6];
	max = (size_t)(data[0] >> 5) * 9; /* 0..63: below 4 means 4 */
	esc = (data[0] & 0x80) ? '$' : '%';
	data++;
	size--;

	buf_init(&clean);
	buf_adds(&clean, "x"); /* appends after what is there */
	sanitize_text(&clean, (const char *)data, size, flags);
	FUZZ_CHECK(clean.s[0] == 'x');
	check_clean(clean.s + 1, clean.len - 1, flags);
	if (!(flags & SAN_UTF8))
		FUZZ_CHECK(clean.len - 1 <= 4 * size); /* "1/4", "(TM)"... */

	buf_init(&value);
	sanitize_value(&value, (const char *)data, size, max);
	check_clean(value.s, value.len, 0);
	FUZZ_CHECK(value.len <= (max < 4 ? 4 : max));

	check_fold(clean.s + 1, width, balanced(clean.s + 1),
		   (flags & SAN_UTF8) && balanced(clean.s + 1));
	check_fold(value.s, width, 1, 0);
	check_escape(clean.s + 1, esc);
	check_escape(value.s, esc);

	buf_release(&value);
	buf_release(&clean);
	return 0;
}
