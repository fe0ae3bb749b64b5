#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_unknown - a real Postfix master instance with milter-explain as its
# milter: unknown and unimplemented commands get the exact enriched
# multi-line replies; a SIGUSR1 reload changes the reply, a broken reload
# keeps the old one.
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_root
need_postfix
workdir_new
mport=$(free_port)
me_config "$WORKDIR/me.conf"
me_start "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1"

port=$(free_port)
pfx_new "$WORKDIR/pfx" "$port"
pfx_set "$WORKDIR/pfx" "smtpd_milters=inet:127.0.0.1:$mport" \
    "milter_default_action=tempfail"
pfx_start "$WORKDIR/pfx"

session=$(printf 'EHLO client.example\nEXPN root\nTURN\nFOO bar\nQUIT\n' |
    pfx_chat "$WORKDIR/pfx") || fail "SMTP session"
replies=$(printf '%s\n' "$session" | grep -vE '^(220|221|250)[ -]')

expected='502-5.5.1 Error: command not implemented: EXPN
502-5.5.1 The server refused a command: it does not offer it, or the command came out of order (for example before a login).
502 5.5.1 If a message bounced because of it, check the outgoing server settings (port, encryption, login) or update the mail program.
502-5.5.1 Error: command not implemented: TURN
502-5.5.1 The server refused a command: it does not offer it, or the command came out of order (for example before a login).
502 5.5.1 If a message bounced because of it, check the outgoing server settings (port, encryption, login) or update the mail program.
500-5.5.2 Error: command not recognized: FOO
500-5.5.2 The receiving server could not understand a command: wrong syntax or unknown command.
500 5.5.2 Usually a fault in the sending program: check or update it, or tell your mail administrator.'
expect_eq "$expected" "$replies" "replies to EXPN, TURN, FOO"

# Hostile command text: never echoed raw, the reply stays valid SMTP.
# (Postfix itself rejects invalid UTF-8 before a milter sees it.)
session=$(printf 'EHLO client.example\nX%%s%%n$USER${x} AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nQUIT\n' |
    pfx_chat "$WORKDIR/pfx" --raw) || fail "hostile session"
expect_match '^500-5\.5\.2 Error: command not recognized: X%S%N\$USER\$\{X\}\\r\\n$' "$session" "hostile reply"

# Reload: a site rule with its own lines replaces the shipped guidance.
me_config "$WORKDIR/me.conf" 'rules = (
  { name = "unknown"; commands = ["*"]; reply = "500 5.5.2";
    text = "Unknown command ${command}";
    lines = ["Site rule after reload.", "Write to ${helpdesk}."]; }
);
helpdesk = "help@example.org";'
me_reload
session=$(printf 'EHLO client.example\nFOO\nQUIT\n' | pfx_chat "$WORKDIR/pfx") ||
    fail "session after reload"
expect_eq '500-5.5.2 Unknown command FOO
500-5.5.2 Site rule after reload.
500 5.5.2 Write to help@example.org.' \
    "$(printf '%s\n' "$session" | grep '^500')" "reply after reload"

# A broken config is refused and the running one stays.
printf 'line_width = 5000;\n' >>"$WORKDIR/me.conf.site"
me_reload
expect_match "reload refused.*me\.conf\.site:[0-9]+: 'line_width' must be between" \
    "$(cat "$ME_LOG")" "daemon log"
session=$(printf 'EHLO client.example\nFOO\nQUIT\n' | pfx_chat "$WORKDIR/pfx") ||
    fail "session after broken reload"
expect_match '^500-5\.5\.2 Site rule after reload\.$' "$session" "reply after broken reload"
kill -0 "$ME_PID" || fail "daemon died"

# Postfix saw no milter trouble.
if grep -E 'milter.*(error|malformed|unavailable)|warning:.*milter' \
    "$WORKDIR/pfx/maillog"; then
    fail "Postfix logged milter trouble"
fi
