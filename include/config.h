/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config - the validated, immutable configuration snapshot
 *
 * Exports: struct config and config_load, which reads the main file, the
 * files its `include` patterns name (layered: later files override
 * settings and rules of the same name), the knowledge base and the site's
 * guidance overrides, and validates all of it before anything is served.
 * Fails: config_load returns NULL with "FILE:LINE: message" in the caller's
 * buffer. A loaded config is never modified; see store.h for sharing it.
 * The top-level settings, their defaults and bounds are declared once, in
 * config_table.h; the loader's parts share milter/config_loader.h.
 */
#ifndef MILTER_EXPLAIN_CONFIG_H
#define MILTER_EXPLAIN_CONFIG_H

#include "buf.h"
#include "kb.h"
#include "provider.h"
#include "smtpcode.h"

#include <netinet/in.h>
#include <regex.h>
#include <stddef.h>

#define CONFIG_LINE_MAX 400  /* bytes of one configured template line */
#define REPLY_LINES_MAX 32   /* lines of one SMTP reply */
#define REPLY_LINE_OCTETS 512 /* octets of one reply line, CRLF included */
/*
 * The longest line of guidance text: 150 holds every sentence of the
 * shipped base, so that a client that joins the lines (Postfix) puts the
 * codes between sentences and one that keeps them (Exim) shows whole ones.
 */
#define LINE_WIDTH_DEFAULT 150
/*
 * Octets of a whole reply, every line with its codes and CRLF. Measured
 * (tests/integration/test_bounce.sh): Exim 4.96 keeps about 1000 bytes of
 * a reply in its bounce (the error text of an address, "SMTP error from
 * remote mail server after RCPT TO:<addr>: " included), Postfix's client
 * 2048 (line_length_limit); both drop the rest without a mark.
 */
#define REPLY_BYTES_DEFAULT 900
#define REPLY_BYTES_MIN 512
#define REPLY_BYTES_MAX 65536

struct rules_index; /* rules.h */

enum rule_mode { MODE_APPEND, MODE_REPLACE };
enum on_error { ON_ERROR_CONTINUE, ON_ERROR_TEMPFAIL };
/* VERBOSE: a log line per socketmap answer too */
enum log_level { LOG_LEVEL_NORMAL, LOG_LEVEL_VERBOSE };

/* lines for one language, or for all when lang is NULL */
struct lang_lines {
	char *lang;
	struct strlist lines;
};

struct rule {
	char *name;
	char *file;
	int line;
	int order;           /* position over all layers, for ties */
	/* what it matches */
	int code;            /* 550, or 0 */
	int code_class;      /* 5 for "5XX", or 0 */
	int has_enh;
	struct smtp_status enh; /* cls 0 matches both classes ("X.1.1") */
	char *pattern;
	regex_t re;
	int has_re;
	struct strlist commands; /* upper case; "*" for any unknown command */
	/* what it answers (command rules: the milter's own reply) */
	int has_reply;
	struct smtp_status reply; /* code and enhanced code */
	char *text;          /* first-line template of a milter reply */
	enum rule_mode mode;
	struct lang_lines *lines;  /* replaces the knowledge base lines */
	size_t nlines;
	struct lang_lines *append; /* added after them */
	size_t nappend;
	int specificity;
};

struct net_match {
	int family;          /* AF_INET, AF_INET6, or 0 for a name suffix */
	unsigned char addr[16];
	int prefix;
	char *suffix;        /* ".fr" or "example.fr" */
};

struct lang_rule {
	struct net_match *clients;
	size_t nclients;
	struct strlist recipients; /* domain suffixes */
	struct strlist languages;
	int line;
};

struct var {
	char *name;
	char *value;
};

/* two reply codes the help site compares ("235", "502") */
struct help_pair {
	char a[4], b[4];
};

/* where a top-level scalar setting got its value (the last file to set it) */
struct config_origin {
	const char *name; /* the settings table's name, "pid_file" */
	char *file;
	int line;
};

struct config {
	char *file;               /* the main file as given */
	char *kb_dir;
	struct kb *kb;
	struct provider_set *providers; /* shipped provider rules */
	struct strlist languages; /* reply languages, in order */
	char *milter_socket;      /* NULL: no milter */
	char *socketmap_socket;   /* NULL: no socketmap */
	char *dsn_socket;         /* NULL: no DSN door (bounces) */
	int dsn_max_size;         /* body bytes the DSN door reads */
	char *user;
	char *pid_file;
	char *help_url;           /* NULL: no link line */
	struct help_pair *compare; /* help site comparisons, codes in the base */
	size_t ncompare;
	struct var *vars;         /* helpdesk and the site's variables */
	size_t nvars;
	int line_width;           /* text bytes per wire line */
	int max_lines;            /* lines per reply, 2..32 */
	int max_reply_bytes;      /* octets per reply, codes and CRLFs included */
	enum on_error on_error;     /* stored as an int by the table */
	int milter_timeout;         /* seconds; read at start */
	int socketmap_max_clients;
	int socketmap_idle_timeout; /* seconds */
	char *metrics_socket;       /* NULL: no metrics page */
	int metrics_max_clients;
	int metrics_timeout;        /* seconds */
	int metrics_summary_interval; /* seconds; 0: no summary in the log */
	enum log_level log_level;   /* stored as an int by the table */
	struct lang_lines *footer;  /* lines after every guidance */
	size_t nfooter;
	struct rule **rules;
	size_t nrules;
	struct rules_index *rules_index; /* built, read and freed by rules.c */
	struct lang_rule *lang_rules;
	size_t nlang_rules;
	struct config_origin *origins; /* of the settings read from files */
	size_t norigins;
	int refs;                   /* owned by store.c */
};

/* config_load - see above; the caller frees the result with config_free */
struct config *config_load(const char *file, char *err, size_t errlen);
void config_free(struct config *cfg); /* config_free(NULL) is a no-op */

/* config_var - the value of a site variable, or NULL */
const char *config_var(const struct config *cfg, const char *name, size_t len);

/* config_var_known - template_known_fn over built-in and site variables */
int config_var_known(const char *name, size_t len, void *cfg);

/*
 * config_where - "FILE:LINE: name" for a setting read from a file, or
 * "MAINFILE: name" for a default, into buf; returns buf
 */
const char *config_where(const struct config *cfg, const char *name,
			 char *buf, size_t len);

/* config_default_file - the compiled-in default path */
const char *config_default_file(void);

#endif
