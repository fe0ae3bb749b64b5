/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdbuf - the length of every buffer libmilter hands to a callback
 *
 * libmilter reads each command's payload into a buffer of exactly the
 * received length and passes xxfi_unknown (and the macro values behind
 * smfi_getsymval) a bare pointer: a peer that leaves out the final NUL
 * makes any string function read past the payload into stale heap.
 * cmdbuf_hook.c wraps libmilter's reader (mi_rd_cmd) and gives each
 * buffer to cmdbuf_adopt, which terminates it with a NUL at the received
 * length and remembers it for the thread that reads the session; a
 * callback then asks cmdbuf_length for the bound of its argument.
 *
 * Exports: cmdbuf_adopt, cmdbuf_length. Pure (no libmilter); thread-safe
 * (the state is thread-local: libmilter reads a command and runs its
 * callback on the same thread).
 */
#ifndef MILTER_EXPLAIN_CMDBUF_H
#define MILTER_EXPLAIN_CMDBUF_H

#include <stddef.h>

/*
 * cmdbuf_adopt - buf (malloc'ed, len bytes received) grown by one NUL
 * byte at buf[len], and remembered as this thread's latest buffer.
 * Returns the buffer, which may have moved (the caller owns it and frees
 * it with free), or NULL when out of memory: buf is then freed.
 */
char *cmdbuf_adopt(char *buf, size_t len);

/*
 * cmdbuf_length - when p is this thread's latest adopted buffer: 0, and
 * its received length in *len; else -1 (the length is unknown: the
 * caller must not read p as a string)
 */
int cmdbuf_length(const char *p, size_t *len);

#endif
