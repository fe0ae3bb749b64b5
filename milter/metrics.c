/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * metrics - lock-free counters of what the daemon did, and their pages
 *
 * Exports: see metrics.h. Counters are static atomics updated with
 * relaxed order (a count is exact once the threads that counted are
 * quiet; a page read meanwhile may mix counts of a few nanoseconds
 * apart, which Prometheus tolerates).
 *
 * Rule names: two tables, one current. Each holds open-addressed
 * slots keyed by the 64-bit FNV-1a hash of a name, so that a counting
 * thread finds a rule's slot without a lock and without comparing text.
 * metrics_rules builds the table that is not current from the new names
 * and makes it current with one store; then it waits until no thread is
 * still counting in the old table (each counts between an increment and
 * a decrement of the table's inflight, having checked after the increment
 * that the table was still current: the usual sequentially consistent
 * handshake) and adds the old counts of the names kept. No count is lost
 * and the page, which takes the same mutex, never sees a count go down.
 * Two names whose hashes collide (odds 2^-64 per pair) share one count.
 *
 * The DSN door's process: metrics_share moves every counter and both
 * tables into one anonymous shared mapping before the door is forked, so
 * that the door counts where the daemon's page reads (lock-free C11
 * atomics work across processes on the same memory; the block holds no
 * pointer, only the index of the current table). Only the daemon names
 * rules and renders; the door counts by the daemon's names (a rule of its
 * own config that the daemon's lacks counts as "other"). Each process has
 * its own inflight per table, so that a door killed between its two
 * instructions leaves a count that metrics_door_gone clears: the daemon's
 * next metrics_rules then never waits for a dead process.
 */
#include "metrics.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define RULE_SLOTS 512 /* a power of two, twice METRICS_RULES_MAX */

/* reply codes with a label of their own (RFC 5321, 3463, 4954, 7504) */
static const short known_codes[] = {
    421, 432, 450, 451, 452, 454, 455, 458, 459, 500, 501, 502, 503, 504,
    521, 523, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556};
#define NCODES (sizeof(known_codes) / sizeof(known_codes[0]))

/* the highest detail of each subject in the IANA registry (X.1.10 ...) */
static const int enh_max_detail[] = {0, 10, 4, 6, 7, 6, 10, 30};
#define NSUBJECTS 8
#define ENH_PER_CLASS 81 /* sum of (enh_max_detail[s] + 1) */
#define NENH (2 * ENH_PER_CLASS) /* classes 4 and 5 */
#define ENH_NONE NENH		 /* the reply had no enhanced code */
#define ENH_OTHER (NENH + 1)

struct rule_slot {
	_Atomic uint64_t key; /* 0: empty */
	atomic_ulong n;
	char name[METRICS_RULE_NAME_MAX + 1];
};

struct rule_table {
	atomic_ulong inflight[METRICS_PROCS]; /* counting here now, per process */
	struct rule_slot s[RULE_SLOTS];
	short order[METRICS_RULES_MAX]; /* slots in configuration order */
	size_t n;
};

/* every counter and both rule tables, in one block that may be shared */
struct metrics_block {
	atomic_int enabled;
	atomic_ulong replies[METRICS_DOORS];
	atomic_ulong codes[NCODES + 1]; /* + "other" */
	atomic_ulong enhanced[NENH + 2];
	atomic_ulong rule_other;
	atomic_ulong lookups[METRICS_RESULTS];
	atomic_ulong lookups_memo;
	atomic_ulong reloads_done, reloads_refused;
	atomic_ulong refused;
	struct rule_table tables[2];
	atomic_int current; /* the index of the current table */
};

static struct metrics_block own_block;
static struct metrics_block *M = &own_block; /* or the shared mapping */
static int proc = METRICS_PROC_DAEMON;       /* this process's inflight */
static pthread_mutex_t rules_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const door_names[METRICS_DOORS] = {"milter", "footer",
						      "filter", "dsn"};
