/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmdbuf_hook - every command payload libmilter reads ends in a NUL
 *
 * libmilter (8.14 to 8.18) reads each command with mi_rd_cmd into a
 * buffer of exactly the payload length, and calls it through its PLT:
 * this definition in the executable takes its place, calls libmilter's
 * own (dlsym RTLD_NEXT) and hands every buffer to cmdbuf_adopt, which
 * appends a NUL at the received length. libmilter's own string checks
 * (connect, HELO, headers) and its macro decoder then stay inside the
 * payload too, and xxfi_unknown learns the payload's length from
 * cmdbuf_length. Where the hook is not in effect (a libmilter that
 * calls mi_rd_cmd directly), cmdbuf_length says so and mlfi_unknown
 * leaves the command to the MTA: it never reads an unbounded buffer.
 *
 * Exports: mi_rd_cmd (libmilter's internal reader, same signature).
 * Linked into the daemon only. Fails: when libmilter's reader cannot be
 * found or the buffer cannot be grown, the command reads as a receive
 * error and libmilter ends the session.
 */
#include "cmdbuf.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/time.h>

/* libmilter's reader: socket, timeout, command byte, payload length, name */
typedef char *(*rd_cmd_fn)(int, struct timeval *, char *, size_t *, char *);

static rd_cmd_fn real_rd_cmd;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

/* real_find - libmilter's own mi_rd_cmd, once */
static void real_find(void)
{
	real_rd_cmd = (rd_cmd_fn)dlsym(RTLD_NEXT, "mi_rd_cmd");
}

char *mi_rd_cmd(int sd, struct timeval *timeout, char *cmd, size_t *rlen,
		char *name);

/* mi_rd_cmd - libmilter's reader, with the payload NUL-terminated */
char *mi_rd_cmd(int sd, struct timeval *timeout, char *cmd, size_t *rlen,
		char *name)
{
	char *buf;

	pthread_once(&real_once, real_find);
	if (real_rd_cmd == NULL) {
		*cmd = '\0'; /* below SMFIC_VALIDCMD: a receive error */
		*rlen = 0;
		return NULL;
	}
	buf = real_rd_cmd(sd, timeout, cmd, rlen, name);
	if (buf == NULL)
		return NULL;
	buf = cmdbuf_adopt(buf, *rlen);
	if (buf == NULL) {
		*cmd = '\0';
		*rlen = 0;
	}
	return buf;
}
