#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_hostile_milter - a raw milter-protocol peer (miltraw.py) sends what
# no MTA would: an unknown command and a macro value without their
# terminating NUL, right after a HELO whose argument ends in a marker
# sized to land in the slack of the next buffer. The replies hold exactly
# the bytes sent (never the marker: libmilter's buffers are read only as
# far as they were received), the daemon stays up (under ASan an
# over-read aborts it), and over-long names are left out. (libmilter
# itself drops a macro value that lacks its NUL.)
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_cmd "$PYTHON" timeout
workdir_new
mport=$(free_port)
me_config "$WORKDIR/me.conf" 'rules = (
  { name = "unknown"; commands = ["*"]; reply = "500 5.5.2";
    text = "Unknown ${command} queue ${queue_id} helo ${helo_name}";
    lines = ["End."]; }
);'
me_start "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1"

raw() {
    timeout 20 "$PYTHON" "$PFX_LIBDIR/miltraw.py" "127.0.0.1:$mport" "$@"
}

# 24-byte buffers (glibc: a 32-byte chunk, 24 usable): the HELO payload
# fills it, the next payloads of 16 and 17 bytes reuse it, and whatever
# follows them in the chunk is the end of the HELO argument: "SECRET7".
helo=abcdefghijklmnopqSECRET
out=$(raw connect:client.example "helo:$helo" \
    unknown-nonul:ABCDEFGHIJKLMNOP unknown-nonul:Q \
    'macro-raw:M:i\x00QUEUEID12345678' unknown-nonul:ABCDEFGHIJKLMNOP \
    macro:M:i=Q123 unknown:FOO quit) || fail "raw session: $out"
expect_eq 'O \x00\x00\x00\x06\x00\x00\x00\x00\x00\x000|
y 500-5.5.2 Unknown ABCDEFGHIJKLMNOP queue unknown helo abcdefghijklmnopqSECRET\r\n500 5.5.2 End.\x00
y 500-5.5.2 Unknown Q queue unknown helo abcdefghijklmnopqSECRET\r\n500 5.5.2 End.\x00
y 500-5.5.2 Unknown ABCDEFGHIJKLMNOP queue unknown helo abcdefghijklmnopqSECRET\r\n500 5.5.2 End.\x00
y 500-5.5.2 Unknown FOO queue Q123 helo abcdefghijklmnopqSECRET\r\n500 5.5.2 End.\x00' \
    "$out" "replies to unterminated payloads"

# Many sessions, each with fresh stale bytes: no reply ever holds a byte
# that was not sent as part of its own command.
for ((i = 0; i < 20; i++)); do
    out=$(raw connect:c.example helo:abcdefghijklmnopSECRET7 \
        unknown-nonul:ABCDEFGHIJKLMNOP unknown-nonul:X unknown-nonul:YZ) ||
        fail "raw session $i: $out"
    if printf '%s\n' "$out" | grep -q 'Unknown [^ ]*SECRET'; then
        fail "session $i: stale HELO bytes in a reply: $out"
    fi
    [ "$(printf '%s\n' "$out" | grep -c '^y 500-5\.5\.2 Unknown \(ABCDEFGHIJKLMNOP\|X\|YZ\) queue unknown helo abcdefghijklmnopSECRET7\\r')" = 3 ] ||
        fail "session $i: unexpected replies: $out"
done

# A host name or HELO argument longer than 255 bytes is not kept.
long=$(printf 'h%.0s' {1..300})
out=$(raw "connect:$long" "helo:$long" unknown:FOO) || fail "long names: $out"
expect_eq 'y 500-5.5.2 Unknown FOO queue unknown helo unknown\r\n500 5.5.2 End.\x00' \
    "$(printf '%s\n' "$out" | grep '^y')" "reply with over-long names"

kill -0 "$ME_PID" 2>/dev/null || { cat "$ME_LOG" >&2; fail "daemon died"; }
if grep -E 'AddressSanitizer|runtime error' "$ME_LOG"; then
    fail "sanitizer report in the daemon log"
fi
