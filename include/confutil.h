/*
 * confutil - small helpers over libconfig shared by the config and
 * knowledge-base loaders
 *
 * Exports: confutil_unknown_member.
 */
#ifndef MILTER_EXPLAIN_CONFUTIL_H
#define MILTER_EXPLAIN_CONFUTIL_H

#include <libconfig.h>

/*
 * confutil_unknown_member - the first member of group g whose name is not
 * in the NULL-terminated list names (a nameless member counts as
 * unknown), or NULL when every member is known
 */
config_setting_t *confutil_unknown_member(const config_setting_t *g,
					  const char *const *names);

#endif
