/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * template - "${name}" templates of guidance lines
 *
 * Exports: template_check, template_uses, template_render. Rendering
 * assumes a template that template_check accepted; a malformed one still
 * renders safely (the bad '$' is copied as text).
 */
#include "template.h"

#include <stdio.h>
#include <string.h>

#define IS_NAME(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) == '_')

/* var_at - at "${", the length of the name and of the whole "${name}" */
static int var_at(const char *p, size_t *namelen, size_t *total)
{
	size_t n = 0;

	if (p[0] != '$' || p[1] != '{')
		return -1;
	while (IS_NAME(p[2 + n]))
		n++;
	if (n == 0 || p[2 + n] != '}')
		return -1;
	*namelen = n;
	*total = n + 3;
	return 0;
}

/* template_check - see template.h */
int template_check(const char *tpl, template_known_fn known, void *ctx,
		   char *err, size_t errlen)
{
	size_t n, total;

	for (const char *p = tpl; *p; p++) {
		if (*p != '$')
			continue;
		if (p[1] == '$') {
			p++;
			continue;
		}
		if (var_at(p, &n, &total) < 0) {
			snprintf(err, errlen,
				 "bad '$' in \"%.40s\": write ${name} for a "
				 "variable or $$ for a dollar sign",
				 p);
			return -1;
		}
		if (known && !known(p + 2, n, ctx)) {
			snprintf(err, errlen, "unknown template variable ${%.*s}",
				 (int)n, p + 2);
			return -1;
		}
		p += total - 1;
	}
	return 0;
}

/* template_uses - any "${" in tpl that is not "$${" */
int template_uses(const char *tpl)
{
	size_t n, total;

	for (const char *p = tpl; *p; p++) {
		if (p[0] == '$' && p[1] == '$')
			p++;
		else if (var_at(p, &n, &total) == 0)
			return 1;
	}
	return 0;
}

/* template_render - see template.h */
void template_render(struct buf *out, const char *tpl, template_lookup_fn fn,
		     void *ctx)
{
	const char *p = tpl, *v;
	size_t n, total;

	while (*p) {
		const char *d = strchr(p, '$');

		if (d == NULL) {
			buf_adds(out, p);
			return;
		}
		buf_addn(out, p, (size_t)(d - p));
		if (d[1] == '$') {
			buf_addc(out, '$');
			p = d + 2;
		} else if (var_at(d, &n, &total) == 0) {
			v = fn ? fn(d + 2, n, ctx) : NULL;
			buf_adds(out, v ? v : "unknown");
			p = d + total;
		} else {
			buf_addc(out, '$');
			p = d + 1;
		}
	}
}
