/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_guidance - the template renderer and reply builder with hostile
 * session values
 *
 * Loads three configs (narrow and wide lines, few and many lines, ASCII
 * and UTF-8) over the source tree's knowledge base, with rules and a
 * footer whose templates use every session variable. The input is a
 * control byte, then '\n'-separated fields: the SMTP command line, then
 * the values of client_name, helo_name, client_address, queue_id,
 * server_name and client_port, then a reply line to explain. The target
 * builds the reply of an unknown command with guidance_command_reply, as
 * mlfi_unknown does, and the guidance of the reply for each target.
 * Properties: at most max_lines (<= 32) lines; each line printable
 * US-ASCII (valid UTF-8 without controls where the session allows it)
 * and at most line_width bytes (the help link, or a URL or placeholder
 * wider than the line, excepted: such a word has a line to itself, at
 * most LINEBREAK_HARD bytes); after guidance_milter_line every '%' is doubled; a footer
 * template holds only "$$", "\n" separators and Postfix's own ${names}.
 */
#include "config.h"
#include "fuzz.h"
#include "fuzz_configs.h"
#include "guidance.h"
#include "linebreak.h"
#include "rules.h"
#include "sanitize.h"

#include <string.h>
#include <unistd.h>

#define NCONFIGS 3

static struct config *configs[NCONFIGS];

static const char *const config_text[NCONFIGS] = {
	/* narrow lines, UTF-8 allowed, two languages, a help link */
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"languages = [\"en\", \"fr\"];\n"
	"line_width = 40; max_lines = 12;\n"
	"help_url = \"https://help.example/smtp\";\n"
	"helpdesk = \"help 100% $$ desk\";\n"
	"variables = { site = \"Example 50% off\"; };\n"
	"footer = [\"Client ${client_name}[${client_address}]:${client_port} "
	"via ${server_name}\", \"Queue ${queue_id} at ${localtime}\"];\n"
	"language_rules = ( { client = [\"192.0.2.0/24\", \"2001:db8::/32\", "
	"\".fr\"]; languages = [\"fr\", \"en\"]; } );\n"
	"rules = (\n"
	" { name = \"u\"; commands = [\"*\"]; reply = \"500 5.5.2\";\n"
	"   text = \"Unknown ${command} from ${helo_name} (${client_name})\";\n"
	"   append = [\"You said ${command}${command}${command}${helo_name}\"]; },\n"
	" { name = \"x\"; commands = [\"XFOO\", \"EXPN\"]; reply = \"502 5.5.1\";\n"
	"   mode = \"replace\"; lines = { en = [\"${command} ${queue_id} "
	"${client_port} ${server_name}\"]; fr = [\"Commande ${command} "
	"refus\xc3\xa9" "e par ${server_name} 100%%\"]; }; },\n"
	" { name = \"r\"; code = 550; pattern = \"user|mailbox\";\n"
	"   append = [\"${code} ${enhanced_code} ${site} ${helpdesk}\"]; }\n"
	");\n",
	/* the widest lines, all 32 lines, ASCII only */
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"languages = [\"fr\", \"en\"];\n"
	"line_width = 400; max_lines = 32;\n"
	"footer = { en = [\"${client_name}${helo_name}${command}${queue_id}"
	"${client_address}${client_port}${server_name}\"]; };\n"
	"rules = (\n"
	" { name = \"u\"; commands = [\"*\"]; reply = \"421 4.7.0\";\n"
	"   text = \"${helo_name}${helo_name}${helo_name}${helo_name}"
	"${helo_name}${helo_name}${helo_name}${helo_name}\"; },\n"
	" { name = \"t\"; commands = [\"TURN\"]; reply = \"502 5.5.1\";\n"
	"   lines = [\"${command}\", \"${command}\", \"${command}\"]; }\n"
	");\n",
	/* two lines per reply */
	"knowledge_base = \"" FUZZ_KB_DIR "\";\n"
	"line_width = 72; max_lines = 2;\n"
	"rules = ( { name = \"u\"; commands = [\"*\"]; reply = \"500 5.5.2\"; } );\n",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_load_configs("fuzz_guidance", config_text, configs, NCONFIGS);
	return 0;
}

enum { V_NAME, V_HELO, V_ADDR, V_QUEUE, V_SERVER, V_PORT, NVALUES };

struct session {
	char *v[NVALUES];
};

/* session_value - the fuzz bytes as session values, as callbacks.c does */
static const char *session_value(const char *name, size_t len, void *ctx)
{
	static const char *const names[NVALUES] = {
		"client_name", "helo_name", "client_address", "queue_id",
		"server_name", "client_port"};
	struct session *s = ctx;

	for (int i = 0; i < NVALUES; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return s->v[i][0] || i == V_ADDR ? s->v[i] : NULL;
	return NULL;
}

/* utf8_printable - length of one valid, printable UTF-8 character, or 0 */
static size_t utf8_printable(const unsigned char *s)
{
	unsigned c = s[0], v;
	size_t n;

	if (c >= 0x20 && c < 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, v = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, v = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, v = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff) || v < 0xa0)
		return 0;
	return n;
}

