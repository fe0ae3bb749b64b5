#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_fault_socketmap - stuck clients on the socketmap: a silent one, one
# that stops in the middle of a request, one that trickles a request byte
# by byte and one that sends requests but never reads its answers. While
# they hang on, Postfix's lookups (postmap -q through the same socket) are
# answered at once; each stuck client is closed after idle_timeout; the
# connection cap refuses what is over it without harm to the others.
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_root
need_postfix
workdir_new
sport=$(free_port)
me_config "$WORKDIR/me.conf" 'socketmap = { idle_timeout = 2; max_clients = 12; };'
me_start "$WORKDIR/me.conf" -m "inet:$sport@127.0.0.1"
wait_port 127.0.0.1 "$sport" 10 || fail "no socketmap listener"
pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)" # for postmap's configuration only
key='550 5.1.1 <bob@test.example>: Recipient address rejected: User unknown'
map=socketmap:inet:127.0.0.1:$sport:footer

cat >"$WORKDIR/stuck.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return s
req = b"footer 550 5.1.1 <bob@test.example>: User unknown"
ns = b"%d:%s," % (len(req), req)
silent = conn()
half = conn(); half.sendall(ns[:20])
trickle = conn()
deaf = conn()
for _ in range(2000):  # answers pile up unread
    try:
        deaf.setblocking(False); deaf.send(ns)
    except BlockingIOError:
        break
print("stuck", flush=True)
t0 = time.time()
closed = {}
for i in range(120):  # 12 s at most
    if i % 5 == 0 and "trickle" not in closed:
        try: trickle.send(ns[i // 5 : i // 5 + 1])
        except OSError: pass
    for name, s in (("silent", silent), ("half", half), ("trickle", trickle)):
        if name in closed:
            continue
        s.setblocking(False)
        try:
            d = s.recv(65536)
            if d == b"":
                closed[name] = time.time() - t0
        except BlockingIOError:
            pass
        except OSError:
            closed[name] = time.time() - t0
    if len(closed) == 3:
        break
    time.sleep(0.1)
print(" ".join("%s=%.1f" % kv for kv in sorted(closed.items())), flush=True)
sys.exit(0 if len(closed) == 3 else 1)
PY
"$PYTHON" "$WORKDIR/stuck.py" "$sport" >"$WORKDIR/stuck.out" 2>&1 &
spy=$!
cleanup_pid "$spy"
for ((i = 0; i < 100; i++)); do grep -q stuck "$WORKDIR/stuck.out" && break; sleep 0.1; done
grep -q stuck "$WORKDIR/stuck.out" || fail "the stuck clients did not start: $(cat "$WORKDIR/stuck.out")"

# Postfix's lookups go through while the others hang
for i in 1 2 3 4 5; do
    start=$(date +%s%N)
    out=$(pfx_postmap "$pfx" -q "$key" "$map") || fail "postmap -q failed while clients were stuck"
    ms=$((($(date +%s%N) - start) / 1000000))
    [ "$ms" -lt 1500 ] || fail "a lookup took $ms ms while clients were stuck"
    expect_match 'does not exist at the receiving domain' "$out" "footer while clients were stuck"
done

wait "$spy" || fail "stuck clients not all closed: $(cat "$WORKDIR/stuck.out")"
note "closed after (s): $(tail -n 1 "$WORKDIR/stuck.out")"

# over the cap: each new client is taken and the connection idle longest
# closed to make room, the service goes on
"$PYTHON" - "$sport" <<'PY' || fail "connections over the cap"
import socket, sys
port = int(sys.argv[1])
import select, time
socks = []
for _ in range(20):
    socks.append(socket.create_connection(("127.0.0.1", port)))
    time.sleep(0.01)  # one after the other: the oldest idles longest
# within half a second (well before idle_timeout), which were closed?
closed = set()
end = time.time() + 0.5
while time.time() < end:
    r, _, _ = select.select([s for s in socks if s not in closed], [], [],
                            max(0, end - time.time()))
    for s in r:
        try:
            if s.recv(1) == b"":
                closed.add(s)
        except OSError:
            closed.add(s)
print("closed to make room under the cap of 12:", len(closed))
# the stuck clients are gone: 8 of the 20 go, the oldest; the newest is
# served
assert len(closed) == 8, len(closed)
assert all(s in closed for s in socks[:len(closed)]), "not the oldest closed"
req = b"footer 550 5.1.1 <bob@test.example>: User unknown"
socks[-1].sendall(b"%d:%s," % (len(req), req))
socks[-1].settimeout(5)
assert b"OK " in socks[-1].recv(65536), "the newest client was not served"
PY
out=$(pfx_postmap "$pfx" -q "$key" "$map") || fail "postmap -q failed after the cap was reached"

kill -0 "$ME_PID" || fail "the daemon died"
echo "ok: stuck socketmap clients closed after idle_timeout, lookups served meanwhile"
