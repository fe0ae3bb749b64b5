/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_explain - the `-x -` bounce parser and `-x REPLY`
 *
 * The input is a pasted bounce or reply lines. explain_scan runs on each
 * line with every result budget up to 8; explain_stream reads the whole
 * input as `milter-explain -x -` does (its output goes to /dev/null,
 * wrapped at a width the first byte picks); explain_arg takes the first
 * line. Properties: explain_scan stays within its budget and returns
 * only well-formed codes (4xx/5xx, or none; an enhanced class of 2, 4 or
 * 5, or 0 with no basic code; a class that fits the basic code;
 * subject and detail at most 999), and the same codes whatever the
 * budget (a prefix of the full answer).
 */
#include "config.h"
#include "explain.h"
#include "fuzz.h"

#include <string.h>
#include <unistd.h>

static struct config *cfg;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/fuzz_explain.XXXXXX", path[64], err[512];
	FILE *f;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/explain.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "knowledge_base = \"%s\";\nlanguages = [\"en\", \"fr\"];\n"
		"rules = ( { name = \"r\"; code = 550; pattern = \"mailbox\"; "
		"append = [\"See ${code} ${enhanced_code}\"]; } );\n", FUZZ_KB_DIR);
	fclose(f);
	cfg = config_load(path, err, sizeof(err));
	unlink(path);
	rmdir(dir);
	if (cfg == NULL) {
		fprintf(stderr, "fuzz_explain: %s\n", err);
		abort();
	}
	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	return 0;
}

/* check_scan - explain_scan of one line, with each budget */
static void check_scan(const char *line, size_t len)
{
	struct smtp_status all[8], some[8];
	size_t n = explain_scan(line, len, all, 8);

	FUZZ_CHECK(n <= 8);
	for (size_t i = 0; i < n; i++) {
		const struct smtp_status *st = &all[i];

		FUZZ_CHECK(st->code == 0 || (smtpcode_valid(st->code) &&
					     st->code >= 400));
		FUZZ_CHECK(st->cls == 0 || st->cls == 2 || st->cls == 4 ||
			   st->cls == 5);
		FUZZ_CHECK(st->code || st->cls);
		FUZZ_CHECK(!st->code || !st->cls || st->cls == st->code / 100);
		FUZZ_CHECK(st->code || st->cls != 2); /* a bare 2.x.x is no error */
		FUZZ_CHECK(st->subject >= 0 && st->subject <= 999);
		FUZZ_CHECK(st->detail >= 0 && st->detail <= 999);
	}
	for (size_t max = 0; max < 8; max++) {
		size_t k = explain_scan(line, len, some, max);

		FUZZ_CHECK(k == (n < max ? n : max));
		FUZZ_CHECK(k == 0 || memcmp(some, all, k * sizeof(all[0])) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int widths[] = {20, 40, 78, 200};
	const uint8_t *p;
	size_t left;
	int width;
	FILE *in;

	if (size < 1 || size > 16384)
		return 0;
	width = widths[data[0] % 4];
	data++;
	size--;

	p = data;
	left = size;
	while (left) {
		size_t len;
		char *line = fuzz_split(&p, &left, &len);

		check_scan(line, len);
		free(line);
	}

	if (size && (in = fmemopen((void *)data, size, "r")) != NULL) {
		explain_stream(devnull, in, cfg, &cfg->languages, width);
		fclose(in);
	}

	{
		char err[256];
		size_t len;
		const uint8_t *q = data;
		size_t l2 = size;
		char *first = fuzz_split(&q, &l2, &len);

		if (explain_arg(devnull, cfg, first, &cfg->languages, width, err,
				sizeof(err)) < 0)
			FUZZ_CHECK(err[0] != '\0');
		free(first);
	}
	return 0;
}
