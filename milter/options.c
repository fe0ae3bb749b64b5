/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options - milter-explain's command line (see options.h): the usage text
 * and getopt_long over argv, with each socket specification checked
 */
#include "options.h"
#include "config.h"
#include "metrics_http.h"
#include "sockspec.h"

#include <getopt.h>
#include <stdio.h>
#include <sysexits.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

/* usage - the options, on out */
static void usage(FILE *out)
{
	fprintf(out,
		"usage: milter-explain [-f] [-c FILE] [-p SPEC] [-m SPEC] [-M SPEC] [-d SPEC] [-u USER[:GROUP]] [-P FILE]\n"
		"       milter-explain -t [-c FILE]\n"
		"       milter-explain -x REPLY|- [-L LANG[,LANG]] [-c FILE]\n"
		"       milter-explain --html DIR [-c FILE]\n"
		"  -c, --config FILE     config file (default %s)\n"
		"  -p, --milter SPEC     milter socket: unix:/path, inet:PORT@HOST, inet6:PORT@HOST\n"
		"  -m, --socketmap SPEC  Postfix socketmap socket, same syntax\n"
		"  -M, --metrics SPEC    serve GET /metrics on inet:PORT@HOST (HOST: loopback by default)\n"
		"  -d, --dsn SPEC        DSN door (the MTA's own bounces), same syntax\n"
		"  -f, --foreground      stay in the foreground, log to stderr too\n"
		"  -t, --test            check the config and exit (0 valid, 1 not)\n"
		"  -x, --explain REPLY   explain a reply line or code (\"-\": read a bounce on stdin)\n"
		"  -L, --lang LANGS      languages for -x, e.g. fr,en\n"
		"      --html DIR        write the help site of the knowledge base into DIR\n"
		"  -u, --user USER[:GROUP]  drop privileges after binding\n"
		"  -P, --pid-file FILE   write the process id there\n"
		"  -V, --version         print the version\n"
		"  -h, --help            this text\n"
		"Signals: SIGUSR1 reloads the config, SIGTERM stops (both doors).\n",
		config_default_file());
}

/* options_parse - see options.h */
int options_parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"milter", required_argument, NULL, 'p'},
	    {"socketmap", required_argument, NULL, 'm'},
	    {"metrics", required_argument, NULL, 'M'},
	    {"dsn", required_argument, NULL, 'd'},
	    {"foreground", no_argument, NULL, 'f'},
	    {"test", no_argument, NULL, 't'},
	    {"explain", required_argument, NULL, 'x'},
	    {"lang", required_argument, NULL, 'L'},
	    {"user", required_argument, NULL, 'u'},
	    {"pid-file", required_argument, NULL, 'P'},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {"html", required_argument, NULL, 'H'}, /* long option only */
	    {NULL, 0, NULL, 0}};
	struct sockspec ss;
	char err[512];
	int ch;

	o->config = config_default_file();
	while ((ch = getopt_long(argc, argv, "c:p:m:M:d:ftx:L:u:P:Vh", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'p': o->milter = optarg; break;
		case 'm': o->socketmap = optarg; break;
		case 'M': o->metrics = optarg; break;
		case 'd': o->dsn = optarg; break;
		case 'f': o->foreground = 1; break;
		case 't': o->test = 1; break;
		case 'x': o->explain = optarg; break;
		case 'L': o->langs = optarg; break;
		case 'u': o->user = optarg; break;
		case 'P': o->pid_file = optarg; break;
		case 'V': printf("milter-explain %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		case 'H': o->html = optarg; break;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if (o->milter && sockspec_parse(o->milter, &ss, err, sizeof(err)) < 0) {
		fprintf(stderr, "milter-explain: -p: %s\n", err);
		return EX_USAGE;
	}
	if (o->socketmap &&
	    sockspec_parse(o->socketmap, &ss, err, sizeof(err)) < 0) {
		fprintf(stderr, "milter-explain: -m: %s\n", err);
		return EX_USAGE;
	}
	if (o->metrics && metrics_http_spec(o->metrics, &ss, err, sizeof(err)) < 0) {
		fprintf(stderr, "milter-explain: -M: %s\n", err);
		return EX_USAGE;
	}
	if (o->dsn && sockspec_parse(o->dsn, &ss, err, sizeof(err)) < 0) {
		fprintf(stderr, "milter-explain: -d: %s\n", err);
		return EX_USAGE;
	}
	return -1;
}
