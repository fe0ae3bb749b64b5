/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_metrics - the counters and their Prometheus page: labels of known
 * and unknown codes (table-driven), rule names across reloads (kept,
 * dropped, capped, refused), escaping, the exact page and summary line,
 * counting off, and no count lost while threads count during reloads
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* has_line - does the page hold this exact line */
static int has_line(const char *page, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = page; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len == n && memcmp(p, line, n) == 0)
			return 1;
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* page - the rendered page (static buffer of the test) */
static const char *page(struct buf *b, unsigned long gen)
{
	buf_reset(b);
	metrics_render(b, gen);
	return b->s;
}

static int setup(void **state)
{
	(void)state;
	metrics_reset();
	metrics_enable(1);
	return 0;
}

struct label_case {
	struct smtp_status st;
	const char *code_line;
	const char *enh_line;
};

#define RC "milter_explain_reply_codes_total"
#define EC "milter_explain_enhanced_codes_total"

static const struct label_case label_cases[] = {
    {{550, 5, 1, 1}, RC "{code=\"550\"} 1", EC "{enhanced=\"5.1.1\"} 1"},
    {{421, 4, 0, 0}, RC "{code=\"421\"} 1", EC "{enhanced=\"4.0.0\"} 1"},
    {{556, 5, 1, 10}, RC "{code=\"556\"} 1", EC "{enhanced=\"5.1.10\"} 1"},
    {{454, 4, 7, 0}, RC "{code=\"454\"} 1", EC "{enhanced=\"4.7.0\"} 1"},
    {{554, 5, 7, 30}, RC "{code=\"554\"} 1", EC "{enhanced=\"5.7.30\"} 1"},
    {{451, 4, 4, 7}, RC "{code=\"451\"} 1", EC "{enhanced=\"4.4.7\"} 1"},
    {{503, 5, 5, 6}, RC "{code=\"503\"} 1", EC "{enhanced=\"5.5.6\"} 1"},
    {{552, 5, 6, 10}, RC "{code=\"552\"} 1", EC "{enhanced=\"5.6.10\"} 1"},
    {{550, 0, 0, 0}, RC "{code=\"550\"} 1", EC "{enhanced=\"none\"} 1"},
    /* not in the tables */
    {{599, 5, 1, 1}, RC "{code=\"other\"} 1", EC "{enhanced=\"5.1.1\"} 1"},
    {{422, 4, 2, 0}, RC "{code=\"other\"} 1", EC "{enhanced=\"4.2.0\"} 1"},
    {{550, 5, 7, 31}, RC "{code=\"550\"} 1", EC "{enhanced=\"other\"} 1"},
    {{550, 5, 1, 11}, RC "{code=\"550\"} 1", EC "{enhanced=\"other\"} 1"},
    {{550, 5, 8, 0}, RC "{code=\"550\"} 1", EC "{enhanced=\"other\"} 1"},
    {{550, 5, 999, 999}, RC "{code=\"550\"} 1", EC "{enhanced=\"other\"} 1"},
    {{250, 2, 0, 0}, RC "{code=\"other\"} 1", EC "{enhanced=\"other\"} 1"},
    {{0, 0, 0, 0}, RC "{code=\"other\"} 1", EC "{enhanced=\"none\"} 1"},
};

/* test_labels - each code gets its own label, or "other", exactly once */
static void test_labels(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof(label_cases) / sizeof(label_cases[0]);
	     i++) {
		const struct label_case *c = &label_cases[i];
		const char *p;

		setup(NULL);
		metrics_reply(METRICS_FOOTER, &c->st, NULL);
		p = page(&b, 1);
		if (!has_line(p, c->code_line) || !has_line(p, c->enh_line))
			fail_msg("case %zu: want \"%s\" and \"%s\" in\n%s", i,
				 c->code_line, c->enh_line, p);
	}
	buf_release(&b);
}

