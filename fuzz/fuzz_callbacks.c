/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_callbacks - the mlfi_* callbacks driven by a hostile milter peer
 *
 * Compiles milter/callbacks.c itself (the production code, included
 * below) against milter_double.h, a test double of libmilter. The input
 * is a control byte (bit 0: the milter socket is a unix: one; bit 1: the
 * config whose rules quote every session value, else the shipped
 * default), then records: a command byte, a length byte, that many
 * payload bytes (fewer at the end of the input). Bit 7 of the command
 * byte reads the payload without cmdbuf_hook.c's help (its length is
 * unknown); the rest is the milter command: 'O' negotiate, 'C' connect,
 * 'H' HELO, 'D' macros, 'U' unknown, 'T' data, 'Q' end of session (a
 * new one starts); anything else closes. Every payload sits in a buffer
 * of exactly its length, as libmilter has it: ASan sees any read past.
 * Properties: the reply checks of milter_double.h; an unknown command of
 * unknown length gets no reply and SMFIS_CONTINUE; a reply comes with
 * SMFIS_REJECT (5xx) or SMFIS_TEMPFAIL (4xx), never otherwise; the
 * command word in a reply is made of bytes of the command's own payload.
 */
#include "../milter/callbacks.c"

#include "fuzz.h"
#include "fuzz_configs.h"
#include "milter_double.h"

#include <ctype.h>

#define NCONFIGS 2

static struct config *configs[NCONFIGS];
static int current = -1; /* the published config */

static const char *const config_text[NCONFIGS] = {
	/* every session value in the reply, narrow lines */
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"languages = [\"fr\", \"en\"]; line_width = 40; max_lines = 32;\n"
	"on_error = \"tempfail\";\n"
	"language_rules = ( { client = [\"192.0.2.0/24\", \".fr\"];\n"
	"  languages = [\"fr\"]; } );\n"
	"rules = (\n"
	" { name = \"u\"; commands = [\"*\"]; reply = \"500 5.5.2\";\n"
	"   text = \"Unknown [${command}] 100% ${client_name} ${helo_name}\";\n"
	"   append = [\"${client_address}:${client_port} ${queue_id} "
	"${server_name}\"]; },\n"
	" { name = \"t\"; commands = [\"TURN\"]; reply = \"421 4.7.0\";\n"
	"   mode = \"replace\"; lines = [\"[${command}] ${helo_name}\"]; }\n"
	");\n",
	/* the shipped rules, wide lines */
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"line_width = 400; max_lines = 12;\n",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_load_configs("fuzz_callbacks", config_text, configs, NCONFIGS);
	return 0;
}

/*
 * use_config - publish configs[i] unless it is current. The target keeps
 * a reference of its own to each config it published (store_pin right
 * after store_publish), so that the store never frees one.
 */
static void use_config(int i)
{
	if (i == current)
		return;
	store_publish(configs[i]);
	store_pin();
	current = i;
}

/*
 * in_payload - every byte of the n at word (a command word as a reply
 * shows it) is a byte of p, case aside, or what sanitize makes of a
 * control byte ('?' or a space). Not checked when p has 8-bit bytes:
 * sanitize transliterates those ("\xc2\xa9" -> "(c)").
 */
static int in_payload(const char *word, size_t n, const uint8_t *p,
		      size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (p[k] >= 0x80)
			return 1;
	for (size_t i = 0; i < n; i++) {
		int found = word[i] == '?' || word[i] == ' ';

		for (size_t k = 0; k < len && !found; k++)
			found = toupper(p[k]) == (unsigned char)word[i];
		if (!found)
			return 0;
	}
	return 1;
}

/* check_unknown - the properties of one unknown command's answer */
static void check_unknown(const SMFICTX *ctx, sfsistat rc, int hooked,
			  int quoting, const uint8_t *p, size_t len)
{
	const char *open, *close;

	if (!hooked)
		FUZZ_CHECK(rc == SMFIS_CONTINUE && ctx->replies == 0);
	if (ctx->replies == 0) {
		FUZZ_CHECK(rc == SMFIS_CONTINUE || rc == SMFIS_TEMPFAIL);
		return;
	}
	FUZZ_CHECK(rc == SMFIS_REJECT || rc == SMFIS_TEMPFAIL);
	/* the quoting config's rules show the word as "[WORD]" first */
	if (quoting && (open = strchr(ctx->first, '[')) != NULL &&
	    (close = strchr(open, ']')) != NULL) {
		if (getenv("FUZZ_VERBOSE"))
			fprintf(stderr, "first line: %s\n", ctx->first);
		FUZZ_CHECK(in_payload(open + 1, (size_t)(close - open - 1), p,
				      len));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	SMFICTX ctx;

	if (size < 1 || size > 4096)
		return 0;
	use_config((data[0] >> 1) & 1);
	callbacks_register(data[0] & 1);
	FUZZ_CHECK(double_registered);
	memset(&ctx, 0, sizeof(ctx));
	data++;
	size--;
	while (size >= 2) {
		char cmd = (char)(data[0] & 0x7f);
		int hooked = !(data[0] & 0x80);
		size_t len = data[1] < size - 2 ? data[1] : size - 2;
		const uint8_t *p = data + 2;
		sfsistat rc;

		data += 2 + len;
		size -= 2 + len;
		if (cmd == 'Q') {
			double_end(&ctx);
			continue;
		}
		rc = double_command(&ctx, cmd, p, len, hooked);
		if (cmd == 'U')
			check_unknown(&ctx, rc, hooked, current == 0, p, len);
	}
	double_end(&ctx);
	return 0;
}
