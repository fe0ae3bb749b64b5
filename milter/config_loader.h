/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_loader - private to the config*.c files: the loader's state and
 * the functions one part of the loader calls in another
 *
 * config.c reads the files and runs the passes; config_table.c applies
 * the rows of the settings table; config_rule.c parses rules;
 * config_lang.c language codes, per-language lines and language rules;
 * config_kb.c what needs the knowledge base. Every parser returns 0 (or 1
 * for "found") or -1 with "file:line: message" in ld->src.err.
 */
#ifndef MILTER_EXPLAIN_CONFIG_LOADER_H
#define MILTER_EXPLAIN_CONFIG_LOADER_H

#include "config.h"
#include "config_table.h"
#include "confutil.h"

#include <libconfig.h>

#define INCLUDE_MAX 64 /* files: the main one and what it includes */

/* loader state: the files, in layer order, and the snapshot being built */
struct config_loader {
	struct confutil_src src; /* the file of the layer being read */
	config_t files[INCLUDE_MAX];
	char *names[INCLUDE_MAX];
	size_t nfiles;
	struct config *cfg;
	int order;			 /* of the next rule */
	const config_setting_t *compare; /* help_compare of the last layer */
	const config_setting_t *langs_at; /* where languages was last set */
	const config_setting_t *lang_rules_at; /* language_rules, likewise */
};

/* config.c */
void config_set_var(struct config *cfg, const char *name, const char *value);
int config_value_ok(const char *v);
int config_parse_variables(struct config_loader *ld, const config_setting_t *s);
int config_parse_rules(struct config_loader *ld, const config_setting_t *s);

/* config_table.c: defaults, one pass over a layer, freeing the fields */
void config_table_defaults(struct config *cfg);
int config_table_apply(struct config_loader *ld, const config_setting_t *root,
		       enum config_pass pass);
void config_table_free(struct config *cfg);

/* config_rule.c: *out is the new rule (owned by the caller) or NULL */
int config_rule_parse(struct config_loader *ld, const config_setting_t *g,
		      struct rule **out);
void rule_free(struct rule *r); /* rule_free(NULL) is a no-op */

/* config_lang.c */
int config_lang_ok(const char *s);
int config_check_line(struct config_loader *ld, const config_setting_t *s,
		      const char *v);
int config_lines_get(struct config_loader *ld, const config_setting_t *s,
		     const char *name, struct lang_lines **out, size_t *nout);
void config_lines_free(struct lang_lines *v, size_t n);
int config_parse_footer(struct config_loader *ld, const config_setting_t *s);
int config_parse_lang_rules(struct config_loader *ld,
			    const config_setting_t *s);
void config_lang_rules_free(struct config *cfg);

/* config_kb.c */
int config_parse_guidance(struct config_loader *ld, const config_setting_t *s);
int config_parse_compare(struct config_loader *ld, const config_setting_t *s);
int config_kb_check(struct config_loader *ld);

#endif
