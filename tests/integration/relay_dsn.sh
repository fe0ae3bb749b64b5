# SPDX-License-Identifier: BSD-2-Clause
# relay_dsn.sh - two Postfix instances on loopback for bounce (DSN) tests
#
# Source it after lib.sh:
#
#     . "$srcdir/lib.sh"; . "$srcdir/relay.sh"
#     relay_mx_new "$WORKDIR/mx" "$(free_port)"      # the refusing MX
#     relay_new "$WORKDIR/relay" "$(free_port)" "$WORKDIR/mx"
#     pfx_start "$WORKDIR/mx"; pfx_start "$WORKDIR/relay"
#     relay_send "$WORKDIR/relay" alice@relay.example bob@mx.example
#     relay_wait_mail "$WORKDIR/relay" alice 1 20
#
# The MX (mx.example) accepts alice@mx.example and refuses at RCPT:
#   bob@mx.example    550 5.1.1 ... User unknown in local recipient table
#   dmarc@mx.example  550 5.7.26 (a DMARC-style refusal, check_recipient_access)
#   slow@mx.example   450 4.2.0 (temporary: a delay notice, then a bounce)
# The relay (myhostname relay.example) sends everything to the MX and
# keeps mail for alice@relay.example and marie@relay.fr in Maildirs under
# DIR/mail/ (virtual(8), owned by the postfix user). Its queue times are
# short: a delay notice after ~2 s, a bounce after ~8 s of 4xx replies.
# This file was written for issue 15 (the DSN door); it needs nothing but
# lib.sh.

# relay_mx_new DIR PORT: the MX instance
relay_mx_new() {
    local dir=$1 port=$2
    pfx_new "$dir" "$port"
    printf '%s\n' 'alice alice' 'postmaster postmaster' \
        >"$dir/etc/local_recipients"
    cat >"$dir/etc/refuse" <<'EOF'
dmarc@mx.example 550 5.7.26 Unauthenticated email from relay.example is not accepted due to domain's DMARC policy. Please contact the administrator of relay.example domain if this was a legitimate mail.
slow@mx.example 450 4.2.0 Mailbox temporarily unavailable, try again later
EOF
    pfx_backdate "$dir/etc/refuse" "$dir/etc/local_recipients"
    pfx_set "$dir" myhostname=mx.example mydomain=mx.example \
        mydestination=mx.example \
        "smtpd_recipient_restrictions=check_recipient_access texthash:$dir/etc/refuse, permit_mynetworks, reject_unauth_destination" \
        smtpd_delay_reject=yes
}

# relay_new DIR PORT MXDIR: the sending relay, which sends to MXDIR's smtpd
relay_new() {
    local dir=$1 port=$2 mxdir=$3 uid gid
    pfx_new "$dir" "$port"
    uid=$(id -u "$PFX_USER")
    gid=$(id -g "$PFX_USER")
    mkdir -p "$dir/mail"
    chown "$PFX_USER:" "$dir/mail"
    printf '%s\n' 'alice@relay.example relay.example/alice/' \
        'marie@relay.fr relay.fr/marie/' >"$dir/etc/mailboxes"
    pfx_backdate "$dir/etc/mailboxes"
    pfx_set "$dir" myhostname=relay.example mydomain=relay.example \
        myorigin=relay.example mydestination= \
        "virtual_mailbox_domains=relay.example, relay.fr" \
        virtual_mailbox_base="$dir/mail" \
        virtual_mailbox_maps="texthash:$dir/etc/mailboxes" \
        virtual_uid_maps="static:$uid" virtual_gid_maps="static:$gid" \
        virtual_minimum_uid=1 virtual_transport=virtual \
        default_transport=smtp relay_transport=smtp \
        relayhost="[127.0.0.1]:$(pfx_port "$mxdir")" \
        smtp_dns_support_level=disabled \
        queue_run_delay=1s minimal_backoff_time=1s maximal_backoff_time=2s \
        delay_warning_time=2s maximal_queue_lifetime=8s \
        bounce_queue_lifetime=8s
    postconf -c "$dir/etc" -M \
        'smtp/unix=smtp unix - - n - - smtp' \
        'virtual/unix=virtual unix - n n - - virtual' ||
        hard_error "relay_new: postconf -M"
    _pfx_backdate "$dir"
}

# relay_door DIR SPEC: pass the relay's own bounces to the milter at SPEC
relay_door() {
    local dir=$1 spec=$2
    pfx_set "$dir" "non_smtpd_milters=$spec" \
        internal_mail_filter_classes=bounce milter_default_action=accept
}

# relay_send DIR FROM TO [SUBJECT]: submit a short message with sendmail(1)
relay_send() {
    local dir=$1 from=$2 to=$3 subject=${4:-test}
    printf 'From: %s\nTo: %s\nSubject: %s\n\nHello %s.\n' \
        "$from" "$to" "$subject" "$to" |
        timeout -k 2 "$PFX_TIMEOUT" /usr/sbin/sendmail -C "$dir/etc" \
            -f "$from" "$to" || fail "relay_send: sendmail failed"
}

# relay_maildir DIR USER: the Maildir of alice or marie
relay_maildir() {
    case $2 in
        alice) echo "$1/mail/relay.example/alice" ;;
        marie) echo "$1/mail/relay.fr/marie" ;;
        *) hard_error "relay_maildir: no user $2" ;;
    esac
}

# relay_wait_mail DIR USER N [SECS]: wait until USER has N new messages;
# print their file names, oldest first
relay_wait_mail() {
    local dir=$1 user=$2 n=$3 secs=${4:-20} md i
    md=$(relay_maildir "$dir" "$user")
    for ((i = 0; i < secs * 10; i++)); do
        if [ "$(ls "$md/new" 2>/dev/null | wc -l)" -ge "$n" ]; then
            ls -tr "$md/new" | sed "s|^|$md/new/|"
            return 0
        fi
        sleep 0.1
    done
    echo "relay_wait_mail: $user has $(ls "$md/new" 2>/dev/null | wc -l) of $n messages after ${secs}s" >&2
    return 1
}