static const char *const expected_page =
    "# HELP milter_explain_replies_total Replies that left with guidance, "
    "by door.\n"
    "# TYPE milter_explain_replies_total counter\n"
    "milter_explain_replies_total{door=\"milter\"} 2\n"
    "milter_explain_replies_total{door=\"footer\"} 1\n"
    "milter_explain_replies_total{door=\"filter\"} 0\n"
    "milter_explain_replies_total{door=\"dsn\"} 1\n"
    "# HELP milter_explain_reply_codes_total Replies that left with "
    "guidance, by reply code (\"other\": not among the standard codes); "
    "codes never seen are left out.\n"
    "# TYPE milter_explain_reply_codes_total counter\n"
    "milter_explain_reply_codes_total{code=\"500\"} 1\n"
    "milter_explain_reply_codes_total{code=\"502\"} 1\n"
    "milter_explain_reply_codes_total{code=\"550\"} 2\n"
    "# HELP milter_explain_enhanced_codes_total Replies that left with "
    "guidance, by enhanced status code (\"none\": the reply had none; "
    "\"other\": not in the IANA registry); codes never seen are left out.\n"
    "# TYPE milter_explain_enhanced_codes_total counter\n"
    "milter_explain_enhanced_codes_total{enhanced=\"5.1.1\"} 1\n"
    "milter_explain_enhanced_codes_total{enhanced=\"5.5.1\"} 1\n"
    "milter_explain_enhanced_codes_total{enhanced=\"5.5.2\"} 1\n"
    "milter_explain_enhanced_codes_total{enhanced=\"none\"} 1\n"
    "# HELP milter_explain_rule_replies_total Replies whose guidance a "
    "configured rule chose, by rule name (\"other\": a rule the current "
    "configuration does not have, or beyond the first 256).\n"
    "# TYPE milter_explain_rule_replies_total counter\n"
    "milter_explain_rule_replies_total{rule=\"unimplemented\"} 1\n"
    "milter_explain_rule_replies_total{rule=\"unknown\"} 1\n"
    "milter_explain_rule_replies_total{rule=\"say \\\"hi\\\" \\\\ "
    "\\\\n\"} 0\n"
    "milter_explain_rule_replies_total{rule=\"other\"} 1\n"
    "# HELP milter_explain_lookups_total Socketmap lookups answered, by "
    "result.\n"
    "# TYPE milter_explain_lookups_total counter\n"
    "milter_explain_lookups_total{result=\"ok\"} 1\n"
    "milter_explain_lookups_total{result=\"notfound\"} 2\n"
    "milter_explain_lookups_total{result=\"temp\"} 0\n"
    "milter_explain_lookups_total{result=\"perm\"} 1\n"
    "# HELP milter_explain_lookups_memo_total Socketmap lookups answered "
    "with guidance rendered earlier (the memo).\n"
    "# TYPE milter_explain_lookups_memo_total counter\n"
    "milter_explain_lookups_memo_total 1\n"
    "# HELP milter_explain_reloads_total Configuration reloads (SIGUSR1), "
    "by result.\n"
    "# TYPE milter_explain_reloads_total counter\n"
    "milter_explain_reloads_total{result=\"done\"} 1\n"
    "milter_explain_reloads_total{result=\"refused\"} 2\n"
    "# HELP milter_explain_config_generation Configuration snapshots "
    "published since the start (1 at start, one more per reload done).\n"
    "# TYPE milter_explain_config_generation gauge\n"
    "milter_explain_config_generation 2\n"
    "# HELP milter_explain_connections_refused_total Socketmap connections "
    "closed at the cap (socketmap.max_clients or the open-file budget): "
    "the one idle longest, to serve a new client.\n"
    "# TYPE milter_explain_connections_refused_total counter\n"
    "milter_explain_connections_refused_total 1\n";

/* test_page - a known history gives exactly this page and summary */
static void test_page(void **state)
{
	static const char *const rules[] = {"unimplemented", "unknown",
					    "say \"hi\" \\ \\n"};
	const struct smtp_status s502 = {502, 5, 5, 1}, s500 = {500, 5, 5, 2},
				 s550 = {550, 5, 1, 1}, s550n = {550, 0, 0, 0};
	struct buf b;

	(void)state;
	buf_init(&b);
	metrics_rules(rules, 3);
	metrics_reply(METRICS_MILTER, &s502, "unimplemented");
	metrics_reply(METRICS_MILTER, &s500, "unknown");
	metrics_reply(METRICS_FOOTER, &s550, NULL);
	metrics_reply(METRICS_DSN, &s550n, "gone");
	metrics_lookup(METRICS_OK, 1);
	metrics_lookup(METRICS_NOTFOUND, 0);
	metrics_lookup(METRICS_NOTFOUND, 0);
	metrics_lookup(METRICS_PERM, 0);
	metrics_reload(1);
	metrics_reload(0);
	metrics_reload(0);
	metrics_refused();
	assert_string_equal(page(&b, 2), expected_page);
	buf_reset(&b);
	metrics_summary(&b, 2);
	assert_string_equal(
	    b.s, "metrics: replies with guidance milter 2, footer 1, filter "
		 "0, dsn 1; lookups 4 (ok 1, from the memo 1); reloads 1 "
		 "done, 2 refused; generation 2; connections refused 1");
	buf_release(&b);
}

