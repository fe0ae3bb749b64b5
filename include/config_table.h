/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * config_table - the top-level settings of the config file, declared once
 *
 * Exports: struct config_def and the read-only table config_settings[]
 * (config_nsettings rows): name, type, default, bounds and the field of
 * struct config each setting fills. The loader, its defaults and its
 * unknown-setting check all read this table, so a new scalar setting is
 * one row here plus its documentation; a test can walk the table to check
 * that the documentation names every setting.
 */
#ifndef MILTER_EXPLAIN_CONFIG_TABLE_H
#define MILTER_EXPLAIN_CONFIG_TABLE_H

#include <stddef.h>

struct config_loader;	 /* the loader's state, private to config*.c */
struct config_setting_t; /* libconfig's, kept out of this header */

enum config_type {
	CFG_STRING, /* printable text */
	CFG_PATH,   /* text; relative to the directory of the file setting it */
	CFG_URL,    /* printable text, no space, no '$', at most max bytes */
	CFG_SOCKET, /* a libmilter socket specification, or "" for none */
	CFG_INT,    /* a whole number in [min, max] */
	CFG_BOOL,   /* true or false */
	CFG_WORD,   /* one of the words of choices, stored as its index */
	CFG_LANGS,  /* a non-empty list of language codes */
	CFG_VAR,    /* text, a template variable of the same name */
	CFG_GROUP,  /* a { group } of the rows named "NAME.member" */
	CFG_SPECIAL, /* structured: read by the row's own parser */
};

/* when the loader reads a setting: all layers go through each pass in turn */
enum config_pass {
	CFG_PASS_FILES,	   /* while the files are read (include) */
	CFG_PASS_VARS,	   /* variables: templates can then be checked */
	CFG_PASS_SETTINGS, /* everything else but... */
	CFG_PASS_KB,	   /* ...what needs the knowledge base loaded */
};

#define CFG_NO_FIELD ((size_t)-1)

/* the parser of a CFG_SPECIAL row: s is the setting, present */
typedef int (*config_parse_fn)(struct config_loader *ld,
			       const struct config_setting_t *s);

struct config_def {
	const char *name; /* "line_width"; "socketmap.max_clients" */
	enum config_type type;
	enum config_pass pass;
	const char *def; /* the default as the file would spell it, or
			  * NULL when there is none (or it is structured) */
	int min, max;	 /* CFG_INT bounds; CFG_URL: max is the length */
	size_t offset;	 /* of its field in struct config, or CFG_NO_FIELD */
	const char *choices;   /* CFG_WORD: "continue|tempfail" */
	config_parse_fn parse; /* CFG_SPECIAL */
};

extern const struct config_def config_settings[];
extern const size_t config_nsettings;

#endif