static const char *const result_names[METRICS_RESULTS] = {"ok", "notfound",
							  "temp", "perm"};

/* bump - add one, relaxed */
static void bump(atomic_ulong *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* get - read one counter, relaxed */
static unsigned long get(atomic_ulong *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* metrics_enable - see metrics.h */
void metrics_enable(int on)
{
	atomic_store_explicit(&M->enabled, on != 0, memory_order_relaxed);
}

/* metrics_enabled - see metrics.h */
int metrics_enabled(void)
{
	return atomic_load_explicit(&M->enabled, memory_order_relaxed);
}

/* metrics_door_name - see metrics.h */
const char *metrics_door_name(enum metrics_door door)
{
	return (unsigned)door < METRICS_DOORS ? door_names[door] : "other";
}

/* code_index - the slot of a reply code; NCODES for "other" */
static size_t code_index(int code)
{
	size_t lo = 0, hi = NCODES;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (known_codes[mid] == code)
			return mid;
		if (known_codes[mid] < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NCODES;
}

/* enh_index - the slot of an enhanced code: ENH_NONE, ENH_OTHER or its own */
static size_t enh_index(const struct smtp_status *st)
{
	size_t base = 0;

	if (st->cls == 0)
		return ENH_NONE;
	if ((st->cls != 4 && st->cls != 5) || st->subject < 0 ||
	    st->subject >= NSUBJECTS || st->detail < 0 ||
	    st->detail > enh_max_detail[st->subject])
		return ENH_OTHER;
	for (int s = 0; s < st->subject; s++)
		base += (size_t)enh_max_detail[s] + 1;
	return (st->cls == 5 ? ENH_PER_CLASS : 0) + base + (size_t)st->detail;
}

/* enh_label - the code of enhanced slot i ("5.1.1") into out[16] */
static void enh_label(size_t i, char *out, size_t outlen)
{
	int cls = i >= ENH_PER_CLASS ? 5 : 4, s = 0;
	int d = (int)(i % ENH_PER_CLASS);

	while (d > enh_max_detail[s]) {
		d -= enh_max_detail[s] + 1;
		s++;
	}
	snprintf(out, outlen, "%d.%d.%d", cls, s, d);
}

/* name_hash - FNV-1a, 64 bits; never 0 (the empty slot) */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h ? h : 1;
}

/* rule_slot - the slot of key in t, or NULL */
static struct rule_slot *rule_slot(struct rule_table *t, uint64_t key)
{
	for (size_t k = 0, i = key & (RULE_SLOTS - 1); k < RULE_SLOTS;
	     k++, i = (i + 1) & (RULE_SLOTS - 1)) {
		uint64_t have =
		    atomic_load_explicit(&t->s[i].key, memory_order_relaxed);

		if (have == key)
			return &t->s[i];
		if (have == 0)
			return NULL;
	}
	return NULL;
}

/* rule_count - one reply chose by the rule called name */
static void rule_count(const char *name)
{
	uint64_t key = name_hash(name);
	struct rule_table *t;
	struct rule_slot *s;

	int cur;

	for (;;) { /* see the header: metrics_rules waits for inflight 0 */
		cur = atomic_load(&M->current);
		atomic_fetch_add(&M->tables[cur].inflight[proc], 1);
		if (atomic_load(&M->current) == cur)
			break;
		atomic_fetch_sub(&M->tables[cur].inflight[proc], 1);
	}
	t = &M->tables[cur];
	s = rule_slot(t, key);
	bump(s ? &s->n : &M->rule_other);
	atomic_fetch_sub_explicit(&t->inflight[proc], 1, memory_order_release);
}

/* metrics_reply - see metrics.h */
void metrics_reply(enum metrics_door door, const struct smtp_status *st,
		   const char *rule)
{
	if (!metrics_enabled() || (unsigned)door >= METRICS_DOORS)
		return;
	bump(&M->replies[door]);
	bump(&M->codes[code_index(st->code)]);
	bump(&M->enhanced[enh_index(st)]);
	if (rule)
		rule_count(rule);
}

/* metrics_lookup - see metrics.h */
void metrics_lookup(enum metrics_result result, int from_memo)
{
	if (!metrics_enabled() || (unsigned)result >= METRICS_RESULTS)
		return;
	bump(&M->lookups[result]);
	if (from_memo)
		bump(&M->lookups_memo);
}

/* metrics_reload - see metrics.h */
void metrics_reload(int done)
{
	if (metrics_enabled())
		bump(done ? &M->reloads_done : &M->reloads_refused);
}

/* metrics_refused - see metrics.h */
void metrics_refused(void)
{
	if (metrics_enabled())
		bump(&M->refused);
}

/* utf8_ok - valid UTF-8 without control characters */
static int utf8_ok(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2
				      : (c & 0xf0) == 0xe0 ? 3
				      : (c & 0xf8) == 0xf0 ? 4 : 0;
		uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1f : c & (0x7f >> n);

		if (n == 0 || i + n > len || c < 0x20 || c == 0x7f || c == 0xc0 ||
		    c == 0xc1 || c > 0xf4)
			return 0;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp < 0xa0))
			return 0;
		i += n;
	}
	return 1;
}

