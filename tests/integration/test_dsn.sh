#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_dsn.sh - the DSN door with real Postfix instances on loopback
#
# One MX (relay.sh's, plus relay_dsn.sh's dmarc) refuses bob (550 5.1.1
# user unknown), dmarc (550 5.7.26 via check_recipient_access) and grey
# (450: a delay notice, then a bounce after maximal_queue_lifetime). Two
# sending relays send the same messages to it: "on" passes its own
# bounces to the daemon's DSN door (non_smtpd_milters,
# internal_mail_filter_classes = bounce), "off" has no milter.
# sender@relay.test reads English, marie@relay.fr French (language_rules). dsn_check.py then reads every message both local
# users received with Python's email package: guidance for the right
# code in the text part, and each message of "on" is the message of
# "off" with exactly one insertion at the end of that part (the
# delivery-status part, the returned message and every header the
# same once queue ids and dates are masked); local mail between the two
# users is the same with and without the door. The daemon serves the
# milter door too, so the DSN door runs in its own process: -t checks
# dsn_socket, SIGUSR1 reloads both processes, SIGTERM stops both. The
# daemon's /metrics (parsed by the Prometheus client) counts exactly the
# door's sections. A door killed with SIGKILL is restarted (logged) and
# the next bounce still gets guidance; SIGTERM stops the daemon and the
# door's processes within a second.
set -u
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh" || exit 99
. "$PFX_LIBDIR/daemon.sh" || exit 99
. "$PFX_LIBDIR/relay.sh" || exit 99
. "$PFX_LIBDIR/relay_dsn.sh" || exit 99
need_root
need_postfix
workdir_new

mx=$WORKDIR/mx on=$WORKDIR/on off=$WORKDIR/off
mx_new "$mx" "$(free_port)"
dsn_mx "$mx"
dsn_relay "$on" "$(free_port)" "$(pfx_port "$mx")"
dsn_relay "$off" "$(free_port)" "$(pfx_port "$mx")"
dport=$(free_port)
mport=$(free_port)
hport=$(free_port)
# -t checks the DSN door's socket as it checks the others
me_config "$WORKDIR/bad.conf" 'dsn_socket = "tcp:25";'
out=$("$ME_BIN" -t -c "$WORKDIR/bad.conf" 2>&1) && fail "-t accepted: $out"
expect_eq "$WORKDIR/bad.conf.site:1: 'dsn_socket': $("$ME_BIN" -d tcp:25 -t 2>&1 | sed 's/^milter-explain: -d: //')" \
    "$out" "-t on a bad dsn_socket"
me_config "$WORKDIR/me.conf" "$(printf '%s\n' \
    "dsn_socket = \"inet:$dport@127.0.0.1\";" \
    'help_url = "https://help.example.org/smtp";' \
    'language_rules = ( { recipient = [".fr"]; languages = ["fr"]; } );')"
expect_eq "$WORKDIR/me.conf: configuration OK" \
    "$("$ME_BIN" -t -c "$WORKDIR/me.conf" 2>&1)" "-t"
me_start "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1" -M "inet:$hport"
wait_port 127.0.0.1 "$dport" 10 || fail "the DSN door does not listen"
dpid=$(sed -n 's/.*dsn: door started on .* (process \([0-9]*\)).*/\1/p' "$ME_LOG")
[ -n "$dpid" ] && [ "$dpid" != "$ME_PID" ] || fail "no DSN door process: $(cat "$ME_LOG")"
dsn_door "$on" "inet:127.0.0.1:$dport"
pfx_start "$mx"
pfx_start "$on"
pfx_start "$off"

for r in "$on" "$off"; do
    relay_send "$r" bob@test.example "unknown user"
    relay_send "$r" dmarc@test.example "dmarc"
    relay_send "$r" grey@test.example "slow"
    relay_send "$r" dmarc@test.example "dmarc fr" marie@relay.fr
    dsn_submit "$r" sender@relay.test marie@relay.fr "local"
done
# sender: three bounces and a delay notice; marie: a bounce and local mail
for r in "$on" "$off"; do
    dsn_wait "$r" sender 4 40 || fail "sender's bounces"
    dsn_wait "$r" marie 2 20 || fail "marie's mail"
done

t=$'\t'
cat >"$WORKDIR/expect-sender" <<EOF
Undelivered Mail Returned to Sender|unknown user${t}==> <bob@test.example>: 550 5.1.1, Recipient mailbox does not exist${t}This address does not exist at the receiving domain${t}https://help.example.org/smtp/en/5.1.1.html
Undelivered Mail Returned to Sender|dmarc${t}==> <dmarc@test.example>: 550 5.7.26, Sender not authenticated (Gmail)${t}DKIM${t}https://help.example.org/smtp/en/provider-google.html#gmail-unauthenticated
Delayed Mail (still being retried)|slow${t}==> <grey@test.example>: 450 4.2.0, ${t}https://help.example.org/smtp/en/4.2.0.html
Undelivered Mail Returned to Sender|slow${t}==> <grey@test.example>: 450 4.2.0, ${t}https://help.example.org/smtp/en/4.2.0.html
EOF
cat >"$WORKDIR/expect-marie" <<EOF
Undelivered Mail Returned to Sender|dmarc fr${t}==> <dmarc@test.example>: 550 5.7.26, Expéditeur non authentifié${t}DKIM${t}https://help.example.org/smtp/fr/provider-google.html#gmail-unauthenticated
|local
EOF
for u in sender marie; do
    "$PYTHON" "$PFX_LIBDIR/dsn_check.py" "$(dsn_maildir "$on" $u)" \
        "$(dsn_maildir "$off" $u)" "$WORKDIR/expect-$u" >&2 ||
        fail "$u's mail"
