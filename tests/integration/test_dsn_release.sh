#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_dsn_release.sh - the DSN door with Postfix 3.10 and 3.11 (Debian
# trixie's and sid's, from the roots tests/roots.sh caches): the sending
# relay runs inside each root, the MX (relay.sh's, plus relay_dsn.sh's
# dmarc) and the daemon outside. As in test_dsn.sh, a relay with the door
# (non_smtpd_milters, internal_mail_filter_classes = bounce) and one
# without send the same messages; dsn_check.py compares what the local
# users receive: guidance for the right code in the text part of each
# bounce and delay notice, every other byte as Postfix wrote it, local
# mail unchanged. A suite whose root is not cached is left out; none:
# skipped.
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh" || exit 99
. "$PFX_LIBDIR/daemon.sh" || exit 99
. "$PFX_LIBDIR/relay.sh" || exit 99
. "$PFX_LIBDIR/relay_dsn.sh" || exit 99
. "$PFX_LIBDIR/chroot.sh" || exit 99
need_root
need_postfix
workdir_new

# in_root_relay SUITE PORT MXPORT [MILTER]: relay_new and dsn_relay's
# instance inside the root of SUITE (CPFX), with the door when MILTER
in_root_relay() {
    local port=$2 mxport=$3 milter=${4:-}
    chroot_pfx_new "$port"
    mkdir -p "$CPFX/mail" && chown "$RELAY_UID:$RELAY_UID" "$CPFX/mail" ||
        hard_error "in_root_relay: mkdir"
    printf '%s\n' "sender@relay.test sender/" "marie@relay.fr marie/" \
        >"$CPFX/etc/vmailbox"
    chmod 0644 "$CPFX/etc/vmailbox"
    cat >>"$CPFX/etc/master.cf" <<'EOM'
smtp      unix  -       -       n       -       -       smtp
virtual   unix  -       n       n       -       -       virtual
EOM
    chroot_pfx_set myhostname=relay.test.example mydomain=relay.test \
        mydestination= local_recipient_maps= \
        "virtual_mailbox_domains=relay.test, relay.fr" \
        "virtual_mailbox_maps=texthash:$CPFX_IN/etc/vmailbox" \
        "virtual_mailbox_base=$CPFX_IN/mail" \
        "virtual_uid_maps=static:$RELAY_UID" \
        "virtual_gid_maps=static:$RELAY_UID" \
        virtual_transport=virtual default_transport=smtp \
        relay_transport=smtp "relayhost=[127.0.0.1]:$mxport" \
        smtp_tls_security_level=none smtp_connect_timeout=5s \
        smtp_helo_name=relay.test.example notify_classes= \
        queue_run_delay=1s minimal_backoff_time=1s maximal_backoff_time=2s \
        delay_warning_time=2s maximal_queue_lifetime=8s \
        bounce_queue_lifetime=8s
    [ -z "$milter" ] || chroot_pfx_set "non_smtpd_milters=$milter" \
        internal_mail_filter_classes=bounce milter_default_action=accept
    chroot_pfx_start
}

# in_root_submit DIR_IN FROM TO SUBJECT: dsn_submit with the sendmail of
# the root (CHROOT)
in_root_submit() {
    printf 'From: %s\nTo: %s\nSubject: %s\n\nHello %s.\n' "$2" "$3" "$4" "$3" |
        timeout -k 2 "$PFX_TIMEOUT" chroot "$CHROOT" /usr/sbin/sendmail \
            -C "$1/etc" -f "$2" "$3" || fail "in_root_submit: sendmail failed"
}

mx=$WORKDIR/mx
mx_new "$mx" "$(free_port)"
dsn_mx "$mx"
pfx_start "$mx"
dport=$(free_port)
me_config "$WORKDIR/me.conf" "$(printf '%s\n' \
    "dsn_socket = \"inet:$dport@127.0.0.1\";" \
    'help_url = "https://help.example.org/smtp";' \
    'language_rules = ( { recipient = [".fr"]; languages = ["fr"]; } );')"
me_start "$WORKDIR/me.conf"
wait_port 127.0.0.1 "$dport" 10 || fail "the DSN door does not listen"

t=$'\t'
cat >"$WORKDIR/expect-sender" <<EOM
Undelivered Mail Returned to Sender|unknown user${t}==> <bob@test.example>: 550 5.1.1, Recipient mailbox does not exist${t}https://help.example.org/smtp/en/5.1.1.html
Undelivered Mail Returned to Sender|dmarc${t}==> <dmarc@test.example>: 550 5.7.26, Sender not authenticated (Gmail)${t}https://help.example.org/smtp/en/provider-google.html#gmail-unauthenticated
Delayed Mail (still being retried)|slow${t}==> <grey@test.example>: 450 4.2.0, ${t}https://help.example.org/smtp/en/4.2.0.html
Undelivered Mail Returned to Sender|slow${t}==> <grey@test.example>: 450 4.2.0, ${t}https://help.example.org/smtp/en/4.2.0.html
EOM
cat >"$WORKDIR/expect-marie" <<EOM
|local
EOM

# both roots' relays at once: the 4xx's delay notice and bounce take ~10 s
declare -A ON OFF VERSION
suites=()
for suite in trixie sid; do
    [ -x "$CHROOT_ROOTS/$suite/usr/sbin/postfix" ] || {
        note "no cached $suite root: left out"
        continue
    }
    chroot_need "$suite"
    suites+=("$suite")
    VERSION[$suite]=$CHROOT_VERSION
    in_root_relay "$suite" "$(free_port)" "$(pfx_port "$mx")" "inet:127.0.0.1:$dport"
    ON[$suite]=$CPFX
    in_root_submit "$CPFX_IN" sender@relay.test marie@relay.fr "local"
    in_root_relay "$suite" "$(free_port)" "$(pfx_port "$mx")"
    OFF[$suite]=$CPFX
    in_root_submit "$CPFX_IN" sender@relay.test marie@relay.fr "local"
    for r in "${ON[$suite]}" "${OFF[$suite]}"; do
        relay_send "$r" bob@test.example "unknown user"
        relay_send "$r" dmarc@test.example "dmarc"
        relay_send "$r" grey@test.example "slow"
    done
done
for suite in "${suites[@]}"; do
    for r in "${ON[$suite]}" "${OFF[$suite]}"; do
        dsn_wait "$r" sender 4 40 || fail "$suite: sender's bounces"
        dsn_wait "$r" marie 1 20 || fail "$suite: marie's mail"
    done
    for u in sender marie; do
        "$PYTHON" "$PFX_LIBDIR/dsn_check.py" "$(dsn_maildir "${ON[$suite]}" $u)" \
            "$(dsn_maildir "${OFF[$suite]}" $u)" "$WORKDIR/expect-$u" >&2 ||
            fail "Postfix ${VERSION[$suite]}: $u's mail"
    done
done
[ ${#suites[@]} -gt 0 ] || skip "no cached trixie or sid root"
expect_eq $((4 * ${#suites[@]})) "$(grep -c 'guidance added' "$ME_LOG")" "bounces enriched"
exit 0
