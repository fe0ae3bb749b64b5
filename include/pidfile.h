/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pidfile - the pid file, locked while the daemon runs
 *
 * The lock (flock) is what says "running": a second start finds the pid
 * file locked and reports the pid in it without touching anything. The
 * file is written through PATH.tmp (O_CREAT|O_EXCL|O_NOFOLLOW, so that a
 * planted link is never followed) renamed into place, so that a reader
 * sees a whole line or no file. Only a pid file this process wrote is
 * ever removed, and only while PATH is still that file.
 *
 * Exports: struct pidfile, pidfile_claim, pidfile_write, pidfile_remove,
 * pidfile_release. Fails: -1 with the reason in the caller's buffer.
 * No libmilter, no logging.
 */
#ifndef MILTER_EXPLAIN_PIDFILE_H
#define MILTER_EXPLAIN_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

struct pidfile {
	char *path;  /* absolute */
	int old;     /* the previous pid file, locked by us, or -1 */
	int fd;      /* ours once written (locked), or -1 */
	dev_t dev;   /* ours: to remove it only while PATH is still ours */
	ino_t ino;
};

/*
 * pidfile_claim - lock PATH's previous file, if any: 0 (pf set up; the
 * caller ends with pidfile_remove or pidfile_release), 1 when another
 * process holds the lock (err: "already running (pid N)"), -1 on error
 */
int pidfile_claim(struct pidfile *pf, const char *path, char *err,
		  size_t errlen);

/* pidfile_write - write pid as the claimed file; 0 or -1 (nothing left) */
int pidfile_write(struct pidfile *pf, pid_t pid, char *err, size_t errlen);

/* pidfile_remove - remove the file if this process wrote it, and forget */
void pidfile_remove(struct pidfile *pf);

/* pidfile_release - forget the claim, leave PATH as it is; both are
 * no-ops on a zeroed struct pidfile (nothing claimed) */
void pidfile_release(struct pidfile *pf);

#endif
