/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * settings_dump - print the config loader's settings table for the man
 * page test: one line per row, "name<TAB>type<TAB>default<TAB>min<TAB>max"
 * (type "int" for whole numbers, "-" otherwise; default "-" when none).
 * Exports: main. Fails: never; it only reads config_settings[].
 */
#include "config_table.h"

#include <stdio.h>

/* main - walk config_settings[] */
int main(void)
{
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct config_def *d = &config_settings[i];

		printf("%s\t%s\t%s\t%d\t%d\n", d->name,
		       d->type == CFG_INT ? "int" : "-", d->def ? d->def : "-",
		       d->min, d->max);
	}
	return 0;
}
