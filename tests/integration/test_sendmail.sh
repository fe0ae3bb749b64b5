#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_sendmail - a private Sendmail 8.17 (sendmail.sh) with milter-explain
# as its milter, wired with the INPUT_MAIL_FILTER line of
# contrib/sendmail/milter-explain.mc.  Sendmail hands the milter the WHOLE
# command line of an unknown command (Postfix only the verb): the exact
# enriched replies for FOO, XUSR and ATRN; TURN/SEND/SOML/SAML/EXPN/VRFY/ETRN
# answered by Sendmail itself; a hostile full line (%, $, control and 8-bit
# bytes, 900 characters) still gets valid guidance, never Sendmail's
# "550 5.7.1 Command rejected" stand-in; mail still flows (after a message
# Sendmail asks no milter until the next MAIL FROM or EHLO); a SIGUSR1
# reload changes the reply; with the daemon stopped Sendmail behaves as the
# snippet's F= says.
# Literal $, ${...} and % in single quotes are the point of this test:
# shellcheck disable=SC2016,SC2119
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"
. "$PFX_LIBDIR/sendmail.sh"

need_root
need_cmd timeout "$PYTHON"
sm_install >&2 || skip "no Sendmail to be had here (sm_install failed)"

workdir_new
sm=$WORKDIR/sm

