/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replykey - a socketmap key: the reply text Postfix looks up, parsed
 *
 * Exports: replykey_parse. The domain of the first <local@domain> of
 * the first line is taken only when it is made of DNS name bytes, so a
 * language rule never sees anything else. An enhanced code of another
 * class than the reply code ("550 4.1.1") takes the reply's class, as
 * Postfix corrects it on its own replies. Never allocates.
 */
#include "replykey.h"

#include <string.h>

/* line_text - the text of one reply line after "550-5.1.1 ", or it all */
static struct replykey_line line_text(const char *s, size_t len)
{
	struct smtp_status st;
	struct replykey_line l = {s, len};
	size_t off;

	if (smtpcode_parse_reply(s, len, &st, &off) == 0) {
		l.text = s + off;
		l.len = len - off;
	}
	return l;
}

/* domain_char - a byte of a DNS domain name */
static int domain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* find_domain - the domain of the first <local@domain> of text into out */
static void find_domain(const char *text, size_t len, char *out)
{
	const char *p = text, *end = text + len;

	out[0] = '\0';
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *gt = memchr(p, '>', (size_t)(end - p)), *at = NULL;
		size_t n;

		if (gt == NULL)
			return;
		for (const char *q = p + 1; q < gt; q++)
			if (*q == '@')
				at = q;
		if (at && at > p + 1 && (n = (size_t)(gt - at - 1)) > 0 &&
		    n <= REPLYKEY_DOMAIN_MAX) {
			size_t i;

			for (i = 0; i < n && domain_char(at[1 + i]); i++)
				;
			if (i == n) {
				memcpy(out, at + 1, n);
				out[n] = '\0';
				return;
			}
		}
		p = gt + 1;
	}
}

/* replykey_parse - see replykey.h */
int replykey_parse(const char *key, size_t len, struct replykey *r)
{
	const char *p = key, *end = key + len;
	size_t off;

	memset(r, 0, sizeof(*r));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (r->n == REPLY_LINES_MAX)
			return -1; /* no room for anything anyway */
		if (r->n == 0) {
			if (smtpcode_parse_reply(p, n, &r->st, &off) < 0 ||
			    r->st.code < 400 || r->st.code > 599)
				return -1;
			/* "550 4.1.1": the class follows the reply code */
			if (r->st.cls && r->st.cls != r->st.code / 100)
				r->st.cls = r->st.code / 100;
			r->lines[0].text = p + off;
			r->lines[0].len = n - off;
			r->n = 1;
		} else {
			r->lines[r->n++] = line_text(p, n);
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (r->n == 0)
		return -1;
	find_domain(r->lines[0].text, r->lines[0].len, r->domain);
	return 0;
}