done

# the daemon said why it left the local mail alone, and what it added
expect_match 'dsn [0-9]+: queue [0-9A-F]+: unchanged: not a bounce' \
    "$(cat "$ME_LOG")" "daemon log"
expect_match 'dsn [0-9]+: queue [0-9A-F]+: guidance added: 1 recipient\(s\) explained' \
    "$(cat "$ME_LOG")" "daemon log"
n=$(grep -c 'guidance added' "$ME_LOG")
expect_eq 5 "$n" "bounces enriched"

# the door's process counts into the daemon's page: one per section
metrics_want() { # DSN 550 450 5.1.1 5.7.26 4.2.0
    cat <<EOF
milter_explain_replies_total{door="milter"} 0
milter_explain_replies_total{door="footer"} 0
milter_explain_replies_total{door="filter"} 0
milter_explain_replies_total{door="dsn"} $1
milter_explain_reply_codes_total{code="450"} $3
milter_explain_reply_codes_total{code="550"} $2
milter_explain_enhanced_codes_total{enhanced="4.2.0"} $6
milter_explain_enhanced_codes_total{enhanced="5.1.1"} $4
milter_explain_enhanced_codes_total{enhanced="5.7.26"} $5
milter_explain_rule_replies_total{rule="unimplemented"} 0
milter_explain_rule_replies_total{rule="unknown"} 0
milter_explain_rule_replies_total{rule="relay-denied"} 0
milter_explain_rule_replies_total{rule="other"} 0
milter_explain_lookups_total{result="ok"} 0
milter_explain_lookups_total{result="notfound"} 0
milter_explain_lookups_total{result="temp"} 0
milter_explain_lookups_total{result="perm"} 0
milter_explain_lookups_memo_total 0
milter_explain_reloads_total{result="done"} 0
milter_explain_reloads_total{result="refused"} 0
milter_explain_config_generation 1
milter_explain_connections_refused_total 0
EOF
}
have_prom=0
"$PYTHON" -c 'import prometheus_client' 2>/dev/null && have_prom=1
if [ $have_prom = 1 ]; then
    metrics_want 5 3 2 1 2 2 >"$WORKDIR/want-metrics"
    "$PYTHON" "$PFX_LIBDIR/metrics_check.py" "http://127.0.0.1:$hport/metrics" \
        "$WORKDIR/want-metrics" || fail "metrics after 5 bounces"
else
    echo "no python3-prometheus-client: metrics not checked" >&2
fi

# a door killed is restarted, and the next bounce still gets guidance
kill -KILL "$dpid"
for ((i = 0; i < 50; i++)); do
    grep -q 'dsn: door restarted' "$ME_LOG" && break
    sleep 0.1
done
expect_match "^milter-explain: dsn: the door's process $dpid was killed by signal 9: restarting it in 100 ms\$" \
    "$(cat "$ME_LOG")" "daemon log after a kill"
expect_match '^milter-explain: dsn: door restarted \(process [0-9]+\)$' \
    "$(cat "$ME_LOG")" "daemon log after a kill"
dpid=$(sed -n 's/.*dsn: door started on .* (process \([0-9]*\)).*/\1/p' "$ME_LOG" | tail -1)
for r in "$on" "$off"; do
    relay_send "$r" bob@test.example "after a kill"
done
for r in "$on" "$off"; do
    dsn_wait "$r" sender 5 20 || fail "sender's bounce after a kill"
done
cat >>"$WORKDIR/expect-sender" <<EOF
Undelivered Mail Returned to Sender|after a kill${t}==> <bob@test.example>: 550 5.1.1, Recipient mailbox does not exist${t}https://help.example.org/smtp/en/5.1.1.html
EOF
"$PYTHON" "$PFX_LIBDIR/dsn_check.py" "$(dsn_maildir "$on" sender)" \
    "$(dsn_maildir "$off" sender)" "$WORKDIR/expect-sender" >/dev/null ||
    fail "sender's mail after a kill"
if [ $have_prom = 1 ]; then
    metrics_want 6 4 2 2 2 2 >"$WORKDIR/want-metrics"
    "$PYTHON" "$PFX_LIBDIR/metrics_check.py" "http://127.0.0.1:$hport/metrics" \
        "$WORKDIR/want-metrics" || fail "metrics after a kill"
fi

# one daemon for the admin: SIGUSR1 reloads both processes, SIGTERM stops both
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
kill -USR1 "$ME_PID"
for ((i = 0; i < 50; i++)); do
    grep -q 'dsn: configuration reloaded' "$ME_LOG" && break
    sleep 0.1
done
expect_match '^milter-explain: configuration reloaded' "$(cat "$ME_LOG")" "daemon log"
expect_match '^milter-explain: dsn: configuration reloaded' "$(cat "$ME_LOG")" "daemon log"
# the door's processes: its supervisor (the daemon's child) and the door;
# SIGTERM stops the three at once, within a second (the daemon signals the
# door's supervisor first, then stops its own libmilter)
spid=$(pgrep -P "$ME_PID")
[ -n "$spid" ] && [ "$(pgrep -P "$spid")" = "$dpid" ] ||
    fail "processes: daemon $ME_PID, supervisor '$spid', door $dpid"
kill -TERM "$ME_PID"
for ((i = 0; i < 100; i++)); do
    alive "$ME_PID" || alive "$spid" || alive "$dpid" || break
    sleep 0.01
done
alive "$dpid" && fail "the DSN door did not stop within a second"
alive "$spid" && fail "the DSN door's supervisor did not stop within a second"
alive "$ME_PID" && fail "the daemon did not stop within a second"
expect_match '^milter-explain: dsn: door stopped$' "$(cat "$ME_LOG")" "daemon log"
exit 0
