/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dsn_door - the DSN door's own processes: a supervisor and the door
 *
 * Exports: dsn_door_fork, dsn_door_signal, dsn_door_stop (see
 * dsn_callbacks.h). libmilter keeps one listening socket per process
 * (smfi_opensocket does nothing once one is open), so a daemon that
 * serves the milter door and the DSN door runs the second apart:
 *
 *     daemon --- supervisor --- door
 *
 * The supervisor is forked before the daemon opens any socket or starts
 * any thread, and stays one thread without libmilter, so that it can
 * fork a clean door whenever one dies. It logs the death and starts a
 * door again after a delay that doubles, at most RESPAWN_MAX times a
 * minute (respawn.h); then it logs an error and leaves, and the daemon's
 * other doors go on. It keeps the identity of the start, so that a new
 * door opens its socket as the first did; it only waits, forks, passes
 * SIGUSR1 on and stops the door on SIGTERM, SIGINT or SIGHUP, or when
 * the daemon's end of a pipe closes (the daemon is gone, however it
 * went).
 *
 * The door opens its socket, reports success or the reason on a pipe,
 * detaches as the daemon does, drops privileges and serves. It stops
 * when the supervisor's end of a second pipe closes (a stop, or the
 * supervisor's death), at once: smfi_stop waits for libmilter's
 * listener, which polls its socket for up to 5 s, so SIGUSR2 (every
 * KICK_MS) interrupts that poll; bounces under way get STOP_GRACE_MS to
 * finish. SIGUSR1 reloads its config as the daemon's reload thread
 * does. Its counters are the daemon's (metrics_share): the daemon's
 * page shows the door's replies, whichever door process made them.
 */
#include "dsn_callbacks.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "respawn.h"
#include "runas.h"
#include "sockspec.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#define KICK_MS 10	   /* SIGUSR2 to the listener this often at a stop */
#define STOP_GRACE_MS 500  /* bounces under way may finish this long */
#define STOP_WAIT_MS 7000  /* a door not stopped by then is killed */

static const char *door_config;
static pthread_t door_thread; /* the one in smfi_main */
static atomic_int door_served; /* smfi_main has returned */

/* sleep_ms - nanosleep for ms milliseconds */
static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* now_ms - CLOCK_MONOTONIC in milliseconds */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* door_reload - sigwait for SIGUSR1; build, validate, publish */
static void *door_reload(void *arg)
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
		if ((cfg = config_load(door_config, err, sizeof(err))) == NULL) {
			log_msg(LOG_ERR, "dsn: reload refused, the running "
				"configuration stays: %s", err);
			continue;
		}
		store_publish(cfg);
		log_msg(LOG_INFO, "dsn: configuration reloaded from %s "
			"(generation %lu)", door_config, store_generation());
	}
	return NULL;
}

/* on_kick - SIGUSR2 in the door's smfi_main: interrupts its poll */
static void on_kick(int sig)
{
	(void)sig;
}

/* door_kick - SIGUSR2 to the thread in smfi_main until it returns */
static void *door_kick(void *arg)
{
	(void)arg;
	while (!atomic_load(&door_served)) {
		pthread_kill(door_thread, SIGUSR2);
		sleep_ms(KICK_MS);
	}
	return NULL;
}

/* door_watch - stop serving, at once, when the supervisor's end of the
 * pipe closes */
static void *door_watch(void *arg)
{
	int fd = *(int *)arg;
	pthread_t kicker;
	ssize_t n;
	char c;

	while ((n = read(fd, &c, 1)) > 0 || (n < 0 && errno == EINTR))
		;
	log_msg(LOG_INFO, "dsn: door stopping");
	if (pthread_create(&kicker, NULL, door_kick, NULL) == 0)
		pthread_detach(kicker);
	smfi_stop(); /* waits for the listener: the kicks free it */
	return NULL;
}

/* the door's unix socket as created (st_ino 0: none), removed at its end */
static char door_path[108];
static struct stat door_st;

/* door_forget - remove the door's unix socket while the path is still
 * the one it created (libmilter leaves it behind when run as root) */
static void door_forget(void)
{
	struct stat st;

	if (door_st.st_ino != 0 && lstat(door_path, &st) == 0 &&
	    st.st_dev == door_st.st_dev && st.st_ino == door_st.st_ino)
		(void)unlink(door_path);
}

/* door_open - register and open the socket; a unix socket is created as
 * the daemon's user (never chowned by path) and replaces only a stale one,
 * as the milter door's does (main.c) */
