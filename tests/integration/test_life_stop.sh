#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_life_stop - the daemon in daemon mode as an unprivileged user (-u),
# started with a relative -c: sockets created with the user's ownership
# and no chown by path; a reload after the chdir("/") works; a reload
# with an unreadable site.d is refused and the old config keeps serving;
# SIGTERM stops it within a second, its sockets and pid file removed by
# the unprivileged daemon itself.
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh"
. "$PFX_LIBDIR/daemon.sh"
. "$PFX_LIBDIR/life.sh"

need_root
need_cmd strace "$PYTHON"
id nobody >/dev/null 2>&1 || skip "no user nobody"
workdir_new
run=$WORKDIR/run
mkdir -m 0750 "$run"
chown nobody "$run"
group=$(id -gn nobody)
me_config "$WORKDIR/me.conf"
mkdir "$WORKDIR/site.d"
sed -i 's|^include = .*|include = ["me.conf.site", "site.d/*.conf"];|' "$WORKDIR/me.conf"
printf 'rules = ( { name = "mark"; code = 550; lines = ["MARK-ONE"]; mode = "replace"; } );\n' \
    >"$WORKDIR/site.d/mark.conf"
chmod 0644 "$WORKDIR/me.conf" "$WORKDIR/me.conf.site" "$WORKDIR/site.d/mark.conf"
key='550 5.1.1 <bob@example.org>: User unknown'

# sockets (the DSN door's, made in its own process, too) are created as
# the user: no chown by path, which a link
# swapped in after bind() would redirect (strace sees every chown)
# (LeakSanitizer cannot run under ptrace: no leak check for this one run)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
strace -f -qq -o "$WORKDIR/trace" -e trace=chown,lchown,fchown,fchownat \
    "$ME_BIN" -c "$WORKDIR/me.conf" -u nobody -p "unix:$run/m.sock" \
    -m "unix:$run/s.sock" -d "unix:$run/d.sock" -P "$run/me.pid" \
    >"$WORKDIR/strace.out" 2>&1 &
tracer=$!
cleanup_pid "$tracer"
cleanup_push "life_kill_file '$run/me.pid'"
for ((i = 0; i < 100; i++)); do [ -s "$run/me.pid" ] && break; sleep 0.1; done
[ -s "$run/me.pid" ] || fail "no pid file under strace: $(cat "$WORKDIR/strace.out")"
for ((i = 0; i < 50; i++)); do [ -S "$run/d.sock" ] && break; sleep 0.1; done
for s in m.sock s.sock d.sock; do
    expect_eq "nobody $group" "$(stat -c '%U %G' "$run/$s")" "owner of $s"
done
kill "$(cat "$run/me.pid")"
wait "$tracer"
if grep -E 'chown' "$WORKDIR/trace"; then
    fail "ownership changed by path (a swapped-in link would be followed)"
fi

# a relative -c
cd "$WORKDIR"
life_run -c me.conf -u nobody -p "unix:$run/m.sock" -m "unix:$run/s.sock" -P "$run/me.pid"
cd /
expect_eq 0 "$LIFE_RC" "exit code: $LIFE_ERR"
pid=$(cat "$run/me.pid")
expect_eq "OK MARK-ONE" "$(sm_query "$run/s.sock" "$key")" "the site.d rule"

# a reload after chdir("/"): the relative -c still names the same file
sed -i 's/MARK-ONE/MARK-TWO/' "$WORKDIR/site.d/mark.conf"
kill -USR1 "$pid"
for ((i = 0; i < 100; i++)); do
    [ "$(sm_query "$run/s.sock" "$key")" = "OK MARK-TWO" ] && break
    sleep 0.05
done
expect_eq "OK MARK-TWO" "$(sm_query "$run/s.sock" "$key")" "the rule after a reload"

# site.d unreadable by the daemon's user: the reload is refused, the
# running configuration (with site.d's rule) stays
sed -i 's/MARK-TWO/MARK-THREE/' "$WORKDIR/site.d/mark.conf"
chmod 0700 "$WORKDIR/site.d"
kill -USR1 "$pid"
sleep 0.5
kill -0 "$pid" || fail "the daemon died at the reload"
expect_eq "OK MARK-TWO" "$(sm_query "$run/s.sock" "$key")" "the rule after a refused reload"
chmod 0755 "$WORKDIR/site.d"

# SIGTERM: gone within a second, and nothing left behind
t0=$(date +%s%N)
kill -TERM "$pid"
life_wait_gone "$pid" 1
ms=$((($(date +%s%N) - t0) / 1000000))
note "stopped in $ms ms"
left=$(ls -A "$run")
expect_eq "" "$left" "what the stop left in $run"
# the same right after a start (libmilter's listener has just begun a
# 5 s poll: the stop used to wait for its end)
life_run -c "$WORKDIR/me.conf" -u nobody -p "unix:$run/m.sock" -P "$run/me.pid"
expect_eq 0 "$LIFE_RC" "exit code: $LIFE_ERR"
pid=$(cat "$run/me.pid")
t0=$(date +%s%N)
kill -TERM "$pid"
life_wait_gone "$pid" 1
ms2=$((($(date +%s%N) - t0) / 1000000))
note "stopped in $ms2 ms right after its start"
expect_eq "" "$(ls -A "$run")" "what the stop left in $run"
echo "ok: unprivileged daemon, no chown by path, reloads after chdir, unreadable site.d refused, stopped in ${ms} and ${ms2} ms"
