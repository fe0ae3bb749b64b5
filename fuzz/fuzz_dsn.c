/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_dsn - the DSN door's parser and rewriter on hostile messages
 *
 * The input is a control byte, then the message. Control bits: 0-1 pick
 * one of three configs (English with a help link; French for ".fr"
 * recipients; narrow lines and a rule with a pattern); bit 2: the
 * rest is a whole message (top-level header fields, then the body), else
 * the body of a report whose boundary is "b"; bit 3: LF becomes CRLF in
 * the body; bit 4: the rest is one recipient block, repeated 100 times
 * (10,000 times when bits 6 and 7 are set too) in an otherwise
 * well-formed report; bit 5: the bounce goes to a ".fr" address.
 * Properties: dsn_rewrite answers 0 (an empty body, a reason, nothing
 * counted) or 1 (one to DSN_RCPT_MAX sections counted);
 * then dsn_parse reads the input as the same report, the new body is the
 * old one with bytes inserted at the end of the text part (base64:
 * replaced from the start of its content) and every other byte the
 * same, the new body parses as a report with the same recipients, and
 * what was added is bounded and, in a 7bit part, ASCII.
 */
#include "dsn.h"
#include "fuzz.h"
#include "fuzz_configs.h"

#include <string.h>
#include <strings.h>

#define NCONFIGS 3
#define REPEAT_MANY 10000 /* bits 4, 6 and 7 */
#define REPEAT_FEW 100    /* bit 4 alone: fuzzes faster */

static struct config *configs[NCONFIGS];

static const char *const config_text[NCONFIGS] = {
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"languages = [\"en\"];\n"
	"help_url = \"https://help.example/smtp\";\n",
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"languages = [\"en\"];\n"
	"language_rules = ( { recipient = [\".fr\"]; languages = [\"fr\", "
	"\"en\"]; } );\n",
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"languages = [\"fr\", \"en\"]; line_width = 40; max_lines = 32;\n"
	"rules = ( { name = \"dmarc\"; code = \"5XX\"; pattern = \"DMARC\";\n"
	"  lines = { en = [\"Ask ${helpdesk} about DMARC: ${client_address}\"]; };"
	" } );\n",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_load_configs("fuzz_dsn", config_text, configs, NCONFIGS);
	return 0;
}

/* top_field - mime_field_fn: the top-level Content-Type and CTE */
static int top_field(const char *name, size_t n, const char *value, void *ctx)
{
	char **f = ctx;

	if (n == 12 && strncasecmp(name, "Content-Type", n) == 0 && !f[0])
		f[0] = strdup(value);
	if (n == 25 && strncasecmp(name, "Content-Transfer-Encoding", n) == 0 &&
	    !f[1])
		f[1] = strdup(value);
	return 0;
}

/* repeated - a report whose recipient block is block, times times */
static void repeated(struct buf *b, const char *block, size_t len, int times)
{
	buf_adds(b, "--b\nContent-Type: text/plain\n\nThe mail system\n\n--b\n"
		    "Content-Type: message/delivery-status\n\nReporting-MTA: "
		    "dns; x\n");
	for (int i = 0; i < times; i++) {
		buf_addc(b, '\n');
		buf_addn(b, block, len);
	}
	buf_adds(b, "\n--b--\n");
}

/* check_result - the properties of a rewritten body */
static void check_result(const struct dsn_msg *m, const struct buf *out)
{
	struct dsn_report *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	char why[256];
	size_t keep, tail;

	FUZZ_CHECK(a && b);
	FUZZ_CHECK(dsn_parse(m->ctype, m->body, m->len, a, why, sizeof(why)) ==
		   0);
	keep = a->cte == CTE_BASE64 ? a->text_start : a->text_end;
	tail = m->len - a->text_end;
	FUZZ_CHECK(out->len > keep + tail);
	FUZZ_CHECK(memcmp(out->s, m->body, keep) == 0);
	FUZZ_CHECK(memcmp(out->s + out->len - tail, m->body + a->text_end,
			  tail) == 0);
	/* what was added: sections within budget, even QP or base64 */
	FUZZ_CHECK(out->len - m->len <= (size_t)DSN_RCPT_MAX * 40 * 1300 +
					     (a->text_end - a->text_start) * 2);
	if (a->cte == CTE_7BIT)
		for (size_t i = a->text_end; i < out->len - tail; i++)
			FUZZ_CHECK((unsigned char)out->s[i] < 128);
	FUZZ_CHECK(dsn_parse(m->ctype, out->s, out->len, b, why,
			     sizeof(why)) == 0);
	FUZZ_CHECK(b->n == a->n && b->more == a->more);
	for (size_t i = 0; i < a->n; i++)
		FUZZ_CHECK(memcmp(&a->rcpt[i], &b->rcpt[i], sizeof(a->rcpt[i])) ==
			   0);
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf body, out;
	char *f[2] = {NULL, NULL}, why[256];
	const char *in = (const char *)data + 1;
	size_t n = size ? size - 1 : 0, start = 0;
	unsigned ctl = size ? data[0] : 0;
	struct dsn_msg m;
	struct dsn_done done;
	int rc;

	buf_init(&body);
	buf_init(&out);
	if (ctl & 4) {
		if (mime_fields(in, n, &start, top_field, f) != 0)
			start = n;
	} else {
		f[0] = strdup("multipart/report; report-type=delivery-status; "
			      "boundary=\"b\"");
	}
	if (ctl & 16)
		repeated(&body, in + start, n - start,
			 (ctl & 0xc0) == 0xc0 ? REPEAT_MANY : REPEAT_FEW);
	else
		buf_addn(&body, in + start, n - start);
	if (ctl & 8) {
		struct buf crlf;

		buf_init(&crlf);
		for (size_t i = 0; i < body.len; i++) {
			if (body.s[i] == '\n')
				buf_addc(&crlf, '\r');
			buf_addc(&crlf, body.s[i]);
		}
		buf_release(&body);
		body = crlf;
	}
	m = (struct dsn_msg){"<>", ctl & 32 ? "<marie@relay.fr>" : "alice@x",
			     f[0], f[1], body.s, body.len, 0};
	why[0] = '\0';
	done.n = DSN_RCPT_MAX + 1;
	rc = dsn_rewrite(configs[(ctl & 3) % NCONFIGS], &m, &out, &done, why,
			 sizeof(why));
	FUZZ_CHECK(rc == 0 || rc == 1);
	FUZZ_CHECK(why[0] != '\0');
	/* a section for each recipient counted, never more than kept */
	FUZZ_CHECK(rc ? done.n >= 1 && done.n <= DSN_RCPT_MAX : done.n == 0);
	if (rc == 0)
		FUZZ_CHECK(out.len == 0);
	else
		check_result(&m, &out);
	free(f[0]);
	free(f[1]);
	buf_release(&out);
	buf_release(&body);
	return 0;
}