/* name_countable - may a rule name have a label of its own */
static int name_countable(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= METRICS_RULE_NAME_MAX &&
	       strcmp(name, "other") != 0 &&
	       utf8_ok((const unsigned char *)name, len);
}

/* table_clear - no name in t (no thread counts in it) */
static void table_clear(struct rule_table *t)
{
	for (size_t i = 0; i < RULE_SLOTS; i++) {
		atomic_store_explicit(&t->s[i].key, 0, memory_order_relaxed);
		atomic_store_explicit(&t->s[i].n, 0, memory_order_relaxed);
		t->s[i].name[0] = '\0';
	}
	t->n = 0;
}

/* table_add - name into t (not current yet), counting from zero */
static void table_add(struct rule_table *t, const char *name)
{
	uint64_t key = name_hash(name);
	size_t i = key & (RULE_SLOTS - 1);

	if (t->n == METRICS_RULES_MAX || rule_slot(t, key) != NULL)
		return; /* full, or the same name twice */
	while (atomic_load_explicit(&t->s[i].key, memory_order_relaxed))
		i = (i + 1) & (RULE_SLOTS - 1);
	snprintf(t->s[i].name, sizeof(t->s[i].name), "%s", name);
	atomic_store_explicit(&t->s[i].key, key, memory_order_relaxed);
	t->order[t->n++] = (short)i;
}

/* carry - the counts of old (no longer counted in) that next keeps */
static void carry(struct rule_table *old, struct rule_table *next)
{
	for (size_t i = 0; i < old->n; i++) {
		struct rule_slot *o = &old->s[old->order[i]];
		struct rule_slot *s = rule_slot(
		    next, atomic_load_explicit(&o->key, memory_order_relaxed));

		if (s && strcmp(s->name, o->name) == 0)
			atomic_fetch_add_explicit(&s->n, get(&o->n),
						  memory_order_relaxed);
	}
}

/* metrics_rules - see metrics.h */
void metrics_rules(const char *const *names, size_t n)
{
	struct rule_table *cur, *next;
	int c;

	pthread_mutex_lock(&rules_lock);
	c = atomic_load(&M->current);
	cur = &M->tables[c];
	next = &M->tables[!c];
	table_clear(next); /* quiet since the previous call */
	for (size_t i = 0; i < n; i++)
		if (names[i] && name_countable(names[i]))
			table_add(next, names[i]);
	atomic_store(&M->current, !c);
	for (int p = 0; p < METRICS_PROCS; p++)
		while (atomic_load(&cur->inflight[p]) != 0)
			sched_yield(); /* a thread is between two instructions */
	carry(cur, next);
	pthread_mutex_unlock(&rules_lock);
}

