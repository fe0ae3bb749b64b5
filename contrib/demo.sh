#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# contrib/demo.sh - see milter-explain at work: builds the daemon, starts a
# throw-away Postfix on a loopback port with the daemon as its milter and
# reject-footer socketmap, on the shipped default configuration, and shows
# one SMTP session whose rejections carry guidance. Run as root on Debian 12;
# nothing outside a temporary directory is touched, everything is stopped
# at the end.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh tests/deps.sh
build=$(sh tests/build.sh)

. "$top/tests/integration/lib.sh"
top_builddir=$build top_srcdir=$top
. "$PFX_LIBDIR/daemon.sh"
need_root
need_postfix
workdir_new
mport=$(free_port)
sport=$(free_port)
me_config "$WORKDIR/milter-explain.conf"
me_start "$WORKDIR/milter-explain.conf" -p "inet:$mport@127.0.0.1" -m "inet:$sport@127.0.0.1"
port=$(free_port)
pfx_new "$WORKDIR/pfx" "$port"
pfx_set "$WORKDIR/pfx" "smtpd_milters=inet:127.0.0.1:$mport" \
    "milter_default_action=accept" \
    "smtpd_reject_footer_maps=socketmap:inet:127.0.0.1:$sport:footer"
pfx_start "$WORKDIR/pfx"

echo "== A session with Postfix $(postconf -dh mail_version) on 127.0.0.1:$port"
echo "== (milter on $mport, socketmap on $sport, config: the shipped default)"
printf '%s\n' 'EHLO client.example' 'EXPN root' 'TURN' 'FOO bar' \
    'MAIL FROM:<sender@client.example>' 'RCPT TO:<bob@test.example>' 'RSET' \
    'XCLIENT ADDR=192.0.2.10 NAME=client.example' 'EHLO client.example' \
    'MAIL FROM:<sender@client.example>' 'RCPT TO:<someone@foreign.example>' 'QUIT' |
    pfx_chat "$WORKDIR/pfx" --echo
echo
echo "== Explain a reply from the command line:"
"$ME_BIN" -c "$WORKDIR/milter-explain.conf" -x "554 5.7.1 Relay access denied" | head -30
