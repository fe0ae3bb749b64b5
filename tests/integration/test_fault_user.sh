#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_fault_user - the daemon as an unprivileged user (-u nobody:postfix)
# with its milter and socketmap sockets in a directory that only that
# user and Postfix's group can enter (0750 nobody:postfix): Postfix gets
# the enriched replies through both, another user cannot even reach the
# sockets, the daemon's credentials are dropped, and a reload works.
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_root
need_postfix
id nobody >/dev/null 2>&1 || skip "no user nobody"
id daemon >/dev/null 2>&1 || skip "no user daemon (the outsider)"
getent group "$PFX_USER" >/dev/null || skip "no group $PFX_USER"
workdir_new
run=$WORKDIR/run
mkdir "$run"
chown "nobody:$PFX_USER" "$run"
chmod 0750 "$run"
me_config "$WORKDIR/me.conf"
chmod 0644 "$WORKDIR/me.conf" "$WORKDIR/me.conf.site"
me_start "$WORKDIR/me.conf" -u "nobody:$PFX_USER" -P "$run/milter-explain.pid" \
    -p "unix:$run/milter.sock" -m "unix:$run/map.sock"
for ((i = 0; i < 50; i++)); do [ -S "$run/map.sock" ] && break; sleep 0.1; done

uid=$(id -u nobody)
gid=$(getent group "$PFX_USER" | cut -d: -f3)
expect_match "^Uid:[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid\$" \
    "$(grep '^Uid:' "/proc/$ME_PID/status")" "daemon uid"
expect_match "^Gid:[[:space:]]+$gid[[:space:]]+$gid[[:space:]]+$gid[[:space:]]+$gid\$" \
    "$(grep '^Gid:' "/proc/$ME_PID/status")" "daemon gid"
expect_match "^Groups:[[:space:]]*$gid[[:space:]]*\$" \
    "$(grep '^Groups:' "/proc/$ME_PID/status")" "supplementary groups"
for s in milter.sock map.sock; do
    expect_eq "nobody $PFX_USER" "$(stat -c '%U %G' "$run/$s")" "owner of $s"
    case $(stat -c '%A' "$run/$s") in
        srwxrwx---) ;;
        *) fail "$s is $(stat -c '%A' "$run/$s"), expected srwxrwx---" ;;
    esac
done

# an outsider, not in the group, cannot reach either socket
for s in milter.sock map.sock; do
    if setpriv --reuid=daemon --regid=daemon --clear-groups "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])' "$run/$s" 2>"$WORKDIR/outsider"; then
        fail "user daemon could connect to $s"
    fi
    expect_match 'PermissionError' "$(cat "$WORKDIR/outsider")" "outsider's error"
done

pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)"
pfx_set "$pfx" "smtpd_milters=unix:$run/milter.sock" milter_default_action=tempfail \
    "smtpd_reject_footer_maps=socketmap:unix:$run/map.sock:footer"
pfx_start "$pfx"
out=$(printf '%s\n' 'EHLO client.example' 'XFAULT' 'MAIL FROM:<a@client.example>' \
    'RCPT TO:<bob@test.example>' 'QUIT' | pfx_chat "$pfx") || fail "smtpchat: $?"
expect_match '^500-5\.5\.2 ' "$out" "milter reply through the group-only directory"
expect_match '^550-5\.1\.1 ' "$out" "footer through the group-only directory"
# ordinary mail through the unix: socket, where the daemon negotiates the
# DATA event away too: accepted, and Postfix has nothing to say of the milter
out=$(printf '%s\n' 'EHLO client.example' 'MAIL FROM:<a@client.example>' \
    'RCPT TO:<alice@test.example>' 'DATA' 'Subject: t' '' 'body' '.' 'QUIT' |
    pfx_chat "$pfx") || fail "smtpchat: $?"
expect_match '^250 2\.0\.0 Ok: queued as ' "$out" "a message through the unix: milter"
if grep -E 'warning:.*milter' "$pfx/maillog"; then
    fail "Postfix warned about the milter"
fi
me_reload
expect_match 'configuration reloaded' "$(tail -n 1 "$ME_LOG")" "reload as nobody"
echo "ok: unprivileged daemon, sockets reachable by Postfix's group only"
