/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pidfile - the pid file, locked while the daemon runs (see pidfile.h)
 *
 * Exports: pidfile_claim, pidfile_write, pidfile_remove, pidfile_release.
 * The previous file stays locked until the new one has replaced it, so a
 * concurrent start that opened the old file before the rename waits for
 * nothing: it finds the old one locked, or the new one.
 */
#include "pidfile.h"
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* read_pid - the number in the file open as fd, or 0 */
static long read_pid(int fd)
{
	char line[32];
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);

	if (n <= 0)
		return 0;
	line[n] = '\0';
	return strtol(line, NULL, 10);
}

/* locked_by_other - fd is a file another process holds the lock of */
static int locked_by_other(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

/* pidfile_claim - see pidfile.h */
int pidfile_claim(struct pidfile *pf, const char *path, char *err,
		  size_t errlen)
{
	struct stat st, now;
	int fd;

	pf->path = xstrdup(path);
	pf->old = pf->fd = -1;
	for (int tries = 0; tries < 3; tries++) {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return 0; /* none (or a link, which the rename replaces) */
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			snprintf(err, errlen, "pid file %s: not a regular file",
				 path);
			goto fail;
		}
		if (locked_by_other(fd)) {
			snprintf(err, errlen, "already running (pid %ld): pid "
				 "file %s is locked", read_pid(fd), path);
			close(fd);
			pidfile_release(pf);
			return 1;
		}
		/* ours now; still the file at path, or replaced meanwhile? */
		if (lstat(path, &now) == 0 && now.st_dev == st.st_dev &&
		    now.st_ino == st.st_ino) {
			pf->old = fd;
			return 0;
		}
		close(fd);
	}
	snprintf(err, errlen, "pid file %s keeps changing", path);
fail:
	pidfile_release(pf);
	return -1;
}

/* open_tmp - PATH.tmp, created for us alone; a leftover is removed unless
 * another start holds it */
static int open_tmp(const char *tmp, char *err, size_t errlen)
{
	int fd = -1;

	for (int tries = 0; fd < 0 && tries < 3; tries++) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				   O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
		int other = open(tmp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
					  O_CLOEXEC);

		if (other >= 0 && locked_by_other(other)) {
			close(other);
			snprintf(err, errlen, "%s: another start is under way",
				 tmp);
			return -1;
		}
		if (other >= 0)
			close(other);
		unlink(tmp); /* a leftover, or a planted link: not followed */
	}
	if (fd < 0)
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	else if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(err, errlen, "%s: lock: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		fd = -1;
	}
	return fd;
}

/* pidfile_write - see pidfile.h */
int pidfile_write(struct pidfile *pf, pid_t pid, char *err, size_t errlen)
{
	char line[32];
	struct buf tmp;
	struct stat st;
	int fd, n, rc = -1;

	buf_init(&tmp);
	buf_printf(&tmp, "%s.tmp", pf->path);
	n = snprintf(line, sizeof(line), "%ld\n", (long)pid);
	if ((fd = open_tmp(tmp.s, err, errlen)) < 0)
		goto out;
	if (write(fd, line, (size_t)n) != n || fsync(fd) < 0 ||
	    fstat(fd, &st) < 0 || rename(tmp.s, pf->path) < 0) {
		snprintf(err, errlen, "pid file %s: %s", pf->path,
			 strerror(errno));
		close(fd);
		unlink(tmp.s);
		goto out;
	}
	pf->fd = fd;
	pf->dev = st.st_dev;
	pf->ino = st.st_ino;
	rc = 0;
out:
	if (pf->old >= 0) {
		close(pf->old);
		pf->old = -1;
	}
	buf_release(&tmp);
	return rc;
}

/* pidfile_remove - see pidfile.h */
void pidfile_remove(struct pidfile *pf)
{
	struct stat st;

	if (pf->path && pf->fd >= 0 && lstat(pf->path, &st) == 0 &&
	    st.st_dev == pf->dev && st.st_ino == pf->ino)
		unlink(pf->path);
	pidfile_release(pf);
}

/* pidfile_release - see pidfile.h */
void pidfile_release(struct pidfile *pf)
{
	if (pf->path == NULL)
		return; /* never claimed */
	if (pf->old >= 0)
		close(pf->old);
	if (pf->fd >= 0)
		close(pf->fd);
	pf->old = pf->fd = -1;
	free(pf->path);
	pf->path = NULL;
}