# -- the shipped .mc snippet, through Sendmail's own cf.m4 -------------------
snippet=$ME_SRC/contrib/sendmail/milter-explain.mc
[ -f "$snippet" ] || hard_error "no $snippet"
xline=$(printf 'OSTYPE(`linux'"'"')dnl\ninclude(`%s'"'"')dnl\n' "$snippet" |
    timeout 30 m4 -D_CF_DIR_="$SM_CFDIR/" "$SM_CFDIR/m4/cf.m4" - 2>"$WORKDIR/m4.err" |
    grep '^Xmilter-explain,') || {
    cat "$WORKDIR/m4.err" >&2
    fail "m4 made no Xmilter-explain line from $snippet"
}
flags=
case $xline in *", F="*) flags=${xline#*, F=}; flags=${flags%%,*} ;; esac
# S= is the shipped milter_socket in Sendmail's syntax; T= is the one
# sm_new writes (F= is whatever the snippet chose; step 5 checks it)
expect_eq "Xmilter-explain, S=local:/run/milter-explain/milter.sock, ${flags:+F=$flags, }T=C:10s;S:10s;R:10s;E:30s" \
    "$xline" "sendmail.cf line of the snippet"
grep -q '^milter_socket = "unix:/run/milter-explain/milter.sock";' \
    "$ME_SRC/contrib/sendmail/sendmail.conf" ||
    fail "snippet's S= does not match milter_socket of contrib/sendmail/sendmail.conf"
{ cat "$ME_SRC/contrib/sendmail/sendmail.conf"
  printf 'knowledge_base = "%s/conf/kb";\n' "$ME_SRC"; } >"$WORKDIR/sm-site.conf"
# (-p: -t also checks the socket's directory, /run/milter-explain here)
"$ME_BIN" -t -c "$WORKDIR/sm-site.conf" -p "unix:$WORKDIR/check.sock" >/dev/null ||
    fail "contrib/sendmail/sendmail.conf is not a valid configuration"

# -- daemon (shipped config) and Sendmail with the snippet's F= and T= -------
mport=$(free_port)
me_config "$WORKDIR/me.conf"
me_start "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1"

port=$(free_port)
sm_new "$sm" "$port" "inet:$mport@127.0.0.1" "$flags" || hard_error "sm_new failed"
cleanup_push "sm_stop '$sm'"
sm_start "$sm" || hard_error "sm_start failed"
# the test's sendmail.cf carries the snippet's line, only S= differs
expect_eq "${xline/S=local:\/run\/milter-explain\/milter.sock/S=inet:$mport@127.0.0.1}" \
    "$(grep '^Xmilter-explain,' "$sm/sendmail.cf")" "sendmail.cf milter line"

sm_fail() {
    echo "----- Sendmail log (last 40 lines) -----" >&2
    tail -n 40 "$sm/sendmail.log" >&2
    echo "----- milter-explain log -----" >&2
    cat "$ME_LOG" >&2
    fail "$@"
}

chat() { # one SMTP session with the Sendmail (waits for the 220 greeting)
    smtpchat 127.0.0.1 "$port" "$@"
}

# reply_ok TEXT WHAT: every reply line valid SMTP as the daemon promises:
# 3-digit code, enhanced code of the same class, the same code and
# enhanced code on every line of a reply, printable US-ASCII, at most 512
# octets with CRLF.  TEXT holds reply lines only (several replies allowed).
reply_ok() {
    local bad
    bad=$(printf '%s\n' "$1" | LC_ALL=C awk '
        length($0) > 510 { print "too long (" length($0) "): " substr($0, 1, 60); next }
        /[^ -~]/ { print "not printable ASCII: " $0; next }
        !/^[2-5][0-9][0-9][- ][2-5]\.[0-9][0-9]?[0-9]?\.[0-9][0-9]?[0-9]?( |$)/ {
            print "no code and enhanced code: " $0; next }
        substr($0, 1, 1) != substr($0, 5, 1) { print "class mismatch: " $0; next }
        {
            enh = substr($0, 5); sub(/ .*/, "", enh)
            key = substr($0, 1, 3) " " enh
            if (cont && key != prev) print "code changes inside a reply: " $0
            cont = substr($0, 4, 1) == "-"; prev = key
        }
        END { if (cont) print "last reply unfinished" }')
    [ -z "$bad" ] && return 0
    printf '%s\n' "$bad" >&2
    sm_fail "invalid reply lines in $2"
}

foo_reply() { # the shipped guidance for an unknown command NAME
    printf '%s\n' "500-5.5.2 Error: command not recognized: $1" \
        '500-5.5.2 The receiving server could not understand a command: wrong syntax or unknown command.' \
        '500 5.5.2 Usually a fault in the sending program: check or update it, or tell your mail administrator.'
}

# -- 1. unknown commands get guidance; unimplemented ones are Sendmail's -----
session=$(printf '%s\n' 'XUSR' 'EHLO client.example' 'FOO bar' 'ATRN example.org' \
    'TURN' 'SEND FROM:<a@b.example>' 'SOML FROM:<a@b.example>' \
    'SAML FROM:<a@b.example>' 'EXPN root' 'VRFY root' 'ETRN example.org' 'QUIT' |
    chat) || sm_fail "SMTP session 1: smtpchat exit $?"
expect_match '^220 sendmail-test\.milter-explain\.test ESMTP Sendmail 8\.' "$session" greeting
replies=$(printf '%s\n' "$session" | grep -vE '^(220|221|250)[ -]')
expected="$(foo_reply XUSR)
$(foo_reply FOO)
502-5.5.1 Error: command not implemented: ATRN
502-5.5.1 The server refused a command: it does not offer it, or the command came out of order (for example before a login).
502 5.5.1 If a message bounced because of it, check the outgoing server settings (port, encryption, login) or update the mail program.
502 5.5.1 Command not implemented: \"TURN\"
502 5.5.1 Command not implemented: \"SEND FROM:<a@b.example>\"
502 5.5.1 Command not implemented: \"SOML FROM:<a@b.example>\"
502 5.5.1 Command not implemented: \"SAML FROM:<a@b.example>\"
502 5.7.0 Sorry, we do not allow this operation
252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)
502 5.7.0 Sorry, we do not allow this operation"
expect_eq "$expected" "$replies" "replies to XUSR, FOO, ATRN, TURN, SEND, SOML, SAML, EXPN, VRFY, ETRN"
reply_ok "$replies" "session 1"

# Sendmail handed the milter the whole line of the unknown commands, and
# never the commands it answers itself.
grep -qF 'Sending "FOO bar" to Milter' "$sm/sendmail.log" ||
    sm_fail "Sendmail did not log sending the whole line \"FOO bar\" to the milter"
grep -qF 'Sending "ATRN example.org" to Milter' "$sm/sendmail.log" ||
    sm_fail "Sendmail did not send ATRN to the milter"
if grep -E 'Sending "(TURN|SEND|SOML|SAML|EXPN|VRFY|ETRN)' "$sm/sendmail.log"; then
    sm_fail "Sendmail sent a command it implements to the milter"
fi
if grep -E 'unknown command (TURN|SEND|SOML|SAML|EXPN|VRFY|ETRN)' "$ME_LOG"; then
    sm_fail "the daemon saw a command Sendmail answers itself"
fi

# -- 2. hostile full command lines ----------------------------------------
long=$(head -c 900 /dev/zero | tr '\0' A)
{
    printf 'EHLO client.example\n'
    # % alone (Sendmail drops a milter reply with a lone %), printf and
    # template syntax, DEL, controls, ESC, a 900-byte argument, 8-bit bytes
    printf 'FOO %%s%%n 50%% $USER ${helpdesk} $$ \x7f\x01\x1b[31m %s \xc3\xa9\xff\xfe end%%\n' "$long"
    # the same in the verb itself, which the reply names
    printf 'X%%s%%n$USER${helpdesk}%%\xe9\x7f arg 100%%\n'
    # a 900-byte verb with 8-bit bytes
    printf '%s\xc3\xa9 x\n' "$long"
    printf 'QUIT\n'
} >"$WORKDIR/hostile.script"
session=$(chat --raw <"$WORKDIR/hostile.script") || sm_fail "hostile session: smtpchat exit $?"
if printf '%s\n' "$session" | grep -v '\\r\\n$'; then
    sm_fail "a reply line did not end in CRLF"
fi
replies=$(printf '%s\n' "$session" | sed 's/\\r\\n$//' | grep -vE '^(220|221|250)[ -]')
expected="$(foo_reply FOO)
$(foo_reply 'X%S%N$USER${HELPDESK}%?')
$(foo_reply AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA)"
expect_eq "$expected" "$replies" "replies to hostile command lines"
reply_ok "$replies" "the hostile session"
case $replies in
    *"Command rejected"* | *'$USER '* | *'50%'* | *'end%'* | *'100%'* | *AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*)
        sm_fail "argument text or Sendmail's stand-in in the replies" ;;
