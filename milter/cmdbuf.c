/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdbuf - the length of every buffer libmilter hands to a callback
 *
 * Exports: cmdbuf_adopt, cmdbuf_length (see cmdbuf.h). The latest buffer
 * of each thread is kept in thread-local storage; nothing is shared.
 */
#include "cmdbuf.h"

#include <stdlib.h>

static _Thread_local const char *latest; /* the latest adopted buffer */
static _Thread_local size_t latest_len;  /* its received length */

/* cmdbuf_adopt - see cmdbuf.h */
char *cmdbuf_adopt(char *buf, size_t len)
{
	char *grown = realloc(buf, len + 1);

	if (grown == NULL) {
		free(buf);
		latest = NULL;
		return NULL;
	}
	grown[len] = '\0';
	latest = grown;
	latest_len = len;
	return grown;
}

/* cmdbuf_length - see cmdbuf.h */
int cmdbuf_length(const char *p, size_t *len)
{
	if (p == NULL || p != latest)
		return -1;
	*len = latest_len;
	return 0;
}
