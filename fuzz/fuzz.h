/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz - what every fuzz target of milter-explain shares
 *
 * Each fuzz/fuzz_NAME.c defines LLVMFuzzerInitialize and
 * LLVMFuzzerTestOneInput. Built with clang -fsanitize=fuzzer by `make fuzz`
 * (fuzz/run.sh); built with the ordinary compiler and fuzz/replay.c by
 * `make check`, which replays the seed corpus and every kept crash input
 * under tests/fuzz-corpus/NAME/. FUZZ_CHECK aborts with the failed
 * property, so both builds report a broken invariant as a crash.
 */
#ifndef MILTER_EXPLAIN_FUZZ_H
#define MILTER_EXPLAIN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: property failed: %s\n",      \
				__FILE__, __LINE__, #cond);                  \
			abort();                                             \
		}                                                            \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_kb_dir - the knowledge base the targets load (the source tree's) */
#ifndef FUZZ_KB_DIR
#define FUZZ_KB_DIR "conf/kb"
#endif

/*
 * fuzz_split - cut the input at the next '\n' (or its end): *field gets
 * the bytes before it as a fresh NUL-terminated copy (embedded NULs
 * kept, so strlen may see less), *data and *size advance past it. The
 * caller frees *field.
 */
static inline char *fuzz_split(const uint8_t **data, size_t *size, size_t *len)
{
	size_t n = 0;
	char *s;

	while (n < *size && (*data)[n] != '\n')
		n++;
	s = malloc(n + 1);
	if (s == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		s[i] = (char)(*data)[i];
	s[n] = '\0';
	if (len)
		*len = n;
	*data += n < *size ? n + 1 : n;
	*size -= n < *size ? n + 1 : n;
	return s;
}

#endif
