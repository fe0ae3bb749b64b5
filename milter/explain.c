/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * explain - the full guidance for people: `milter-explain -x`
 *
 * Exports: explain_arg, explain_stream, explain_scan. Prints, for each
 * language, the provider rule that matches the reply (with its source and
 * the page it was checked against), else the most specific knowledge-base
 * entry and the entry of the basic code, each with Description / When you
 * see it / How to fix, and the lines the daemon would add on the wire.
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

/* explain_scan - see explain.h */
size_t explain_scan(const char *s, size_t len, struct smtp_status *out,
		    size_t max)
{
	size_t n = 0, i = 0, lead = 0;

	while (lead < len && (s[lead] == ' ' || s[lead] == '\t' || s[lead] == '>'))
		lead++;
	while (i < len && n < max) {
		struct smtp_status st = {0};
		size_t end;
		int code;

		if (!token_start(s, i) && i != lead) {
			i++;
			continue;
		}
		if (i + 3 <= len && smtpcode_parse_basic(s + i, 3, &code) == 0 &&
		    code >= 400 && (i + 3 == len || s[i + 3] == ' ' || s[i + 3] == '-')) {
			size_t j = i + 4;

			st.code = code;
			if (j < len && enhanced_token(s, len, j, &st, &end) == 0 &&
			    st.cls == code / 100) {
				out[n++] = st;
				i = end;
				continue;
			}
			st.cls = st.subject = st.detail = 0;
			if (i == lead) {
				out[n++] = st;
				i += 3;
				continue;
			}
		}
		if (enhanced_token(s, len, i, &st, &end) == 0 && st.cls != 2) {
			st.code = 0;
			out[n++] = st;
			i = end;
			continue;
		}
		i++;
	}
	return n;
}

/* explain_stream - see explain.h */
int explain_stream(FILE *out, FILE *in, const struct config *cfg,
		   const struct strlist *langs, int width)
{
	struct smtp_status seen[64], found[8];
	size_t nseen = 0;
	char line[4096];
	int count = 0;

	while (fgets(line, sizeof(line), in) != NULL) {
		size_t len = strcspn(line, "\r\n");
		size_t n = explain_scan(line, len, found, 8);

		for (size_t k = 0; k < n; k++) {
			size_t j;

			for (j = 0; j < nseen; j++)
				if (memcmp(&seen[j], &found[k], sizeof(found[k])) == 0)
					break;
			if (j < nseen)
				continue;
			if (nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = found[k];
			fprintf(out, "%.*s\n\n", (int)(len > 200 ? 200 : len), line);
			explain_status(out, cfg, &found[k], "", 0, langs, width);
			count++;
		}
	}
	return count;
}
