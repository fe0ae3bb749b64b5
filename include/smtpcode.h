/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtpcode - reply codes and enhanced status codes
 *
 * Exports: struct smtp_status and the parsers for "550 5.1.1 text" reply
 * lines and bare codes ("550", "5.1.1"); struct smtp_key, the one parser
 * and formatter of the knowledge-base key forms ("550", "5.1.1", "X.1.1",
 * "5XX", "5.X.X"). Fails: parsers return -1 on malformed input and leave
 * no partial result.
 */
#ifndef MILTER_EXPLAIN_SMTPCODE_H
#define MILTER_EXPLAIN_SMTPCODE_H

#include <stddef.h>

struct smtp_status {
	int code;    /* 200..559, or 0 when absent */
	int cls;     /* enhanced class 2, 4 or 5, or 0 when absent */
	int subject; /* 0..999 */
	int detail;  /* 0..999 */
};

/* smtpcode_valid - RFC 5321 reply code: [2-5][0-5][0-9] */
int smtpcode_valid(int code);

/*
 * smtpcode_parse_reply - parse the start of a reply line
 * "550 5.1.1 text", "550-text", "550": fills st and *text (the text after
 * the codes, never NULL). Returns 0, or -1 when there is no valid code.
 */
int smtpcode_parse_reply(const char *s, size_t len, struct smtp_status *st,
			 size_t *text);

/* smtpcode_parse_enhanced - "5.1.1" (class 2, 4, 5) or "X.1.1" (cls 0) */
int smtpcode_parse_enhanced(const char *s, size_t len, struct smtp_status *st);

/* smtpcode_parse_basic - exactly three digits forming a valid code */
int smtpcode_parse_basic(const char *s, size_t len, int *code);

/* smtpcode_enhanced_str - "5.1.1" into out (at least 12 bytes) */
void smtpcode_enhanced_str(const struct smtp_status *st, char *out,
			   size_t outlen);

/* the forms of a knowledge-base key, in the order the help site lists them */
enum smtp_key_kind {
	SMTP_KEY_BASIC,	   /* "550" */
	SMTP_KEY_ENHANCED, /* "5.1.1", or "X.1.1" (class 0) */
	SMTP_KEY_CLASS	   /* "5XX", or "5.X.X" (enh set) */
};

struct smtp_key {
	enum smtp_key_kind kind;
	int cls;	       /* class digit 2..5; 0 for "X.1.1" */
	int enh;	       /* an enhanced form: "5.1.1", "X.1.1", "5.X.X" */
	int code;	       /* SMTP_KEY_BASIC: the reply code */
	struct smtp_status st; /* SMTP_KEY_ENHANCED: cls, subject, detail */
};

/*
 * smtpcode_parse_key - the whole of s as a knowledge-base key: a valid
 * reply code, an enhanced code (class 2, 4, 5 or X), "2XX".."5XX" or
 * "2.X.X", "4.X.X", "5.X.X". Returns 0, or -1 with k untouched.
 */
int smtpcode_parse_key(const char *s, size_t len, struct smtp_key *k);

/* smtpcode_format_key - the text of k into out (at least 16 bytes) */
void smtpcode_format_key(const struct smtp_key *k, char *out, size_t outlen);

#endif
