/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mime - the small, bounded part of MIME the DSN door needs
 *
 * Exports: mime_line, mime_fields, mime_ctype, mime_cte, mime_find_delim,
 * mime_b64_decode, mime_b64_encode, mime_qp_encode (see mime.h). Every
 * function reads only inside the (pointer, length) range it is given and
 * keeps at most one header field in a fixed buffer: the cost is linear in
 * the input and the memory constant, whatever the input holds.
 */
#include "mime.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* mime_line - see mime.h */
size_t mime_line(const char *s, size_t len, size_t pos, size_t *end)
{
	const char *nl = pos < len ? memchr(s + pos, '\n', len - pos) : NULL;
	size_t i;

	if (nl == NULL) {
		*end = len;
		return len;
	}
	i = (size_t)(nl - s);
	*end = i > pos && s[i - 1] == '\r' ? i - 1 : i;
	return i + 1;
}

struct field {
	const char *name;
	size_t namelen;
	char value[MIME_FIELD_MAX + 1];
	size_t len;
	int space; /* white space seen since the last byte kept */
};

/* field_add - append raw value bytes, white space runs made one space */
static void field_add(struct field *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			f->space = 1;
			continue;
		}
		if (f->len + 2 > MIME_FIELD_MAX)
			return;
		if (f->space && f->len)
			f->value[f->len++] = ' ';
		f->space = 0;
		f->value[f->len++] = (char)c;
	}
}

/* field_name_ok - a field name: printable US-ASCII but ':' and space */
static int field_name_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == ':')
			return 0;
	return 1;
}

/* mime_fields - see mime.h */
int mime_fields(const char *s, size_t len, size_t *body, mime_field_fn fn,
		void *ctx)
{
	struct field f;
	size_t pos = 0, end, next;
	int have = 0, stop = 0;

	f.name = NULL;
	while (pos < len) {
		const char *colon;

		next = mime_line(s, len, pos, &end);
		if (end == pos && next != pos) { /* the empty line */
			if (have && !stop) {
				f.value[f.len] = '\0';
				(void)fn(f.name, f.namelen, f.value, ctx);
			}
			*body = next;
			return 0;
		}
		if (s[pos] == ' ' || s[pos] == '\t') {
			if (!have)
				return -1;
			f.space = 1;
			field_add(&f, s + pos, end - pos);
		} else {
			colon = memchr(s + pos, ':', end - pos);
			if (colon == NULL ||
			    !field_name_ok(s + pos, (size_t)(colon - s - pos)))
				return -1;
			if (have && !stop) {
				f.value[f.len] = '\0';
				stop = fn(f.name, f.namelen, f.value, ctx) < 0;
			}
			have = 1;
			f.name = s + pos;
			f.namelen = (size_t)(colon - s - pos);
			f.len = 0;
			f.space = 0;
			field_add(&f, colon + 1, (size_t)(s + end - colon - 1));
		}
		pos = next;
	}
	if (have && !stop) {
		f.value[f.len] = '\0';
		(void)fn(f.name, f.namelen, f.value, ctx);
	}
	*body = len;
	return 1;
}

/* is_tspecial - RFC 2045 tspecials */
static int is_tspecial(int c)
{
	return c != '\0' && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* skip_cfws - white space and (nested) comments; NULL for an open one */
static const char *skip_cfws(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '(') {
			depth++;
		} else if (*p == ')' && depth) {
			depth--;
		} else if (*p == '\\' && depth && p[1]) {
			p++;
		} else if (depth == 0 && *p != ' ' && *p != '\t' && *p != '\r' &&
			   *p != '\n') {
			return p;
		}
	}
	return depth ? NULL : p;
}

/* token - copy an RFC 2045 token at p into out; the end, or NULL */
static const char *token(const char *p, char *out, size_t outlen)
{
	size_t n = 0;

	while (*p && (unsigned char)*p > ' ' && (unsigned char)*p < 127 &&
	       !is_tspecial(*p)) {
		if (n + 1 >= outlen)
			return NULL;
		out[n++] = *p++;
	}
	out[n] = '\0';
	return n ? p : NULL;
}

/* quoted - copy the quoted string at p (after its '"') into out */
static const char *quoted(const char *p, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (n + 1 >= outlen)
			return NULL;
		out[n++] = *p;
	}
	out[n] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

/* mime_ctype - see mime.h */
int mime_ctype(const char *value, char *type, size_t typelen,
	       const char *param, char *val, size_t vallen)
{
	char sub[MIME_TOKEN_MAX + 1], attr[MIME_TOKEN_MAX + 1];
	char v[MIME_TOKEN_MAX + 1];
	const char *p = skip_cfws(value);

	if (val)
		val[0] = '\0';
	if (p == NULL || (p = token(p, type, typelen)) == NULL || *p != '/' ||
	    (p = token(p + 1, sub, sizeof(sub))) == NULL ||
	    strlen(type) + strlen(sub) + 2 > typelen)
		return -1;
	strcat(type, "/");
	strcat(type, sub);
	for (char *t = type; *t; t++)
		*t = (char)tolower((unsigned char)*t);
	for (;;) {
		if ((p = skip_cfws(p)) == NULL)
			return -1;
		if (*p == '\0')
			return 0;
		if (*p != ';' || (p = skip_cfws(p + 1)) == NULL)
			return -1;
		if (*p == '\0')
			return 0; /* a trailing ';' */
		if ((p = token(p, attr, sizeof(attr))) == NULL ||
		    (p = skip_cfws(p)) == NULL || *p != '=' ||
		    (p = skip_cfws(p + 1)) == NULL)
			return -1;
		p = *p == '"' ? quoted(p + 1, v, sizeof(v))
			      : token(p, v, sizeof(v));
		if (p == NULL)
			return -1;
		if (param && val && strcasecmp(attr, param) == 0) {
			if (strlen(v) + 1 > vallen)
				return -1;
			strcpy(val, v);
		}
	}
}

