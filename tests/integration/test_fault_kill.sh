#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_fault_kill - kill -9 of milter-explain under load: Postfix applies
# milter_default_action = accept and delivers every message; a restarted
# daemon serves its enriched reply to the very next session.
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_root
need_postfix
need_cmd smtp-source
workdir_new
mport=$(free_port)
me_config "$WORKDIR/me.conf"
me_start "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1"
wait_port 127.0.0.1 "$mport" 10 || fail "the milter does not listen"

pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)"
pfx_set "$pfx" "smtpd_milters=inet:127.0.0.1:$mport" milter_default_action=accept
pfx_start "$pfx"

# sent: messages delivered so far (to the discard: transport)
sent() {
    grep -c 'status=sent' "$pfx/maillog" 2>/dev/null || true
}

n=500
timeout 120 smtp-source -s 10 -m "$n" -f sender@client.example \
    -t alice@test.example "127.0.0.1:$(pfx_port "$pfx")" >"$WORKDIR/source.out" 2>&1 &
src=$!
cleanup_pid "$src"
for ((i = 0; i < 300 && $(sent) < 20; i++)); do sleep 0.05; done
[ "$(sent)" -ge 20 ] || fail "the load did not start: $(cat "$WORKDIR/source.out")"
kill -KILL "$ME_PID"
note "killed the daemon after $(sent) of $n messages"
wait "$src" || fail "smtp-source failed: $(cat "$WORKDIR/source.out")"
[ ! -s "$WORKDIR/source.out" ] || fail "smtp-source: $(cat "$WORKDIR/source.out")"
for ((i = 0; i < 300 && $(sent) < n; i++)); do sleep 0.1; done
[ "$(sent)" -eq "$n" ] || fail "$(sent) of $n messages delivered"
pfx_log_wait "$pfx" 'warning: .*[Mm]ilter.*(Connection refused|unavailable|read error|EOF)' 10 >/dev/null ||
    fail "Postfix did not notice the dead milter (was it killed under load?)"

# restart: the next session gets the guidance again
mv "$ME_LOG" "$WORKDIR/first.log"
me_start "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1"
wait_port 127.0.0.1 "$mport" 10 || fail "the restarted milter does not listen"
out=$(printf '%s\n' 'EHLO client.example' 'XFAULT' 'QUIT' | pfx_chat "$pfx") || fail "smtpchat: $?"
expect_match '^500-5\.5\.2 ' "$out" "reply to XFAULT after the restart"
expect_match '^500 5\.5\.2 ' "$out" "reply to XFAULT after the restart"
echo "ok: $n messages delivered across a kill -9; the restarted daemon served at once"
