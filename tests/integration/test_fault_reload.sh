#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_fault_reload - the config file unreadable or deleted at a reload
# (SIGUSR1): the running configuration stays and keeps serving, and the
# refusal is one log line each time. The daemon runs as an unprivileged
# user (-u), as in production, so that chmod 000 takes effect.
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_root
need_postfix
id nobody >/dev/null 2>&1 || skip "no user nobody"
workdir_new
mport=$(free_port)
me_config "$WORKDIR/me.conf"
chmod 0644 "$WORKDIR/me.conf" "$WORKDIR/me.conf.site"
me_start "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1" -u nobody
wait_port 127.0.0.1 "$mport" 10 || fail "the milter does not listen"
pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)"
pfx_set "$pfx" "smtpd_milters=inet:127.0.0.1:$mport" milter_default_action=tempfail
pfx_start "$pfx"

# guidance: the reply to an unknown command, which must be the enriched one
guidance() {
    local out
    out=$(printf '%s\n' 'EHLO client.example' 'XFAULT' 'QUIT' | pfx_chat "$pfx") ||
        fail "smtpchat: $?"
    printf '%s\n' "$out" | grep -E '^500[- ]' | grep -c .
}
before=$(guidance)
[ "$before" -ge 2 ] || fail "no enriched reply to begin with"

# refused WHY: a reload that must be refused with one log line matching WHY
refused() {
    local n
    n=$(grep -c 'reload refused' "$ME_LOG")
    me_reload
    [ "$(grep -c 'reload refused' "$ME_LOG")" -eq $((n + 1)) ] ||
        fail "expected exactly one refusal line; log: $(tail -n 3 "$ME_LOG")"
    expect_match "reload refused, the running configuration stays: .*$1" \
        "$(grep 'reload refused' "$ME_LOG" | tail -n 1)" "refusal line"
    kill -0 "$ME_PID" 2>/dev/null || fail "the daemon died at the reload"
    [ "$(guidance)" -eq "$before" ] || fail "the reply changed after a refused reload"
}

chmod 000 "$WORKDIR/me.conf"
refused 'me\.conf:0: cannot read: Permission denied'
chmod 0644 "$WORKDIR/me.conf"
me_reload
expect_match 'configuration reloaded' "$(tail -n 1 "$ME_LOG")" "reload after the fix"

chmod 000 "$WORKDIR/me.conf.site"
refused 'me\.conf\.site:0: cannot read: Permission denied'
chmod 0644 "$WORKDIR/me.conf.site"

mv "$WORKDIR/me.conf" "$WORKDIR/me.conf.away"
refused 'me\.conf:0: cannot read: No such file or directory'
mv "$WORKDIR/me.conf.away" "$WORKDIR/me.conf"
me_reload
expect_match 'configuration reloaded' "$(tail -n 1 "$ME_LOG")" "reload after the file is back"
[ "$(guidance)" -eq "$before" ] || fail "the reply changed"
echo "ok: unreadable and deleted config files refused at reload, one line each, still serving"
