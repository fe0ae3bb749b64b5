#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_provider_footer - provider rules through a real Postfix: Postfix's
# own "Helo command rejected: need fully-qualified hostname" gets the
# shipped Postfix rule's guidance as its footer (not the registry's 5.5.2
# "syntax error"), and postmap -q through Postfix's socketmap client
# answers a Microsoft 365 reply (5.4.1, an unknown recipient) and a
# qmail reply without an enhanced code with their providers' texts
. "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_root
need_postfix
workdir_new
sport=$(free_port)
me_config "$WORKDIR/me.conf"
me_start "$WORKDIR/me.conf" -m "inet:$sport@127.0.0.1"
wait_port 127.0.0.1 "$sport" 10 || fail "no socketmap listener"

pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)"
pfx_set "$pfx" "smtpd_reject_footer_maps=socketmap:inet:127.0.0.1:$sport:footer" \
    "smtpd_helo_required=yes" \
    "smtpd_helo_restrictions=reject_non_fqdn_helo_hostname"
pfx_start "$pfx"

out=$(printf 'HELO localhost\nMAIL FROM:<a@test.example>\nRCPT TO:<b@test.example>\nQUIT\n' | pfx_chat "$pfx") ||
    fail "chat: $out"
expect_eq '504-5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname
504-5.5.2 The receiving server refused the name the sending server gave in HELO or EHLO.
504 5.5.2 The sending server must introduce itself with its full, resolvable host name (like mail.example.org).' \
    "$(printf '%s\n' "$out" | grep '^504')" "Postfix's HELO rejection with the provider rule's footer"

key='550 5.4.1 Recipient address rejected: Access denied. AS(201806281)'
out=$(pfx_postmap "$pfx" -q "$key" "socketmap:inet:127.0.0.1:$sport:footer") ||
    fail "postmap footer: $?"
expect_eq 'The receiving Microsoft 365 organisation has no mailbox for this address and rejected it at once.\nCheck the address for typos: sending again unchanged gives the same answer.' \
    "$out" "footer map answer for Microsoft 365's 5.4.1"
key="553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"
out=$(pfx_postmap "$pfx" -q "$key" "socketmap:inet:127.0.0.1:$sport:filter" | tr -d '\r') ||
    fail "postmap filter"
expect_eq "553-sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)
553-This server accepts mail only for the domains it hosts, or from logged-in users: it will not pass the message on.
553 Send through your own provider's server, after logging in, or check the recipient's domain." "$out" "filter map answer for qmail's rcpthosts refusal"
exit 0
