/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main - milter-explain: options, the one-shot modes, daemon set-up,
 * smfi_main (the command line is options.c's)
 *
 * The daemon loads and validates its config and runs the checks -t runs
 * (preflight.c) before it creates anything; then it detaches (unless -f)
 * and, in the detached process, locks its pid file, binds its sockets as
 * the user it will run as, writes its pid file and drops privileges; the
 * process that started it waits for that outcome (startup.c) and exits
 * with it. Then it serves: smfi_main in a thread of its own for the
 * milter, a thread for the socketmap, a sigwait thread that reloads the
 * config on SIGUSR1, and the main thread waiting for SIGTERM, SIGINT or
 * SIGHUP to stop (see serve and stop_milter for why it, not libmilter's
 * signal thread, takes them). A stop removes exactly the sockets and pid file
 * this process created. The DSN door (-d) has a libmilter instance of
 * its own: in a child process (dsn_door.c) when the milter door runs
 * here too, else in the milter thread; SIGUSR1 and SIGTERM reach the
 * child through this process. -t, -x and --html run once (oneshot.c)
 * and exit. Only this file, callbacks.c and the dsn_callbacks.h files
 * use libmilter.
 */
#include "callbacks.h"
#include "config.h"
#include "confutil.h"
#include "dsn_callbacks.h"
#include "fdlimit.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "metrics_log.h"
#include "oneshot.h"
#include "options.h"
#include "pidfile.h"
#include "preflight.h"
#include "socketmap.h"
#include "sockspec.h"
#include "startup.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <libmilter/mfapi.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif


/* what the daemon serves, as the options and the config settle it */
struct daemon {
	struct preflight pf; /* sockets, pid file, user: asked and checked */
	char milter_conn[160]; /* libmilter's socket here: milter, else DSN */
	const struct sockspec *lib; /* the same, parsed (NULL: none here) */
	char dsn_conn[160];    /* the DSN door's socket, for its child */
	struct socketmap *sm;
	pid_t dsn_pid;	       /* the DSN door's process; 0: none or here */
	const char *metrics_spec; /* NULL: no metrics page */
	struct metrics_http *mh;
	int metrics_max_clients, metrics_timeout, summary_interval;
	int map_max_clients;   /* socketmap.max_clients, for the fd budget */
	struct pidfile pid;    /* path NULL: no pid file claimed */
	struct stat milter_st; /* our milter unix socket (st_ino 0: none) */
	int report;	       /* the start-up report, or -1 */
	sigset_t set;	       /* the signals blocked until serve */
};

#define STOP_KICK_MS 10	   /* the listener is woken this often at a stop */
#define STOP_GRACE_MS 500 /* at most this long for replies under way */

static pthread_t reload_thread, milter_thread;
static int stop_pipe[2] = {-1, -1}; /* a stop signal's number, one byte */
static atomic_int milter_done; /* smfi_main has returned */
static pid_t dsn_child;	       /* SIGUSR1 goes on to it */
static struct options opts;

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

static int plan_check(const struct config *cfg, struct preflight *pf,
		      char *err, size_t errlen);

/* reload_main - sigwait for SIGUSR1; build, validate as -t, publish */
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
		struct preflight pf;

		cfg = config_load(opts.config, err, sizeof(err));
		if (cfg && plan_check(cfg, &pf, err, sizeof(err)) != 0) {
			config_free(cfg);
			cfg = NULL;
		}
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

/*
 * plan_check - the sockets, pid file and user from the options, else the
 * config, checked as a start would (preflight.c); 0 or an exit code with
 * the reason in err
 */
static int plan_check(const struct config *cfg, struct preflight *pf,
		      char *err, size_t errlen)
{
	static _Thread_local char what[5][300];

	memset(pf, 0, sizeof(*pf));
	pf->milter_spec = opts.milter ? opts.milter : cfg->milter_socket;
	pf->map_spec = opts.socketmap ? opts.socketmap : cfg->socketmap_socket;
	pf->dsn_spec = opts.dsn ? opts.dsn : cfg->dsn_socket;
	pf->pid_file = opts.pid_file ? opts.pid_file : cfg->pid_file;
	pf->user = opts.user ? opts.user : cfg->user;
	pf->milter_what = opts.milter ? "milter-explain: -p" :
		config_where(cfg, "milter_socket", what[0], sizeof(what[0]));
	pf->map_what = opts.socketmap ? "milter-explain: -m" :
		config_where(cfg, "socketmap_socket", what[1], sizeof(what[1]));
	pf->pid_what = opts.pid_file ? "milter-explain: -P" :
		config_where(cfg, "pid_file", what[2], sizeof(what[2]));
	pf->user_what = opts.user ? "milter-explain: -u" :
		config_where(cfg, "user", what[3], sizeof(what[3]));
	pf->dsn_what = opts.dsn ? "milter-explain: -d" :
		config_where(cfg, "dsn_socket", what[4], sizeof(what[4]));
	return preflight_check(pf, err, errlen);
}

/* warn_stderr - preflight_warnings callback for -t and a start */
static void warn_stderr(const char *msg, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "milter-explain: warning: %s\n", msg);
}

