/*
 * main - milter-explain: options, -t, -x, daemon set-up, smfi_main
 *
 * The daemon loads and validates its config before it binds anything,
 * binds its sockets, detaches (unless -f), writes its pid file, drops
 * privileges, then serves: libmilter's smfi_main for the milter, a thread
 * for the socketmap, and a sigwait thread that reloads the config on
 * SIGUSR1 (libmilter's own signal thread stops the milter on SIGHUP,
 * SIGTERM and SIGINT, as in OpenDKIM).
 */
#include "callbacks.h"
#include "config.h"
#include "explain.h"
#include "htmlsite.h"
#include "log.h"
#include "sockspec.h"
#include "socketmap.h"
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
#include <sys/ioctl.h>
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
	const char *explain;
	const char *html;   /* --html DIR */
	const char *langs;
	const char *user;
	const char *pid_file;
	int foreground;
	int test;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: milter-explain [-f] [-c FILE] [-p SPEC] [-m SPEC] [-u USER[:GROUP]] [-P FILE]\n"
		"       milter-explain -t [-c FILE]\n"
		"       milter-explain -x REPLY|- [-L LANG[,LANG]] [-c FILE]\n"
		"       milter-explain --html DIR [-c FILE]\n"
		"  -c, --config FILE     config file (default %s)\n"
		"  -p, --milter SPEC     milter socket: unix:/path, inet:PORT@HOST, inet6:PORT@HOST\n"
		"  -m, --socketmap SPEC  Postfix socketmap socket, same syntax\n"
		"  -f, --foreground      stay in the foreground, log to stderr too\n"
		"  -t, --test            check the config and exit (0 valid, 1 not)\n"
		"  -x, --explain REPLY   explain a reply line or code (\"-\": read a bounce on stdin)\n"
		"  -L, --lang LANGS      languages for -x, e.g. fr,en\n"
		"      --html DIR        write the help site of the knowledge base into DIR\n"
		"  -u, --user USER[:GROUP]  drop privileges after binding\n"
		"  -P, --pid-file FILE   write the process id there\n"
		"  -V, --version         print the version\n"
		"  -h, --help            this text\n"
		"Signals: SIGUSR1 reloads the config, SIGTERM stops.\n",
		config_default_file());
}

/* split_langs - "fr,en" into a list, each known to the config */
static int split_langs(const struct config *cfg, const char *s,
		       struct strlist *out)
{
	char *copy = xstrdup(s), *save = NULL;

	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (kb_lang_get(cfg->kb, t) == NULL) {
			fprintf(stderr, "milter-explain: -L: no knowledge base for "
				"language \"%s\"\n", t);
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
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 40)
		return ws.ws_col > 200 ? 200 : ws.ws_col;
	return 78;
}

/* run_explain - -x */
static int run_explain(const struct config *cfg, const struct options *o)
{
	struct strlist langs;
	char err[256];
	int rc;

	strlist_init(&langs);
	if (o->langs) {
		if (split_langs(cfg, o->langs, &langs) < 0)
			return 2;
	} else {
		strlist_copy(&langs, &cfg->languages);
	}
	if (strcmp(o->explain, "-") == 0) {
		rc = explain_stream(stdout, stdin, cfg, &langs, terminal_width());
		if (rc == 0)
			fprintf(stderr, "milter-explain: no SMTP status code found in "
				"the input\n");
		rc = rc > 0 ? 0 : 1;
	} else if (explain_arg(stdout, cfg, o->explain, &langs, terminal_width(),
			       err, sizeof(err)) < 0) {
		fprintf(stderr, "milter-explain: %s\n", err);
		rc = 2;
	} else {
		rc = 0;
	}
	strlist_release(&langs);
	return rc;
}

static pthread_t reload_thread;
static struct options opts;

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
			continue;
		}
		store_publish(cfg);
		log_msg(LOG_INFO, "configuration reloaded from %s (generation %lu)",
			opts.config, store_generation());
	}
	return NULL;
}

