/*
 * socketmap - placeholder until the netstring service lands
 */
#include "socketmap.h"

#include <stdio.h>

struct socketmap *socketmap_open(const char *spec, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: the socketmap service is not built yet", spec);
	return NULL;
}

int socketmap_start(struct socketmap *sm, char *err, size_t errlen)
{
	(void)sm;
	snprintf(err, errlen, "not built");
	return -1;
}

void socketmap_stop(struct socketmap *sm)
{
	(void)sm;
}