/* run_oneshot - -t, -x or --html on the loaded cfg; the exit code */
static int run_oneshot(struct config *cfg)
{
	struct preflight pf;
	char err[512];
	int rc;

	if (opts.test && plan_check(cfg, &pf, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		rc = 1;
	} else if (opts.test) {
		preflight_warnings(&pf, warn_stderr, NULL);
		rc = oneshot_test(cfg, opts.config);
	}
	else if (opts.explain)
		rc = oneshot_explain(cfg, opts.explain, opts.langs);
	else
		rc = oneshot_html(cfg, opts.html);
	config_free(cfg);
	return rc;
}

/*
 * daemon_plan - what to serve, checked as -t checks it; -1 to go on,
 * else the exit code (cfg is then freed)
 */
static int daemon_plan(struct config *cfg, struct daemon *d)
{
	struct sockspec ms;
	char err[512];
	int rc;

	if ((rc = plan_check(cfg, &d->pf, err, sizeof(err))) != 0) {
		fprintf(stderr, "%s\n", err);
		config_free(cfg);
		return rc;
	}
	if (!d->pf.milter.family && !d->pf.map.family && !d->pf.dsn.family) {
		fprintf(stderr, "milter-explain: nothing to serve: give -p, -m or "
			"-d, or milter_socket, socketmap_socket or dsn_socket in "
			"%s\n", opts.config);
		config_free(cfg);
		return EX_USAGE;
	}
	d->metrics_spec = opts.metrics ? opts.metrics : cfg->metrics_socket;
	d->metrics_max_clients = cfg->metrics_max_clients;
	d->metrics_timeout = cfg->metrics_timeout;
	d->summary_interval = cfg->metrics_summary_interval;
	if (d->metrics_spec && !*d->metrics_spec)
		d->metrics_spec = NULL;
	if (d->metrics_spec &&
	    metrics_http_spec(d->metrics_spec, &ms, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: metrics_socket: %s\n", opts.config, err);
		config_free(cfg);
		return EX_CONFIG;
	}
	if (d->pf.dsn.family)
		sockspec_format(&d->pf.dsn, d->dsn_conn, sizeof(d->dsn_conn));
	if (d->pf.milter.family || d->pf.dsn.family)
		sockspec_format(d->pf.milter.family ? &d->pf.milter : &d->pf.dsn,
				d->milter_conn, sizeof(d->milter_conn));
	return -1;
}

/* warn_log - preflight_warnings callback once the log is open */
static void warn_log(const char *msg, void *ctx)
{
	(void)ctx;
	log_msg(LOG_WARNING, "%s", msg);
}

/* open_milter - bind libmilter's socket in this process, the milter
 * door's (else the DSN door's), a unix one as the daemon's user; 0 or an
 * exit code */
static int open_milter(struct daemon *d)
{
	const struct sockspec *ss = d->lib;
	int local = ss->family == AF_UNIX, fd, ok;
	char err[512];

	if ((ss == &d->pf.milter ? callbacks_register(local)
				 : dsn_callbacks_register()) < 0 ||
	    smfi_setconn(d->milter_conn) != MI_SUCCESS) {
		log_msg(LOG_ERR, "cannot register the milter");
		return EX_SOFTWARE;
	}
	/* libmilter logs why a bind fails to syslog only: try it first */
	if (!local && (fd = sockspec_listen(ss, 1, err, sizeof(err))) < 0) {
		log_msg(LOG_ERR, "milter socket: %s", err);
		return EX_UNAVAILABLE;
	}
	if (!local)
		close(fd);
	if (local && (runas_begin(&d->pf.ra, err, sizeof(err)) < 0 ||
		      sockspec_claim(ss, err, sizeof(err)) < 0)) {
		runas_end(&d->pf.ra);
		log_msg(LOG_ERR, "milter socket: %s", err);
		return EX_UNAVAILABLE;
	}
	ok = smfi_opensocket(0) == MI_SUCCESS;
	if (ok && local && lstat(ss->path, &d->milter_st) < 0)
		memset(&d->milter_st, 0, sizeof(d->milter_st));
	if (local)
		runas_end(&d->pf.ra);
	if (!ok) {
		log_msg(LOG_ERR, "cannot open the milter socket %s (the system "
			"log has libmilter's reason)", d->milter_conn);
		return EX_UNAVAILABLE;
	}
	return 0;
}

/* open_dsn - the DSN door in a child when the milter door is here too
 * (before any other socket or thread); 0 or an exit code */
static int open_dsn(struct daemon *d)
{
	struct dsn_door door = {d->dsn_conn, opts.config, opts.foreground,
				d->pf.ra.set ? d->pf.user : NULL, d->pf.ra.uid,
				d->pf.ra.gid, {d->report, d->pid.old, d->pid.fd}};
	char err[512];

	if ((d->dsn_pid = dsn_door_fork(&door, err, sizeof(err))) < 0) {
		d->dsn_pid = 0;
		log_msg(LOG_ERR, "%s", err);
		return EX_UNAVAILABLE;
	}
	dsn_child = d->dsn_pid;
	return 0;
}

/* open_sockets - bind the DSN door's, the milter and the socketmap
 * sockets, and the metrics page's; 0 or an exit code */
static int open_sockets(struct daemon *d)
{
	char err[512], spec[160];
	int rc, local = d->pf.map.family == AF_UNIX;

	umask(007); /* sockets: the MTA's group may connect, others may not */
	if (d->pf.milter.family && d->pf.dsn.family && (rc = open_dsn(d)) != 0)
		return rc;
	d->lib = d->pf.milter.family ? &d->pf.milter
	       : d->pf.dsn.family    ? &d->pf.dsn
				     : NULL;
	if (d->lib && (rc = open_milter(d)) != 0)
		return rc;
	if (d->pf.map.family) {
		sockspec_format(&d->pf.map, spec, sizeof(spec));
		if (local && runas_begin(&d->pf.ra, err, sizeof(err)) < 0) {
			log_msg(LOG_ERR, "socketmap: %s", err);
			return EX_OSERR;
		}
		d->sm = socketmap_open(spec, err, sizeof(err));
		if (local)
			runas_end(&d->pf.ra);
		if (d->sm == NULL) {
			log_msg(LOG_ERR, "socketmap: %s", err);
			return EX_UNAVAILABLE;
		}
	}
	if (d->metrics_spec &&
	    (d->mh = metrics_http_open(d->metrics_spec, err, sizeof(err))) ==
		NULL) {
		log_msg(LOG_ERR, "metrics: %s", err);
		return EX_UNAVAILABLE;
	}
	return 0;
}

/* apply_budget - raise the open-file limit, and split it between the
 * doors so that neither starves the other (fdlimit.h) */
static void apply_budget(struct daemon *d)
{
	struct fd_budget b;
	char why[256] = "";
	long nofile = fdlimit_raise(FDLIMIT_MAX, why, sizeof(why));

	/* d->lib: libmilter serves the milter or the DSN door here */
	fdlimit_budget(nofile, d->map_max_clients, d->lib != NULL,
		       d->sm != NULL, &b);
	if (d->sm)
		socketmap_set_budget(d->sm, b.socketmap);
	callbacks_set_budget(b.milter);
	log_msg(LOG_NOTICE, "open files: %ld (socketmap %d, milter %d)%s%s",
		b.nofile, b.socketmap, b.milter, why[0] ? ": " : "", why);
}

/* start - pid file lock, sockets, pid file, privileges; 0 or exit code */
static int start(struct daemon *d)
{
	char err[512];
	int rc;

	if (d->pf.pid_file && *d->pf.pid_file &&
	    (rc = pidfile_claim(&d->pid, d->pf.pid_file, err, sizeof(err)))) {
		log_msg(LOG_ERR, "%s", err);
		return rc > 0 ? EX_UNAVAILABLE : EX_CANTCREAT;
	}
	/* raised before the sockets: the DSN door's process inherits it */
	fdlimit_raise(FDLIMIT_MAX, err, sizeof(err));
	if ((rc = open_sockets(d)) != 0)
		return rc;
	apply_budget(d);
	if (d->pid.path &&
	    pidfile_write(&d->pid, getpid(), err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "%s", err);
		return EX_CANTCREAT;
	}
	if (runas_drop(&d->pf.ra, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "%s", err);
		return EX_OSERR;
	}
	preflight_warnings(&d->pf, warn_log, NULL);
	return 0;
}

/* finish - remove what start created, and only that */
static void finish(struct daemon *d)
{
	struct stat st;

	/* libmilter leaves its socket to root: remove it if still ours */
	if (d->milter_st.st_ino && lstat(d->lib->path, &st) == 0 &&
	    st.st_dev == d->milter_st.st_dev &&
	    st.st_ino == d->milter_st.st_ino)
		unlink(d->lib->path);
	metrics_log_stop();
	metrics_http_stop(d->mh);
	d->mh = NULL;
	socketmap_stop(d->sm);
	d->sm = NULL;
	dsn_door_stop(d->dsn_pid);
	d->dsn_pid = 0;
	pidfile_remove(&d->pid);
}

/* on_stop - SIGTERM, SIGINT, SIGHUP: tell the main thread */
static void on_stop(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (write(stop_pipe[1], &b, 1) < 0) { /* full: a stop is pending */
	}
	errno = saved;
}

/* on_kick - SIGUSR2 in the milter thread: interrupts the listener's poll */
static void on_kick(int sig)
{
	(void)sig;
}

/* milter_main - smfi_main in a thread; SIGUSR2 can interrupt it */
static void *milter_main(void *arg)
{
	sigset_t kick;
	intptr_t rc;

	(void)arg;
	sigemptyset(&kick);
	sigaddset(&kick, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	unsigned char none = 0;

	rc = smfi_main() == MI_SUCCESS ? 0 : EX_SOFTWARE;
	atomic_store(&milter_done, 1);
	if (write(stop_pipe[1], &none, 1) < 0) { /* if main waits: wake it */
	}
	return (void *)rc;
}

/* sleep_ms - nanosleep for ms milliseconds */
static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* kick_main - SIGUSR2 to the milter thread until smfi_main returns */
static void *kick_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&milter_done)) {
		pthread_kill(milter_thread, SIGUSR2);
		sleep_ms(STOP_KICK_MS);
	}
	return NULL;
}