/* test_off - nothing counts while counting is off */
static void test_off(void **state)
{
	const struct smtp_status st = {550, 5, 1, 1};
	static const char *const rules[] = {"r"};
	struct buf b;
	const char *p;

	(void)state;
	buf_init(&b);
	metrics_rules(rules, 1);
	metrics_enable(0);
	assert_false(metrics_enabled());
	metrics_reply(METRICS_FOOTER, &st, "r");
	metrics_lookup(METRICS_OK, 1);
	metrics_reload(1);
	metrics_refused();
	p = page(&b, 1);
	assert_true(has_line(p, "milter_explain_replies_total{door=\"footer\"} 0"));
	assert_true(has_line(p, "milter_explain_rule_replies_total{rule=\"r\"} 0"));
	assert_true(has_line(p, "milter_explain_lookups_total{result=\"ok\"} 0"));
	assert_true(has_line(p, "milter_explain_lookups_memo_total 0"));
	assert_true(has_line(p, "milter_explain_reloads_total{result=\"done\"} 0"));
	assert_true(has_line(p, "milter_explain_connections_refused_total 0"));
	assert_null(strstr(p, "code=\""));
	buf_release(&b);
}

#define RR "milter_explain_rule_replies_total"

struct reload_step {
	const char *names[4]; /* the new snapshot's rules, NULL-ended */
	const char *count[4]; /* then one reply of each of these */
	const char *lines[5]; /* the rule family afterwards, NULL-ended */
};

/* a rule kept keeps its count, a dropped one leaves the page, a rule
 * of an older snapshot counts as "other", one coming back starts at 0 */
static const struct reload_step reload_steps[] = {
    {{"a", "b", NULL}, {"a", "a", "b", NULL},
     {RR "{rule=\"a\"} 2", RR "{rule=\"b\"} 1", RR "{rule=\"other\"} 0",
      NULL}},
    {{"b", "c", NULL}, {"b", "a", NULL},
     {RR "{rule=\"b\"} 2", RR "{rule=\"c\"} 0", RR "{rule=\"other\"} 1",
      NULL}},
    {{"c", "a", "b", NULL}, {"a", "c", NULL},
     {RR "{rule=\"c\"} 1", RR "{rule=\"a\"} 1", RR "{rule=\"b\"} 2",
      RR "{rule=\"other\"} 1", NULL}},
    {{NULL}, {"a", NULL}, {RR "{rule=\"other\"} 2", NULL}},
    {{"a", NULL}, {NULL}, {RR "{rule=\"a\"} 0", RR "{rule=\"other\"} 2",
			   NULL}},
};

/* rule_lines - the lines of the rule family, in order, into out */
static void rule_lines(const char *p, struct buf *out)
{
	buf_reset(out);
	for (const char *l = p; l && *l;) {
		const char *nl = strchr(l, '\n');

		if (strncmp(l, RR "{", strlen(RR) + 1) == 0)
			buf_printf(out, "%.*s\n", (int)(nl - l), l);
		l = nl ? nl + 1 : NULL;
	}
}

/* test_reloads - the rule family through a series of reloads */
static void test_reloads(void **state)
{
	const struct smtp_status st = {550, 5, 7, 1};
	struct buf b, got, want;

	(void)state;
	buf_init(&b);
	buf_init(&got);
	buf_init(&want);
	for (size_t i = 0; i < sizeof(reload_steps) / sizeof(reload_steps[0]);
	     i++) {
		const struct reload_step *s = &reload_steps[i];
		size_t n = 0;

		while (s->names[n])
			n++;
		metrics_rules(s->names, n);
		for (size_t k = 0; s->count[k]; k++)
			metrics_reply(METRICS_FILTER, &st, s->count[k]);
		rule_lines(page(&b, 1), &got);
		buf_reset(&want);
		for (size_t k = 0; s->lines[k]; k++)
			buf_printf(&want, "%s\n", s->lines[k]);
		if (strcmp(got.s, want.s) != 0)
			fail_msg("step %zu: want\n%sgot\n%s", i, want.s, got.s);
	}
	buf_release(&b);
	buf_release(&got);
	buf_release(&want);
}

