#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_metrics - the metrics page of a daemon serving a real Postfix: a
# known number of replies through each door (the milter's replies to
# EXPN, TURN and FOO in SMTP sessions, footer and filter answers to
# postmap -q), a reload that renames a rule, a refused reload and a
# connection over socketmap.max_clients; then /metrics, parsed by the
# Prometheus client library, holds exactly the expected samples. Other
# paths are 404, other methods 405; without -M or metrics_socket nothing
# more listens; metrics_socket, summary_interval and log_level = "verbose"
# log the summary and one line per answer.
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_root
need_postfix
need_cmd ss
"$PYTHON" -c 'import prometheus_client' 2>/dev/null ||
    skip "no python3-prometheus-client"
CHECK="$PYTHON $PFX_LIBDIR/metrics_check.py"
workdir_new

# ------------------------------------------------ bad specifications
"$ME_BIN" -f -c /nonexistent -M "unix:/tmp/x" 2>"$WORKDIR/err" && fail "-M unix: accepted"
expect_eq 64 "$("$ME_BIN" -M unix:/tmp/x >/dev/null 2>&1; echo $?)" "exit code of -M unix:"
expect_eq 'milter-explain: -M: "unix:/tmp/x": expected inet:PORT@HOST or inet6:PORT@HOST' \
    "$(head -1 "$WORKDIR/err")" "message for -M unix:"
me_config "$WORKDIR/bad.conf" 'metrics_socket = "inet:99999";'
expect_eq 78 "$("$ME_BIN" -f -c "$WORKDIR/bad.conf" -m "inet:$(free_port)@127.0.0.1" \
    2>"$WORKDIR/err" >/dev/null; echo $?)" "exit code of a bad metrics_socket"
expect_eq "$WORKDIR/bad.conf: metrics_socket: \"inet:99999@127.0.0.1\": port must be 1 to 65535" \
    "$(cat "$WORKDIR/err")" "message for a bad metrics_socket"

# ------------------------------------------------ a daemon with -M
sport=$(free_port)
mport=$(free_port)
hport=$(free_port)
me_config "$WORKDIR/me.conf" 'rules = (
  { name = "relay"; code = 554; enhanced = "5.7.1"; pattern = "Relay access denied"; }
);'
me_start "$WORKDIR/me.conf" -m "inet:$sport@127.0.0.1" -p "inet:$mport@127.0.0.1" \
    -M "inet:$hport"
wait_port 127.0.0.1 "$hport" 10 || fail "no metrics listener"
# no host: loopback only, not every address
expect_eq "127.0.0.1:$hport" "$(ss -Hltn "sport = :$hport" | awk '{ print $4 }')" \
    "address of -M inet:PORT"
url=http://127.0.0.1:$hport

pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)"
pfx_set "$pfx" "smtpd_milters=inet:127.0.0.1:$mport" "milter_default_action=tempfail"
pfx_start "$pfx"

# the milter door: EXPN and TURN (rule unimplemented), FOO (rule unknown)
session=$(printf 'EHLO client.example\nEXPN root\nTURN\nFOO bar\nQUIT\n' |
    pfx_chat "$pfx") || fail "SMTP session"
expect_eq '502 5.5.1 If a message bounced because of it, check the outgoing server settings (port, encryption, login) or update the mail program.
502 5.5.1 If a message bounced because of it, check the outgoing server settings (port, encryption, login) or update the mail program.
500 5.5.2 Usually a fault in the sending program: check or update it, or tell your mail administrator.' "$(printf '%s\n' "$session" | grep -E '^50[02] ')" \
    "last lines of the milter's replies"

# the footer and filter doors
map=socketmap:inet:127.0.0.1:$sport
k550='550 5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table'
k554='554 5.7.1 <x@relay.example>: Relay access denied'
for m in footer footer filter; do
    pfx_postmap "$pfx" -q "$k550" "$map:$m" >/dev/null || fail "postmap $m"
done
pfx_postmap "$pfx" -q "$k554" "$map:footer" >/dev/null || fail "postmap 554"
pfx_postmap "$pfx" -q "250 2.1.5 Ok" "$map:footer" && fail "a 2xx reply got a footer"
pfx_postmap "$pfx" -q "x" "$map:nosuchmap" 2>/dev/null && fail "an unknown map answered"

cat >"$WORKDIR/want1" <<'EOF'
milter_explain_replies_total{door="milter"} 3
milter_explain_replies_total{door="footer"} 3
milter_explain_replies_total{door="filter"} 1
milter_explain_replies_total{door="dsn"} 0
milter_explain_reply_codes_total{code="500"} 1
milter_explain_reply_codes_total{code="502"} 2
milter_explain_reply_codes_total{code="550"} 3
milter_explain_reply_codes_total{code="554"} 1
milter_explain_enhanced_codes_total{enhanced="5.1.1"} 3
milter_explain_enhanced_codes_total{enhanced="5.5.1"} 2
milter_explain_enhanced_codes_total{enhanced="5.5.2"} 1
milter_explain_enhanced_codes_total{enhanced="5.7.1"} 1
milter_explain_rule_replies_total{rule="unimplemented"} 2
milter_explain_rule_replies_total{rule="unknown"} 1
milter_explain_rule_replies_total{rule="relay"} 1
milter_explain_rule_replies_total{rule="relay-denied"} 0
milter_explain_rule_replies_total{rule="other"} 0
milter_explain_lookups_total{result="ok"} 4
milter_explain_lookups_total{result="notfound"} 1
milter_explain_lookups_total{result="temp"} 0
milter_explain_lookups_total{result="perm"} 1
milter_explain_lookups_memo_total 1
milter_explain_reloads_total{result="done"} 0
milter_explain_reloads_total{result="refused"} 0
milter_explain_config_generation 1
milter_explain_connections_refused_total 0
EOF
$CHECK "$url/metrics" "$WORKDIR/want1" || fail "metrics after the lookups"