/*
 * stop_milter - stop libmilter's listener now, not within its 5 seconds.
 * smfi_stop (like libmilter's own signal thread) sets the stop flag and
 * then waits for the listener's lock, which the listener holds across a
 * poll of up to MI_CHK_TIME (5 s) on its socket: hence the 5 s. Signals
 * (SIGUSR2, STOP_KICK_MS apart) interrupt that poll so that the listener
 * sees the flag at once. The main thread, not libmilter's signal thread,
 * takes SIGTERM: the kernel gives a process-wide signal to the main
 * thread first when it waits for it, and so we know when to kick.
 */
static int stop_milter(void)
{
	pthread_t kicker;
	void *rc = NULL;
	int kicking = pthread_create(&kicker, NULL, kick_main, NULL) == 0;

	smfi_stop(); /* waits for the listener's lock: the kicks free it */
	pthread_join(milter_thread, &rc);
	if (kicking)
		pthread_join(kicker, NULL);
	return (int)(intptr_t)rc;
}

/* wait_replies - replies under way are finished, or STOP_GRACE_MS passed */
static void wait_replies(void)
{
	for (int ms = 0; callbacks_busy() > 0 && ms < STOP_GRACE_MS; ms += 5)
		sleep_ms(5);
}

/* catch_stops - SIGTERM, SIGINT and SIGHUP to on_stop, in this thread */
static int catch_stops(void)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
	struct sigaction sa;
	sigset_t set;

	if (pipe2(stop_pipe, O_CLOEXEC) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&set, sigs[i]);
	}
	sa.sa_handler = on_kick; /* poll and select return EINTR anyway */
	sigaction(SIGUSR2, &sa, NULL);
	return pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0 ? 0 : -1;
}

