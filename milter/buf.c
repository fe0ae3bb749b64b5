/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * buf - growable strings and string lists
 *
 * Exports: buf_* and strlist_*, see include/buf.h. Fails: never returns an
 * error; out of memory ends the process with a message on stderr.
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* buf_oom - report memory exhaustion and stop */
_Noreturn void buf_oom(void)
{
	fputs("milter-explain: out of memory\n", stderr);
	abort();
}

/* xmalloc - malloc or die */
void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		buf_oom();
	return p;
}

/* xcalloc - calloc or die */
void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (p == NULL)
		buf_oom();
	return p;
}

/* xrealloc - realloc or die */
void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		buf_oom();
	return q;
}

/* xstrdup - strdup or die; xstrdup(NULL) is NULL */
char *xstrdup(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}

/* xstrndup - copy at most n bytes of s and terminate */
char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* buf_init - make an empty string */
void buf_init(struct buf *b)
{
	b->cap = 64;
	b->s = xmalloc(b->cap);
	b->s[0] = '\0';
	b->len = 0;
}

/* buf_release - free the storage; the buf may be initialised again */
void buf_release(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* buf_reset - empty the string, keep the storage */
void buf_reset(struct buf *b)
{
	b->len = 0;
	b->s[0] = '\0';
}

/* buf_grow - make room for n more bytes and the NUL */
static void buf_grow(struct buf *b, size_t n)
{
	size_t need = b->len + n + 1;

	if (need < b->len)
		buf_oom();
	if (need <= b->cap)
		return;
	while (b->cap < need)
		b->cap = b->cap ? b->cap * 2 : 64;
	b->s = xrealloc(b->s, b->cap);
}

/* buf_addn - append n bytes */
void buf_addn(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* buf_adds - append a string */
void buf_adds(struct buf *b, const char *s)
{
	buf_addn(b, s, strlen(s));
}

/* buf_addc - append one byte */
void buf_addc(struct buf *b, char c)
{
	buf_addn(b, &c, 1);
}

/* buf_vprintf - append formatted text */
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

/* buf_printf - append formatted text */
void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* buf_truncate - shorten to len bytes */
void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->s[len] = '\0';
	}
}

/* buf_detach - return the string (caller frees) and leave b empty */
char *buf_detach(struct buf *b)
{
	char *s = b->s;

	buf_init(b);
	return s;
}

/* strlist_init - make an empty list */
void strlist_init(struct strlist *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
}

/* strlist_release - free every string and the array */
void strlist_release(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	strlist_init(l);
}

/* strlist_take - append s, which the list now owns */
void strlist_take(struct strlist *l, char *s)
{
	if (l->n + 1 >= l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

/* strlist_add - append a copy of s */
void strlist_add(struct strlist *l, const char *s)
{
	strlist_take(l, xstrdup(s));
}

/* strlist_copy - append copies of every string of src */
void strlist_copy(struct strlist *dst, const struct strlist *src)
{
	for (size_t i = 0; i < src->n; i++)
		strlist_add(dst, src->v[i]);
}
