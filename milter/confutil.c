/*
 * confutil - small helpers over libconfig shared by the config and
 * knowledge-base loaders (see confutil.h)
 */
#include "confutil.h"

#include <string.h>

/* confutil_unknown_member - see confutil.h */
config_setting_t *confutil_unknown_member(const config_setting_t *g,
					  const char *const *names)
{
	int n = config_setting_length(g);

	for (int i = 0; i < n; i++) {
		config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		size_t k;

		for (k = 0; names[k] && strcmp(names[k], name ? name : ""); k++)
			;
		if (names[k] == NULL)
			return m;
	}
	return NULL;
}
