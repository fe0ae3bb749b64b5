/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * runas - the user the daemon runs as: who it is, what it may write, and
 * the switches of identity around the files it creates
 *
 * Exports: struct runas, runas_lookup, runas_dir_check, runas_begin,
 * runas_end, runas_drop. Fails: -1 with the reason in the caller's
 * buffer; nothing here logs or exits. No libmilter.
 */
#ifndef MILTER_EXPLAIN_RUNAS_H
#define MILTER_EXPLAIN_RUNAS_H

#include <stddef.h>
#include <sys/types.h>

/* the identity the daemon takes after start-up */
struct runas {
	int set;   /* 0: stays who started it (no -u, no user setting) */
	uid_t uid; /* else: the user's... */
	gid_t gid; /* ...and group (its primary one, or GROUP of USER:GROUP) */
};

/* runas_lookup - USER[:GROUP] into ra; -1 with "no user \"x\"" */
int runas_lookup(const char *spec, struct runas *ra, char *err, size_t errlen);

/*
 * runas_dir_check - the directory of file (an absolute path) is one the
 * daemon can create and later remove file in: it exists, is a directory
 * that ra (or, without ra->set, the current user) may write and search,
 * is not writable by others unless sticky, and belongs to root or to ra.
 * what names the file in the message ("pid_file", "milter_socket").
 */
int runas_dir_check(const char *file, const struct runas *ra, const char *what,
		    char *err, size_t errlen);

/*
 * runas_begin - create files as ra from now on (effective ids, ra's group
 * as the only supplementary one); runas_end - back to root. Both are no-ops
 * without ra->set; call them only while a single thread runs.
 */
int runas_begin(const struct runas *ra, char *err, size_t errlen);
void runas_end(const struct runas *ra);

/* runas_drop - become ra for good (real, effective and saved ids) */
int runas_drop(const struct runas *ra, char *err, size_t errlen);

#endif
