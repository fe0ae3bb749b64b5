/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * metrics - what the daemon did, as counters an admin can watch
 *
 * Exports: metrics_enable, metrics_reply (a reply left with guidance, by
 * door, reply code, enhanced code and rule), metrics_lookup (a socketmap
 * answer), metrics_reload, metrics_refused, metrics_rules (the rule names
 * of the snapshot just published), metrics_render (the Prometheus text
 * exposition format), metrics_summary (one line for syslog),
 * metrics_share, metrics_door_process and metrics_door_gone (the DSN
 * door's process counts into the daemon's page) and metrics_reset
 * (tests).
 *
 * Every counter is a C11 atomic updated with relaxed order: counting
 * takes no lock and never waits, from any thread. Until metrics_enable(1)
 * every counting call returns after one relaxed load. Label sets are
 * bounded: reply codes and enhanced codes come from fixed tables (IANA),
 * anything else counts as "other"; rule names are those of the current
 * configuration snapshot (at most METRICS_RULES_MAX), and a rule that is
 * not among them (beyond the cap, or known only to an older snapshot that
 * a connection still holds) counts as "other". Never fails.
 */
#ifndef MILTER_EXPLAIN_METRICS_H
#define MILTER_EXPLAIN_METRICS_H

#include "buf.h"
#include "smtpcode.h"

#include <stddef.h>

#define METRICS_RULES_MAX 256	 /* rule names counted by name */
#define METRICS_RULE_NAME_MAX 128 /* bytes of a rule name counted by name */

/* the ways guidance leaves the daemon */
enum metrics_door {
	METRICS_MILTER, /* the milter's reply to an unknown command */
	METRICS_FOOTER, /* socketmap map "footer" */
	METRICS_FILTER, /* socketmap map "filter" */
	METRICS_DSN,	/* a delivery status notification */
	METRICS_DOORS
};

/* the processes that count: each has its own place in the rule tables */
enum metrics_proc {
	METRICS_PROC_DAEMON, /* the daemon: names rules, renders, counts */
	METRICS_PROC_DOOR,   /* the DSN door's process: only counts */
	METRICS_PROCS
};

/* what a socketmap lookup answered */
enum metrics_result {
	METRICS_OK,
	METRICS_NOTFOUND,
	METRICS_TEMP,
	METRICS_PERM,
	METRICS_RESULTS
};

/* metrics_enable - count from now on (1) or ignore every event (0) */
void metrics_enable(int on);

/* metrics_enabled - non-zero while counting */
int metrics_enabled(void);

/*
 * metrics_reply - one reply left door with guidance: st its reply code
 * and enhanced code (cls 0: none), rule the name of the configured rule
 * that chose the guidance, or NULL when the knowledge base alone did
 */
void metrics_reply(enum metrics_door door, const struct smtp_status *st,
		   const char *rule);

/* metrics_lookup - one socketmap request answered; from_memo: the
 * guidance came from the memo of rendered answers */
void metrics_lookup(enum metrics_result result, int from_memo);

/* metrics_reload - a reload was done (1) or refused (0) */
void metrics_reload(int done);

/* metrics_refused - a connection closed at once: the clients' cap */
void metrics_refused(void);

/*
 * metrics_rules - the rule names of the snapshot just published, in
 * order: they replace the previous ones. A name kept keeps its count; a
 * name dropped disappears from the page; names beyond METRICS_RULES_MAX,
 * longer than METRICS_RULE_NAME_MAX, not UTF-8, with a control character
 * or spelt "other" count as "other". Call from one thread at a time (the
 * one that publishes snapshots); counting may go on meanwhile.
 */
void metrics_rules(const char *const *names, size_t n);

/* metrics_render - the whole page into out (appended), generation being
 * the number of configuration snapshots published so far */
void metrics_render(struct buf *out, unsigned long generation);

/* metrics_summary - the one-line summary for syslog into out (appended) */
void metrics_summary(struct buf *out, unsigned long generation);

/* metrics_door_name - "milter", "footer", "filter", "dsn" */
const char *metrics_door_name(enum metrics_door door);

/*
 * metrics_share - move every counter into a mapping that processes forked
 * from now on share (the DSN door's), keeping the counts so far. Call
 * while this process has one thread; again: nothing. 0, or -1 with the
 * reason in err (the counters then stay this process's own).
 */
int metrics_share(char *err, size_t errlen);

/* metrics_door_process - in the DSN door's process, right after the
 * fork: count there as METRICS_PROC_DOOR (never call metrics_rules,
 * metrics_render or metrics_summary there) */
void metrics_door_process(void);

/* metrics_door_gone - the DSN door's process has been reaped: forget
 * what it was counting when it died, so metrics_rules never waits for it */
void metrics_door_gone(void);

/* metrics_reset - every counter to zero, no rule name, counting off */
void metrics_reset(void);

#endif