/* names that never get a label of their own */
static const char *const refused_names[] = {
    "other", "",	    "tab\there", "new\nline", "bad \xff utf8",
    "\xc0\xaf", "\xed\xa0\x80", "c1 \xc2\x85", "cut \xc3",
};

/* test_refused_names - such names count as "other"; UTF-8 is fine */
static void test_refused_names(void **state)
{
	const struct smtp_status st = {550, 5, 1, 1};
	const size_t n = sizeof(refused_names) / sizeof(refused_names[0]);
	const char *names[16];
	char long_name[METRICS_RULE_NAME_MAX + 2], max_name[METRICS_RULE_NAME_MAX + 1];
	struct buf b, line;

	(void)state;
	buf_init(&b);
	buf_init(&line);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memset(max_name, 'y', sizeof(max_name) - 1);
	max_name[sizeof(max_name) - 1] = '\0';
	for (size_t i = 0; i < n; i++)
		names[i] = refused_names[i];
	names[n] = long_name;
	names[n + 1] = max_name;
	names[n + 2] = "relais-refus\xc3\xa9";
	metrics_rules(names, n + 3);
	for (size_t i = 0; i < n + 3; i++)
		metrics_reply(METRICS_MILTER, &st, names[i]);
	rule_lines(page(&b, 1), &line);
	buf_reset(&b);
	buf_printf(&b, RR "{rule=\"%s\"} 1\n" RR "{rule=\"relais-refus\xc3\xa9\"} 1\n"
		       RR "{rule=\"other\"} %zu\n", max_name, n + 1);
	assert_string_equal(line.s, b.s);
	buf_release(&b);
	buf_release(&line);
}

/* test_cap - the first METRICS_RULES_MAX names only; a repeat once */
static void test_cap(void **state)
{
	const struct smtp_status st = {550, 5, 1, 1};
	enum { N = METRICS_RULES_MAX + 44 };
	static char names[N + 1][16];
	const char *v[N + 1];
	struct buf b;
	size_t lines = 0;
	const char *p;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "r%zu", i);
		v[i] = names[i];
	}
	v[N] = "r0"; /* the same name twice: one label */
	metrics_rules(v, N + 1);
	for (size_t i = 0; i < N; i++)
		metrics_reply(METRICS_FOOTER, &st, v[i]);
	p = page(&b, 1);
	for (const char *q = p; (q = strstr(q, RR "{")) != NULL; q++)
		lines++;
	assert_int_equal(lines, METRICS_RULES_MAX + 1);
	assert_true(has_line(p, RR "{rule=\"r0\"} 1"));
	assert_true(has_line(p, RR "{rule=\"r255\"} 1"));
	assert_null(strstr(p, "rule=\"r256\""));
	assert_true(has_line(p, RR "{rule=\"other\"} 44"));
	buf_release(&b);
}

enum { THREADS = 4, PER_THREAD = 100000 };
static atomic_int counting_done;

/* count_main - count rule "kept" (and "gone", once dropped) many times */
static void *count_main(void *arg)
{
	const struct smtp_status st = {550, 5, 1, 1};

	(void)arg;
	for (int i = 0; i < PER_THREAD; i++)
		metrics_reply(METRICS_FOOTER, &st, i % 2 ? "kept" : "gone");
	atomic_fetch_add(&counting_done, 1);
	return NULL;
}

/* test_threads - reloads while threads count: every count is somewhere */
static void test_threads(void **state)
{
	static const char *const both[] = {"kept", "gone"}, *const one[] = {"kept"};
	pthread_t t[THREADS];
	unsigned long kept = 0, gone = 0, other = 0, reloads = 0;
	struct buf b;
	const char *p;

	(void)state;
	buf_init(&b);
	metrics_rules(both, 2);
	atomic_store(&counting_done, 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, count_main, NULL), 0);
	while (atomic_load(&counting_done) < THREADS) {
		metrics_rules(both, 2);
		reloads++;
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	p = page(&b, 1);
	assert_int_equal(sscanf(strstr(p, RR "{rule=\"kept\"}"), RR "{rule=\"kept\"} %lu", &kept), 1);
	assert_int_equal(sscanf(strstr(p, RR "{rule=\"gone\"}"), RR "{rule=\"gone\"} %lu", &gone), 1);
	assert_int_equal(kept, THREADS * PER_THREAD / 2);
	assert_int_equal(gone, THREADS * PER_THREAD / 2);
	assert_true(reloads > 0);
	/* then "gone" leaves: its later replies count as "other" */
	metrics_rules(one, 1);
	count_main(NULL);
	p = page(&b, 1);
	assert_int_equal(sscanf(strstr(p, RR "{rule=\"kept\"}"), RR "{rule=\"kept\"} %lu", &kept), 1);
	assert_int_equal(sscanf(strstr(p, RR "{rule=\"other\"}"), RR "{rule=\"other\"} %lu", &other), 1);
	assert_int_equal(kept, (THREADS + 1) * PER_THREAD / 2);
	assert_int_equal(other, PER_THREAD / 2);
	assert_null(strstr(p, "rule=\"gone\""));
	buf_release(&b);
}

