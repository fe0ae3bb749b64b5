#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# generate.sh - regenerate the real Postfix DSNs of tests/data/dsn/ (root)
#
# Starts the two throw-away instances of tests/integration/relay.sh (with
# relay_dsn.sh's additions, no milter), sends one message per refusal of
# the MX and copies each bounce and delay notice sender@relay.test
# receives here, as Postfix wrote it. Not part of make check: the unit
# tests read the copies, so they need neither root nor Postfix.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../integration/lib.sh" || exit 99
. "$PFX_LIBDIR/relay.sh" || exit 99
. "$PFX_LIBDIR/relay_dsn.sh" || exit 99
need_root
need_postfix
workdir_new
mx_new "$WORKDIR/mx" "$(free_port)"
dsn_mx "$WORKDIR/mx"
dsn_relay "$WORKDIR/relay" "$(free_port)" "$(pfx_port "$WORKDIR/mx")"
pfx_start "$WORKDIR/mx"
pfx_start "$WORKDIR/relay"

# take NAME N: wait for the sender's Nth message, keep it as NAME.eml
take() {
    local f
    dsn_wait "$WORKDIR/relay" sender "$2" 30 || fail "no message $2"
    f=$(ls -tr "$(dsn_maildir "$WORKDIR/relay" sender)/new"/* | sed -n "$2p")
    # virtual(8) adds X-Original-To and Delivered-To on top: drop them,
    # the milter sees the message before delivery
    awk 'top && /^(Return-Path|X-Original-To|Delivered-To):/ { next }
        { top = 0; print }' top=1 "$f" >"$here/$1.eml"
}
relay_send "$WORKDIR/relay" bob@test.example "unknown user"
take bounce-unknown 1
relay_send "$WORKDIR/relay" dmarc@test.example "dmarc"
take bounce-dmarc 2
printf 'From: sender@relay.test\nTo: bob@test.example, dmarc@test.example\nSubject: two\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nCaf\xc3\xa9 cr\xc3\xa8me.\n' |
    /usr/sbin/sendmail -C "$WORKDIR/relay/etc" -f sender@relay.test \
        bob@test.example dmarc@test.example
take bounce-two 3
relay_send "$WORKDIR/relay" grey@test.example "slow"
take delay-slow 4
take bounce-slow 5
ls -l "$here"
