/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * explain - the full guidance for people: `milter-explain -x`
 *
 * Exports: explain_arg, explain_stream, explain_scan, explain_text.
 * Prints, for each
 * language, the provider rule that matches the reply (with its source and
 * the page it was checked against), else the most specific knowledge-base
 * entry and the entry of the basic code, each with Description / When you
 * see it / How to fix, and the lines the daemon would add on the wire.
 * In a pasted bounce, a code's reply text (what the provider patterns and
 * the site's rules see) is the rest of its line and the lines folded
 * under it, or the further lines of a reply of several lines, as the one
 * line of `-x REPLY` would give it.
 */
#include "explain.h"
#include "guidance.h"
#include "provider.h"
#include "sanitize.h"

#include <ctype.h>
#include <string.h>

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* wrap - print text wrapped to width with an indent */
static void wrap(FILE *out, const char *text, int indent, int width)
{
	struct strlist lines;
	size_t w = width > indent + 20 ? (size_t)(width - indent) : 20;

	strlist_init(&lines);
	sanitize_fold(&lines, text, w);
	for (size_t i = 0; i < lines.n; i++)
		fprintf(out, "%*s%s\n", indent, "", lines.v[i]);
	strlist_release(&lines);
}

/* print_entry - one entry in full */
static void print_entry(FILE *out, const struct kb_lang *l,
			const struct kb_entry *e, int width)
{
	fprintf(out, "%s  %s\n\n", e->key, e->title);
	fprintf(out, "%s\n", l->head.description);
	wrap(out, e->description, 2, width);
	fprintf(out, "\n%s\n", l->head.when);
	wrap(out, e->when, 2, width);
	fprintf(out, "\n%s\n", l->head.fix);
	if (e->admin) {
		fprintf(out, "  %s\n", l->head.sender);
		wrap(out, e->fix, 4, width);
		fprintf(out, "  %s\n", l->head.admin);
		wrap(out, e->admin, 4, width);
	} else {
		wrap(out, e->fix, 2, width);
	}
	fputc('\n', out);
}

/* explain_status - everything about one status, in each language */
static void explain_status(FILE *out, const struct config *cfg,
			   const struct smtp_status *st, const char *text,
			   size_t textlen, const struct strlist *langs, int width)
{
	char enh[16] = "";
	const struct provider_rule *pr;

	if (st->cls)
		smtpcode_enhanced_str(st, enh, sizeof(enh));
	if (st->code)
		fprintf(out, "==> %d%s%s\n\n", st->code, enh[0] ? " " : "", enh);
	else
		fprintf(out, "==> %s\n\n", enh);
	pr = provider_match(cfg->providers, st, text, textlen);
	for (size_t i = 0; i < langs->n; i++) {
		const struct kb_lang *l = kb_lang_get(cfg->kb, langs->v[i]);
		const struct kb_entry *e, *basic = NULL;
		int class_only;
		struct smtp_status only_code = {st->code, 0, 0, 0};

		if (l == NULL)
			continue;
		if ((e = provider_text(pr, langs->v[i])) != NULL) {
			/* the provider's meaning, not the registry's */
			print_entry(out, l, e, width);
			fprintf(out, "%s, %s %s\n\n",
				provider_name(pr->source, langs->v[i]),
				l->head.checked_against ? l->head.checked_against
							: "rule checked against:",
				pr->cite);
			continue;
		}
		e = kb_find(l, st, &class_only);
		if (class_only) {
			wrap(out, l->head.class_fallback, 0, width);
			fputc('\n', out);
		}
		if (e)
			print_entry(out, l, e, width);
		if (st->code && st->cls) {
			int c2;

			basic = kb_find(l, &only_code, &c2);
			if (basic && basic != e && !c2)
				print_entry(out, l, basic, width);
		}
	}
	if (st->code >= 400) {
		struct guidance_req req;
		struct strlist lines;

		memset(&req, 0, sizeof(req));
		req.st = *st;
		req.text = text;
		req.textlen = textlen;
		req.langs = langs;
		req.target = TARGET_PLAIN;
		req.max_lines = cfg->max_lines - 1;
		strlist_init(&lines);
		guidance_build(cfg, &req, &lines);
		if (lines.n) {
			const struct kb_lang *l =
			    langs->n ? kb_lang_get(cfg->kb, langs->v[0]) : NULL;

			fprintf(out, "%s\n",
				l && l->head.on_the_wire
				    ? l->head.on_the_wire
				    : "On the wire (added to the server's reply):");
			for (size_t k = 0; k < lines.n; k++)
				fprintf(out, "  %d%c%s%s%s\n", st->code,
					k + 1 < lines.n ? '-' : ' ', enh, enh[0] ? " " : "",
					lines.v[k]);
			fputc('\n', out);
		}
		strlist_release(&lines);
	}
}

