/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options - milter-explain's command line
 *
 * Exports: struct options and options_parse, which reads argv (getopt_long,
 * the usage text for -h and for a bad option) and checks each socket
 * specification given there. Fails: options_parse returns the exit code
 * (EX_USAGE with the reason on stderr); -V and -h print and return 0.
 */
#ifndef MILTER_EXPLAIN_OPTIONS_H
#define MILTER_EXPLAIN_OPTIONS_H

/* what the command line asks for; NULL or 0 where it says nothing */
struct options {
	const char *config;
	const char *milter;
	const char *socketmap;
	const char *metrics; /* -M */
	const char *dsn;
	const char *explain;
	const char *html; /* --html DIR */
	const char *langs;
	const char *user;
	const char *pid_file;
	int foreground;
	int test;
};

/*
 * options_parse - argv into o (zeroed by the caller; o->config gets the
 * default); -1 to go on, else the exit code (-V, -h, a bad option or
 * socket specification)
 */
int options_parse(int argc, char **argv, struct options *o);

#endif
