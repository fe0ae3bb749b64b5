/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store - the current config snapshot, shared by every thread
 *
 * Exports: store_publish (swap in a new snapshot; the old one is freed when
 * its last reader releases it), store_pin (take a reference to the current
 * snapshot), store_release, store_shutdown. A snapshot is never changed
 * while anyone holds it: readers need no lock beyond pin and release.
 */
#ifndef MILTER_EXPLAIN_STORE_H
#define MILTER_EXPLAIN_STORE_H

#include "config.h"

/* store_publish - cfg becomes current; the store owns it from now on */
void store_publish(struct config *cfg);

/* store_pin - the current snapshot with one more reference, or NULL */
struct config *store_pin(void);

/* store_release - drop a reference taken by store_pin; NULL is a no-op */
void store_release(struct config *cfg);

/* store_generation - how many snapshots have been published */
unsigned long store_generation(void);

/* store_shutdown - drop the current snapshot (at exit) */
void store_shutdown(void);

#endif