static int door_open(const struct dsn_door *d, char *err, size_t errlen)
{
	struct sockspec ss;
	struct runas ra = {d->user != NULL, d->uid, d->gid};
	int local, ok;

	umask(007);
	if (sockspec_parse(d->spec, &ss, err, errlen) < 0)
		return -1;
	local = ss.family == AF_UNIX;
	if (local && (runas_begin(&ra, err, errlen) < 0 ||
		      sockspec_claim(&ss, err, errlen) < 0)) {
		runas_end(&ra);
		return -1;
	}
	ok = dsn_callbacks_register() == 0 &&
	     smfi_setconn((char *)d->spec) == MI_SUCCESS &&
	     smfi_opensocket(0) == MI_SUCCESS;
	if (ok && local && strlen(ss.path) < sizeof(door_path) &&
	    lstat(ss.path, &door_st) == 0)
		memcpy(door_path, ss.path, strlen(ss.path) + 1);
	else
		memset(&door_st, 0, sizeof(door_st));
	if (local)
		runas_end(&ra);
	if (!ok)
		snprintf(err, errlen, "cannot open the DSN socket %s", d->spec);
	return ok ? 0 : -1;
}

/* door_detach - leave the terminal and the session, as the daemon does */
static void door_detach(void)
{
	int fd;

	(void)setsid();
	if (chdir("/") < 0)
		log_msg(LOG_WARNING, "dsn: chdir /: %s", strerror(errno));
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

/* door_threads - the reload and watch threads, then SIGUSR2 for this
 * thread only (the threads libmilter starts may get it too: harmless) */
static int door_threads(int *life_fd)
{
	struct sigaction sa;
	sigset_t kick;
	pthread_t t;

	sigemptyset(&kick);
	sigaddset(&kick, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &kick, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick; /* no SA_RESTART: poll returns EINTR */
	sigemptyset(&sa.sa_mask);
	door_thread = pthread_self(); /* before door_watch may kick it */
	if (sigaction(SIGUSR2, &sa, NULL) < 0)
		return -1;
	if (pthread_create(&t, NULL, door_reload, NULL) != 0 ||
	    pthread_create(&t, NULL, door_watch, life_fd) != 0)
		return -1;
	return pthread_sigmask(SIG_UNBLOCK, &kick, NULL) == 0 ? 0 : -1;
}

/* door_child - the door's life: never returns */
static _Noreturn void door_child(const struct dsn_door *d, int ready,
				 int life)
{
	static int life_fd;
	char err[256] = "";
	int rc = EX_OK;

	life_fd = life;
	door_config = d->config;
	metrics_door_process();
	if (door_open(d, err, sizeof(err)) < 0) {
		if (write(ready, err, strlen(err)) < 0)
			log_msg(LOG_ERR, "dsn: %s", err);
		_exit(EX_UNAVAILABLE);
	}
	close(ready);
	if (!d->foreground)
		door_detach();
	if (d->user && (setgroups(1, &d->gid) < 0 || setgid(d->gid) < 0 ||
			setuid(d->uid) < 0)) {
		log_msg(LOG_ERR, "dsn: cannot become %s: %s", d->user,
			strerror(errno));
		_exit(EX_OSERR);
	}
	if (door_threads(&life_fd) < 0) {
		log_msg(LOG_ERR, "dsn: cannot start its threads");
		_exit(EX_OSERR);
	}
	log_msg(LOG_INFO, "dsn: door started on %s (process %ld)", d->spec,
		(long)getpid());
	if (smfi_main() != MI_SUCCESS)
		rc = EX_SOFTWARE;
	atomic_store(&door_served, 1);
	for (int ms = 0; dsn_callbacks_busy() > 0 && ms < STOP_GRACE_MS; ms += 5)
		sleep_ms(5);
	door_forget();
	log_msg(LOG_INFO, "dsn: door stopped");
	_exit(rc);
}

/* the supervisor's state */
struct super {
	const struct dsn_door *d;
	pid_t pid;	   /* the door's process; 0: none */
	int life;	   /* the pipe end the door watches; -1: none */
	int sigfd;	   /* SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGCHLD */
	int daemon;	   /* the read end of the daemon's pipe */
	int report;	   /* the start's report to the daemon; -1: sent */
	sigset_t mask;	   /* the signal mask a door starts with */
	struct respawn rs;
	int64_t restart_at; /* ms (now_ms); 0: no restart due */
};

/* super_spawn - fork a door and wait until its socket is open: 0, or -1
 * with the reason in err (the door has then exited and been reaped) */
static int super_spawn(struct super *s, char *err, size_t errlen)
{
	int ready[2], life[2] = {-1, -1};
	ssize_t n;
	pid_t pid;

	if (pipe(ready) < 0)
		goto fail;
	if (pipe(life) < 0) {
		close(ready[0]);
		close(ready[1]);
		goto fail;
	}
	if ((pid = fork()) < 0) {
		close(ready[0]);
		close(ready[1]);
		close(life[0]);
		close(life[1]);
		goto fail;
	}
	if (pid == 0) {
		close(ready[0]);
		close(life[1]);
		close(s->sigfd);
		close(s->daemon);
		if (s->report >= 0)
			close(s->report);
		sigprocmask(SIG_SETMASK, &s->mask, NULL);
		door_child(s->d, ready[1], life[0]);
	}
	close(ready[1]);
	close(life[0]);
	/* the door writes its reason and exits, or closes the pipe */
	while ((n = read(ready[0], err, errlen - 1)) < 0 && errno == EINTR)
		;
	close(ready[0]);
	if (n > 0) {
		err[n] = '\0';
		close(life[1]);
		(void)waitpid(pid, NULL, 0);
		metrics_door_gone();
		return -1;
	}
	s->pid = pid;
	s->life = life[1];
	return 0;
fail:
	snprintf(err, errlen, "%s", strerror(errno));
	return -1;
}

/* super_end - stop the door (close its pipe), wait, kill it if need be */
static void super_end(struct super *s)
{
	if (s->pid <= 0)
		return;
	close(s->life);
	s->life = -1;
	for (int ms = 0; ms < STOP_WAIT_MS; ms += 5) {
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid)
			goto reaped;
		sleep_ms(5);
	}
	log_msg(LOG_WARNING, "dsn: the door's process %ld did not stop: "
		"killed", (long)s->pid);
	kill(s->pid, SIGKILL);
	(void)waitpid(s->pid, NULL, 0);
reaped:
	metrics_door_gone();
	s->pid = 0;
}

/* super_later - a restart after the backoff; leaves when none is left */
static void super_later(struct super *s, const char *what)
{
	int64_t now = now_ms(), delay = respawn_next(&s->rs, now);

	if (delay < 0) {
		log_msg(LOG_ERR, "dsn: the door's process %s, after %d "
			"restarts within a minute: the DSN door stays closed, "
			"the other doors go on", what, RESPAWN_MAX);
		_exit(EX_SOFTWARE);
	}
	log_msg(LOG_ERR, "dsn: the door's process %s: restarting it in "
		"%lld ms", what, (long long)delay);
	s->restart_at = now + delay;
}

/* super_reap - a child has exited: an unexpected death of the door */
static void super_reap(struct super *s)
{
	char what[64];
	pid_t w;
	int st;

	while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
		if (w != s->pid)
			continue;
		close(s->life);
		s->life = -1;
		s->pid = 0;
		metrics_door_gone();
		if (WIFSIGNALED(st))
			snprintf(what, sizeof(what), "%ld was killed by signal %d",
				 (long)w, WTERMSIG(st));
		else
			snprintf(what, sizeof(what), "%ld exited with status %d",
				 (long)w, WEXITSTATUS(st));
		super_later(s, what);
	}
}