/* metrics_share - see metrics.h */
int metrics_share(char *err, size_t errlen)
{
	struct metrics_block *b;

	if (M != &own_block)
		return 0;
	b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED) {
		snprintf(err, errlen, "metrics: cannot share the counters: "
			 "mmap: %s", strerror(errno));
		return -1;
	}
	/* one thread, nobody counting: a plain copy of lock-free atomics */
	memcpy(b, &own_block, sizeof(*b));
	M = b;
	return 0;
}

/* metrics_door_process - see metrics.h */
void metrics_door_process(void)
{
	proc = METRICS_PROC_DOOR;
}

/* metrics_door_gone - see metrics.h */
void metrics_door_gone(void)
{
	for (int i = 0; i < 2; i++)
		atomic_store(&M->tables[i].inflight[METRICS_PROC_DOOR], 0);
}

/* metrics_reset - see metrics.h */
void metrics_reset(void)
{
	metrics_enable(0);
	for (size_t i = 0; i < METRICS_DOORS; i++)
		atomic_store(&M->replies[i], 0);
	for (size_t i = 0; i < NCODES + 1; i++)
		atomic_store(&M->codes[i], 0);
	for (size_t i = 0; i < NENH + 2; i++)
		atomic_store(&M->enhanced[i], 0);
	for (size_t i = 0; i < METRICS_RESULTS; i++)
		atomic_store(&M->lookups[i], 0);
	atomic_store(&M->rule_other, 0);
	atomic_store(&M->lookups_memo, 0);
	atomic_store(&M->reloads_done, 0);
	atomic_store(&M->reloads_refused, 0);
	atomic_store(&M->refused, 0);
	pthread_mutex_lock(&rules_lock);
	table_clear(&M->tables[0]);
	table_clear(&M->tables[1]);
	atomic_store(&M->current, 0);
	pthread_mutex_unlock(&rules_lock);
}

/* escape - a label value (or with help, a HELP text) as the format wants */
static void escape(struct buf *out, const char *s, int help)
{
	for (; *s; s++) {
		if (*s == '\\')
			buf_adds(out, "\\\\");
		else if (*s == '\n')
			buf_adds(out, "\\n");
		else if (*s == '"' && !help)
			buf_adds(out, "\\\"");
		else
			buf_addc(out, *s);
	}
}

/* family - the HELP and TYPE lines of a metric family */
static void family(struct buf *out, const char *name, const char *type,
		   const char *help)
{
	buf_printf(out, "# HELP %s ", name);
	escape(out, help, 1);
	buf_printf(out, "\n# TYPE %s %s\n", name, type);
}

/* sample - one line: name{label="value"} n (label NULL: no label) */
static void sample(struct buf *out, const char *name, const char *label,
		   const char *value, unsigned long n)
{
	buf_adds(out, name);
	if (label) {
		buf_printf(out, "{%s=\"", label);
		escape(out, value, 0);
		buf_adds(out, "\"}");
	}
	buf_printf(out, " %lu\n", n);
}

#define P "milter_explain_"

/* render_codes - the reply code and enhanced code families */
static void render_codes(struct buf *out)
{
	char label[16];

	family(out, P "reply_codes_total", "counter",
	       "Replies that left with guidance, by reply code (\"other\": "
	       "not among the standard codes); codes never seen are left out.");
	for (size_t i = 0; i <= NCODES; i++) {
		unsigned long n = get(&M->codes[i]);

		if (n == 0)
			continue;
		if (i < NCODES)
			snprintf(label, sizeof(label), "%d", known_codes[i]);
		sample(out, P "reply_codes_total", "code",
		       i < NCODES ? label : "other", n);
	}
	family(out, P "enhanced_codes_total", "counter",
	       "Replies that left with guidance, by enhanced status code "
	       "(\"none\": the reply had none; \"other\": not in the IANA "
	       "registry); codes never seen are left out.");
	for (size_t i = 0; i < NENH + 2; i++) {
		unsigned long n = get(&M->enhanced[i]);

		if (n == 0)
			continue;
		if (i < NENH)
			enh_label(i, label, sizeof(label));
		sample(out, P "enhanced_codes_total", "enhanced",
		       i < NENH ? label : i == ENH_NONE ? "none" : "other", n);
	}
}

