#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_provider_cli - `milter-explain -x "<reply>"` on every real reply of
# tests/data/provider-replies.tsv, in English and French: exit 0, the
# provider rule's entry is what -x prints, and the lines "On the wire" name
# the right cause and not the wrong one (the same table test_provider
# checks through the library); and `-x -` on a real Postfix bounce
. "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

workdir_new
conf=$WORKDIR/me.conf
printf 'knowledge_base = "%s/conf/kb";\nlanguages = ["en"];\n' "$ME_SRC" >"$conf"
table=$ME_SRC/tests/data/provider-replies.tsv

# wire OUTPUT LANG - the guidance lines of -x output, codes cut, joined by
# spaces; their label is the language's (fr/lang.conf's on_the_wire)
wire() {
    local label='On the wire (added'
    [ "$2" = fr ] && label='Lignes ajoutées à la réponse'
    printf '%s\n' "$1" | sed -n "/^$label/,/^\$/p" | sed -n 's/^  [0-9]\{3\}[- ]\([245]\.[0-9]*\.[0-9]* \)\{0,1\}//p' |
        tr '\n' ' '
}

# has HAYSTACK NEEDLE - case-insensitive fixed-string search
has() {
    printf '%s' "$1" | grep -Fqi -- "$2"
}

n=0
while IFS=$'\t' read -r id reply en_must en_not fr_must fr_not; do
    case $id in '#'* | '') continue ;; esac
    n=$((n + 1))
    for lang in en fr; do
        out=$("$ME_BIN" -c "$conf" -L "$lang" -x "$reply" 2>&1) ||
            fail "-x -L $lang exits $? on: $reply"
        if [ "$id" = - ]; then
            # a look-alike of another server's reply: no provider rule
            # (their ids hold a '-', the registry's keys never do)
            ! printf '%s\n' "$out" | grep -Eq '^[a-z0-9]+-[a-z0-9-]+  ' ||
                fail "-x -L $lang prints a provider rule for: $reply"
        else
            printf '%s\n' "$out" | grep -q "^$id  " ||
                fail "-x -L $lang does not print rule $id for: $reply"
        fi
        w=$(wire "$out" "$lang")
        [ -n "$w" ] || fail "$id ($lang): no wire lines under the $lang label"
        if [ "$lang" = en ]; then must=$en_must not=$en_not; else must=$fr_must not=$fr_not; fi
        has "$w" "$must" || fail "$id ($lang): \"$must\" missing on the wire: $w"
        ! has "$w" "$not" || fail "$id ($lang): \"$not\" on the wire: $w"
    done
done <"$table"
[ "$n" -ge 80 ] || fail "only $n replies in $table"

# The shipped config (its own rules loaded) explains them too.
conf2=$WORKDIR/shipped.conf
sed -e 's|^include = .*||' "$ME_SRC/conf/milter-explain.conf" >"$conf2"
printf 'knowledge_base = "%s/conf/kb";\n' "$ME_SRC" >>"$conf2"
out=$("$ME_BIN" -c "$conf2" -x "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup") ||
    fail "-x with the shipped config"
expect_match '^ms365-recipient-not-found  ' "$out" "-x with the shipped config"

# A whole real Postfix bounce on stdin: each reply's text (after "said:",
# over its folded lines) reaches the provider rules as -x REPLY's does.
out=$("$ME_BIN" -c "$conf" -x - <"$ME_SRC/tests/data/dsn/bounce-dmarc.eml") ||
    fail "-x - on bounce-dmarc.eml"
expect_match '^gmail-unauthenticated  ' "$out" "-x - on a Postfix bounce"
[ "$(printf '%s\n' "$out" | grep -c '^==> ')" = 2 ] ||
    fail "-x - on bounce-dmarc.eml: not two codes (550 5.7.26, Status 5.7.26)"

# A bare code that only a provider uses, and one the base does not know:
# its subject's X.N.0 entry, not the basic code's.
out=$("$ME_BIN" -c "$conf" -x 5.7.708) || fail "-x 5.7.708"
expect_match '^ms365-traffic-not-accepted  ' "$out" "-x 5.7.708"
out=$("$ME_BIN" -c "$conf" -x "550 5.7.999 Denied by local rule") || fail "-x 5.7.999"
expect_match '^X\.7\.0  ' "$out" "-x 550 5.7.999 falls back to X.7.0"
expect_match '^550  ' "$out" "-x 550 5.7.999 still shows the basic code"
out=$("$ME_BIN" -c "$conf" -x "451 4.4.777 Try later") || fail "-x 4.4.777"
expect_match '^(4\.4\.0|X\.4\.0)  ' "$out" "-x 451 4.4.777 falls back to X.4.0"
exit 0
