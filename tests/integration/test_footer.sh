#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_footer - a real Postfix master instance with milter-explain as its
# socketmap (smtpd_reject_footer_maps) and milter: Postfix's own 550 5.1.1
# and 554 5.7.1 get their different guidance appended, and its 502 5.5.1
# to a VRFY that disable_vrfy_command turns off gets the Postfix rule's
# (not X.5.1's advice on outgoing server settings); postmap -q answers
# the footer and filter maps; a SIGUSR1 reload changes the very next reply
# over the same socketmap connection; the milter's own multi-line reply to
# an unknown command is not enriched a second time.
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_root
need_postfix
workdir_new
sport=$(free_port)
mport=$(free_port)
me_config "$WORKDIR/me.conf"
me_start "$WORKDIR/me.conf" -m "inet:$sport@127.0.0.1" -p "inet:$mport@127.0.0.1"
wait_port 127.0.0.1 "$sport" 10 || fail "no socketmap listener"

pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)"
pfx_set "$pfx" "smtpd_reject_footer_maps=socketmap:inet:127.0.0.1:$sport:footer" \
    "smtpd_milters=inet:127.0.0.1:$mport" "milter_default_action=tempfail" \
    "disable_vrfy_command=yes"
pfx_start "$pfx"

# ------------------------------------------------ postmap -q, both maps
key='550 5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table'
out=$(pfx_postmap "$pfx" -q "$key" "socketmap:inet:127.0.0.1:$sport:footer") ||
    fail "postmap footer: $?"
expect_eq 'This address does not exist at the receiving domain: the part before the @ is unknown there.\nCheck the spelling, or ask the person for their current address: they may have left or changed it.' \
    "$out" "footer map answer"
out=$(pfx_postmap "$pfx" -q "$key" "socketmap:inet:127.0.0.1:$sport:filter" | tr -d '\r') ||
    fail "postmap filter"
expect_eq '550-5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table
550-5.1.1 This address does not exist at the receiving domain: the part before the @ is unknown there.
550 5.1.1 Check the spelling, or ask the person for their current address: they may have left or changed it.' "$out" "filter map answer"
pfx_postmap "$pfx" -q "250 2.1.5 Ok" "socketmap:inet:127.0.0.1:$sport:footer" &&
    fail "a 2xx reply got a footer"
pfx_postmap "$pfx" -q "x" "socketmap:inet:127.0.0.1:$sport:nosuchmap" 2>"$WORKDIR/perm" &&
    fail "an unknown map answered"
expect_match 'unknown map' "$(cat "$WORKDIR/perm")" "postmap on an unknown map"

# ------------------------------------------------ one session across a reload
# The site layer the reload brings: one more line for 5.1.1, with a $ and a
# variable that Postfix itself fills in.
me_config "$WORKDIR/me.next" 'rules = (
  { name = "site-5.1.1"; enhanced = "5.1.1";
    append = ["Directory: https://example.org/people; you are ${client_address}; fee $$0."]; }
);'
cp "$WORKDIR/me.next.site" "$WORKDIR/me.conf.site.next"

# A client that pauses mid-session for the reload (smtpchat.py reads its
# whole script first) and checks that the socketmap connection of the
# smtpd process is the same one before and after.
cat >"$WORKDIR/session.py" <<'EOF'
import os, signal, socket, sys, time

host, port, sport, pid, log, site = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
s = socket.create_connection((host, port), timeout=10)
f = s.makefile("rb")

def reply():
    lines = []
    while True:
        l = f.readline()
        if not l.endswith(b"\r\n"):
            sys.exit("connection closed or bad line: %r" % l)
        l = l[:-2].decode("ascii")
        lines.append(l)
        if len(l) == 3 or l[3] == " ":
            return lines

def cmd(c, show=True):
    s.sendall(c.encode() + b"\r\n")
    r = reply()
    if show:
        print("\n".join(r), flush=True)
    return r

def sockmap_peers():
    """remote ports of established connections to the socketmap port"""
    peers = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(name) as t:
            for row in list(t)[1:]:
                col = row.split()
                if col[3] == "01" and int(col[1].split(":")[1], 16) == sport:
                    peers.append(int(col[2].split(":")[1], 16))
    return sorted(peers)

reply()
for c in ("EHLO client.example", "XCLIENT ADDR=192.0.2.7 NAME=[UNAVAILABLE]",
          "EHLO client.example", "MAIL FROM:<sender@client.example>"):
    cmd(c, show=False)
cmd("RCPT TO:<bob@test.example>")
cmd("RCPT TO:<someone@foreign.example>")
cmd("FOO bar")
cmd("VRFY bob@test.example")
before = sockmap_peers()
os.replace(site + ".next", site)
n = open(log).read().count("reloaded")
os.kill(pid, signal.SIGUSR1)
deadline = time.time() + 10
while open(log).read().count("reloaded") == n:
    if time.time() > deadline:
        sys.exit("the daemon logged no reload")
    time.sleep(0.05)
cmd("RCPT TO:<bob@test.example>")
after = sockmap_peers()
if len(before) != 1 or before != after:
    sys.exit("socketmap connections changed across the reload: %s -> %s" % (before, after))
cmd("QUIT", show=False)
EOF

out=$(timeout -k 2 60 "$PYTHON" "$WORKDIR/session.py" 127.0.0.1 "$(pfx_port "$pfx")" \
    "$sport" "$ME_PID" "$ME_LOG" "$WORKDIR/me.conf.site") ||
    fail "SMTP session: $out"

expected='550-5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table
550-5.1.1 This address does not exist at the receiving domain: the part before the @ is unknown there.
550 5.1.1 Check the spelling, or ask the person for their current address: they may have left or changed it.
554-5.7.1 <someone@foreign.example>: Relay access denied
554-5.7.1 This server takes mail only for its own domains and passes nothing on for others without a login.
554 5.7.1 Send through the outgoing server of your own provider, logged in with your account.
500-5.5.2 Error: command not recognized: FOO
500-5.5.2 The receiving server could not understand a command: wrong syntax or unknown command.
500 5.5.2 Usually a fault in the sending program: check or update it, or tell your mail administrator.
502-5.5.1 VRFY command is disabled
502-5.5.1 The server does not answer VRFY: its administrator turned the command off so that nobody can harvest addresses with it.
502 5.5.1 This refusal bounces no message; to check an address, ask the person for it instead.
550-5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table
550-5.1.1 This address does not exist at the receiving domain: the part before the @ is unknown there.
550-5.1.1 Check the spelling, or ask the person for their current address: they may have left or changed it.
550 5.1.1 Directory: https://example.org/people; you are 192.0.2.7; fee $0.'
expect_eq "$expected" "$out" "replies (550, 554, milter 500, Postfix 502 to VRFY, 550 after reload)"

# Postfix had no trouble with the map, and the daemon none with Postfix.
if grep -E 'postfix/smtpd.*warning:' "$pfx/maillog"; then
    fail "Postfix logged socketmap trouble"
fi
if grep -E 'socketmap: conn .*(malformed|over the limit|middle)' "$ME_LOG"; then
    fail "the daemon logged a bad request from Postfix"
fi
kill -0 "$ME_PID" || fail "daemon died"
