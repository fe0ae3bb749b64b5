/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * runas - the user the daemon runs as (see runas.h)
 *
 * Exports: runas_lookup, runas_dir_check, runas_begin, runas_end,
 * runas_drop. The directory check works from the directory's mode and
 * owner (not access(2), which answers for the caller), with the groups
 * the daemon will have: ra's group only, as runas_drop sets.
 */
#include "runas.h"
#include "buf.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* runas_lookup - see runas.h */
int runas_lookup(const char *spec, struct runas *ra, char *err, size_t errlen)
{
	char *user = xstrdup(spec), *group = strchr(user, ':');
	struct passwd *pw;
	struct group *gr;
	int rc = -1;

	if (group)
		*group++ = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "no user \"%s\"", user);
		goto out;
	}
	ra->uid = pw->pw_uid;
	ra->gid = pw->pw_gid;
	if (group) {
		if ((gr = getgrnam(group)) == NULL) {
			snprintf(err, errlen, "no group \"%s\"", group);
			goto out;
		}
		ra->gid = gr->gr_gid;
	}
	ra->set = 1;
	rc = 0;
out:
	free(user);
	return rc;
}

/* may_write - ra (or the caller) may create and remove entries in st */
static int may_write(const struct stat *st, const struct runas *ra)
{
	uid_t uid = ra->set ? ra->uid : geteuid();
	gid_t gid = ra->set ? ra->gid : getegid();

	if (uid == 0)
		return 1;
	if (st->st_uid == uid)
		return (st->st_mode & (S_IWUSR | S_IXUSR)) == (S_IWUSR | S_IXUSR);
	if (st->st_gid == gid || (!ra->set && group_member(st->st_gid)))
		return (st->st_mode & (S_IWGRP | S_IXGRP)) == (S_IWGRP | S_IXGRP);
	return (st->st_mode & (S_IWOTH | S_IXOTH)) == (S_IWOTH | S_IXOTH);
}

/* runas_dir_check - see runas.h */
int runas_dir_check(const char *file, const struct runas *ra, const char *what,
		    char *err, size_t errlen)
{
	const char *slash = strrchr(file, '/');
	struct stat st;
	struct buf dir;
	int rc = -1;

	buf_init(&dir);
	if (slash == NULL || slash == file)
		buf_adds(&dir, "/");
	else
		buf_addn(&dir, file, (size_t)(slash - file));
	if (stat(dir.s, &st) < 0) {
		snprintf(err, errlen, "%s %s: directory %s: %s", what, file,
			 dir.s, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s %s: %s is not a directory", what,
			 file, dir.s);
	} else if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
		snprintf(err, errlen, "%s %s: directory %s is writable by "
			 "every user (mode %04o, not sticky): refused", what,
			 file, dir.s, (unsigned)(st.st_mode & 07777));
	} else if (st.st_uid != 0 && !(ra->set && st.st_uid == ra->uid) &&
		   !(!ra->set && st.st_uid == geteuid())) {
		snprintf(err, errlen, "%s %s: directory %s belongs to another "
			 "user (uid %ld): refused", what, file, dir.s,
			 (long)st.st_uid);
	} else if (!may_write(&st, ra)) {
		snprintf(err, errlen, "%s %s: directory %s is not writable by "
			 "%s (uid %ld), who must create and remove it there",
			 what, file, dir.s, ra->set ? "the daemon's user" :
			 "the daemon", (long)(ra->set ? ra->uid : geteuid()));
	} else {
		rc = 0;
	}
	buf_release(&dir);
	return rc;
}

/* runas_begin - see runas.h */
int runas_begin(const struct runas *ra, char *err, size_t errlen)
{
	if (!ra->set)
		return 0;
	if (setgroups(1, &ra->gid) < 0 || setegid(ra->gid) < 0 ||
	    seteuid(ra->uid) < 0) {
		snprintf(err, errlen, "cannot act as uid %ld gid %ld: %s",
			 (long)ra->uid, (long)ra->gid, strerror(errno));
		runas_end(ra);
		return -1;
	}
	return 0;
}

/* runas_end - see runas.h */
void runas_end(const struct runas *ra)
{
	if (!ra->set)
		return;
	if (seteuid(0) < 0 || setegid(0) < 0)
		abort(); /* cannot happen: the saved uid is root's */
}

/* runas_drop - see runas.h */
int runas_drop(const struct runas *ra, char *err, size_t errlen)
{
	if (!ra->set)
		return 0;
	if (setgroups(1, &ra->gid) < 0 || setgid(ra->gid) < 0 ||
	    setuid(ra->uid) < 0) {
		snprintf(err, errlen, "cannot become uid %ld gid %ld: %s",
			 (long)ra->uid, (long)ra->gid, strerror(errno));
		return -1;
	}
	return 0;
}
