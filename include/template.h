/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * template - "${name}" templates of guidance lines
 *
 * Syntax: "${name}" inserts a variable (name: a-z, 0-9, '_'), "$$" is one
 * '$'; any other '$' is an error. Exports template_check (validation at
 * config load, names the offending variable) and template_render.
 */
#ifndef MILTER_EXPLAIN_TEMPLATE_H
#define MILTER_EXPLAIN_TEMPLATE_H

#include "buf.h"

#include <stddef.h>

/* is_known callback: non-zero when name (len bytes) is a defined variable */
typedef int (*template_known_fn)(const char *name, size_t len, void *ctx);

/*
 * template_lookup_fn - the value of a variable, or NULL when it has none in
 * this context (rendered as "unknown"). Values are inserted as they are:
 * the caller sanitises untrusted values before it hands them out.
 */
typedef const char *(*template_lookup_fn)(const char *name, size_t len,
					  void *ctx);

/* template_check - 0 if tpl is valid, else -1 and the reason in err */
int template_check(const char *tpl, template_known_fn known, void *ctx,
		   char *err, size_t errlen);

/* template_uses - non-zero when tpl refers to any variable */
int template_uses(const char *tpl);

/* template_render - append the expansion of a valid tpl to out */
void template_render(struct buf *out, const char *tpl, template_lookup_fn fn,
		     void *ctx);

#endif
