/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * preflight - what a start needs, checked before anything is created:
 * the one list of checks that both -t and the daemon's start run
 *
 * Socket specifications (and ports), the user and group, and the
 * directories of the pid file and of the unix sockets (they exist, are
 * safe, and the daemon's user can create and remove files there). It
 * does not look for a running instance: -t runs beside one (a reload).
 *
 * Exports: struct preflight, preflight_check, preflight_warnings. No
 * libmilter, no logging: messages go to the caller's buffer.
 */
#ifndef MILTER_EXPLAIN_PREFLIGHT_H
#define MILTER_EXPLAIN_PREFLIGHT_H

#include "runas.h"
#include "sockspec.h"

#include <stddef.h>

struct preflight {
	/* what is asked for: NULL or "" when not */
	const char *milter_spec, *map_spec, *dsn_spec, *pid_file, *user;
	/* how messages name them: "milter_socket" or "-p", ... */
	const char *milter_what, *map_what, *dsn_what, *pid_what, *user_what;
	/* what the checks found */
	struct sockspec milter, map, dsn; /* family 0 when not asked for */
	struct runas ra;
};

/*
 * preflight_check - 0 when a start could go ahead, else the exit code a
 * start would give (EX_CONFIG, EX_NOUSER, EX_CANTCREAT) with the first
 * problem in err
 */
int preflight_check(struct preflight *pf, char *err, size_t errlen);

/*
 * preflight_warnings - call fn for each thing worth a warning (a door
 * that listens beyond loopback): one full sentence each
 */
void preflight_warnings(const struct preflight *pf,
			void (*fn)(const char *msg, void *ctx), void *ctx);

#endif
