/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * oneshot - the command-line modes of milter-explain: -t, -x and --html
 *
 * Exports: see oneshot.h. The messages are the command line's own
 * ("milter-explain: ..." on stderr); nothing is logged to syslog.
 */
#include "oneshot.h"
#include "explain.h"
#include "htmlsite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* split_langs - "fr,en" into a list, each known to the config */
static int split_langs(const struct config *cfg, const char *s,
		       struct strlist *out)
{
	char *copy = xstrdup(s), *save = NULL;

	for (char *t = strtok_r(copy, ", ", &save); t;
	     t = strtok_r(NULL, ", ", &save)) {
		if (kb_lang_get(cfg->kb, t) == NULL) {
			fprintf(stderr,
				"milter-explain: -L: no knowledge base for "
				"language \"%s\"\n",
				t);
			free(copy);
			return -1;
		}
		strlist_add(out, t);
	}
	free(copy);
	if (out->n == 0) {
		fprintf(stderr, "milter-explain: -L needs a language\n");
		return -1;
	}
	return 0;
}

/* terminal_width - columns of stdout, or 78 */
static int terminal_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");

	if (c && atoi(c) >= 40)
		return atoi(c) > 200 ? 200 : atoi(c);
	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col > 200 ? 200 : ws.ws_col;
	return 78;
}

/* oneshot_test - see oneshot.h */
int oneshot_test(const struct config *cfg, const char *path)
{
	(void)cfg;
	printf("%s: configuration OK\n", path);
	return 0;
}

/* oneshot_explain - see oneshot.h */
int oneshot_explain(const struct config *cfg, const char *arg,
		    const char *langs)
{
	struct strlist ls;
	char err[256];
	int rc;

	strlist_init(&ls);
	if (langs == NULL) {
		strlist_copy(&ls, &cfg->languages);
	} else if (split_langs(cfg, langs, &ls) < 0) {
		strlist_release(&ls);
		return 2;
	}
	if (strcmp(arg, "-") == 0) {
		rc = explain_stream(stdout, stdin, cfg, &ls, terminal_width());
		if (rc == 0)
			fprintf(stderr, "milter-explain: no SMTP status code "
					"found in the input\n");
		rc = rc > 0 ? 0 : 1;
	} else if (explain_arg(stdout, cfg, arg, &ls, terminal_width(), err,
			       sizeof(err)) < 0) {
		fprintf(stderr, "milter-explain: %s\n", err);
		rc = 2;
	} else {
		rc = 0;
	}
	strlist_release(&ls);
	return rc;
}

/* oneshot_html - see oneshot.h */
int oneshot_html(const struct config *cfg, const char *dir)
{
	char err[512];

	if (htmlsite_write(cfg, dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "milter-explain: --html: %s\n", err);
		return 1;
	}
	return 0;
}