# a reload renames the rule and allows one socketmap client; a lookup on
# one connection, a second connection refused; then a refused reload
me_config "$WORKDIR/me.conf" 'rules = (
  { name = "relay2"; code = 554; enhanced = "5.7.1"; pattern = "Relay access denied"; }
);
socketmap = { max_clients = 1; };'
me_reload
"$PYTHON" - "$sport" "$k554" <<'EOF' || fail "lookup and a connection over the cap"
import socket, sys
port, key = int(sys.argv[1]), ("footer " + sys.argv[2]).encode()
a = socket.create_connection(("127.0.0.1", port), timeout=10)
a.sendall(b"%d:%s," % (len(key), key))
got = b""
while not got.endswith(b","):
    got += a.recv(65536)
assert got.split(b":", 1)[1].startswith(b"OK "), got
b = socket.create_connection(("127.0.0.1", port), timeout=10)
# at the cap the connection idle longest makes room: a goes, b stays
assert a.recv(10) == b"", "first connection not closed"
b.settimeout(0.5)
try:
    assert b.recv(10) != b"", "second connection closed"
except socket.timeout:
    pass
EOF
printf 'line_width = 5000;\n' >>"$WORKDIR/me.conf.site"
me_reload
expect_match 'reload refused' "$(cat "$ME_LOG")" "daemon log"

sed -e 's/{door="footer"} 3/{door="footer"} 4/' \
    -e 's/{code="554"} 1/{code="554"} 2/' \
    -e 's/{enhanced="5.7.1"} 1/{enhanced="5.7.1"} 2/' \
    -e 's/{rule="relay"} 1/{rule="relay2"} 1/' \
    -e 's/{result="ok"} 4/{result="ok"} 5/' \
    -e 's/{result="done"} 0/{result="done"} 1/' \
    -e 's/{result="refused"} 0/{result="refused"} 1/' \
    -e 's/generation 1/generation 2/' \
    -e 's/refused_total 0/refused_total 1/' "$WORKDIR/want1" >"$WORKDIR/want2"
$CHECK "$url/metrics" "$WORKDIR/want2" || fail "metrics after the reloads"

expect_eq 404 "$($CHECK --status "$url/" GET)" "status of GET /"
expect_eq 404 "$($CHECK --status "$url/metrics/x" GET)" "status of GET /metrics/x"
expect_eq 405 "$($CHECK --status "$url/metrics" POST)" "status of POST /metrics"
expect_eq 405 "$($CHECK --status "$url/metrics" DELETE)" "status of DELETE /metrics"
expect_eq 200 "$($CHECK --status "$url/metrics" HEAD)" "status of HEAD /metrics"
kill_pid "$ME_PID"

# ------------------------------------------------ metrics_socket, summary, log_level
hport=$(free_port)
sport=$(free_port)
me_config "$WORKDIR/me3.conf" "metrics_socket = \"inet:$hport@127.0.0.1\";
metrics = { summary_interval = 1; };
log_level = \"verbose\";"
: >"$WORKDIR/milter-explain.log"
me_start "$WORKDIR/me3.conf" -m "inet:$sport@127.0.0.1"
wait_port 127.0.0.1 "$hport" 10 || fail "no listener for metrics_socket"
pfx_postmap "$pfx" -q "$k550" "socketmap:inet:127.0.0.1:$sport:footer" >/dev/null ||
    fail "postmap with log_level verbose"
expect_match "^milter-explain: socketmap: conn 1 from 127\.0\.0\.1:[0-9]+: footer 550 5\.1\.1: OK with 2 lines \(knowledge base\)$" \
    "$(cat "$ME_LOG")" "line per answer"
for ((i = 0; i < 30; i++)); do
    grep -q 'footer 1,' "$ME_LOG" && break
    sleep 0.1
done
expect_match '^milter-explain: metrics: replies with guidance milter 0, footer 1, filter 0, dsn 0; lookups 1 \(ok 1, from the memo 0\); reloads 0 done, 0 refused; generation 1; connections refused 0$' \
    "$(cat "$ME_LOG")" "summary line"
kill_pid "$ME_PID"

# ------------------------------------------------ no metrics: nothing more listens
sport=$(free_port)
me_config "$WORKDIR/me4.conf"
: >"$WORKDIR/milter-explain.log"
me_start "$WORKDIR/me4.conf" -m "inet:$sport@127.0.0.1"
wait_port 127.0.0.1 "$sport" 10 || fail "no socketmap listener"
expect_eq "127.0.0.1:$sport" \
    "$(ss -Hltnp | grep "pid=$ME_PID," | awk '{ print $4 }')" \
    "listening sockets without metrics"
expect_match 'metrics off' "$(cat "$ME_LOG")" "start line without metrics"

# ------------------------------------------------ the Grafana dashboard
# valid JSON, and every metric its queries name is on the page
"$PYTHON" - "$ME_SRC/contrib/grafana/milter-explain.json" "$WORKDIR/want2" <<'EOF' ||
import json, re, sys
dash = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
names = {n for e in exprs for n in re.findall(r"milter_explain_\w+", e)}
page = {l.split("{")[0].split(" ")[0] for l in open(sys.argv[2]) if l.strip()}
missing = names - page
assert len(dash["panels"]) >= 8 and not missing, missing
EOF
    fail "the dashboard names metrics the page does not have"