/* super_restart - the restart that is due */
static void super_restart(struct super *s)
{
	char err[256];

	s->restart_at = 0;
	if (super_spawn(s, err, sizeof(err)) < 0) {
		char what[320];

		snprintf(what, sizeof(what), "did not start again (%s)", err);
		super_later(s, what);
		return;
	}
	log_msg(LOG_WARNING, "dsn: door restarted (process %ld)",
		(long)s->pid);
}

/* super_signal - one signal from the signalfd; 1: time to stop */
static int super_signal(struct super *s)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	switch (si.ssi_signo) {
	case SIGUSR1:
		if (s->pid > 0)
			kill(s->pid, SIGUSR1);
		return 0;
	case SIGCHLD:
		super_reap(s);
		return 0;
	default: /* SIGTERM, SIGINT, SIGHUP */
		return 1;
	}
}

/* super_daemon - a word from the daemon on the life pipe: "R" reloads
 * (the daemon may have dropped to a user that cannot signal this
 * process); end of file, the daemon stopping or gone; 1: time to stop */
static int super_daemon(struct super *s)
{
	char c;
	ssize_t n = read(s->daemon, &c, 1);

	if (n < 0 && errno == EINTR)
		return 0;
	if (n == 1 && c == 'R') {
		if (s->pid > 0)
			kill(s->pid, SIGUSR1);
		return 0;
	}
	if (n == 1)
		return 0;
	log_msg(LOG_INFO, "dsn: the daemon is stopping or gone: stopping");
	return 1;
}

