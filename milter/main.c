/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main - milter-explain: options, the one-shot modes, daemon set-up,
 * smfi_main
 *
 * The daemon loads and validates its config before it binds anything,
 * binds its sockets, detaches (unless -f), writes its pid file, drops
 * privileges, then serves: libmilter's smfi_main for the milter, a thread
 * for the socketmap, and a sigwait thread that reloads the config on
 * SIGUSR1 (libmilter's own signal thread stops the milter on SIGHUP,
 * SIGTERM and SIGINT, as in OpenDKIM). The DSN door (-d) has a
 * libmilter instance of its own: in a child process (dsn_door.c) when
 * the milter door runs here too; SIGUSR1 and SIGTERM reach it through
 * this process. -t, -x and --html run once (oneshot.c) and exit. Only
 * this file, callbacks.c and the dsn_callbacks.h files use libmilter.
 */
#include "callbacks.h"
#include "config.h"
#include "dsn_callbacks.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "metrics_log.h"
#include "oneshot.h"
#include "socketmap.h"
#include "sockspec.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

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

/* what the daemon serves, as the options and the config settle it */
struct daemon {
	const char *milter_spec; /* NULL: no milter */
	const char *map_spec;	 /* NULL: no socketmap */
	const char *dsn_spec;	 /* NULL: no DSN door */
	pid_t dsn_pid;		 /* the DSN door's process; 0: none or here */
	const char *pid_file;
	const char *user;
	struct sockspec ss; /* the milter socket, parsed */
	uid_t uid;
	gid_t gid;
	struct socketmap *sm;
	const char *metrics_spec; /* NULL: no metrics page */
	struct metrics_http *mh;
	int metrics_max_clients, metrics_timeout, summary_interval;
	sigset_t set; /* the signals taken by sigwait */
};

static pthread_t reload_thread;
static struct options opts;
static pid_t dsn_child; /* SIGUSR1 goes on to it */

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

/*
 * parse_options - argv into o; -1 to go on, else the exit code (-V, -h,
 * a bad option or socket specification)
 */
static int parse_options(int argc, char **argv, struct options *o)
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

/* publish - cfg becomes current; the metrics learn its rule names */
static void publish(struct config *cfg)
{
	const char *names[METRICS_RULES_MAX];
	size_t n = 0;

	for (size_t i = 0; i < cfg->nrules && n < METRICS_RULES_MAX; i++)
		names[n++] = cfg->rules[i]->name;
	store_publish(cfg); /* only this thread publishes: cfg stays alive */
	metrics_rules(names, n);
}

/* reload_main - sigwait for SIGUSR1; build, validate, publish */
static void *reload_main(void *arg)
{
	sigset_t set;
	int sig;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		char err[512];
		struct config *cfg;

		if (sigwait(&set, &sig) != 0)
			continue;
		cfg = config_load(opts.config, err, sizeof(err));
		if (cfg == NULL) {
			log_msg(LOG_ERR, "reload refused, the running configuration "
				"stays: %s", err);
			metrics_reload(0);
			dsn_door_signal(dsn_child, SIGUSR1);
			continue;
		}
		publish(cfg);
		metrics_reload(1);
		log_msg(LOG_INFO, "configuration reloaded from %s (generation %lu)",
			opts.config, store_generation());
		/* the DSN door's process validates and reloads on its own */
		dsn_door_signal(dsn_child, SIGUSR1);
	}
	return NULL;
}

/* drop_privileges - the uid and gid of USER[:GROUP] */
static int drop_privileges(const char *spec, uid_t *uid, gid_t *gid)
{
	char *user = xstrdup(spec), *group = strchr(user, ':');
	struct passwd *pw;
	struct group *gr;
	int rc = -1;

	if (group)
		*group++ = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		log_msg(LOG_ERR, "-u: no user \"%s\"", user);
		goto out;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group) {
		if ((gr = getgrnam(group)) == NULL) {
			log_msg(LOG_ERR, "-u: no group \"%s\"", group);
			goto out;
		}
		*gid = gr->gr_gid;
	}
	rc = 0;
out:
	free(user);
	return rc;
}

