#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_fd_budget - one door cannot starve the other (issue 12 item 2).
# With the open-file limit at 128 (ulimit -n), the daemon keeps 32 for
# itself and gives each door 48. A client holds 200 socketmap connections,
# far beyond that cap: each new one is served and the connection idle
# longest closed, so a milter negotiation still succeeds at once and a new
# socketmap client gets its answer. Without the budget the socketmap took
# every descriptor and libmilter could accept nothing (its listener then
# spun on EMFILE). Then 200 idle milter sessions: those beyond the
# milter's share are closed at negotiation and the socketmap still serves.
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_cmd "$PYTHON" timeout
workdir_new
mport=$(free_port)
sport=$(free_port)
me_config "$WORKDIR/me.conf"
# the limit (soft and hard) for the daemon only, not for the clients
printf '#!/bin/sh\nulimit -n 128 || exit 77\nexec "%s" "$@"\n' "$ME_BIN" >"$WORKDIR/me128"
chmod +x "$WORKDIR/me128"
ME_BIN=$WORKDIR/me128
me_start "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1" -m "inet:$sport@127.0.0.1"
wait_port 127.0.0.1 "$sport" 10 || fail "no socketmap listener"
expect_match 'open files: 128 \(socketmap 48, milter 48\)' "$(cat "$ME_LOG")" \
    "the budget logged at start"

cat >"$WORKDIR/hold.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
req = b"footer 550 5.1.1 <bob@test.example>: User unknown"
ns = b"%d:%s," % (len(req), req)
held = []
for i in range(200):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    held.append(s)
    time.sleep(0.002)
# the oldest were closed to make room, the newest are open
time.sleep(0.3)
closed = 0
for s in held:
    s.setblocking(False)
    try:
        if s.recv(1) == b"":
            closed += 1
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
print("held 200, closed %d" % closed, flush=True)
# a new client is served while the others hang on
n = socket.create_connection(("127.0.0.1", port), timeout=5)
n.sendall(ns)
ans = n.recv(65536)
print("new client: %s" % ans[:20].decode("ascii", "replace"), flush=True)
sys.stdin.readline()  # hold them until the milter check is done
PY
coproc HOLD { "$PYTHON" "$WORKDIR/hold.py" "$sport" 2>&1; }
cleanup_pid "$HOLD_PID"
read -r -t 30 line1 <&"${HOLD[0]}" || fail "the holding client did not report"
read -r -t 10 line2 <&"${HOLD[0]}" || fail "no answer to a new socketmap client: $line1"
expect_eq 'held 200, closed 152' "$line1" "connections closed to make room"
expect_match '^new client: [0-9]+:OK ' "$line2" "answer to a new socketmap client"

# the milter door still negotiates at once
out=$(timeout 10 "$PYTHON" "$PFX_LIBDIR/miltraw.py" "127.0.0.1:$mport" \
    connect:client.example unknown:FOO quit) || fail "milter session: $out"
expect_match '^y 500-5\.5\.2 ' "$out" "milter reply while the socketmap is full"
# and does not spin on a full descriptor table (libmilter's listener took
# ~97 % of a CPU on EMFILE): under half a second of CPU in one second
t0=$(awk '{print $14 + $15}' "/proc/$ME_PID/stat")
sleep 1
t1=$(awk '{print $14 + $15}' "/proc/$ME_PID/stat")
[ $((t1 - t0)) -lt $(($(getconf CLK_TCK) / 2)) ] ||
    fail "the daemon used $((t1 - t0)) ticks of CPU in 1 s while idle"
echo >&"${HOLD[1]}"
wait "$HOLD_PID" 2>/dev/null
expect_match 'closed the [0-9]+ connection\(s\) idle longest to make room' \
    "$(cat "$ME_LOG")" "the cap logged"

# the other way round: 200 milter sessions negotiate and stay idle; the
# 48 of the budget are kept, the others closed at negotiation, and the
# socketmap still has descriptors for a new client
cat >"$WORKDIR/idle.py" <<'PY'
import socket, struct, sys
mport, sport = int(sys.argv[1]), int(sys.argv[2])
optneg = b"O" + struct.pack(">III", 6, 0x1FF, 0x1FFFFF)
held, kept = [], 0
for i in range(200):
    s = socket.create_connection(("127.0.0.1", mport), timeout=5)
    held.append(s)
    s.sendall(struct.pack(">I", len(optneg)) + optneg)
    try:
        if len(s.recv(4)) == 4:
            kept += 1
    except OSError:
        pass
print("milter sessions: 200, kept %d" % kept, flush=True)
req = b"footer 550 5.1.1 <bob@test.example>: User unknown"
c = socket.create_connection(("127.0.0.1", sport), timeout=5)
c.sendall(b"%d:%s," % (len(req), req))
print("new client: %s" % c.recv(20).decode("ascii", "replace"), flush=True)
PY
out=$(timeout 30 "$PYTHON" "$WORKDIR/idle.py" "$mport" "$sport" 2>&1) ||
    fail "idle milter sessions: $out"
expect_eq 'milter sessions: 200, kept 48' "${out%%$'\n'*}" \
    "idle milter sessions kept"
expect_match '^new client: [0-9]+:OK ' "${out#*$'\n'}" \
    "a socketmap client beside idle milter sessions"
expect_match 'milter: 48 sessions open, the open-file budget: closed [0-9]+ new session\(s\) at negotiation' \
    "$(cat "$ME_LOG")" "the milter's budget logged"
kill -0 "$ME_PID" 2>/dev/null || fail "daemon died"
