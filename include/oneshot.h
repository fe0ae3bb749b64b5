/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * oneshot - the command-line modes that run once and exit: -t (check the
 * config), -x (explain a reply or a bounce), --html (write the help site)
 *
 * Exports: oneshot_test, oneshot_explain, oneshot_html. Each takes a
 * loaded config, prints on stdout what it was asked for and its errors on
 * stderr, and returns the process's exit code: 0, 1 (nothing found, or
 * the site could not be written) or 2 (a bad -x argument or -L). No
 * libmilter, no daemon state.
 */
#ifndef MILTER_EXPLAIN_ONESHOT_H
#define MILTER_EXPLAIN_ONESHOT_H

#include "config.h"

/* oneshot_test - -t: "PATH: configuration OK"; returns 0 */
int oneshot_test(const struct config *cfg, const char *path);

/* oneshot_explain - -x ARG ("-": a bounce on stdin) in langs (NULL: cfg's) */
int oneshot_explain(const struct config *cfg, const char *arg,
		    const char *langs);

/* oneshot_html - --html DIR */
int oneshot_html(const struct config *cfg, const char *dir);

#endif
