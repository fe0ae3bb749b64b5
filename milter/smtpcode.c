/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtpcode - reply codes and enhanced status codes
 *
 * Exports: smtpcode_valid, smtpcode_parse_reply, smtpcode_parse_enhanced,
 * smtpcode_parse_basic, smtpcode_enhanced_str, smtpcode_parse_key,
 * smtpcode_format_key. Pure functions, no state.
 */
#include "smtpcode.h"

#include <stdio.h>
#include <string.h>

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* smtpcode_valid - RFC 5321 reply-code grammar, classes 2 to 5 */
int smtpcode_valid(int code)
{
	return code >= 200 && code <= 559 && (code / 10) % 10 <= 5;
}

/* parse_num - 1 to 3 digits at s[*i], no leading junk; -1 if none */
static int parse_num(const char *s, size_t len, size_t *i)
{
	int v = 0;
	size_t start = *i;

	while (*i < len && IS_DIGIT(s[*i]) && *i - start < 3)
		v = v * 10 + (s[(*i)++] - '0');
	if (*i == start || (*i < len && IS_DIGIT(s[*i])))
		return -1;
	return v;
}

/* enhanced_at - parse "c.s.d" at s[*i]; cls 0 for an 'X' class */
static int enhanced_at(const char *s, size_t len, size_t *i,
		       struct smtp_status *st)
{
	size_t j = *i;
	int cls, sub, det;

	if (j >= len)
		return -1;
	if (s[j] == 'X' || s[j] == 'x')
		cls = 0;
	else if (s[j] == '2' || s[j] == '4' || s[j] == '5')
		cls = s[j] - '0';
	else
		return -1;
	j++;
	if (j >= len || s[j++] != '.')
		return -1;
	if ((sub = parse_num(s, len, &j)) < 0)
		return -1;
	if (j >= len || s[j++] != '.')
		return -1;
	if ((det = parse_num(s, len, &j)) < 0)
		return -1;
	st->cls = cls;
	st->subject = sub;
	st->detail = det;
	*i = j;
	return 0;
}

/* smtpcode_parse_enhanced - the whole of s must be one enhanced code */
int smtpcode_parse_enhanced(const char *s, size_t len, struct smtp_status *st)
{
	size_t i = 0;
	struct smtp_status tmp = {0};

	if (enhanced_at(s, len, &i, &tmp) < 0 || i != len)
		return -1;
	st->cls = tmp.cls;
	st->subject = tmp.subject;
	st->detail = tmp.detail;
	return 0;
}

/* smtpcode_parse_basic - the whole of s must be a valid reply code */
int smtpcode_parse_basic(const char *s, size_t len, int *code)
{
	int v;

	if (len != 3 || !IS_DIGIT(s[0]) || !IS_DIGIT(s[1]) || !IS_DIGIT(s[2]))
		return -1;
	v = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	if (!smtpcode_valid(v))
		return -1;
	*code = v;
	return 0;
}

/* smtpcode_parse_reply - code, optional enhanced code, then the text */
int smtpcode_parse_reply(const char *s, size_t len, struct smtp_status *st,
			 size_t *text)
{
	struct smtp_status tmp = {0};
	size_t i = 3;

	if (len < 3 || smtpcode_parse_basic(s, 3, &tmp.code) < 0)
		return -1;
	if (i < len && s[i] != ' ' && s[i] != '-')
		return -1;
	if (i < len)
		i++;
	if (i < len && s[i] != 'X' && s[i] != 'x') {
		size_t j = i;
		struct smtp_status e = {0};

		if (enhanced_at(s, len, &j, &e) == 0 && (j == len || s[j] == ' ')) {
			tmp.cls = e.cls;
			tmp.subject = e.subject;
			tmp.detail = e.detail;
			i = j < len ? j + 1 : j;
		}
	}
	*st = tmp;
	*text = i;
	return 0;
}

/* smtpcode_enhanced_str - format the enhanced code, "X" for class 0 */
void smtpcode_enhanced_str(const struct smtp_status *st, char *out,
			   size_t outlen)
{
	if (st->cls)
		snprintf(out, outlen, "%d.%d.%d", st->cls, st->subject,
			 st->detail);
	else
		snprintf(out, outlen, "X.%d.%d", st->subject, st->detail);
}

/* smtpcode_parse_key - see smtpcode.h */
int smtpcode_parse_key(const char *s, size_t len, struct smtp_key *k)
{
	struct smtp_key tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (len == 3 && s[0] >= '2' && s[0] <= '5' && memcmp(s + 1, "XX", 2) == 0) {
		tmp.kind = SMTP_KEY_CLASS;
		tmp.cls = s[0] - '0';
	} else if (len == 5 && (s[0] == '2' || s[0] == '4' || s[0] == '5') &&
		   memcmp(s + 1, ".X.X", 4) == 0) {
		tmp.kind = SMTP_KEY_CLASS;
		tmp.cls = s[0] - '0';
		tmp.enh = 1;
	} else if (smtpcode_parse_basic(s, len, &tmp.code) == 0) {
		tmp.kind = SMTP_KEY_BASIC;
		tmp.cls = tmp.code / 100;
	} else if (smtpcode_parse_enhanced(s, len, &tmp.st) == 0) {
		tmp.kind = SMTP_KEY_ENHANCED;
		tmp.cls = tmp.st.cls;
		tmp.enh = 1;
	} else {
		return -1;
	}
	*k = tmp;
	return 0;
}

/* smtpcode_format_key - see smtpcode.h */
void smtpcode_format_key(const struct smtp_key *k, char *out, size_t outlen)
{
	switch (k->kind) {
	case SMTP_KEY_BASIC:
		snprintf(out, outlen, "%d", k->code);
		break;
	case SMTP_KEY_ENHANCED:
		smtpcode_enhanced_str(&k->st, out, outlen);
		break;
	case SMTP_KEY_CLASS:
		snprintf(out, outlen, k->enh ? "%d.X.X" : "%dXX", k->cls);
		break;
	}
}
