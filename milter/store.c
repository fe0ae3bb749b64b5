/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store - the current config snapshot, shared by every thread
 *
 * One mutex guards the current pointer and the reference counts; it is
 * held for a few instructions per pin or release (once per SMTP
 * connection or socketmap lookup), never while a config is built or freed.
 */
#include "store.h"

#include <pthread.h>

static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static struct config *store_current;
static unsigned long store_gen;

/* store_publish - see store.h */
void store_publish(struct config *cfg)
{
	struct config *old;
	int dead = 0;

	cfg->refs = 1; /* the store's own reference */
	pthread_mutex_lock(&store_lock);
	old = store_current;
	store_current = cfg;
	store_gen++;
	if (old && --old->refs == 0)
		dead = 1;
	pthread_mutex_unlock(&store_lock);
	if (dead)
		config_free(old);
}

/* store_pin - see store.h */
struct config *store_pin(void)
{
	struct config *cfg;

	pthread_mutex_lock(&store_lock);
	if ((cfg = store_current) != NULL)
		cfg->refs++;
	pthread_mutex_unlock(&store_lock);
	return cfg;
}

/* store_release - see store.h */
void store_release(struct config *cfg)
{
	int dead;

	if (cfg == NULL)
		return;
	pthread_mutex_lock(&store_lock);
	dead = --cfg->refs == 0;
	pthread_mutex_unlock(&store_lock);
	if (dead)
		config_free(cfg);
}

/* store_generation - see store.h */
unsigned long store_generation(void)
{
	unsigned long g;

	pthread_mutex_lock(&store_lock);
	g = store_gen;
	pthread_mutex_unlock(&store_lock);
	return g;
}

/* store_shutdown - see store.h */
void store_shutdown(void)
{
	struct config *old;
	int dead = 0;

	pthread_mutex_lock(&store_lock);
	old = store_current;
	store_current = NULL;
	if (old && --old->refs == 0)
		dead = 1;
	pthread_mutex_unlock(&store_lock);
	if (dead)
		config_free(old);
}