/*
 * serve - start the threads, report, wait for a stop signal, stop.
 * The stop signals are caught by a handler that only this thread (and
 * the milter thread until smfi_main blocks them) leaves unblocked: the
 * kernel offers a process-wide signal to the main thread first, so
 * libmilter's signal thread, which waits for the same signals, does not
 * get them, and we know when to wake its listener (stop_milter).
 */
static int serve(struct daemon *d)
{
	char err[512];
	unsigned char sig = 0;
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
	if (catch_stops() < 0) {
		log_msg(LOG_ERR, "cannot catch signals: %s", strerror(errno));
		return EX_OSERR;
	}
	if (d->lib &&
	    pthread_create(&milter_thread, NULL, milter_main, NULL) != 0) {
		log_msg(LOG_ERR, "cannot start the milter thread");
		return EX_OSERR;
	}
	log_msg(LOG_INFO,
		"started %s: milter %s, socketmap %s, dsn %s, metrics %s, "
		"config %s",
		PACKAGE_VERSION, d->pf.milter.family ? d->milter_conn : "off",
		d->sm ? "on" : "off", d->pf.dsn.family ? d->dsn_conn : "off",
		d->metrics_spec ? d->metrics_spec : "off", opts.config);
	startup_done(d->report, 0);
	log_report(-1);
	d->report = -1;

	while (read(stop_pipe[0], &sig, 1) < 0 && errno == EINTR)
		;
	if (sig == 0)
		log_msg(LOG_ERR, "the milter stopped by itself");
	else
		log_msg(LOG_INFO, "stopping on signal %d", sig);
	dsn_door_signal(d->dsn_pid, SIGTERM); /* meanwhile; finish reaps it */
	if (d->lib)
		rc = stop_milter();
	wait_replies();
	return rc;
}