/* drop_privileges - become USER[:GROUP] */
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

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"milter", required_argument, NULL, 'p'},
		{"socketmap", required_argument, NULL, 'm'},
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
	struct config *cfg;
	struct socketmap *sm = NULL;
	struct sockspec ss;
	char err[512];
	const char *milter_spec, *map_spec, *pid_file, *user;
	uid_t uid = 0;
	gid_t gid = 0;
	sigset_t set;
	int ch, rc = EX_OK;

	opts.config = config_default_file();
	while ((ch = getopt_long(argc, argv, "c:p:m:ftx:L:u:P:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': opts.config = optarg; break;
		case 'p': opts.milter = optarg; break;
		case 'm': opts.socketmap = optarg; break;
		case 'f': opts.foreground = 1; break;
		case 't': opts.test = 1; break;
		case 'x': opts.explain = optarg; break;
		case 'L': opts.langs = optarg; break;
		case 'u': opts.user = optarg; break;
		case 'P': opts.pid_file = optarg; break;
		case 'V': printf("milter-explain %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		case 'H': opts.html = optarg; break;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if (opts.milter && sockspec_parse(opts.milter, &ss, err, sizeof(err)) < 0) {
		fprintf(stderr, "milter-explain: -p: %s\n", err);
		return EX_USAGE;
	}
	if (opts.socketmap && sockspec_parse(opts.socketmap, &ss, err, sizeof(err)) < 0) {
		fprintf(stderr, "milter-explain: -m: %s\n", err);
		return EX_USAGE;
	}
	if ((cfg = config_load(opts.config, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return opts.test || opts.explain || opts.html ? 1 : EX_CONFIG;
	}
	if (opts.test) {
		printf("%s: configuration OK\n", opts.config);
		config_free(cfg);
		return 0;
	}
	if (opts.explain) {
		rc = run_explain(cfg, &opts);
		config_free(cfg);
		return rc;
	}
	if (opts.html) {
		rc = htmlsite_write(cfg, opts.html, err, sizeof(err));
		if (rc < 0)
			fprintf(stderr, "milter-explain: --html: %s\n", err);
		config_free(cfg);
		return rc < 0 ? 1 : 0;
	}

	milter_spec = opts.milter ? opts.milter : cfg->milter_socket;
	map_spec = opts.socketmap ? opts.socketmap : cfg->socketmap_socket;
	pid_file = opts.pid_file ? opts.pid_file : cfg->pid_file;
	user = opts.user ? opts.user : cfg->user;
	if (milter_spec && !*milter_spec)
		milter_spec = NULL;
	if (map_spec && !*map_spec)
		map_spec = NULL;
	if (!milter_spec && !map_spec) {
		fprintf(stderr, "milter-explain: nothing to serve: give -p or -m, or "
			"milter_socket or socketmap_socket in %s\n", opts.config);
		config_free(cfg);
		return EX_USAGE;
	}
	if (milter_spec && sockspec_parse(milter_spec, &ss, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: milter_socket: %s\n", opts.config, err);
		config_free(cfg);
		return EX_CONFIG;
	}
	log_open("milter-explain", opts.foreground);
	if (user && drop_privileges(user, &uid, &gid) < 0) {
		config_free(cfg);
		return EX_NOUSER;
	}
	store_publish(cfg);

	/* every thread inherits this mask; the signals are taken by sigwait */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	umask(007); /* sockets: the MTA's group may connect, others may not */
	if (milter_spec) {
		if (callbacks_register(ss.family == AF_UNIX) < 0 || smfi_setconn((char *)milter_spec) != MI_SUCCESS ||
		    smfi_opensocket(1) != MI_SUCCESS) {
			log_msg(LOG_ERR, "cannot open the milter socket %s", milter_spec);
			rc = EX_UNAVAILABLE;
			goto out;
		}
		if (user && ss.family == AF_UNIX && chown(ss.path, uid, gid) < 0)
			log_msg(LOG_WARNING, "chown %s: %s", ss.path, strerror(errno));
	}
	if (map_spec) {
		if ((sm = socketmap_open(map_spec, err, sizeof(err))) == NULL) {
			log_msg(LOG_ERR, "socketmap: %s", err);
			rc = EX_UNAVAILABLE;
			goto out;
		}
		if (user && strncmp(map_spec, "inet", 4) != 0) {
			struct sockspec ms;

			if (sockspec_parse(map_spec, &ms, err, sizeof(err)) == 0 &&
			    chown(ms.path, uid, gid) < 0)
				log_msg(LOG_WARNING, "chown %s: %s", ms.path, strerror(errno));
		}
	}
	if (!opts.foreground && daemonize() < 0) {
		log_msg(LOG_ERR, "cannot detach: %s", strerror(errno));
		rc = EX_OSERR;
		goto out;
	}
	if (pid_file && write_pid(pid_file) < 0) {
		rc = EX_CANTCREAT;
		goto out;
	}
	if (user && (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0)) {
		log_msg(LOG_ERR, "cannot become %s: %s", user, strerror(errno));
		rc = EX_OSERR;
		goto out;
	}
	if (pthread_create(&reload_thread, NULL, reload_main, NULL) != 0) {
		log_msg(LOG_ERR, "cannot start the reload thread");
		rc = EX_OSERR;
		goto out;
	}
	if (sm && socketmap_start(sm, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "socketmap: %s", err);
		rc = EX_OSERR;
		goto out;
	}
	log_msg(LOG_INFO, "started %s: milter %s, socketmap %s, config %s",
		PACKAGE_VERSION, milter_spec ? milter_spec : "off",
		map_spec ? map_spec : "off", opts.config);
	if (milter_spec) {
		if (smfi_main() != MI_SUCCESS)
			rc = EX_SOFTWARE;
	} else {
		int sig;

		sigdelset(&set, SIGUSR1);
		sigwait(&set, &sig);
	}
	log_msg(LOG_INFO, "stopping");
out:
	socketmap_stop(sm);
	if (pid_file && rc != EX_CANTCREAT)
		unlink(pid_file);
	store_shutdown();
	return rc;
}
