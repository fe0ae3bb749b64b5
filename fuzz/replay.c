/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay - run a fuzz target over its corpus without libFuzzer
 *
 * `make check` links each fuzz/fuzz_NAME.c with this file and the
 * ordinary compiler (and, in the sanitizer leg, ASan and UBSan) and runs
 * it: every file of FUZZ_CORPUS_DIR (tests/fuzz-corpus/NAME: the seeds
 * and the crash inputs kept as regression cases), then every file named
 * on the command line. A crash or a failed property aborts the test.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_CORPUS_DIR
#define FUZZ_CORPUS_DIR "."
#endif

/* replay_file - feed one file to the target; -1 when it cannot be read */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	uint8_t *data;
	size_t n;

	if (f == NULL || fstat(fileno(f), &sb) < 0 || !S_ISREG(sb.st_mode)) {
		if (f)
			fclose(f);
		return -1;
	}
	data = malloc((size_t)sb.st_size + 1);
	if (data == NULL)
		abort();
	n = fread(data, 1, (size_t)sb.st_size, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = getenv("FUZZ_CORPUS_DIR");
	struct dirent **names;
	char path[4096];
	int n, count = 0, failed = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	if (dir == NULL)
		dir = FUZZ_CORPUS_DIR;
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot read %s\n", dir);
		return 99;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			if (replay_file(path) == 0)
				count++;
		}
		free(names[i]);
	}
	free(names);
	for (int i = 1; i < argc; i++) {
		if (replay_file(argv[i]) < 0) {
			fprintf(stderr, "replay: cannot read %s\n", argv[i]);
			failed++;
		} else {
			count++;
		}
	}
	printf("replay: %d inputs of %s run without a failure\n", count, dir);
	return failed ? 1 : count ? 0 : 99;
}
