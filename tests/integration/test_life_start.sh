#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_life_start - start-up failures reach the terminal in daemon mode
# (not -f), with their exit code, and leave alone what the failed start
# did not create: a busy inet port, a pid file in a missing directory, a
# second instance against a running one (its socket and pid file stay,
# it still answers), a stale unix socket replaced; the symlink races of
# issue 12 (a planted PIDFILE.tmp link, ownership set by path); an
# inet socket without a host listens on 127.0.0.1 only.
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh"
. "$PFX_LIBDIR/daemon.sh"
. "$PFX_LIBDIR/life.sh"

need_root
need_cmd ss "$PYTHON"
workdir_new
run=$WORKDIR/run
mkdir -m 0755 "$run"
me_config "$WORKDIR/me.conf"
key='550 5.1.1 <bob@example.org>: User unknown'

# ---- a busy inet port: exit 69, the reason on stderr, no pid file left
port=$(free_port)
"$PYTHON" -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(60)' "$port" &
cleanup_pid $!
wait_port 127.0.0.1 "$port" 10 || hard_error "the port holder did not start"
life_run -c "$WORKDIR/me.conf" -p "inet:$port@127.0.0.1" -P "$run/busy.pid"
expect_eq 69 "$LIFE_RC" "exit code on a busy port"
expect_eq "milter-explain: milter socket: bind inet:$port@127.0.0.1: Address already in use" \
    "$LIFE_ERR" "stderr on a busy port"
[ -e "$run/busy.pid" ] && fail "a pid file was left behind"

# ---- a pid file in a missing directory: exit 73 before anything is made
life_run -c "$WORKDIR/me.conf" -p "unix:$run/m0.sock" -P "$WORKDIR/nodir/me.pid"
expect_eq 73 "$LIFE_RC" "exit code for a missing pid directory"
expect_eq "milter-explain: -P $WORKDIR/nodir/me.pid: directory $WORKDIR/nodir: No such file or directory" \
    "$LIFE_ERR" "stderr for a missing pid directory"
[ -e "$run/m0.sock" ] && fail "a socket was left behind"

# ---- a running instance, and a second one against it
life_run -c "$WORKDIR/me.conf" -p "unix:$run/m.sock" -m "unix:$run/s.sock" -P "$run/me.pid"
expect_eq 0 "$LIFE_RC" "exit code of a good start"
expect_eq "" "$LIFE_ERR" "stderr of a good start"
pid1=$(cat "$run/me.pid")
kill -0 "$pid1" || fail "the daemon is not running"
expect_eq OK "$(sm_query "$run/s.sock" "$key" | cut -c1-2)" "the first instance answers"
before=$(stat -c '%i %Y' "$run/m.sock" "$run/s.sock" "$run/me.pid")
life_run -c "$WORKDIR/me.conf" -p "unix:$run/m.sock" -m "unix:$run/s.sock" -P "$run/me.pid"
expect_eq 69 "$LIFE_RC" "exit code of a second instance"
expect_eq "milter-explain: already running (pid $pid1): pid file $run/me.pid is locked" \
    "$LIFE_ERR" "stderr of a second instance"
# without the pid file the live sockets stop it, and are not replaced
life_run -c "$WORKDIR/me.conf" -p "unix:$run/m.sock" -m "unix:$run/s.sock" -P "$run/other.pid"
expect_eq 69 "$LIFE_RC" "exit code of a second instance on live sockets"
expect_eq "milter-explain: milter socket: $run/m.sock: another process listens on this socket (already running?)" \
    "$LIFE_ERR" "stderr of a second instance on live sockets"
expect_eq "$before" "$(stat -c '%i %Y' "$run/m.sock" "$run/s.sock" "$run/me.pid")" \
    "the first instance's sockets and pid file"
expect_eq "$pid1" "$(cat "$run/me.pid")" "the pid file's content"
[ -e "$run/other.pid" ] && fail "the refused start left its pid file"
expect_eq OK "$(sm_query "$run/s.sock" "$key" | cut -c1-2)" "the first instance still answers"

# ---- a stale unix socket (its daemon killed) is replaced
kill -KILL "$pid1"
life_wait_gone "$pid1" 5
[ -S "$run/m.sock" ] || hard_error "kill -9 removed the socket"
life_run -c "$WORKDIR/me.conf" -p "unix:$run/m.sock" -m "unix:$run/s.sock" -P "$run/me.pid"
expect_eq 0 "$LIFE_RC" "exit code over stale sockets: $LIFE_ERR"
pid2=$(cat "$run/me.pid")
[ "$pid2" != "$pid1" ] || fail "the pid file was not rewritten"
expect_eq OK "$(sm_query "$run/s.sock" "$key" | cut -c1-2)" "the new instance answers"
kill "$pid2"
life_wait_gone "$pid2" 2

# ---- a planted PIDFILE.tmp symlink does not redirect the write
echo precious >"$WORKDIR/target"
ln -s "$WORKDIR/target" "$run/me.pid.tmp"
life_run -c "$WORKDIR/me.conf" -p "unix:$run/m.sock" -P "$run/me.pid"
expect_eq 0 "$LIFE_RC" "exit code with a planted PIDFILE.tmp: $LIFE_ERR"
expect_eq precious "$(cat "$WORKDIR/target")" "the symlink's target"
[ -L "$run/me.pid" ] && fail "the pid file is a link"
kill "$(cat "$run/me.pid")"

# ---- inet without a host: loopback only
port=$(free_port)
life_run -c "$WORKDIR/me.conf" -p "inet:$port" -P "$run/lo.pid"
expect_eq 0 "$LIFE_RC" "exit code for inet:PORT"
expect_eq "127.0.0.1:$port" "$(ss -Hltn "sport = :$port" | awk '{print $4}')" \
    "the addresses inet:$port listens on"
kill "$(cat "$run/lo.pid")"
# ...and a warning on the terminal when a door is open beyond it
port=$(free_port)
life_run -c "$WORKDIR/me.conf" -p "inet:$port@0.0.0.0" -P "$run/any.pid"
expect_eq 0 "$LIFE_RC" "exit code for inet:PORT@0.0.0.0"
expect_eq "milter-explain: the milter socket listens beyond loopback (inet:$port@0.0.0.0): every host that can reach it may use it; filter it or bind it to loopback" \
    "$LIFE_ERR" "the warning for 0.0.0.0"
kill "$(cat "$run/any.pid")"

# ---- with the DSN door in its own process: the starting command returns
# (the door's processes must not hold the start-up report open), and a
# stop removes the door's socket too
port=$(free_port)
life_run -c "$WORKDIR/me.conf" -p "inet:$port@127.0.0.1" -d "unix:$run/dsn.sock" \
    -P "$run/dsn.pid"
expect_eq 0 "$LIFE_RC" "exit code with the DSN door: $LIFE_ERR"
[ -S "$run/dsn.sock" ] || fail "no DSN socket after the start"
pid=$(cat "$run/dsn.pid")
kill "$pid"
life_wait_gone "$pid" 2 || fail "the daemon with the DSN door did not stop"
for ((i = 0; i < 100; i++)); do [ -e "$run/dsn.sock" ] || break; sleep 0.02; done
[ ! -e "$run/dsn.sock" ] || fail "the DSN socket was left behind at the stop"
echo "ok: start-up failures on stderr with their codes, one instance, stale sockets replaced, no link followed, loopback by default"
