/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * buf - growable strings and string lists
 *
 * Exports: struct buf (a NUL-terminated byte string that grows), struct
 * strlist (an owned array of strings). Allocation failure aborts the
 * process through buf_oom(): the daemon cannot do anything useful without
 * memory, and every caller would otherwise carry the same error path.
 */
#ifndef MILTER_EXPLAIN_BUF_H
#define MILTER_EXPLAIN_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *s;    /* always NUL-terminated once initialised */
	size_t len; /* bytes before the NUL */
	size_t cap; /* bytes allocated */
};

struct strlist {
	char **v;
	size_t n;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
void buf_addn(struct buf *b, const char *s, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void buf_truncate(struct buf *b, size_t len);
/* buf_detach - hand the string to the caller, who frees it; b is reset */
char *buf_detach(struct buf *b);

void strlist_init(struct strlist *l);
void strlist_release(struct strlist *l);
void strlist_add(struct strlist *l, const char *s);       /* copies s */
void strlist_take(struct strlist *l, char *s);            /* owns s */
void strlist_copy(struct strlist *dst, const struct strlist *src);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
_Noreturn void buf_oom(void);

#endif
