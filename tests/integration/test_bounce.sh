#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_bounce - guidance as the sender reads it in the bounce, from two
# real sending MTAs: a Postfix relay (tests/integration/relay.sh) and Exim
# 4.96 (exim.sh), both sending to a Postfix MX with milter-explain's footer
# map. The MX refuses four recipients: user unknown (550 5.1.1), relay
# denied (554 5.7.1), a spam/blocklist refusal (550 5.7.1 from
# check_recipient_access) and greylisting (450 4.2.0, bounced at once as
# both senders try only once). Each bounce is parsed with Python's email
# package (bounce_check.py): all the guidance is there and whole, every
# reply code after the first guidance line follows the end of a sentence.
# Then the longest reply the config allows (two languages, a footer, the
# help link, max_lines = 32) arrives whole, last line included; and with
# the byte budget raised, Exim's bounce loses the end of a reply over ~1000
# bytes and Postfix's the end of one over 2048 (help link first).
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"
. "$PFX_LIBDIR/relay.sh"
. "$PFX_LIBDIR/exim.sh"

need_root
need_postfix
workdir_new
exim_install || skip "Exim is not available"

sport=$(free_port)
me_config "$WORKDIR/me.conf"
me_start "$WORKDIR/me.conf" -m "inet:$sport@127.0.0.1"
wait_port 127.0.0.1 "$sport" 10 || fail "no socketmap listener"
map="socketmap:inet:127.0.0.1:$sport:footer"

mx=$WORKDIR/mx
mx_new "$mx" "$(free_port)"
pfx_set "$mx" "smtpd_reject_footer_maps=$map"
rl=$WORKDIR/rl
relay_new "$rl" "$(free_port)" "$(pfx_port "$mx")"
ex=$WORKDIR/exim
exim_new "$ex" "$(pfx_port "$mx")"
pfx_start "$mx"
pfx_start "$rl"

# the four refusals: recipient and the MX's first reply line
declare -A FIRST=(
    [bob@test.example]='550 5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table'
    [x@elsewhere.example]='554 5.7.1 <x@elsewhere.example>: Relay access denied'
    [spam@test.example]='550 5.7.1 <spam@test.example>: Recipient address rejected: Message refused as spam: the sending address 192.0.2.1 is listed on a DNS blocklist'
    [grey@test.example]='450 4.2.0 <grey@test.example>: Recipient address rejected: Greylisted, please try again later'
)
RCPTS="bob@test.example x@elsewhere.example spam@test.example grey@test.example"

# guidance_of RCPT FILE: the footer map's lines for RCPT's reply, into FILE
guidance_of() {
    pfx_postmap "$mx" -q "${FIRST[$1]}" "$map" | "$PYTHON" -c '
import sys
print(sys.stdin.read().rstrip("\n").replace("$$", "$").replace("\\n", "\n"))' >"$2" ||
        fail "no footer for $1"
}

