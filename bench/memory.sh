#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# memory.sh - resident memory of milter-explain with the full knowledge
# base loaded: idle, and under SESSIONS concurrent SMTP sessions through
# Postfix (each has had one unknown command answered and holds its
# connection, so the daemon holds SESSIONS milter connections and
# threads), then idle again.
#
# Readings from /proc/PID/status (VmRSS, VmHWM, Threads) and
# /proc/PID/fd. Target: under 16 MiB idle. Environment: BENCH_SESSIONS
# (200), BENCH_HOLD (5 s). About 20 s.
. "$(dirname "$0")/benchlib.sh"
sessions=${BENCH_SESSIONS:-200}
hold=${BENCH_HOLD:-5}

need_root
need_postfix
workdir_new
storm=$(bench_tool smtp_storm)

me_config "$WORKDIR/me.conf"
me_daemon "$WORKDIR/me.conf" -p "unix:$WORKDIR/me.sock"
chmod 0666 "$WORKDIR/me.sock"
pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)"
pfx_set "$pfx" "smtpd_milters=unix:$WORKDIR/me.sock" milter_default_action=tempfail \
    default_process_limit=$((sessions + 50)) smtpd_client_connection_count_limit=0
pfx_start "$pfx"

# reading WHAT: one line of the daemon's memory, threads and descriptors
reading() {
    echo "$1: VmRSS $(awk -v k="$(proc_status "$ME_PID" VmRSS)" 'BEGIN { printf "%.1f", k / 1024 }') MiB" \
        "(anonymous $(awk -v k="$(proc_status "$ME_PID" RssAnon)" 'BEGIN { printf "%.1f", k / 1024 }') MiB)," \
        "VmHWM $(awk -v k="$(proc_status "$ME_PID" VmHWM)" 'BEGIN { printf "%.1f", k / 1024 }') MiB," \
        "threads $(proc_status "$ME_PID" Threads), fds $(proc_fds "$ME_PID")"
}

machine
langs=$(ls -d "$top_srcdir"/conf/kb/*/ | wc -l)
entries=$(grep -h -c '^ *code *=' "$top_srcdir"/conf/kb/*/*.conf | paste -sd+ | bc)
echo "knowledge base: $langs languages, $entries entries, $(du -sk "$top_srcdir/conf/kb" | cut -f1) KiB of files"
sleep 1
reading "idle after start"
idle=$(proc_status "$ME_PID" VmRSS)

fifo=$WORKDIR/storm.out
: >"$fifo"
"$storm" -s "$sessions" -n 1 -e 500 -w "$hold" -T 60 127.0.0.1 "$(pfx_port "$pfx")" >"$fifo" 2>&1 &
spid=$!
cleanup_pid "$spid"
for ((i = 0; i < 600; i++)); do
    grep -q holding "$fifo" && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
done
grep -q holding "$fifo" || { cat "$fifo" >&2; fail "the sessions did not all get their reply"; }
sleep 1
reading "$sessions sessions open"
wait "$spid" || { cat "$fifo" >&2; fail "smtp_storm failed"; }
grep '^sessions=' "$fifo"
sleep 2
reading "idle again"
echo "idle RSS $(awk -v k="$idle" 'BEGIN { printf "%.1f", k / 1024 }') MiB: target < 16 MiB: $(
    [ "$idle" -lt $((16 * 1024)) ] && echo met || echo MISSED)"