/* check_lines - the wire properties of a list of reply lines */
static void check_lines(const struct config *cfg, const struct strlist *l,
			int utf8, int footer)
{
	size_t urllen = cfg->help_url ? strlen(cfg->help_url) : 0;
	struct buf esc;

	FUZZ_CHECK(l->n <= (size_t)cfg->max_lines);
	FUZZ_CHECK(l->n <= REPLY_LINES_MAX);
	buf_init(&esc);
	for (size_t i = 0; i < l->n; i++) {
		const unsigned char *p = (const unsigned char *)l->v[i];
		size_t len = strlen(l->v[i]);
		int link = urllen && strncmp(l->v[i], cfg->help_url, urllen) == 0 &&
			   l->v[i][urllen] == '/';

		/* a URL or placeholder wider than the line has one to itself */
		FUZZ_CHECK(len <= LINEBREAK_HARD);
		FUZZ_CHECK(link || len <= (size_t)cfg->line_width ||
			   strchr(l->v[i], ' ') == NULL);
		for (size_t k = 0; k < len;) {
			size_t n = p[k] == (unsigned char)SAN_MARK && footer
					   ? 1 : utf8_printable(p + k);

			FUZZ_CHECK(n > 0);
			FUZZ_CHECK(n == 1 || utf8);
			k += n;
		}
		if (footer)
			continue;
		guidance_milter_line(&esc, l->v[i]);
		for (size_t k = 0; k < esc.len; k++) {
			if (esc.s[k] == '%') {
				FUZZ_CHECK(esc.s[k + 1] == '%');
				k++;
			}
		}
	}
	buf_release(&esc);
}

/* check_footer - a Postfix footer template of the lines */
static void check_footer(const struct strlist *l)
{
	static const char *const vars[] = {"client_address", "client_port",
					   "localtime", "server_name", NULL};
	struct buf out;

	buf_init(&out);
	guidance_footer(&out, l);
	for (size_t k = 0; k < out.len; k++) {
		char c = out.s[k];

		FUZZ_CHECK(c != SAN_MARK);
		if (c == '\\') {
			FUZZ_CHECK(out.s[k + 1] == 'n');
			k++;
		} else if (c == '$' && out.s[k + 1] == '$') {
			k++;
		} else if (c == '$') {
			const char *end = strchr(out.s + k, '}');
			int found = 0;

			FUZZ_CHECK(out.s[k + 1] == '{' && end != NULL);
			for (int v = 0; vars[v]; v++)
				if ((size_t)(end - out.s - k - 2) == strlen(vars[v]) &&
				    memcmp(out.s + k + 2, vars[v], strlen(vars[v])) == 0)
					found = 1;
			FUZZ_CHECK(found);
			k = (size_t)(end - out.s);
		}
	}
	buf_release(&out);
}

/*
 * unknown_command - the reply mlfi_unknown gives: guidance_command_reply
 * over the len bytes at cmd (no NUL after them: ASan sees any read past)
 */
static void unknown_command(const struct config *cfg, const char *cmd,
			    size_t len, struct session *s)
{
	struct guidance_session gs;
	struct strlist lines;
	char name[COMMAND_NAME_MAX];
	const struct rule *r;

	gs.client_addr = s->v[V_ADDR][0] ? s->v[V_ADDR] : NULL;
	gs.client_name = s->v[V_NAME];
	gs.lookup = session_value;
	gs.ctx = s;
	strlist_init(&lines);
	r = guidance_command_reply(cfg, cmd, len, &gs, name, sizeof(name),
				   &lines);
	FUZZ_CHECK(strlen(name) < sizeof(name));
	FUZZ_CHECK(r == NULL ? lines.n == 0 : lines.n >= 1);
	FUZZ_CHECK(r == rules_match_command(cfg, cmd, len));
	/* the milter never learns whether the session may carry UTF-8 */
	check_lines(cfg, &lines, 0, 0);
	strlist_release(&lines);
}

/* reply_guidance - the guidance for a reply line, for one target */
static void reply_guidance(const struct config *cfg, const char *line,
			   size_t len, struct session *s, int utf8,
			   enum guidance_target target)
{
	struct guidance_req req;
	struct strlist lines;
	size_t text;

	memset(&req, 0, sizeof(req));
	if (smtpcode_parse_reply(line, len, &req.st, &text) < 0)
		return;
	req.text = line + text;
	req.textlen = len - text;
	req.lookup = session_value;
	req.ctx = s;
	req.utf8 = utf8;
	req.target = target;
	req.max_lines = cfg->max_lines - 1;
	strlist_init(&lines);
	guidance_build(cfg, &req, &lines);
	FUZZ_CHECK(lines.n <= (size_t)cfg->max_lines - 1);
	check_lines(cfg, &lines, utf8, target == TARGET_FOOTER);
	if (target == TARGET_FOOTER)
		check_footer(&lines);
	strlist_release(&lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct config *cfg;
	struct session s;
	char *cmd, *raw, *reply;
	size_t cmdlen, replylen;
	int utf8;

	if (size < 1 || size > 4096)
		return 0;
	cfg = configs[(data[0] & 0x7f) % NCONFIGS];
	utf8 = data[0] >> 7;
	data++;
	size--;
	cmd = fuzz_split(&data, &size, &cmdlen);
	raw = malloc(cmdlen ? cmdlen : 1); /* the payload as libmilter has it */
	if (raw == NULL)
		abort();
	memcpy(raw, cmd, cmdlen);
	for (int i = 0; i < NVALUES; i++)
		s.v[i] = fuzz_split(&data, &size, NULL);
	reply = fuzz_split(&data, &size, &replylen);

	unknown_command(cfg, raw, cmdlen, &s);
	reply_guidance(cfg, reply, replylen, &s, utf8, TARGET_MILTER);
	reply_guidance(cfg, reply, replylen, &s, utf8, TARGET_FOOTER);
	reply_guidance(cfg, reply, replylen, &s, utf8, TARGET_PLAIN);

	free(reply);
	for (int i = 0; i < NVALUES; i++)
		free(s.v[i]);
	free(raw);
	free(cmd);
	return 0;
}
