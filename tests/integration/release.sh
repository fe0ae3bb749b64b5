# SPDX-License-Identifier: BSD-2-Clause
# release.sh - the checks every Postfix release from a Debian root runs
# (source after lib.sh, daemon.sh and chroot.sh; used by test_postfix310.sh
# and test_postfix311.sh).
#
#   release_start SUITE      the daemon outside the root (milter and
#                            socketmap on loopback, plus a site rule that
#                            replaces the text for carol@test.example) and
#                            one instance inside it with two listeners:
#                              RPORT_FOOTER  footer map and milter
#                              RPORT_MILTER  milter only, verbose log
#   release_session PORT [RCPT...]
#                            the rejection session, 4xx/5xx lines only
#   release_check_footer     exact replies on RPORT_FOOTER
#   release_check_unknown    what the milter is sent for unknown commands
#                            and what the client reads without a footer
#                            (after release_check_footer: it counts the
#                            daemon's answers to both sessions)
#
# Run release_start before chroot_pfx_start; add listeners in between.

# release_start SUITE: daemon outside, instance inside the root of SUITE
release_start() {
    need_root
    need_postfix
    chroot_need "$1"
    workdir_new
    RPORT_MAP=$(free_port)
    RPORT_ME=$(free_port)
    me_config "$WORKDIR/me.conf" 'rules = (
  { name = "carol-left"; enhanced = "5.1.1"; pattern = "<carol@test[.]example>";
    mode = "replace"; lines = ["Carol has left; write to alice@test.example."]; }
);'
    me_start "$WORKDIR/me.conf" -m "inet:$RPORT_MAP@127.0.0.1" \
        -p "inet:$RPORT_ME@127.0.0.1"
    wait_port 127.0.0.1 "$RPORT_MAP" 10 || fail "no socketmap listener"
    RPORT_FOOTER=$(free_port)
    RPORT_MILTER=$(free_port)
    chroot_pfx_new "$RPORT_FOOTER"
    chroot_pfx_set "smtpd_reject_footer_maps=$(release_map footer)" \
        "smtpd_milters=inet:127.0.0.1:$RPORT_ME" "milter_default_action=tempfail"
    chroot_pfx_service "$RPORT_MILTER" smtpd_reject_footer_maps= \
        debug_peer_list=127.0.0.1
}

# release_map NAME: the main.cf value for the daemon's socketmap NAME
release_map() {
    echo "socketmap:inet:127.0.0.1:$RPORT_MAP:$1"
}

