/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nullmilter - a milter that does nothing, as slowly as a milter can
 *
 * The baseline of bench/postfix_overhead.sh: every callback is
 * registered, asks for every event with a reply (SMFIS_ALL_OPTS at
 * negotiation) and answers SMFIS_CONTINUE, so the MTA waits for the
 * milter at each step of each session, as it would for a typical
 * content filter. Usage: nullmilter [-q | -r] SPEC (libmilter socket
 * syntax, e.g. inet:PORT@127.0.0.1); stops on SIGTERM.
 *
 * -q negotiates as milter-explain does instead (connect and HELO without
 * a reply; no envelope, header or body events; DATA with a reply) and -r
 * the same but with a reply to connect and HELO: they tell the cost of
 * the milter protocol and libmilter apart from milter-explain's own.
 */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mode; /* 0: every event; 'q': as milter-explain; 'r': replies */

static sfsistat nm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			     unsigned long f2, unsigned long f3,
			     unsigned long *pf0, unsigned long *pf1,
			     unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want = SMFIP_NOMAIL | SMFIP_NORCPT | SMFIP_NOBODY |
			     SMFIP_NOHDRS | SMFIP_NOEOH; /* DATA: see callbacks.c */

	(void)ctx, (void)f0, (void)f2, (void)f3;
	if (mode == 0)
		return SMFIS_ALL_OPTS;
	if (mode == 'q')
		want |= SMFIP_NR_CONN | SMFIP_NR_HELO;
	*pf0 = 0;
	*pf1 = f1 & want;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat nm_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	(void)ctx, (void)host, (void)sa;
	return mode == 'q' ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat nm_helo(SMFICTX *ctx, char *s)
{
	(void)ctx, (void)s;
	return mode == 'q' ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat nm_argv(SMFICTX *ctx, char **argv)
{
	(void)ctx, (void)argv;
	return SMFIS_CONTINUE;
}

static sfsistat nm_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx, (void)name, (void)value;
	return SMFIS_CONTINUE;
}

static sfsistat nm_ctx(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

static sfsistat nm_body(SMFICTX *ctx, unsigned char *b, size_t len)
{
	(void)ctx, (void)b, (void)len;
	return SMFIS_CONTINUE;
}

static sfsistat nm_unknown(SMFICTX *ctx, const char *cmd)
{
	(void)ctx, (void)cmd;
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = "nullmilter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = 0,
	.xxfi_connect = nm_connect,
	.xxfi_helo = nm_helo,
	.xxfi_envfrom = nm_argv,
	.xxfi_envrcpt = nm_argv,
	.xxfi_header = nm_header,
	.xxfi_eoh = nm_ctx,
	.xxfi_body = nm_body,
	.xxfi_eom = nm_ctx,
	.xxfi_abort = nm_ctx,
	.xxfi_close = nm_ctx,
	.xxfi_unknown = nm_unknown,
	.xxfi_data = nm_ctx,
	.xxfi_negotiate = nm_negotiate,
};

int main(int argc, char **argv)
{
	const char *spec = argv[1];

	if (argc == 3 && (strcmp(argv[1], "-q") == 0 || strcmp(argv[1], "-r") == 0)) {
		mode = argv[1][1];
		spec = argv[2];
	} else if (argc != 2) {
		fprintf(stderr, "usage: nullmilter [-q | -r] SPEC\n");
		return 64;
	}
	if (smfi_register(desc) != MI_SUCCESS || smfi_setconn((char *)spec) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot listen on %s\n", spec);
		return 69;
	}
	fprintf(stderr, "nullmilter: listening on %s\n", spec);
	return smfi_main() == MI_SUCCESS ? 0 : 70;
}
