/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * preflight - the checks that -t and a start share (see preflight.h)
 *
 * Exports: preflight_check, preflight_warnings.
 */
#include "preflight.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

/* asked - a specification that is set */
static int asked(const char *s)
{
	return s && *s;
}

/* check_socket - spec parses; a unix socket's directory is usable */
static int check_socket(const char *spec, const char *what,
			struct sockspec *ss, const struct runas *ra, char *err,
			size_t errlen)
{
	char why[384];

	if (sockspec_parse(spec, ss, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", what, why);
		return EX_CONFIG;
	}
	if (ss->family == AF_UNIX &&
	    runas_dir_check(ss->path, ra, what, err, errlen) < 0)
		return EX_CANTCREAT;
	return 0;
}

/* same_path - two unix sockets at one path */
static int same_path(const struct sockspec *a, const struct sockspec *b)
{
	return a->family == AF_UNIX && b->family == AF_UNIX &&
	       strcmp(a->path, b->path) == 0;
}

/* preflight_check - see preflight.h */
int preflight_check(struct preflight *pf, char *err, size_t errlen)
{
	char why[384];
	int rc;

	memset(&pf->milter, 0, sizeof(pf->milter));
	memset(&pf->map, 0, sizeof(pf->map));
	memset(&pf->dsn, 0, sizeof(pf->dsn));
	memset(&pf->ra, 0, sizeof(pf->ra));
	if (asked(pf->user) &&
	    runas_lookup(pf->user, &pf->ra, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", pf->user_what, why);
		return EX_NOUSER;
	}
	if (asked(pf->milter_spec) &&
	    (rc = check_socket(pf->milter_spec, pf->milter_what, &pf->milter,
			       &pf->ra, err, errlen)) != 0)
		return rc;
	if (asked(pf->map_spec) &&
	    (rc = check_socket(pf->map_spec, pf->map_what, &pf->map, &pf->ra,
			       err, errlen)) != 0)
		return rc;
	if (asked(pf->dsn_spec) &&
	    (rc = check_socket(pf->dsn_spec, pf->dsn_what, &pf->dsn, &pf->ra,
			       err, errlen)) != 0)
		return rc;
	if (same_path(&pf->milter, &pf->map) || same_path(&pf->milter, &pf->dsn) ||
	    same_path(&pf->map, &pf->dsn)) {
		snprintf(err, errlen, "two doors share the unix socket %s",
			 same_path(&pf->milter, &pf->map) ? pf->map.path
							  : pf->dsn.path);
		return EX_CONFIG;
	}
	if (asked(pf->pid_file) &&
	    runas_dir_check(pf->pid_file, &pf->ra, pf->pid_what, err,
			    errlen) < 0)
		return EX_CANTCREAT;
	return 0;
}

/* warn_door - one door beyond loopback */
static void warn_door(const struct sockspec *ss, const char *door,
		      void (*fn)(const char *msg, void *ctx), void *ctx)
{
	char spec[160], msg[512];

	if (ss->family == 0 || sockspec_loopback(ss))
		return;
	sockspec_format(ss, spec, sizeof(spec));
	snprintf(msg, sizeof(msg),
		 "the %s listens beyond loopback (%s): every host that can "
		 "reach it may use it; filter it or bind it to loopback",
		 door, spec);
	fn(msg, ctx);
}

/* preflight_warnings - see preflight.h */
void preflight_warnings(const struct preflight *pf,
			void (*fn)(const char *msg, void *ctx), void *ctx)
{
	warn_door(&pf->milter, "milter socket", fn, ctx);
	warn_door(&pf->map, "socketmap socket", fn, ctx);
	warn_door(&pf->dsn, "DSN socket", fn, ctx);
}
