/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_configs - the fixed configurations a fuzz target renders with
 *
 * fuzz_load_configs writes each of n config texts to a private temporary
 * file, loads it with config_load into out[i] and removes the file; any
 * failure names the target and the config and aborts (a broken seed
 * config is a bug of the target, not a finding).
 */
#ifndef MILTER_EXPLAIN_FUZZ_CONFIGS_H
#define MILTER_EXPLAIN_FUZZ_CONFIGS_H

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void fuzz_load_configs(const char *target,
				     const char *const *text,
				     struct config **out, int n)
{
	char dir[] = "/tmp/fuzz_configs.XXXXXX", path[64], err[512];

	if (mkdtemp(dir) == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%d.conf", dir, i);
		if ((f = fopen(path, "w")) == NULL)
			abort();
		fputs(text[i], f);
		fclose(f);
		out[i] = config_load(path, err, sizeof(err));
		if (out[i] == NULL) {
			fprintf(stderr, "%s: config %d: %s\n", target, i, err);
			abort();
		}
		unlink(path);
	}
	rmdir(dir);
}

#endif
