/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_socketmap - the socketmap service's answers (lookup_answer) to
 * hostile requests
 *
 * The input is one request payload, "NAME KEY", as it arrives inside a
 * netstring: the map name (footer, filter or anything) and a reply text
 * of one or more lines. The first byte picks one of two configs (narrow
 * lines with a footer, language rules by recipient domain and a command
 * rule whose reply a key can quote; wide lines, UTF-8, a replacing
 * rule). Properties: the answer starts with "OK ", "NOTFOUND ", "TEMP "
 * or "PERM " and fits a netstring; an OK footer is a Postfix template
 * of printable lines, '$' doubled, only Postfix's own ${names}, "\n"
 * between lines, within the line and line budgets; an OK filter reply is
 * CRLF-separated lines that each carry the key's reply code, '-' on all
 * but the last, an enhanced code (if any) of the reply's class, only
 * printable US-ASCII, at most 512 octets with the CRLF.
 */
#include "config.h"
#include "fuzz.h"
#include "fuzz_configs.h"
#include "lookup.h"
#include "netstring.h"

#include <string.h>
#include <unistd.h>

#define NCONFIGS 2

static struct config *configs[NCONFIGS];

static const char *const config_text[NCONFIGS] = {
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"languages = [\"en\"]; line_width = 40; max_lines = 6;\n"
	"help_url = \"https://help.example/smtp\";\n"
	"footer = [\"Client [${client_address}]:${client_port} at ${localtime} "
	"via ${server_name}; ask ${helpdesk} $$5\"];\n"
	"language_rules = ( { recipient = [\".fr\"]; languages = [\"fr\", \"en\"]; } );\n"
	"rules = (\n"
	" { name = \"c\"; commands = [\"*\"]; reply = \"550 5.5.2\";\n"
	"   lines = [\"No such command here.\"]; },\n"
	" { name = \"r\"; code = \"5XX\"; pattern = \"^user\";\n"
	"   append = [\"${code} ${enhanced_code} 100%\"]; }\n"
	");\n",
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"languages = [\"fr\", \"en\"]; line_width = 400; max_lines = 32;\n"
	"rules = ( { name = \"g\"; code = 451; enhanced = \"4.7.1\";\n"
	"   mode = \"replace\"; lines = [\"Greylisted: retry in 5 minutes.\"]; } );\n",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_load_configs("fuzz_socketmap", config_text, configs, NCONFIGS);
	return 0;
}

/*
 * check_footer - an OK answer of the footer map; a ${name} counts as the
 * placeholder that was folded (name and two marks), the help link is
 * never folded
 */
static void check_footer(const struct config *cfg, const char *s, size_t len)
{
	static const char *const vars[] = {"client_address", "client_port",
					   "localtime", "server_name", NULL};
	size_t urllen = cfg->help_url ? strlen(cfg->help_url) : 0;
	size_t lines = 1, width = 0, start = 0;

	FUZZ_CHECK(len > 0);
	for (size_t k = 0; k <= len; k++) {
		unsigned char c = k < len ? (unsigned char)s[k] : 0;

		if (c == '\\' || k == len) {
			int link = urllen && k - start > urllen &&
				   memcmp(s + start, cfg->help_url, urllen) == 0;

			FUZZ_CHECK(link || width <= (size_t)cfg->line_width);
			if (k == len)
				break;
			FUZZ_CHECK(k + 1 < len && s[k + 1] == 'n');
			k++;
			lines++;
			width = 0;
			start = k + 1;
		} else if (c == '$' && k + 1 < len && s[k + 1] == '$') {
			k++;
			width++;
		} else if (c == '$') {
			const char *end = memchr(s + k, '}', len - k);
			int found = 0;

			FUZZ_CHECK(k + 1 < len && s[k + 1] == '{' && end != NULL);
			for (int v = 0; vars[v]; v++)
				if ((size_t)(end - s) - k - 2 == strlen(vars[v]) &&
				    memcmp(s + k + 2, vars[v], strlen(vars[v])) == 0)
					found = 1;
			FUZZ_CHECK(found);
			width += (size_t)(end - s) - k - 2 + 2;
			k = (size_t)(end - s);
		} else {
			FUZZ_CHECK(c >= 0x20 && c < 0x7f); /* footers are ASCII */
			width++;
		}
	}
	FUZZ_CHECK(lines < (size_t)cfg->max_lines);
}

/* check_filter - an OK answer of the filter map */
static void check_filter(const struct config *cfg, const char *s, size_t len,
			 const char *key, size_t keylen)
{
	size_t lines = 0, off;
	const char *p = s, *end = s + len;
	struct smtp_status st;

	FUZZ_CHECK(keylen >= 3);
	while (p < end) {
		const char *crlf = NULL;
		size_t n;

		for (const char *q = p; q + 1 < end; q++)
			if (q[0] == '\r' && q[1] == '\n') {
				crlf = q;
				break;
			}
		n = (size_t)((crlf ? crlf : end) - p);
		lines++;
		FUZZ_CHECK(n >= 4 && memcmp(p, key, 3) == 0);
		FUZZ_CHECK(p[3] == (crlf ? '-' : ' '));
		FUZZ_CHECK(n + 2 <= REPLY_LINE_OCTETS);
		FUZZ_CHECK(smtpcode_parse_reply(p, n, &st, &off) == 0);
		FUZZ_CHECK(st.cls == 0 || st.cls == st.code / 100);
		for (size_t k = 0; k < n; k++)
			FUZZ_CHECK((unsigned char)p[k] >= 0x20 &&
				   (unsigned char)p[k] <= 0x7e);
		p = crlf ? crlf + 2 : end;
	}
	FUZZ_CHECK(lines >= 1 && lines <= (size_t)cfg->max_lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct config *cfg;
	const char *req;
	struct buf out;

	if (size < 1 || size > 8192)
		return 0;
	cfg = configs[data[0] % NCONFIGS];
	req = (const char *)data + 1;
	size--;

	buf_init(&out);
	lookup_answer(cfg, req, size, &out);
	FUZZ_CHECK(out.len + 8 <= NETSTRING_WIRE_MAX);
	if (strncmp(out.s, "OK ", 3) == 0) {
		const char *sp = memchr(req, ' ', size);

		FUZZ_CHECK(sp != NULL);
		if (sp - req == 6 && memcmp(req, "footer", 6) == 0)
			check_footer(cfg, out.s + 3, out.len - 3);
		else
			check_filter(cfg, out.s + 3, out.len - 3, sp + 1,
				     size - (size_t)(sp - req) - 1);
	} else {
		FUZZ_CHECK(strcmp(out.s, "NOTFOUND ") == 0 ||
			   strncmp(out.s, "TEMP ", 5) == 0 ||
			   strncmp(out.s, "PERM ", 5) == 0);
	}
	lookup_answer(NULL, req, size, &out);
	FUZZ_CHECK(strncmp(out.s, "TEMP ", 5) == 0 || strncmp(out.s, "PERM ", 5) == 0);
	buf_release(&out);
	return 0;
}