/* write_pid - the pid file, written whole or not at all */
static int write_pid(const char *path)
{
	char tmp[4096], line[32];
	int fd, n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n || fsync(fd) < 0) {
		log_msg(LOG_ERR, "pid file %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		log_msg(LOG_ERR, "pid file %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* daemonize - detach from the terminal */
static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

/* run_oneshot - -t, -x or --html on the loaded cfg; the exit code */
static int run_oneshot(struct config *cfg)
{
	int rc;

	if (opts.test)
		rc = oneshot_test(cfg, opts.config);
	else if (opts.explain)
		rc = oneshot_explain(cfg, opts.explain, opts.langs);
	else
		rc = oneshot_html(cfg, opts.html);
	config_free(cfg);
	return rc;
}

/*
 * daemon_plan - the sockets, pid file and user from the options, else
 * the config; -1 to go on, else the exit code (cfg is then freed)
 */
static int daemon_plan(struct config *cfg, struct daemon *d)
{
	struct sockspec ms;
	char err[512];

	d->milter_spec = opts.milter ? opts.milter : cfg->milter_socket;
	d->map_spec = opts.socketmap ? opts.socketmap : cfg->socketmap_socket;
	d->dsn_spec = opts.dsn ? opts.dsn : cfg->dsn_socket;
	d->pid_file = opts.pid_file ? opts.pid_file : cfg->pid_file;
	d->user = opts.user ? opts.user : cfg->user;
	d->metrics_spec = opts.metrics ? opts.metrics : cfg->metrics_socket;
	d->metrics_max_clients = cfg->metrics_max_clients;
	d->metrics_timeout = cfg->metrics_timeout;
	d->summary_interval = cfg->metrics_summary_interval;
	if (d->metrics_spec && !*d->metrics_spec)
		d->metrics_spec = NULL;
	if (d->milter_spec && !*d->milter_spec)
		d->milter_spec = NULL;
	if (d->map_spec && !*d->map_spec)
		d->map_spec = NULL;
	if (d->dsn_spec && !*d->dsn_spec)
		d->dsn_spec = NULL;
	if (!d->milter_spec && !d->map_spec && !d->dsn_spec) {
		fprintf(stderr, "milter-explain: nothing to serve: give -p, -m or "
			"-d, or milter_socket, socketmap_socket or dsn_socket in "
			"%s\n", opts.config);
		config_free(cfg);
		return EX_USAGE;
	}
	if (d->milter_spec &&
	    sockspec_parse(d->milter_spec, &d->ss, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: milter_socket: %s\n", opts.config, err);
		config_free(cfg);
		return EX_CONFIG;
	}
	if (d->metrics_spec &&
	    metrics_http_spec(d->metrics_spec, &ms, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: metrics_socket: %s\n", opts.config, err);
		config_free(cfg);
		return EX_CONFIG;
	}
	log_open("milter-explain", opts.foreground);
	if (d->user && drop_privileges(d->user, &d->uid, &d->gid) < 0) {
		config_free(cfg);
		return EX_NOUSER;
	}
	return -1;
}

/* chown_socket - a unix socket of spec goes to uid:gid; inet: nothing */
static void chown_socket(const char *spec, uid_t uid, gid_t gid)
{
	struct sockspec ss;
	char err[512];

	if (strncmp(spec, "inet", 4) == 0 ||
	    sockspec_parse(spec, &ss, err, sizeof(err)) < 0 ||
	    ss.family != AF_UNIX)
		return;
	if (chown(ss.path, uid, gid) < 0)
		log_msg(LOG_WARNING, "chown %s: %s", ss.path, strerror(errno));
}

/* open_dsn - the DSN door: in a child when the milter door is here too,
 * else in this process; 0 or an exit code */
static int open_dsn(struct daemon *d)
{
	char err[512];

	if (d->milter_spec) {
		struct dsn_door door = {d->dsn_spec, opts.config,
					opts.foreground, d->user, d->uid,
					d->gid};

		if ((d->dsn_pid = dsn_door_fork(&door, err, sizeof(err))) < 0) {
			d->dsn_pid = 0;
			log_msg(LOG_ERR, "%s", err);
			return EX_UNAVAILABLE;
		}
		dsn_child = d->dsn_pid;
		return 0;
	}
	umask(007);
	if (dsn_callbacks_register() < 0 ||
	    smfi_setconn((char *)d->dsn_spec) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		log_msg(LOG_ERR, "cannot open the DSN socket %s", d->dsn_spec);
		return EX_UNAVAILABLE;
	}
	if (d->user)
		chown_socket(d->dsn_spec, d->uid, d->gid);
	return 0;
}

/* open_sockets - bind the DSN, milter and socketmap sockets (the DSN
 * door's first: it may fork); 0 or an exit code */
static int open_sockets(struct daemon *d)
{
	char err[512];
	int rc;

	if (d->dsn_spec && (rc = open_dsn(d)) != 0)
		return rc;
	umask(007); /* sockets: the MTA's group may connect, others may not */
	if (d->milter_spec) {
		if (callbacks_register(d->ss.family == AF_UNIX) < 0 ||
		    smfi_setconn((char *)d->milter_spec) != MI_SUCCESS ||
		    smfi_opensocket(1) != MI_SUCCESS) {
			log_msg(LOG_ERR, "cannot open the milter socket %s",
				d->milter_spec);
			return EX_UNAVAILABLE;
		}
		if (d->user)
			chown_socket(d->milter_spec, d->uid, d->gid);
	}
	if (d->map_spec) {
		if ((d->sm = socketmap_open(d->map_spec, err, sizeof(err))) ==
		    NULL) {
			log_msg(LOG_ERR, "socketmap: %s", err);
			return EX_UNAVAILABLE;
		}
		if (d->user)
			chown_socket(d->map_spec, d->uid, d->gid);
	}
	if (d->metrics_spec &&
	    (d->mh = metrics_http_open(d->metrics_spec, err, sizeof(err))) ==
		NULL) {
		log_msg(LOG_ERR, "metrics: %s", err);
		return EX_UNAVAILABLE;
	}
	return 0;
}

/* become_daemon - detach, pid file, privileges; 0 or an exit code */
static int become_daemon(const struct daemon *d)
{
	if (!opts.foreground && daemonize() < 0) {
		log_msg(LOG_ERR, "cannot detach: %s", strerror(errno));
		return EX_OSERR;
	}
	if (d->pid_file && write_pid(d->pid_file) < 0)
		return EX_CANTCREAT;
	if (d->user && (setgroups(1, &d->gid) < 0 || setgid(d->gid) < 0 ||
			setuid(d->uid) < 0)) {
		log_msg(LOG_ERR, "cannot become %s: %s", d->user, strerror(errno));
		return EX_OSERR;
	}
	return 0;
}

/* serve - start the threads, then smfi_main or wait for a stop signal */
static int serve(struct daemon *d)
{
	char err[512];
	int rc = EX_OK;

	if (pthread_create(&reload_thread, NULL, reload_main, NULL) != 0) {
		log_msg(LOG_ERR, "cannot start the reload thread");
		return EX_OSERR;
	}
	if (d->sm && socketmap_start(d->sm, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "socketmap: %s", err);
		return EX_OSERR;
	}
	metrics_enable(d->mh != NULL || d->summary_interval > 0);
	if ((d->mh && metrics_http_start(d->mh, d->metrics_max_clients,
					 d->metrics_timeout, err,
					 sizeof(err)) < 0) ||
	    (d->summary_interval > 0 &&
	     metrics_log_start(d->summary_interval, err, sizeof(err)) < 0)) {
		log_msg(LOG_ERR, "metrics: %s", err);
		return EX_OSERR;
	}
	log_msg(LOG_INFO,
		"started %s: milter %s, socketmap %s, dsn %s, metrics %s, "
		"config %s",
		PACKAGE_VERSION, d->milter_spec ? d->milter_spec : "off",
		d->map_spec ? d->map_spec : "off",
		d->dsn_spec ? d->dsn_spec : "off",
		d->metrics_spec ? d->metrics_spec : "off", opts.config);
	if (d->milter_spec || d->dsn_spec) {
		if (smfi_main() != MI_SUCCESS)
			rc = EX_SOFTWARE;
	} else {
		int sig;

		sigdelset(&d->set, SIGUSR1);
		sigwait(&d->set, &sig);
	}
	log_msg(LOG_INFO, "stopping");
	return rc;
}

/* main - options, config, then one-shot mode or daemon */
int main(int argc, char **argv)
{
	struct config *cfg;
	struct daemon d;
	char err[512];
	int rc;

	if ((rc = parse_options(argc, argv, &opts)) >= 0)
		return rc;
	if ((cfg = config_load(opts.config, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return opts.test || opts.explain || opts.html ? 1 : EX_CONFIG;
	}
	if (opts.test || opts.explain || opts.html)
		return run_oneshot(cfg);
	memset(&d, 0, sizeof(d));
	if ((rc = daemon_plan(cfg, &d)) >= 0)
		return rc;
	publish(cfg);

	/* every thread inherits this mask; the signals are taken by sigwait */
	sigemptyset(&d.set);
	sigaddset(&d.set, SIGUSR1);
	sigaddset(&d.set, SIGHUP);
	sigaddset(&d.set, SIGTERM);
	sigaddset(&d.set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &d.set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((rc = open_sockets(&d)) == 0 && (rc = become_daemon(&d)) == 0)
		rc = serve(&d);
	metrics_log_stop();
	metrics_http_stop(d.mh);
	socketmap_stop(d.sm);
	dsn_door_stop(d.dsn_pid);
	if (d.pid_file && rc != EX_CANTCREAT)
		unlink(d.pid_file);
	store_shutdown();
	return rc;
}