/* mime_cte - see mime.h */
enum mime_cte mime_cte(const char *value)
{
	static const struct {
		const char *name;
		enum mime_cte cte;
	} names[] = {{"7bit", CTE_7BIT},
		     {"8bit", CTE_8BIT},
		     {"binary", CTE_BINARY},
		     {"quoted-printable", CTE_QP},
		     {"base64", CTE_BASE64}};
	char tok[MIME_TOKEN_MAX + 1];
	const char *p = skip_cfws(value);

	if (p == NULL)
		return CTE_OTHER;
	if (*p == '\0')
		return CTE_7BIT;
	if ((p = token(p, tok, sizeof(tok))) == NULL ||
	    (p = skip_cfws(p)) == NULL || *p != '\0')
		return CTE_OTHER;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(tok, names[i].name) == 0)
			return names[i].cte;
	return CTE_OTHER;
}

/* mime_find_delim - see mime.h */
size_t mime_find_delim(const char *s, size_t len, size_t pos, const char *b,
		       int *close, size_t *next)
{
	size_t blen = strlen(b), end, nl;

	for (; pos < len; pos = nl) {
		size_t q = pos + 2 + blen;

		nl = mime_line(s, len, pos, &end);
		if (end < q || s[pos] != '-' || s[pos + 1] != '-' ||
		    memcmp(s + pos + 2, b, blen) != 0)
			continue;
		*close = 0;
		if (q + 2 <= end && s[q] == '-' && s[q + 1] == '-') {
			*close = 1;
			q += 2;
		}
		while (q < end && (s[q] == ' ' || s[q] == '\t'))
			q++;
		if (q == end) {
			*next = nl;
			return pos;
		}
	}
	*next = len;
	return len;
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64_value - the six bits of c, or -1 */
static int b64_value(unsigned char c)
{
	const char *p = c ? strchr(b64_alphabet, c) : NULL;

	return p ? (int)(p - b64_alphabet) : -1;
}

/* mime_b64_decode - see mime.h */
int mime_b64_decode(struct buf *out, const char *s, size_t len)
{
	unsigned long acc = 0;
	int n = 0, pad = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || (v = b64_value(c)) < 0)
			return -1; /* data after padding, or not base64 */
		acc = acc << 6 | (unsigned long)v;
		if (++n == 4) {
			buf_addc(out, (char)(acc >> 16));
			buf_addc(out, (char)(acc >> 8 & 0xff));
			buf_addc(out, (char)(acc & 0xff));
			acc = 0;
			n = 0;
		}
	}
	if (n == 1 || pad > 2 || (pad && n + pad != 4))
		return -1;
	if (n == 2) {
		buf_addc(out, (char)(acc >> 4));
	} else if (n == 3) {
		buf_addc(out, (char)(acc >> 10));
		buf_addc(out, (char)(acc >> 2 & 0xff));
	}
	return 0;
}

/* mime_b64_encode - see mime.h */
void mime_b64_encode(struct buf *out, const char *data, size_t len,
		     size_t width, const char *eol)
{
	const unsigned char *d = (const unsigned char *)data;
	size_t col = 0;

	if (width < 4 || width > 76)
		width = 76;
	width -= width % 4;
	for (size_t i = 0; i < len; i += 3) {
		unsigned long v = (unsigned long)d[i] << 16;
		char q[4];

		if (i + 1 < len)
			v |= (unsigned long)d[i + 1] << 8;
		if (i + 2 < len)
			v |= d[i + 2];
		q[0] = b64_alphabet[v >> 18];
		q[1] = b64_alphabet[v >> 12 & 63];
		q[2] = i + 1 < len ? b64_alphabet[v >> 6 & 63] : '=';
		q[3] = i + 2 < len ? b64_alphabet[v & 63] : '=';
		buf_addn(out, q, 4);
		col += 4;
		if (col >= width) {
			buf_adds(out, eol);
			col = 0;
		}
	}
	if (col)
		buf_adds(out, eol);
}

/* mime_qp_encode - see mime.h */
void mime_qp_encode(struct buf *out, const char *text, size_t len,
		    const char *eol)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, col = 0;

		for (size_t i = pos; i < end; i++) {
			unsigned char c = (unsigned char)text[i];
			char tok[3];
			size_t t = 1;

			tok[0] = (char)c;
			if ((c < 33 || c > 126 || c == '=') &&
			    !((c == ' ' || c == '\t') && i + 1 < end)) {
				tok[0] = '=';
				tok[1] = hex[c >> 4];
				tok[2] = hex[c & 15];
				t = 3;
			}
			if (col + t > 75) {
				buf_addc(out, '=');
				buf_adds(out, eol);
				col = 0;
			}
			buf_addn(out, tok, t);
			col += t;
		}
		buf_adds(out, eol);
		pos = nl ? end + 1 : len;
	}
}