# release_session PORT [RCPT...]: rejections as a foreign client sees them,
# for RCPT (default bob@test.example carol@test.example someone@foreign.example)
release_session() {
    local port=$1 out a rcpts=()
    shift
    [ $# -gt 0 ] || set -- bob@test.example carol@test.example someone@foreign.example
    for a in "$@"; do rcpts+=("RCPT TO:<$a>"); done
    out=$(printf '%s\n' 'EHLO client.example' \
        'XCLIENT ADDR=192.0.2.7 NAME=[UNAVAILABLE]' 'EHLO client.example' \
        'MAIL FROM:<sender@client.example>' "${rcpts[@]}" \
        'FOO bar' 'EXPN root' 'VRFY' 'QUIT' |
        smtpchat 127.0.0.1 "$port") || fail "SMTP session on port $port: $?"
    printf '%s\n' "$out" | grep -E '^[45]'
}

# The guidance lines for the rejections of release_session, by reply.
RELEASE_G550='550-5.1.1 This address does not exist at the receiving domain: the part before the @ is unknown there.
550 5.1.1 Check the spelling, or ask the person for their current address: they may have left or changed it.'
RELEASE_G554='554-5.7.1 This server takes mail only for its own domains and passes nothing on for others without a login.
554 5.7.1 Send through the outgoing server of your own provider, logged in with your account.'
RELEASE_G500='500-5.5.2 The receiving server could not understand a command: wrong syntax or unknown command.
500 5.5.2 Usually a fault in the sending program: check or update it, or tell your mail administrator.'
RELEASE_G501='501-5.5.4 A command was valid but carried a parameter the server does not accept (bad value or unsupported option).
501 5.5.4 Check your mail program'"'"'s settings (login method, options) and update it if needed.'
# The replies of release_session after Carol's, the same through the footer
# and the filter map: the relay refusal, the two unknown commands, VRFY.
RELEASE_REST="554-5.7.1 <someone@foreign.example>: Relay access denied
$RELEASE_G554
500-5.5.2 Error: command not recognized
$RELEASE_G500
500-5.5.2 Error: command not recognized
$RELEASE_G500
501-5.5.4 Syntax: VRFY address [SMTPUTF8]
$RELEASE_G501"

# release_check_footer: Postfix's own text, then the guidance, on every reject
release_check_footer() {
    expect_eq "550-5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table
$RELEASE_G550
550-5.1.1 <carol@test.example>: Recipient address rejected: User unknown in local recipient table
550 5.1.1 Carol has left; write to alice@test.example.
$RELEASE_REST" "$(release_session "$RPORT_FOOTER")" \
        "replies with the footer map on Postfix $CHROOT_VERSION"
}

# release_check_unknown: the milter hears the whole line, its reply is unused
release_check_unknown() {
    local out
    out=$(printf '%s\n' 'EHLO client.example' 'FOO bar' 'EXPN root' 'TURN' 'QUIT' |
        smtpchat 127.0.0.1 "$RPORT_MILTER") || fail "SMTP session: $?"
    expect_eq '500 5.5.2 Error: command not recognized
500 5.5.2 Error: command not recognized
500 5.5.2 Error: command not recognized' "$(printf '%s\n' "$out" | grep -E '^[45]')" \
        "replies with the milter alone on Postfix $CHROOT_VERSION"
    # Postfix sends the milter the command line, arguments included ...
    pfx_log_wait "$CPFX" 'milter8_unknown_event: .*: unknown command: TURN$' \
        >/dev/null || fail "Postfix did not send TURN to the milter"
    out=$(grep -oE 'milter8_unknown_event: milter [^ ]+ unknown command: .*' \
        "$CPFX/maillog")
    expect_eq "milter8_unknown_event: milter inet:127.0.0.1:$RPORT_ME: unknown command: FOO bar
milter8_unknown_event: milter inet:127.0.0.1:$RPORT_ME: unknown command: EXPN root
milter8_unknown_event: milter inet:127.0.0.1:$RPORT_ME: unknown command: TURN" \
        "$out" "unknown-command events Postfix sent"
    # ... the daemon answers it (5xx) and Postfix keeps its own reply.
    out=$(grep -oE 'unknown command [A-Z]+: .*' "$ME_LOG")
    expect_eq 'unknown command FOO: 500 5.5.2 with 3 lines (rule unknown)
unknown command EXPN: 502 5.5.1 with 3 lines (rule unimplemented)
unknown command FOO: 500 5.5.2 with 3 lines (rule unknown)
unknown command EXPN: 502 5.5.1 with 3 lines (rule unimplemented)
unknown command TURN: 502 5.5.1 with 3 lines (rule unimplemented)' \
        "$out" "the daemon's answers (footer session, then milter-only session)"
}

# release_check_clean: no warning from Postfix, no bad request in the daemon
release_check_clean() {
    if grep -E 'postfix/[a-z]+\[[0-9]+\]: (warning|error|fatal):' "$CPFX/maillog" >&2; then
        fail "Postfix $CHROOT_VERSION logged a warning"
    fi
    if grep -E 'socketmap: conn .*(malformed|over the limit|middle)' "$ME_LOG" >&2; then
        fail "the daemon logged a bad request from Postfix $CHROOT_VERSION"
    fi
    kill -0 "$ME_PID" || fail "daemon died"
}
