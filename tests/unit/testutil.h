/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * testutil - helpers shared by the unit tests: temporary config files
 * that use the shipped knowledge base of the source tree, a regex test
 */
#ifndef MILTER_EXPLAIN_TESTUTIL_H
#define MILTER_EXPLAIN_TESTUTIL_H

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

/* tu_write - write body to a fresh temporary file; returns its path (static) */
static inline const char *tu_write(const char *body, char *path, size_t len)
{
	FILE *f;
	int fd;

	snprintf(path, len, "/tmp/me-unit-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	f = fdopen(fd, "w");
	fputs(body, f);
	fclose(f);
	return path;
}

/* tu_load - load a config whose body follows a knowledge_base line */
static inline struct config *tu_load(const char *body, char *err, size_t errlen,
				     char *path, size_t pathlen)
{
	size_t n = strlen(body) + strlen(TOP_SRCDIR) + 64;
	char *all = malloc(n);
	struct config *cfg;

	snprintf(all, n, "knowledge_base = \"%s/conf/kb\";\n%s", TOP_SRCDIR, body);
	tu_write(all, path, pathlen);
	free(all);
	err[0] = '\0';
	cfg = config_load(path, err, errlen);
	return cfg;
}

/*
 * tu_config - a config as tu_load makes it, its file removed at once; on
 * failure the loader's message goes to stderr (a group setup has no
 * message of its own) and NULL comes back. The caller frees the config.
 */
static inline struct config *tu_config(const char *body)
{
	char err[512], path[64];
	struct config *cfg = tu_load(body, err, sizeof(err), path, sizeof(path));

	unlink(path);
	if (cfg == NULL)
		fprintf(stderr, "%s\n", err);
	return cfg;
}

/* tu_matches - the extended, case-insensitive pattern finds s */
static inline int tu_matches(const char *pattern, const char *s)
{
	regex_t re;
	int hit;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
		fprintf(stderr, "bad pattern: %s\n", pattern);
		abort();
	}
	hit = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

#endif