esac
kill -0 "$ME_PID" 2>/dev/null || sm_fail "the daemon died"

# -- 3. still alive, and mail flows through --------------------------------
# Sendmail puts a milter in its "done" state at the end of each message
# (milter.c: any reply to end-of-message), and only MAIL FROM or HELO/EHLO
# reopen it: until then unknown commands get Sendmail's own reply (RSET
# does not help; checked with 8.17.1.9).  No milter can change that.
session=$(printf '%s\n' 'EHLO client.example' 'MAIL FROM:<sender@example.org>' \
    'RCPT TO:<someone@example.org>' 'DATA' 'Subject: test' '' 'body' '.' \
    'FOO bar' 'MAIL FROM:<sender@example.org>' 'FOO bar' 'QUIT' | chat) ||
    sm_fail "session 3: smtpchat exit $?"
expect_eq "250 2.1.0 <sender@example.org>... Sender ok
250 2.1.5 <someone@example.org>... Recipient ok
354 End data with <CR><LF>.<CR><LF>
250 2.0.0 QUEUEID Message accepted for delivery
500 5.5.1 Command unrecognized: \"FOO bar\"
250 2.1.0 <sender@example.org>... Sender ok
$(foo_reply FOO)" "$(printf '%s\n' "$session" | grep -vE '^(220|221|250-)|^250 HELP$' |
    sed -E 's/^250 2\.0\.0 [0-9A-Za-z]+ Message/250 2.0.0 QUEUEID Message/')" \
    "a message, then FOO before and after the next MAIL FROM"

# -- 4. a SIGUSR1 reload changes the reply seen through Sendmail ------------
me_config "$WORKDIR/me.conf" 'rules = (
  { name = "unknown"; commands = ["*"]; reply = "500 5.5.2";
    text = "Unknown command ${command}";
    lines = ["Site rule after reload: 100% of unknown commands get it.",
             "Write to ${helpdesk}."]; }
);
helpdesk = "help@example.org";'
me_reload
session=$(printf '%s\n' 'EHLO client.example' 'FOO bar' 'QUIT' | chat) ||
    sm_fail "session after reload: smtpchat exit $?"
replies=$(printf '%s\n' "$session" | grep '^500')
expect_eq '500-5.5.2 Unknown command FOO
500-5.5.2 Site rule after reload: 100% of unknown commands get it.
500 5.5.2 Write to help@example.org.' "$replies" "reply after reload"
reply_ok "$replies" "the reply after reload"

# Sendmail saw no milter trouble, the daemon no refused reply.
if sm_milter_errors "$sm"; then
    sm_fail "Sendmail logged milter errors (above)"
fi
if grep -E 'refused|error' "$ME_LOG"; then
    sm_fail "the daemon logged errors"
fi

# -- 5. daemon stopped: what the snippet's F= promises ----------------------
kill_pid "$ME_PID"
session=$(printf '%s\n' 'EHLO client.example' 'FOO bar' 'MAIL FROM:<sender@example.org>' 'QUIT' |
    chat) || sm_fail "session with the daemon stopped: smtpchat exit $?"
case $flags in
    '') mail='250 2.1.0 <sender@example.org>... Sender ok' ;;
    T) mail='451 4.3.2 Please try again later' ;;
    *) fail "no expectation for F=$flags: extend the test" ;;
esac
expect_eq "500 5.5.1 Command unrecognized: \"FOO bar\"
$mail" "$(printf '%s\n' "$session" | grep -vE '^(220|221)[ -]|^250-|^250 HELP$')" \
    "replies with the daemon stopped (F=$flags)"