/* super_loop - wait for signals, the daemon's end and restarts due */
static _Noreturn void super_loop(struct super *s)
{
	for (;;) {
		struct pollfd p[2] = {{s->sigfd, POLLIN, 0},
				      {s->daemon, POLLIN, 0}};
		int64_t ms = -1;

		if (s->restart_at) {
			ms = s->restart_at - now_ms();
			ms = ms < 0 ? 0 : ms;
		}
		if (poll(p, 2, (int)ms) < 0 && errno != EINTR)
			break;
		if (p[1].revents && super_daemon(s))
			break;
		if ((p[0].revents & POLLIN) && super_signal(s))
			break;
		if (s->restart_at && now_ms() >= s->restart_at)
			super_restart(s);
	}
	super_end(s);
	_exit(EX_OK);
}

/* super_main - the supervisor's life: never returns */
static _Noreturn void super_main(const struct dsn_door *d, int ready,
				 int daemon)
{
	struct super s;
	char err[256];
	sigset_t set;

	memset(&s, 0, sizeof(s));
	s.d = d;
	s.life = s.sigfd = -1;
	s.daemon = daemon;
	s.report = ready;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &s.mask);
	if ((s.sigfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
		snprintf(err, sizeof(err), "signalfd: %s", strerror(errno));
		goto failed;
	}
	if (super_spawn(&s, err, sizeof(err)) < 0)
		goto failed;
	close(ready);
	s.report = -1;
	if (!d->foreground)
		door_detach();
	super_loop(&s);
failed:
	if (write(ready, err, strlen(err)) < 0)
		log_msg(LOG_ERR, "dsn: %s", err);
	_exit(EX_UNAVAILABLE);
}

/* the daemon's end of the life pipe: a reload word, and closed at stop */
static int life_w = -1;

/* dsn_door_fork - see dsn_callbacks.h */
pid_t dsn_door_fork(const struct dsn_door *d, char *err, size_t errlen)
{
	int ready[2], life[2];
	ssize_t n;
	pid_t pid;

	if (metrics_share(err, errlen) < 0) /* the page misses the door's */
		log_msg(LOG_WARNING, "%s", err);
	if (pipe(ready) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe(life) < 0 || (pid = fork()) < 0) {
		snprintf(err, errlen, "%s: %s", life[0] < 0 ? "pipe" : "fork",
			 strerror(errno));
		close(ready[0]);
		close(ready[1]);
		if (life[0] >= 0) {
			close(life[0]);
			close(life[1]);
		}
		return -1;
	}
	if (pid == 0) {
		/* the start-up report and the pid file's lock are the
		 * daemon's: a copy here would keep the starting process
		 * waiting for the report's end, and the lock held */
		log_report(-1);
		for (size_t i = 0; i < sizeof(d->inherited) / sizeof(int); i++)
			if (d->inherited[i] >= 0)
				close(d->inherited[i]);
		close(ready[0]);
		close(life[1]);
		super_main(d, ready[1], life[0]);
	}
	close(ready[1]);
	close(life[0]);
	(void)fcntl(life[1], F_SETFD, FD_CLOEXEC);
	life_w = life[1];
	/* the supervisor writes the reason and exits, or closes the pipe */
	while ((n = read(ready[0], err, errlen - 1)) < 0 && errno == EINTR)
		;
	close(ready[0]);
	if (n > 0) {
		err[n] = '\0';
		dsn_door_stop(pid);
		return -1;
	}
	return pid;
}

/* dsn_door_signal - see dsn_callbacks.h; through the life pipe, which
 * works whatever user the daemon has become (the supervisor keeps the
 * identity the daemon started with) */
void dsn_door_signal(pid_t pid, int sig)
{
	if (pid <= 0)
		return;
	if (sig == SIGUSR1 && life_w >= 0) {
		if (write(life_w, "R", 1) < 0)
			log_msg(LOG_WARNING, "dsn: reload: %s", strerror(errno));
		return;
	}
	if (sig == SIGTERM) {
		if (life_w >= 0)
			close(life_w); /* the supervisor stops on end of file */
		life_w = -1;
		return;
	}
	if (kill(pid, sig) < 0 && errno != ESRCH)
		log_msg(LOG_WARNING, "dsn: signal %d to %ld: %s", sig,
			(long)pid, strerror(errno));
}

/* gone - the process has exited (reaped here if it is our child) */
static int gone(pid_t pid)
{
	pid_t w = waitpid(pid, NULL, WNOHANG);

	if (w == pid)
		return 1;
	return w < 0 && kill(pid, 0) < 0 && errno == ESRCH;
}

/* dsn_door_stop - see dsn_callbacks.h */
void dsn_door_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	dsn_door_signal(pid, SIGTERM);
	for (int ms = 0; ms < STOP_WAIT_MS + 1000; ms += 5) {
		if (gone(pid))
			return;
		sleep_ms(5);
	}
	log_msg(LOG_WARNING, "dsn: the door's supervisor %ld did not stop: "
		"killed", (long)pid);
	dsn_door_signal(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
}
