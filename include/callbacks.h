/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * callbacks - the libmilter side of the daemon
 *
 * Exports: callbacks_register (smfi_register with the daemon's filter
 * description, smfi_settimeout with milter_timeout), callbacks_set_budget
 * (the milter's share of the open-file limit), callbacks_busy. Only this
 * file and main.c include <libmilter/mfapi.h>.
 */
#ifndef MILTER_EXPLAIN_CALLBACKS_H
#define MILTER_EXPLAIN_CALLBACKS_H

/*
 * callbacks_register - register the filter; 0 or -1. local_socket is
 * non-zero when the milter socket is a unix: one: the daemon then
 * negotiates the DATA event away too (see mlfi_data in callbacks.c).
 */
int callbacks_register(int local_socket);

/*
 * callbacks_set_budget - hold at most max_sessions milter sessions (0:
 * no bound): one more is closed at negotiation (libmilter ends it, the
 * MTA applies its default action), logged at most once a minute
 */
void callbacks_set_budget(int max_sessions);

/* callbacks_busy - replies being built now (a stop waits for them) */
int callbacks_busy(void);

#endif
