/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dsn_door - the DSN door's own process
 *
 * Exports: dsn_door_fork, dsn_door_signal, dsn_door_stop (see
 * dsn_callbacks.h). libmilter keeps one listening socket per process
 * (smfi_opensocket does nothing once one is open), so a daemon that
 * serves the milter door and the DSN door runs the second in a child
 * with its own libmilter instance. The child opens its socket before
 * the parent opens any, reports success or the reason through a pipe,
 * detaches as the daemon does, drops privileges and serves. It holds
 * the read end of a second pipe whose write end only the daemon keeps:
 * when the daemon is gone, however it went, the child stops too.
 * SIGUSR1 reloads the child's config as the daemon's reload thread
 * does; libmilter's own signal thread stops it on SIGTERM.
 */
#include "dsn_callbacks.h"
#include "config.h"
#include "log.h"
#include "sockspec.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libmilter/mfapi.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

static const char *door_config;

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

/* door_watch - stop serving when the daemon's end of the pipe closes */
static void *door_watch(void *arg)
{
	int fd = *(int *)arg;
	char c;

	while (read(fd, &c, 1) != 0 && errno == EINTR)
		;
	log_msg(LOG_INFO, "dsn: the daemon is gone: stopping");
	smfi_stop();
	return NULL;
}

/* door_open - register, open the socket, hand it to the user */
static int door_open(const struct dsn_door *d, char *err, size_t errlen)
{
	struct sockspec ss;

	umask(007);
	if (sockspec_parse(d->spec, &ss, err, errlen) < 0)
		return -1;
	if (dsn_callbacks_register() < 0 ||
	    smfi_setconn((char *)d->spec) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		snprintf(err, errlen, "cannot open the DSN socket %s", d->spec);
		return -1;
	}
	if (d->user && ss.family == AF_UNIX && chown(ss.path, d->uid, d->gid) < 0)
		log_msg(LOG_WARNING, "dsn: chown %s: %s", ss.path,
			strerror(errno));
	return 0;
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

/* door_child - the child's life: never returns */
static _Noreturn void door_child(const struct dsn_door *d, int ready,
				 int life)
{
	static int life_fd;
	pthread_t t;
	char err[256] = "";
	int rc = EX_OK;

	life_fd = life;
	door_config = d->config;
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
	if (pthread_create(&t, NULL, door_reload, NULL) != 0 ||
	    pthread_create(&t, NULL, door_watch, &life_fd) != 0) {
		log_msg(LOG_ERR, "dsn: cannot start its threads");
		_exit(EX_OSERR);
	}
	log_msg(LOG_INFO, "dsn: door started on %s (process %ld)", d->spec,
		(long)getpid());
	if (smfi_main() != MI_SUCCESS)
		rc = EX_SOFTWARE;
	log_msg(LOG_INFO, "dsn: door stopping");
	store_shutdown();
	_exit(rc);
}

/* dsn_door_fork - see dsn_callbacks.h */
pid_t dsn_door_fork(const struct dsn_door *d, char *err, size_t errlen)
{
	int ready[2], life[2];
	ssize_t n;
	pid_t pid;

	if (pipe(ready) < 0 || pipe(life) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(ready[0]);
		close(life[1]);
		door_child(d, ready[1], life[0]);
	}
	close(ready[1]);
	close(life[0]);
	(void)fcntl(life[1], F_SETFD, FD_CLOEXEC);
	/* the child writes its reason and exits, or closes the pipe */
	while ((n = read(ready[0], err, errlen - 1)) < 0 && errno == EINTR)
		;
	close(ready[0]);
	if (n > 0) {
		err[n] = '\0';
		dsn_door_stop(pid);
		close(life[1]);
		return -1;
	}
	return pid;
}

/* dsn_door_signal - see dsn_callbacks.h */
void dsn_door_signal(pid_t pid, int sig)
{
	if (pid > 0 && kill(pid, sig) < 0 && errno != ESRCH)
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

/* dsn_door_stop - see dsn_callbacks.h; libmilter notices a stop at its
 * next listener check, up to 5 s later: after 7 s the door is killed */
void dsn_door_stop(pid_t pid)
{
	struct timespec tick = {0, 50 * 1000 * 1000};

	if (pid <= 0)
		return;
	dsn_door_signal(pid, SIGTERM);
	for (int i = 0; i < 140; i++) {
		if (gone(pid))
			return;
		nanosleep(&tick, NULL);
	}
	log_msg(LOG_WARNING, "dsn: the door's process %ld did not stop: killed",
		(long)pid);
	dsn_door_signal(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
}
