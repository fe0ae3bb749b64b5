#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_dsn_sendmail.sh - do Sendmail's own DSNs ever reach a milter?
#
# A private Sendmail 8.17 (sendmail.sh) with the daemon's DSN door as its
# INPUT_MAIL_FILTER accepts a message over SMTP for "bad", an alias to a
# program that fails (the harness's prog mailer is /bin/false: a
# temporary failure). A queue run with Timeout.queuewarn=1s writes a
# delay notice, a later one with Timeout.queuereturn=1s gives up and
# writes a bounce (both multipart/report DSNs with a null sender, to the
# local sender). The door must have seen the SMTP message (its sender is not
# null) and nothing else: Sendmail hands milters only what its SMTP
# server receives, never the mail it writes itself. The answer goes into
# README.md's support table.
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh" || exit 99
. "$PFX_LIBDIR/daemon.sh" || exit 99
. "$PFX_LIBDIR/sendmail.sh" || exit 99

need_root
need_cmd timeout "$PYTHON"
sm_install >&2 || skip "no Sendmail to be had here (sm_install failed)"
workdir_new
sm=$WORKDIR/sm

dport=$(free_port)
me_config "$WORKDIR/me.conf"
me_start "$WORKDIR/me.conf" -d "inet:$dport@127.0.0.1"

port=$(free_port)
sm_new "$sm" "$port" "inet:$dport@127.0.0.1" "" || hard_error "sm_new failed"
printf 'bad:\t"|/usr/bin/false-program"\n' >>"$sm/etc/aliases"
sm__ns_argv "$sm"
timeout 90 "${SM__NS[@]}" "$SM_BIN" -C "$sm/sendmail.cf" -bi </dev/null \
    >"$WORKDIR/newaliases.out" 2>&1 || hard_error "newaliases"
cleanup_push "sm_stop '$sm'"
sm_start "$sm" || hard_error "sm_start failed"

out=$(printf '%s\n' 'EHLO client.example' 'MAIL FROM:<root>' 'RCPT TO:<bad>' \
    DATA 'Subject: to a failing program' '' 'body' . QUIT |
    smtpchat 127.0.0.1 "$port") || fail "SMTP session: $out"
expect_match '^250 2.0.0 .* Message accepted for delivery' "$out" "SMTP replies"

# queue runs in the foreground: the DSNs are written and delivered at once
# (local mailer: /bin/true); a run may leave a message for the next one
# queuerun OPTION REGEX: queue runs with OPTION until the log matches REGEX
queuerun() {
    local i
    for ((i = 0; i < 5; i++)); do
        sleep 1.2
        timeout 60 "${SM__NS[@]}" "$SM_BIN" -C "$sm/sendmail.cf" -q \
            -O DeliveryMode=i -O "$1" -D "$WORKDIR/queuerun.log" \
            -d89.8 </dev/null >>"$WORKDIR/queuerun.out" 2>&1
        grep -Eq -- "$2" "$WORKDIR/queuerun.log" && return 0
    done
    cat "$WORKDIR/queuerun.log" >&2
    fail "no queue run logged /$2/"
}
queuerun Timeout.queuewarn=1s 'sender notify: Warning: could not send message for past 1 second'
queuerun Timeout.queuereturn=1s 'sender notify: Cannot send message for 1 second'
sleep 1
mlog=$(cat "$ME_LOG")
# the SMTP message, and only it, reached the door
expect_eq 1 "$(grep -c 'dsn [0-9]*: queue' "$ME_LOG")" "messages the door saw:
$mlog"
expect_match 'unchanged: not a bounce' "$mlog" "daemon log"
exit 0