/* explain_arg - see explain.h */
int explain_arg(FILE *out, const struct config *cfg, const char *arg,
		const struct strlist *langs, int width, char *err, size_t errlen)
{
	struct smtp_status st = {0};
	size_t len = strlen(arg), text = 0;

	while (len && (arg[len - 1] == '\n' || arg[len - 1] == '\r'))
		len--;
	if (smtpcode_parse_enhanced(arg, len, &st) == 0 && st.cls) {
		/* a bare enhanced code */
	} else if (smtpcode_parse_reply(arg, len, &st, &text) < 0) {
		snprintf(err, errlen, "\"%.60s\" is not a reply line or a status "
			 "code (examples: 550, 5.1.1, \"550 5.1.1 User unknown\")",
			 arg);
		return -1;
	} else if (st.cls && st.cls != st.code / 100) {
		snprintf(err, errlen, "\"%.60s\": enhanced code %d.x.x does not fit "
			 "reply code %d", arg, st.cls, st.code);
		return -1;
	}
	fprintf(out, "%.*s\n\n", (int)(len > 200 ? 200 : len), arg);
	explain_status(out, cfg, &st, arg + text, len - text, langs, width);
	return 0;
}

/* token_start - may a code start at s[i] (start, space or punctuation) */
static int token_start(const char *s, size_t i)
{
	return i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '(' ||
	       s[i - 1] == ':' || s[i - 1] == '>' || s[i - 1] == '"' ||
	       s[i - 1] == '<' || s[i - 1] == '[' || s[i - 1] == '=';
}

/* enhanced_token - an enhanced code at s[i] ending at a boundary */
static int enhanced_token(const char *s, size_t len, size_t i,
			  struct smtp_status *st, size_t *end)
{
	size_t j = i;

	if (j >= len || (s[j] != '2' && s[j] != '4' && s[j] != '5'))
		return -1;
	j++;
	for (int part = 0; part < 2; part++) {
		size_t d = 0;

		if (j >= len || s[j] != '.')
			return -1;
		j++;
		for (; j < len && IS_DIGIT(s[j]) && d < 4; j++)
			d++;
		if (d == 0 || d > 3)
			return -1;
	}
	if (j < len && (isalnum((unsigned char)s[j]) ||
			(s[j] == '.' && j + 1 < len && IS_DIGIT(s[j + 1]))))
		return -1;
	if (smtpcode_parse_enhanced(s + i, j - i, st) < 0)
		return -1;
	*end = j;
	return 0;
}

/*
 * code_at - the status code that starts at s[i], if any (lead: where the
 * line's text starts, the one place a bare reply code counts); its end
 * in *end
 */
static int code_at(const char *s, size_t len, size_t i, size_t lead,
		   struct smtp_status *st, size_t *end)
{
	int code;

	memset(st, 0, sizeof(*st));
	if (!token_start(s, i) && i != lead)
		return -1;
	if (i + 3 <= len && smtpcode_parse_basic(s + i, 3, &code) == 0 &&
	    code >= 400 && (i + 3 == len || s[i + 3] == ' ' || s[i + 3] == '-')) {
		st->code = code;
		if (i + 4 < len && enhanced_token(s, len, i + 4, st, end) == 0 &&
		    st->cls == code / 100)
			return 0;
		st->cls = st->subject = st->detail = 0;
		*end = i + 3;
		if (i == lead)
			return 0;
	}
	if (enhanced_token(s, len, i, st, end) == 0 && st->cls != 2) {
		st->code = 0;
		return 0;
	}
	return -1;
}

/*
 * scan_line - explain_scan, with the offset just past each code found in
 * ends[] when ends is not NULL
 */
static size_t scan_line(const char *s, size_t len, struct smtp_status *out,
			size_t *ends, size_t max)
{
	size_t n = 0, i = 0, lead = 0, end;

	while (lead < len && (s[lead] == ' ' || s[lead] == '\t' || s[lead] == '>'))
		lead++;
	while (i < len && n < max) {
		if (code_at(s, len, i, lead, &out[n], &end) < 0) {
			i++;
			continue;
		}
		if (ends)
			ends[n] = end;
		n++;
		i = end;
	}
	return n;
}

/* explain_scan - see explain.h */
size_t explain_scan(const char *s, size_t len, struct smtp_status *out,
		    size_t max)
{
	return scan_line(s, len, out, NULL, max);
}

/* quote_prefix - the "> > " a mail client put before a line: length, depth */
static size_t quote_prefix(const char *s, size_t len, int *depth)
{
	size_t i = 0, end = 0;

	*depth = 0;
	while (i < len && (s[i] == '>' || s[i] == ' ')) {
		if (s[i++] == '>') {
			(*depth)++;
			end = i < len && s[i] == ' ' ? i + 1 : i;
		}
	}
	return end;
}

/* text_add - append n bytes to the text, one space between pieces */
static void text_add(struct buf *t, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > EXPLAIN_TEXT_MAX)
		n = EXPLAIN_TEXT_MAX;
	if (n == 0)
		return;
	if (t->len)
		buf_addc(t, ' ');
	buf_addn(t, s, n);
}

/*
 * own_codes - the length of the reply's own codes at t[i] ("550-5.7.26 ",
 * as Postfix leaves them between the lines of a multi-line reply it
 * joined), else 0
 */