# bounce_of DIR RCPT: the delivered bounce that names RCPT
bounce_of() {
    grep -l -F -- "$2" "$1"/new/* 2>/dev/null | head -n 1
}

# check_bounce NAME MTA MAILDIR RCPT: bounce_check.py on the bounce for
# RCPT that MTA (postfix or exim) delivered into MAILDIR; the bounce and
# its paragraph are kept in $WORKDIR/NAME
check_bounce() {
    local name=$1 mta=$2 r=$4 f rc=0
    f=$(bounce_of "$3" "$r") || true
    [ -n "$f" ] || fail "$name: no $mta bounce for $r"
    "$PYTHON" "$PFX_LIBDIR/bounce_check.py" --mta "$mta" --rcpt "$r" \
        --first "${FIRST[$r]}" --guidance "$WORKDIR/$name/$r.guidance" \
        --print "$f" >"$WORKDIR/$name/$r.$mta" || rc=1
    mv "$f" "$WORKDIR/$name/$r.$mta.eml"
    return $rc
}

# round NAME [bounce_check options]: send every refusal through both
# MTAs, check each bounce, keep them in $WORKDIR/NAME
round() {
    local name=$1 r n pmd=$(relay_maildir "$rl") rc=0
    shift
    for r in $RCPTS; do
        relay_send "$rl" "$r" "$name $r"
        exim_send "$ex" "$r" "$name $r"
    done
    n=$(echo $RCPTS | wc -w)
    relay_wait_mail "$rl" "$n" >/dev/null || fail "$name: Postfix bounces missing"
    exim_wait_mail "$ex" "$n" >/dev/null || fail "$name: Exim bounces missing"
    mkdir -p "$WORKDIR/$name"
    for r in $RCPTS; do
        guidance_of "$r" "$WORKDIR/$name/$r.guidance"
        check_bounce "$name" postfix "$pmd" "$r" || rc=1
        check_bounce "$name" exim "$ex/Maildir" "$r" || rc=1
    done
    return $rc
}

# ------------------------------------------------ the shipped settings
round shipped || fail "bounces with the shipped settings"
note "$(cat "$WORKDIR/shipped/bob@test.example.postfix")"
note "$(cat "$WORKDIR/shipped/bob@test.example.exim")"
# The class of the reply shows in its wording: the greylisted 450 starts
# with the retry sentence, the 5xx never says temporary, the spam
# refusal carries no relay advice but the relay refusal does.
g=$WORKDIR/shipped
expect_match '^Your mail server keeps the message and tries again by itself' \
    "$(head -n 1 "$g/grey@test.example.guidance")" "450 4.2.0 guidance"
for r in bob@test.example x@elsewhere.example spam@test.example; do
    grep -Eiq 'temporar' "$g/$r.guidance" && fail "$r: a 5xx calls itself temporary"
done
grep -Eiq 'relay|provider' "$g/spam@test.example.guidance" &&
    fail "relay advice on a spam refusal"
expect_match 'own provider' "$(cat "$g/x@elsewhere.example.guidance")" "relay-denied guidance"

# ------------------------------------------------ the longest reply
# A footer long enough that the byte budget binds: some sentences of
# the second language and the footer are dropped, whole.
LONG='languages = ["en", "fr"];
max_lines = 32;
help_url = "https://help.example.org/smtp";
footer = [
  "Questions about this refusal? Write to the postmaster of test.example, and quote the whole bounce with its headers so that we can find it in our logs.",
  "Our mail servers refuse messages from addresses that are listed on public blocklists, and messages that our filters rate as spam with high confidence.",
  "Mail to the people of test.example can also be sent through the contact form on our website, which is read by the same team every working day.",
  "If you believe that this refusal is a mistake, forward this bounce to your own mail administrator first: most causes are on the sending side.",
  "Our help pages explain every reply code in plain words, in English and in French, with what the sender and the administrator can do about it.",
  "Messages that are refused here are not stored anywhere: nobody at test.example has read your message, and nothing of it was kept after the refusal.",
  "Automatic replies, newsletters and mailing lists are welcome as long as the recipient asked for them and every message shows how to unsubscribe.",
  "Large attachments are better shared as a link to a file storage service: our servers accept messages of up to twenty megabytes, headers included.",
  "This footer is long on purpose: it lets the test show that a reply stays within its byte budget and reaches the sender whole, with its last line.",
  "It is also long enough that, with the budget raised to 4000 bytes, the whole reply passes the 2048 bytes that Postfix keeps of a reply."
];
guidance = ( { code = "5.7.1"; lang = "en"; append = [
  "At test.example, policy refusals come from the blocklists named in the reply and from our content filter, before any mailbox is checked.",
  "A refusal by a blocklist names the list: look the sending address up on that list, and ask whoever runs your mail server to have it removed.",
  "A refusal by the content filter says so after the code: send the message again without attachments, link shorteners or pictures pasted in."
]; } );'
me_config "$WORKDIR/me.conf" "$LONG"
me_reload
round longest || fail "the longest reply did not arrive whole"
for r in $RCPTS; do
    tail -n 1 "$WORKDIR/longest/$r.guidance" | grep -q '^https://help.example.org/smtp/en/' ||
        fail "$r: the help link is not the last line"
    grep -q 'https://help.example.org/smtp/en/' "$WORKDIR/longest/$r.postfix" ||
        fail "$r: the help link is missing from the Postfix bounce"
done
note "$(cat "$WORKDIR/longest/spam@test.example.postfix")"
note "$(cat "$WORKDIR/longest/spam@test.example.exim")"

# ------------------------------------------------ what the budget avoids
# The same with the budget raised: over ~1000 bytes Exim's bounce loses
# the end of the reply (help link first), without a mark, while Postfix
# still has it all; over 2048 bytes Postfix's loses it too.
RCPTS=spam@test.example
me_config "$WORKDIR/me.conf" "$LONG
max_reply_bytes = 1900;"
me_reload
round over-exim && fail "a reply over 1000 bytes arrived whole through Exim"
grep -q 'https://help.example.org/smtp/en/' "$WORKDIR/over-exim/spam@test.example.exim" &&
    fail "Exim kept the end of a reply over 1000 bytes"
grep -q 'https://help.example.org/smtp/en/' "$WORKDIR/over-exim/spam@test.example.postfix" ||
    fail "Postfix lost the end of a reply under 2048 bytes"
me_config "$WORKDIR/me.conf" "$LONG
max_reply_bytes = 4000;"
me_reload
round over-postfix && fail "a reply over 2048 bytes arrived whole through Postfix"
grep -q 'https://help.example.org/smtp/en/' "$WORKDIR/over-postfix/spam@test.example.postfix" &&
    fail "Postfix kept the end of a reply over 2048 bytes"
# the budget of the longest round did bind: it sent fewer sentences
[ "$(wc -l <"$WORKDIR/longest/spam@test.example.guidance")" -lt \
    "$(wc -l <"$WORKDIR/over-postfix/spam@test.example.guidance")" ] ||
    fail "the byte budget dropped nothing: the test shows nothing"
exit 0
