# shellcheck shell=bash
# SPDX-License-Identifier: BSD-2-Clause
# relay.sh - bounces as a sender reads them: two throw-away Postfix
# instances on loopback, a sending relay and a receiving MX.
#
# Source it after lib.sh (it uses pfx_new, pfx_set, pfx_start, ...):
#
#     . "$PFX_LIBDIR/relay.sh"
#     mx=$WORKDIR/mx;  mx_new "$mx" "$(free_port)"           # rejects, below
#     rl=$WORKDIR/rl;  relay_new "$rl" "$(free_port)" "$(pfx_port "$mx")"
#     pfx_start "$mx"; pfx_start "$rl"
#     relay_send "$rl" bob@test.example "Subject line"
#     f=$(relay_wait_mail "$rl" 1) || fail "no bounce"      # a Maildir file
#
# The relay (myhostname relay.test.example) accepts mail from 127.0.0.1
# and sends every non-local domain to [127.0.0.1]:MXPORT with its SMTP
# client (no DNS, no TLS). Its local user sender@relay.test gets mail,
# bounces included, in the Maildir RELAYDIR/mail/sender/ (virtual(8),
# uid nobody). maximal_queue_lifetime = 0: a temporary failure (4xx) is
# tried once and bounced at once, so a greylisting test takes a second,
# not days; bounce_queue_lifetime = 0 likewise.
#
# The MX is pfx_new's instance (myhostname mx.test.example, domain
# test.example, local user alice) with mynetworks that do not include
# 127.0.0.1, so the relay is an ordinary outside client there:
#   bob@test.example        550 5.1.1 ... User unknown in local recipient table
#   anyone@elsewhere.example 554 5.7.1 ... Relay access denied
#   spam@test.example       550 5.7.1 (check_recipient_access): spam/blocklist
#   grey@test.example       450 4.2.0 (check_recipient_access): Greylisted
# MX_ACCESS (a texthash file, RELAYDIR-independent) may be rewritten
# before pfx_start to add rejects: MXDIR/etc/rcpt_access.
#
# Functions (all bounded in time; none reads stdin except relay_send):
#   relay_new DIR PORT MXPORT   make the relay instance
#   mx_new DIR PORT             make the MX instance
#   relay_send DIR RCPT [SUBJECT] [FROM]
#                               one message from FROM (sender@relay.test)
#                               to RCPT through the relay's smtpd; fails
#                               unless the relay queued it (250)
#   relay_wait_mail DIR COUNT [SECS]
#                               wait (default 20 s) until the Maildir holds
#                               COUNT messages; print their paths, oldest
#                               first; fail (1) on timeout
#   relay_maildir DIR           print the Maildir's path
#
# FACTS (Postfix 3.7.11, Debian 12, checked with this harness):
# - Postfix's SMTP client joins the lines of a multi-line reply with
#   spaces and keeps the code of every line ("550-5.1.1 a 550-5.1.1 b");
#   the bounce daemon then wraps the text at about 78 columns.
# - It keeps at most line_length_limit (2048) bytes of a reply: the rest
#   is dropped without a mark.

RELAY_UID=${RELAY_UID:-65534} # nobody: owns the Maildir

# relay_new DIR PORT MXPORT: see above.
relay_new() {
    local dir=$1 port=$2 mxport=$3
    [ -n "$mxport" ] || hard_error "usage: relay_new DIR PORT MXPORT"
    pfx_new "$dir" "$port"
    dir=$(cd "$dir" && pwd -P)
    mkdir -p "$dir/mail" || hard_error "relay_new: mkdir"
    chown "$RELAY_UID:$RELAY_UID" "$dir/mail"
    echo "sender@relay.test sender/" >"$dir/etc/vmailbox"
    chmod 0644 "$dir/etc/vmailbox"
    cat >>"$dir/etc/master.cf" <<'EOF'
smtp      unix  -       -       n       -       -       smtp
virtual   unix  -       n       n       -       -       virtual
EOF
    pfx_set "$dir" myhostname=relay.test.example mydomain=relay.test \
        mydestination= local_recipient_maps= \
        virtual_mailbox_domains=relay.test \
        "virtual_mailbox_maps=texthash:$dir/etc/vmailbox" \
        "virtual_mailbox_base=$dir/mail" \
        "virtual_uid_maps=static:$RELAY_UID" \
        "virtual_gid_maps=static:$RELAY_UID" \
        virtual_transport=virtual default_transport=smtp \
        relay_transport=smtp "relayhost=[127.0.0.1]:$mxport" \
        maximal_queue_lifetime=0 bounce_queue_lifetime=0 \
        smtp_tls_security_level=none smtp_connect_timeout=5s \
        smtp_helo_name=relay.test.example \
        delay_warning_time=0 notify_classes=
}

# mx_new DIR PORT: see above.
mx_new() {
    local dir=$1 port=$2
    pfx_new "$dir" "$port"
    dir=$(cd "$dir" && pwd -P)
    cat >"$dir/etc/rcpt_access" <<'EOF'
spam@test.example 550 5.7.1 Message refused as spam: the sending address 192.0.2.1 is listed on a DNS blocklist
grey@test.example 450 4.2.0 Greylisted, please try again later
EOF
    chmod 0644 "$dir/etc/rcpt_access"
    pfx_set "$dir" mynetworks=192.0.2.254/32 \
        "smtpd_recipient_restrictions=check_recipient_access texthash:$dir/etc/rcpt_access, reject_unauth_destination"
}

# relay_maildir DIR: the Maildir of sender@relay.test.
relay_maildir() {
    echo "$1/mail/sender"
}

# relay_send DIR RCPT [SUBJECT] [FROM]: queue one message at the relay.
relay_send() {
    local dir=$1 rcpt=$2 subject=${3:-test} from=${4:-sender@relay.test} out
    out=$(printf '%s\n' 'EHLO client.relay.test' "MAIL FROM:<$from>" \
        "RCPT TO:<$rcpt>" DATA "From: <$from>" "To: <$rcpt>" \
        "Subject: $subject" '' 'Hello.' . QUIT | pfx_chat "$dir") ||
        { echo "$out" >&2; fail "relay_send: SMTP session failed"; }
    printf '%s\n' "$out" | grep -q '^250 2.0.0 Ok: queued' ||
        { echo "$out" >&2; fail "relay_send: the relay did not queue it"; }
}

# relay_wait_mail DIR COUNT [SECS]: paths of COUNT delivered messages.
relay_wait_mail() {
    local dir=$1 count=$2 secs=${3:-20} i md
    md=$(relay_maildir "$dir")/new
    for ((i = 0; i < secs * 10; i++)); do
        if [ "$(find "$md" -type f 2>/dev/null | wc -l)" -ge "$count" ]; then
            ls -1tr "$md" | sed "s|^|$md/|"
            return 0
        fi
        sleep 0.1
    done
    echo "relay_wait_mail: fewer than $count messages in $md after ${secs}s" >&2
    return 1
}