static size_t own_codes(const char *t, size_t len, size_t i,
			const struct smtp_status *st)
{
	struct smtp_status x;
	size_t text;

	if (st->code == 0 || (i > 0 && t[i - 1] != ' ') || i + 4 > len ||
	    smtpcode_parse_reply(t + i, len - i, &x, &text) < 0 ||
	    memcmp(&x, st, sizeof(x)) != 0)
		return 0;
	if (t[i + 3] == ' ' && st->cls == 0)
		return 0; /* "550 and more": prose, not a code */
	return text;
}

/* text_tidy - drop the reply's own codes within, and Postfix's suffix */
static void text_tidy(struct buf *t, const struct smtp_status *st)
{
	static const char tail[] = " command)";
	size_t o = 0, skip;
	char *p;

	for (size_t i = 0; i < t->len; i++) {
		if ((skip = own_codes(t->s, t->len, i, st)) > 0) {
			i += skip - 1;
			continue;
		}
		t->s[o++] = t->s[i];
	}
	buf_truncate(t, o);
	p = strrchr(t->s, '(');
	if (p && strncmp(p, "(in reply to ", 13) == 0 &&
	    t->len >= sizeof(tail) - 1 &&
	    strcmp(t->s + t->len - (sizeof(tail) - 1), tail) == 0) {
		while (p > t->s && p[-1] == ' ')
			p--;
		buf_truncate(t, (size_t)(p - t->s));
	}
}

/* line_end - where the line at s[at] ends: its first CR or LF, or len */
static size_t line_end(const char *s, size_t len, size_t at)
{
	while (at < len && s[at] != '\n' && s[at] != '\r')
		at++;
	return at;
}

/* line_next - where the line after the one at s[at] starts, or len */
static size_t line_next(const char *s, size_t len, size_t at)
{
	const char *nl = memchr(s + at, '\n', len - at);

	return nl ? (size_t)(nl - s) + 1 : len;
}

/* skip_blank - the first byte at or after i that is not a space or tab */
static size_t skip_blank(const char *s, size_t i, size_t end)
{
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/*
 * starts_reply - does the line's text at s[b] start with the codes of st
 * and a '-': the first line of a reply of several lines
 */
static int starts_reply(const char *s, size_t b, size_t end,
			const struct smtp_status *st)
{
	struct smtp_status x;
	size_t text;

	return st->code && b + 3 < end && s[b + 3] == '-' &&
	       smtpcode_parse_reply(s + b, end - b, &x, &text) == 0 &&
	       memcmp(&x, st, sizeof(x)) == 0;
}

/* explain_text - see explain.h */
void explain_text(const char *s, size_t len, size_t line, size_t pos,
		  const struct smtp_status *st, struct buf *t)
{
	size_t at = line, end = line_end(s, len, pos), b, text;
	int depth, d, multi;
	struct smtp_status x;

	buf_reset(t);
	b = skip_blank(s, line + quote_prefix(s + line, end - line, &depth), end);
	multi = starts_reply(s, b, end, st);
	text_add(t, s + pos, end - pos);
	while (t->len < EXPLAIN_TEXT_MAX &&
	       (at = line_next(s, len, at)) < len) {
		size_t q;

		end = line_end(s, len, at);
		q = at + quote_prefix(s + at, end - at, &d);
		b = skip_blank(s, q, end);
		if (d != depth || b == end)
			break; /* a blank line ends a reply, so does another quote */
		if (!multi) {
			if (b == q)
				break; /* not folded: something else */
			text_add(t, s + b, end - b);
			continue;
		}
		if (smtpcode_parse_reply(s + b, end - b, &x, &text) < 0 ||
		    x.code != st->code)
			break;
		text_add(t, s + b + text, end - b - text);
		if (b + 3 == end || s[b + 3] == ' ')
			break; /* the last line of the reply */
	}
	text_tidy(t, st);
}

/* explain_stream - see explain.h */
int explain_stream(FILE *out, FILE *in, const struct config *cfg,
		   const struct strlist *langs, int width)
{
	struct smtp_status seen[64], found[8];
	size_t nseen = 0, ends[8], got;
	struct buf all, text;
	char chunk[4096];
	int count = 0;

	buf_init(&all);
	buf_init(&text);
	while (all.len < EXPLAIN_INPUT_MAX &&
	       (got = fread(chunk, 1, sizeof(chunk), in)) > 0)
		buf_addn(&all, chunk, got);
	for (size_t at = 0; at < all.len; at = line_next(all.s, all.len, at)) {
		const char *line = all.s + at;
		size_t len = line_end(all.s, all.len, at) - at;
		size_t n = scan_line(line, len, found, ends, 8);

		for (size_t k = 0; k < n; k++) {
			size_t j;

			for (j = 0; j < nseen; j++)
				if (memcmp(&seen[j], &found[k], sizeof(found[k])) == 0)
					break;
			if (j < nseen)
				continue;
			if (nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = found[k];
			explain_text(all.s, all.len, at, at + ends[k], &found[k],
				     &text);
			fprintf(out, "%.*s\n\n", (int)(len > 200 ? 200 : len), line);
			explain_status(out, cfg, &found[k], text.s, text.len, langs,
				       width);
			count++;
		}
	}
	buf_release(&text);
	buf_release(&all);
	return count;
}
