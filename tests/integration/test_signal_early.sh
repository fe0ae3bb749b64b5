#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_signal_early - a SIGUSR1 in the first moments of start does not
# kill the daemon (issue 12 item 6): the signals are blocked before
# anything else. The site layer of the config is a FIFO, so the daemon
# waits inside its first config load (in main, long before it serves)
# until the test writes it; the SIGUSR1 sent meanwhile stays pending and
# becomes a reload once the daemon runs (which reads the FIFO again).
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_cmd "$PYTHON" timeout mkfifo
workdir_new
mport=$(free_port)
me_config "$WORKDIR/me.conf"
rm -f "$WORKDIR/me.conf.site"
mkfifo "$WORKDIR/me.conf.site"
ME_LOG=$WORKDIR/milter-explain.log
"$ME_BIN" -f -c "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1" >>"$ME_LOG" 2>&1 &
ME_PID=$!
cleanup_pid "$ME_PID"
sleep 0.5 # in main, opening the FIFO
kill -0 "$ME_PID" 2>/dev/null || { cat "$ME_LOG" >&2; fail "daemon exited early"; }
kill -USR1 "$ME_PID"
sleep 0.3
kill -0 "$ME_PID" 2>/dev/null || fail "a SIGUSR1 during start killed the daemon"
# the site layer: the start goes on, then the pending SIGUSR1 reloads
timeout 10 sh -c ': >"$1"' sh "$WORKDIR/me.conf.site" ||
    fail "the daemon did not read its config"
for ((i = 0; i < 100; i++)); do
    grep -q started "$ME_LOG" && break
    sleep 0.1
done
expect_match 'started' "$(cat "$ME_LOG")" "daemon log"
timeout 10 sh -c ': >"$1"' sh "$WORKDIR/me.conf.site" ||
    fail "the pending SIGUSR1 did not reload"
for ((i = 0; i < 100; i++)); do
    grep -q reload "$ME_LOG" && break
    sleep 0.1
done
expect_match 'reload' "$(cat "$ME_LOG")" "daemon log"
kill -0 "$ME_PID" 2>/dev/null || fail "daemon died"
