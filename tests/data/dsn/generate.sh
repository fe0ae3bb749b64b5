#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# generate.sh - regenerate the real Postfix DSNs of tests/data/dsn/ (root)
#
# Starts the two throw-away instances of tests/integration/relay_dsn.sh (no
# milter), sends one message per refusal of the MX and copies each
# bounce and delay notice alice@relay.example receives here, as
# Postfix wrote it. Not part of make check: the unit tests read the
# copies, so they do not need root or Postfix.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../integration/lib.sh"
. "$here/../../integration/relay_dsn.sh"
need_root
need_postfix
workdir_new
relay_mx_new "$WORKDIR/mx" "$(free_port)"
relay_new "$WORKDIR/relay" "$(free_port)" "$WORKDIR/mx"
pfx_start "$WORKDIR/mx"
pfx_start "$WORKDIR/relay"

# take NAME N: wait for alice's Nth message, keep it as NAME.eml
take() {
    local f
    f=$(relay_wait_mail "$WORKDIR/relay" alice "$2" 30 | tail -n 1) ||
        fail "no message $2"
    # virtual(8) adds X-Original-To and Delivered-To on top: drop them,
    # the milter sees the message before delivery
    awk 'top && /^(Return-Path|X-Original-To|Delivered-To):/ { next }
        { top = 0; print }' top=1 "$f" >"$here/$1.eml"
}
relay_send "$WORKDIR/relay" alice@relay.example bob@mx.example "unknown user"
take bounce-unknown 1
relay_send "$WORKDIR/relay" alice@relay.example dmarc@mx.example "dmarc"
take bounce-dmarc 2
printf 'From: alice@relay.example\nTo: bob@mx.example, dmarc@mx.example\nSubject: two\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nCaf\xc3\xa9 cr\xc3\xa8me.\n' |
    /usr/sbin/sendmail -C "$WORKDIR/relay/etc" -f alice@relay.example \
        bob@mx.example dmarc@mx.example
take bounce-two 3
relay_send "$WORKDIR/relay" alice@relay.example slow@mx.example "slow"
take delay-slow 4
take bounce-slow 5
ls -l "$here"
