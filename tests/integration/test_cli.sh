#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_cli - the command line: -t, -x, -x -, -L, -V, -h, bad sockets,
# exit codes and the FILE:LINE messages administrators rely on
. "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

workdir_new
conf=$WORKDIR/me.conf
me_config "$conf"

out=$("$ME_BIN" -t -c "$conf") || fail "-t on the shipped config: $out"
expect_eq "$conf: configuration OK" "$out" "-t output"

# A broken config: exit 1, FILE:LINE: message on stderr.
printf 'rules = (\n  { name = "x"; code = 650; }\n);\n' >"$conf.site"
err=$("$ME_BIN" -t -c "$conf" 2>&1 >/dev/null); rc=$?
expect_eq 1 "$rc" "-t exit code on a bad config"
expect_eq "$conf.site:2: impossible reply code 650: a code is 2xx to 5xx with a second digit of 0 to 5" \
    "$err" "-t message"
printf 'unknown_key = 1;\n' >"$conf.site"
err=$("$ME_BIN" -t -c "$conf" 2>&1); rc=$?
expect_eq 1 "$rc" "-t exit code"
expect_eq "$conf.site:1: unknown setting 'unknown_key'" "$err" "-t message"
printf 'rules = ( { name = "x"; code = 550; lines = ["${nope}"]; } );\n' >"$conf.site"
err=$("$ME_BIN" -t -c "$conf" 2>&1)
expect_eq "$conf.site:1: unknown template variable \${nope}" "$err" "-t message"
err=$("$ME_BIN" -t -c "$WORKDIR/missing.conf" 2>&1); rc=$?
expect_eq 1 "$rc" "-t on a missing file"
expect_match "missing\.conf:0: cannot read" "$err" "-t message"
: >"$conf.site"

# -x: full guidance with the three headings, in the chosen languages.
out=$("$ME_BIN" -c "$conf" -x "550 5.1.1 <bob@example.org>: User unknown") ||
    fail "-x failed"
expect_match '^X\.1\.1  ' "$out" "-x output"
expect_match '^Description$' "$out" "-x output"
expect_match '^When you see it$' "$out" "-x output"
expect_match '^How to fix$' "$out" "-x output"
expect_match '^550  ' "$out" "-x output (basic code entry)"
expect_match '^  550-5\.1\.1 ' "$out" "-x wire form"
out=$("$ME_BIN" -c "$conf" -x 502 -L fr,en) || fail "-x -L fr,en"
expect_match '^Quand vous le voyez$' "$out" "-x -L fr output"
expect_match '^Comment résoudre$' "$out" "-x -L fr output"
expect_match '^When you see it$' "$out" "-x -L fr,en output"
out=$("$ME_BIN" -c "$conf" -x 5.7.26) || fail "-x 5.7.26"
expect_match '^X\.7\.26  ' "$out" "-x bare enhanced code"
out=$("$ME_BIN" -c "$conf" -x 559) || fail "-x 559"
expect_match 'class' "$out" "-x unknown code says it falls back to its class"

# Malformed arguments: exit 2 with a clear message.
for bad in 650 "hello" "55" "550 4.1.1 mismatch" ""; do
    err=$("$ME_BIN" -c "$conf" -x "$bad" 2>&1 >/dev/null); rc=$?
    expect_eq 2 "$rc" "-x '$bad' exit code"
    expect_match 'is not a reply line|does not fit' "$err" "-x '$bad' message"
done
err=$("$ME_BIN" -c "$conf" -x 550 -L xx 2>&1); rc=$?
expect_eq 2 "$rc" "-L xx exit code"

# -x -: a pasted bounce.
bounce='From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
Date: Mon, 23 Nov 2026 09:06:11 +0000

<bob@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1
    <bob@example.org>: Recipient address rejected: User unknown (in reply to
    RCPT TO command)

Reporting-MTA: dns; mx.example.org
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected
Status: 4.4.7'
out=$(printf '%s\n' "$bounce" | "$ME_BIN" -c "$conf" -x -) || fail "-x -"
expect_eq 3 "$(printf '%s\n' "$out" | grep -c '^==> ')" "codes found in the bounce"
expect_match '^==> 550 5\.1\.1$' "$out" "-x - output"
expect_match '^==> 5\.1\.1$' "$out" "-x - output"
expect_match '^==> 4\.4\.7$' "$out" "-x - output"
err=$(printf 'nothing here\n' | "$ME_BIN" -c "$conf" -x - 2>&1); rc=$?
expect_eq 1 "$rc" "-x - without codes"

# Version, usage, bad options and sockets.
expect_match '^milter-explain [0-9]' "$("$ME_BIN" -V)" "-V"
expect_match 'usage' "$("$ME_BIN" -h)" "-h"
"$ME_BIN" --no-such-option >/dev/null 2>&1; expect_eq 64 "$?" "bad option exit code"
err=$("$ME_BIN" -c "$conf" -f -p "tcp:25" 2>&1); rc=$?
expect_eq 64 "$rc" "bad -p exit code"
expect_match 'expected unix:/path' "$err" "bad -p message"
err=$("$ME_BIN" -c "$conf" -f -m "inet:99999@127.0.0.1" 2>&1); rc=$?
expect_eq 64 "$rc" "bad -m exit code"
err=$("$ME_BIN" -c "$conf" -f 2>&1); rc=$?
expect_eq 64 "$rc" "nothing to serve"
expect_match 'nothing to serve' "$err" "nothing to serve message"
printf 'line_width = 1;\n' >"$conf.site"
"$ME_BIN" -c "$conf" -f -p "inet:1@127.0.0.1" >/dev/null 2>&1
expect_eq 78 "$?" "daemon with a bad config exits EX_CONFIG"
exit 0
