/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_config - the config loader (libconfig syntax, layering, rules,
 * templates, language rules, site guidance) on hostile files
 *
 * The first input byte picks how the rest is loaded: as the main file
 * (after a first line that points knowledge_base at the source tree's
 * knowledge base) or as a site layer that such a main file includes. A
 * valid site layer ("site.conf") sits beside it for the input's own
 * include patterns. Properties: a refused config says "FILE:LINE: why";
 * an accepted one holds its documented limits and answers an unknown
 * command and a reply within them; nothing leaks (LeakSanitizer).
 * Inputs that could make the loader read devices or walk the file system
 * (@include, wildcards outside the scratch folder) are skipped: the
 * config is the administrator's, and those cost time, not safety.
 */
#include "config.h"
#include "fuzz.h"
#include "guidance.h"
#include "rules.h"

#include <ctype.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/fuzz_config.XXXXXX";
static char main_path[64], layer_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[64];
	FILE *f;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(main_path, sizeof(main_path), "%s/main.conf", dir);
	snprintf(layer_path, sizeof(layer_path), "%s/layer.conf", dir);
	snprintf(path, sizeof(path), "%s/site.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs("helpdesk = \"desk\";\nrules = ( { name = \"s\"; code = 550; "
	      "append = [\"site ${helpdesk}\"]; } );\n", f);
	fclose(f);
	return 0;
}

/* contains - s (len bytes) holds word, case-insensitive */
static int contains(const uint8_t *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;

		while (k < n && tolower(s[i + k]) == word[k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

/* write_file - path gets head, then len bytes of data */
static void write_file(const char *path, const char *head, const uint8_t *data,
		       size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		abort();
	fputs(head, f);
	if (len && fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
}

/* check_error - "FILE:LINE: message" */
static void check_error(const char *err)
{
	const char *p = strstr(err, ".conf:");

	FUZZ_CHECK(p != NULL);
	p += 6;
	FUZZ_CHECK(isdigit((unsigned char)*p));
	while (isdigit((unsigned char)*p))
		p++;
	FUZZ_CHECK(p[0] == ':' && p[1] == ' ' && p[2] != '\0');
}

/* check_lines - reply lines within the configured limits */
static void check_lines(const struct config *cfg, const struct strlist *l)
{
	FUZZ_CHECK(l->n <= (size_t)cfg->max_lines);
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->v[i]);

		FUZZ_CHECK(n <= (size_t)cfg->line_width ||
			   (cfg->help_url && strncmp(l->v[i], cfg->help_url,
						     strlen(cfg->help_url)) == 0));
		for (size_t k = 0; k < n; k++)
			FUZZ_CHECK(l->v[i][k] >= 0x20 && l->v[i][k] < 0x7f);
	}
}

/* check_config - an accepted config keeps its promises */
static void check_config(const struct config *cfg)
{
	static const struct smtp_status st[] = {
		{550, 5, 1, 1}, {451, 4, 7, 1}, {554, 0, 0, 0}, {421, 4, 0, 0}};
	const struct rule *r;

	FUZZ_CHECK(cfg->line_width >= 40 && cfg->line_width <= CONFIG_LINE_MAX);
	FUZZ_CHECK(cfg->max_lines >= 2 && cfg->max_lines <= REPLY_LINES_MAX);
	FUZZ_CHECK(cfg->languages.n >= 1);
	for (size_t i = 0; i < cfg->languages.n; i++)
		FUZZ_CHECK(kb_lang_get(cfg->kb, cfg->languages.v[i]) != NULL);
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		struct guidance_req req;
		struct strlist lines;

		memset(&req, 0, sizeof(req));
		req.st = st[i];
		req.text = "user unknown";
		req.textlen = 12;
		req.target = TARGET_MILTER;
		req.max_lines = cfg->max_lines;
		strlist_init(&lines);
		guidance_build(cfg, &req, &lines);
		check_lines(cfg, &lines);
		strlist_release(&lines);
	}
	{
		/* the reply of an unknown command, as mlfi_unknown builds it */
		struct guidance_session gs = {"192.0.2.1", "host.example.fr",
					      NULL, NULL};
		struct strlist lines;
		char name[COMMAND_NAME_MAX];

		strlist_init(&lines);
		r = guidance_command_reply(cfg, "XYZZY arg", 9, &gs, name,
					   sizeof(name), &lines);
		FUZZ_CHECK(r == NULL || (r->has_reply && r->reply.code >= 400));
		FUZZ_CHECK(r == NULL ? lines.n == 0 : lines.n >= 1);
		check_lines(cfg, &lines);
		strlist_release(&lines);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char head[256], err[512];
	struct config *cfg;
	int layer;

	if (size < 1 || size > 8192)
		return 0;
	if (contains(data, size, "@include") || contains(data, size, "/dev") ||
	    contains(data, size, "/proc") || contains(data, size, "/sys") ||
	    contains(data, size, "..") || contains(data, size, "/*") ||
	    contains(data, size, "/?") || contains(data, size, "/[") ||
	    contains(data, size, "**") || (size > 1 && data[1] == '/'))
		return 0;
	layer = data[0] & 1;
	data++;
	size--;
	if (layer) {
		snprintf(head, sizeof(head), "knowledge_base = \"%s\";\n"
			 "include = [\"%s\"];\n", FUZZ_KB_DIR, layer_path);
		write_file(main_path, head, NULL, 0);
		write_file(layer_path, "", data, size);
	} else {
		snprintf(head, sizeof(head), "knowledge_base = \"%s\";\n",
			 FUZZ_KB_DIR);
		write_file(main_path, head, data, size);
	}
	err[0] = '\0';
	cfg = config_load(main_path, err, sizeof(err));
	if (cfg == NULL) {
		check_error(err);
		return 0;
	}
	check_config(cfg);
	config_free(cfg);
	return 0;
}