/* main - options, config, then one-shot mode or daemon */
int main(int argc, char **argv)
{
	struct config *cfg;
	struct daemon d;
	char err[512];
	int rc;

	if ((rc = options_parse(argc, argv, &opts)) >= 0)
		return rc;
	/* the daemon's signals wait, blocked, from the first moment: a
	 * SIGUSR1 during the config load becomes a reload once serving. Every
	 * thread inherits this mask: SIGUSR1 is the reload thread's
	 * (sigwait), the stop signals the main thread's (see serve), SIGUSR2
	 * only interrupts the milter thread (see stop_milter) */
	memset(&d, 0, sizeof(d));
	sigemptyset(&d.set);
	sigaddset(&d.set, SIGUSR1);
	sigaddset(&d.set, SIGUSR2);
	sigaddset(&d.set, SIGHUP);
	sigaddset(&d.set, SIGTERM);
	sigaddset(&d.set, SIGINT);
	if (!opts.test && !opts.explain && !opts.html)
		pthread_sigmask(SIG_BLOCK, &d.set, NULL);
	/* relative paths keep their meaning after the daemon's chdir("/") */
	opts.config = confutil_absolute(opts.config);
	if (opts.pid_file)
		opts.pid_file = confutil_absolute(opts.pid_file);
	if ((cfg = config_load(opts.config, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return opts.test || opts.explain || opts.html ? 1 : EX_CONFIG;
	}
	if (opts.test || opts.explain || opts.html)
		return run_oneshot(cfg);
	d.report = -1;
	if ((rc = daemon_plan(cfg, &d)) >= 0)
		return rc;
	d.map_max_clients = cfg->socketmap_max_clients;
	publish(cfg);
	signal(SIGPIPE, SIG_IGN);

	if (!opts.foreground &&
	    (d.report = startup_detach(err, sizeof(err))) < 0) {
		fprintf(stderr, "milter-explain: %s\n", err);
		return EX_OSERR;
	}
	log_open("milter-explain", opts.foreground);
	log_report(d.report);
	if ((rc = start(&d)) == 0)
		rc = serve(&d);
	startup_done(d.report, rc); /* a failed start: the reason is sent */
	finish(&d);
	log_msg(LOG_INFO, "stopped");
	store_shutdown();
	return rc;
}