enum { DOOR_REPLIES = 100000 };

/* door_main - a DSN door's process: count, then leave */
static _Noreturn void door_main(void)
{
	const struct smtp_status st = {550, 5, 7, 26};

	metrics_door_process();
	for (int i = 0; i < DOOR_REPLIES; i++)
		metrics_reply(METRICS_DSN, &st, i % 2 ? "kept" : "mine");
	_exit(0);
}

/* counted - the value of one sample of the page p */
static unsigned long counted(const char *p, const char *sample)
{
	const char *at = strstr(p, sample);
	unsigned long n = 0;

	assert_non_null(at);
	assert_int_equal(sscanf(at + strlen(sample), " %lu", &n), 1);
	return n;
}

/* test_processes - a process forked after metrics_share counts into the
 * page, by the daemon's rule names, while the daemon reloads */
static void test_processes(void **state)
{
	static const char *const names[] = {"kept"};
	const struct smtp_status st = {550, 5, 1, 1};
	char err[128];
	struct buf b;
	const char *p;
	int status;
	pid_t pid;

	(void)state;
	buf_init(&b);
	metrics_rules(names, 1);
	metrics_reply(METRICS_MILTER, &st, "kept"); /* before: kept */
	assert_int_equal(metrics_share(err, sizeof(err)), 0);
	assert_int_equal(metrics_share(err, sizeof(err)), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		door_main();
	while (waitpid(pid, &status, WNOHANG) == 0)
		metrics_rules(names, 1);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	p = page(&b, 1);
	assert_int_equal(counted(p, "milter_explain_replies_total{door=\"dsn\"}"),
			 DOOR_REPLIES);
	assert_int_equal(counted(p, "milter_explain_replies_total{door=\"milter\"}"), 1);
	assert_int_equal(counted(p, RR "{rule=\"kept\"}"), DOOR_REPLIES / 2 + 1);
	assert_int_equal(counted(p, RR "{rule=\"other\"}"), DOOR_REPLIES / 2);
	assert_int_equal(counted(p, "milter_explain_enhanced_codes_total"
				    "{enhanced=\"5.7.26\"}"), DOOR_REPLIES);
	buf_release(&b);
}

/* on_alarm - metrics_rules waited for a dead process */
static void on_alarm(int sig)
{
	(void)sig;
	_exit(3);
}

/* test_door_killed - a door killed while it counts: after
 * metrics_door_gone the next reload does not wait for it */
static void test_door_killed(void **state)
{
	static const char *const names[] = {"kept"};
	const struct smtp_status st = {550, 5, 1, 1};
	struct timespec ms = {0, 2 * 1000 * 1000};
	char err[128];

	(void)state;
	assert_int_equal(metrics_share(err, sizeof(err)), 0);
	metrics_rules(names, 1);
	signal(SIGALRM, on_alarm);
	alarm(10);
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			metrics_door_process();
			for (;;)
				metrics_reply(METRICS_DSN, &st, "kept");
		}
		nanosleep(&ms, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		metrics_door_gone();
		metrics_rules(names, 1); /* returns: nobody counts */
	}
	alarm(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_labels, setup),
	    cmocka_unit_test_setup(test_page, setup),
	    cmocka_unit_test_setup(test_off, setup),
	    cmocka_unit_test_setup(test_reloads, setup),
	    cmocka_unit_test_setup(test_refused_names, setup),
	    cmocka_unit_test_setup(test_cap, setup),
	    cmocka_unit_test_setup(test_threads, setup),
	    cmocka_unit_test_setup(test_processes, setup),
	    cmocka_unit_test_setup(test_door_killed, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
