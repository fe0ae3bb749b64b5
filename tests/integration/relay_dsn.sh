# SPDX-License-Identifier: BSD-2-Clause
# relay_dsn.sh - what the DSN door's tests add to relay.sh's instances
#
# Source it after lib.sh and relay.sh:
#
#     mx_new "$mx" "$(free_port)"; dsn_mx "$mx"
#     dsn_relay "$rl" "$(free_port)" "$(pfx_port "$mx")"
#     dsn_door "$rl" unix:/path/dsn.sock     # before pfx_start
#     pfx_start "$mx"; pfx_start "$rl"
#     dsn_submit "$rl" sender@relay.test marie@relay.fr "local"
#     dsn_wait "$rl" marie 2 20
#
#   dsn_mx MXDIR           the MX also refuses dmarc@test.example with a
#                          DMARC-style 550 5.7.26 (check_recipient_access)
#   dsn_relay DIR PORT MXPORT
#                          relay_new, plus a second local user,
#                          marie@relay.fr (Maildir DIR/mail/marie), and
#                          queue times short enough for a delay notice
#                          (after ~2 s) and a bounce (after ~8 s) of a 4xx
#   dsn_door DIR SPEC      the relay's own bounces go to the milter at SPEC
#                          (non_smtpd_milters, internal_mail_filter_classes)
#   dsn_submit DIR FROM TO SUBJECT
#                          one message submitted with sendmail(1), which
#                          non_smtpd_milters sees (relay_send uses SMTP)
#   dsn_maildir DIR USER   the Maildir of sender or marie
#   dsn_count DIR USER     how many messages USER has
#   dsn_wait DIR USER N [SECS]
#                          wait until USER has N messages

# dsn_mx MXDIR: see above
dsn_mx() {
    echo "dmarc@test.example 550 5.7.26 Unauthenticated email from relay.test is not accepted due to domain's DMARC policy. Please contact the administrator of relay.test domain if this was a legitimate mail." \
        >>"$1/etc/rcpt_access"
    pfx_backdate "$1/etc/rcpt_access"
}

# dsn_relay DIR PORT MXPORT: see above
dsn_relay() {
    relay_new "$1" "$2" "$3"
    echo "marie@relay.fr marie/" >>"$1/etc/vmailbox"
    pfx_set "$1" "virtual_mailbox_domains=relay.test, relay.fr" \
        queue_run_delay=1s minimal_backoff_time=1s maximal_backoff_time=2s \
        delay_warning_time=2s maximal_queue_lifetime=8s \
        bounce_queue_lifetime=8s
}

# dsn_door DIR SPEC: see above
dsn_door() {
    pfx_set "$1" "non_smtpd_milters=$2" internal_mail_filter_classes=bounce \
        milter_default_action=accept
}

# dsn_submit DIR FROM TO SUBJECT: see above
dsn_submit() {
    printf 'From: %s\nTo: %s\nSubject: %s\n\nHello %s.\n' "$2" "$3" "$4" "$3" |
        timeout -k 2 "$PFX_TIMEOUT" /usr/sbin/sendmail -C "$1/etc" -f "$2" "$3" ||
        fail "dsn_submit: sendmail failed"
}

# dsn_maildir DIR USER: see above
dsn_maildir() {
    case $2 in
        sender) relay_maildir "$1" ;;
        marie) echo "$1/mail/marie" ;;
        *) hard_error "dsn_maildir: no user $2" ;;
    esac
}

# dsn_count DIR USER: see above
dsn_count() {
    find "$(dsn_maildir "$1" "$2")/new" -type f 2>/dev/null | wc -l
}

# dsn_wait DIR USER N [SECS]: see above
dsn_wait() {
    local i secs=${4:-20}
    for ((i = 0; i < secs * 10; i++)); do
        [ "$(dsn_count "$1" "$2")" -ge "$3" ] && return 0
        sleep 0.1
    done
    echo "dsn_wait: $2 has $(dsn_count "$1" "$2") of $3 messages after ${secs}s" >&2
    return 1
}
