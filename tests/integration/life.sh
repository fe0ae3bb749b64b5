# SPDX-License-Identifier: BSD-2-Clause
# life.sh - the daemon in daemon mode (not -f) for the lifecycle tests
# (source after lib.sh and daemon.sh)
#
#   life_run ARGS...      run milter-explain ARGS (it detaches); sets
#                         LIFE_RC and LIFE_ERR (its stderr); a daemon it
#                         leaves is stopped at exit through its -P file
#   life_gone PID         true once PID has exited (a zombie counts: the
#                         detached daemon's parent may be slow to reap)
#   life_wait_gone PID S  wait up to S seconds; fail if still there
#   sm_query SOCK KEY     one socketmap "footer" lookup over unix SOCK:
#                         prints the answer ("OK text", "NOTFOUND ")

life_run() {
    local a prev='' pidf=''
    for a in "$@"; do
        [ "$prev" = -P ] && pidf=$a
        prev=$a
    done
    LIFE_RC=0
    LIFE_ERR=$(timeout 20 "$ME_BIN" "$@" 2>&1 >/dev/null) || LIFE_RC=$?
    [ -n "$pidf" ] && cleanup_push "life_kill_file '$pidf'"
    return 0
}

life_kill_file() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 0
    [ -n "$pid" ] && kill_pid "$pid"
}

life_gone() {
    [ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

life_wait_gone() {
    local pid=$1 end=$(($(date +%s%N) + $2 * 1000000000))
    while [ "$(date +%s%N)" -lt "$end" ]; do
        life_gone "$pid" && return 0
        sleep 0.01
    done
    life_gone "$pid" || fail "pid $pid still runs after ${2}s"
}

sm_query() {
    "$PYTHON" - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
q = ("footer " + sys.argv[2]).encode()
s.sendall(b"%d:%s," % (len(q), q))
data = b""
while not data.endswith(b","):
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(data.split(b":", 1)[1][:-1].decode())
PY
}