/* render_rules - the rule family: the current names, then "other" */
static void render_rules(struct buf *out)
{
	struct rule_table *t;

	family(out, P "rule_replies_total", "counter",
	       "Replies whose guidance a configured rule chose, by rule name "
	       "(\"other\": a rule the current configuration does not have, "
	       "or beyond the first 256).");
	pthread_mutex_lock(&rules_lock);
	t = &M->tables[atomic_load_explicit(&M->current, memory_order_relaxed)];
	for (size_t i = 0; i < t->n; i++) {
		struct rule_slot *s = &t->s[t->order[i]];

		sample(out, P "rule_replies_total", "rule", s->name, get(&s->n));
	}
	pthread_mutex_unlock(&rules_lock);
	sample(out, P "rule_replies_total", "rule", "other", get(&M->rule_other));
}

/* metrics_render - see metrics.h */
void metrics_render(struct buf *out, unsigned long generation)
{
	family(out, P "replies_total", "counter",
	       "Replies that left with guidance, by door.");
	for (size_t i = 0; i < METRICS_DOORS; i++)
		sample(out, P "replies_total", "door", door_names[i],
		       get(&M->replies[i]));
	render_codes(out);
	render_rules(out);
	family(out, P "lookups_total", "counter",
	       "Socketmap lookups answered, by result.");
	for (size_t i = 0; i < METRICS_RESULTS; i++)
		sample(out, P "lookups_total", "result", result_names[i],
		       get(&M->lookups[i]));
	family(out, P "lookups_memo_total", "counter",
	       "Socketmap lookups answered with guidance rendered earlier "
	       "(the memo).");
	sample(out, P "lookups_memo_total", NULL, NULL, get(&M->lookups_memo));
	family(out, P "reloads_total", "counter",
	       "Configuration reloads (SIGUSR1), by result.");
	sample(out, P "reloads_total", "result", "done", get(&M->reloads_done));
	sample(out, P "reloads_total", "result", "refused",
	       get(&M->reloads_refused));
	family(out, P "config_generation", "gauge",
	       "Configuration snapshots published since the start (1 at "
	       "start, one more per reload done).");
	sample(out, P "config_generation", NULL, NULL, generation);
	family(out, P "connections_refused_total", "counter",
	       "Socketmap connections closed at the cap "
	       "(socketmap.max_clients or the open-file budget): the one "
	       "idle longest, to serve a new client.");
	sample(out, P "connections_refused_total", NULL, NULL, get(&M->refused));
}

/* metrics_summary - see metrics.h */
void metrics_summary(struct buf *out, unsigned long generation)
{
	buf_adds(out, "metrics: replies with guidance");
	for (size_t i = 0; i < METRICS_DOORS; i++)
		buf_printf(out, "%s %s %lu", i ? "," : "", door_names[i],
			   get(&M->replies[i]));
	buf_printf(out,
		   "; lookups %lu (ok %lu, from the memo %lu); reloads %lu "
		   "done, %lu refused; generation %lu; connections refused "
		   "%lu",
		   get(&M->lookups[0]) + get(&M->lookups[1]) + get(&M->lookups[2]) +
		       get(&M->lookups[3]),
		   get(&M->lookups[METRICS_OK]), get(&M->lookups_memo),
		   get(&M->reloads_done), get(&M->reloads_refused), generation,
		   get(&M->refused));
}
