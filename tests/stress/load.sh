#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# load.sh - `make stress`: SESSIONS concurrent SMTP sessions through a
# loopback Postfix with milter-explain as its milter and its reject-footer
# socketmap, for DURATION seconds, with a config reload (SIGUSR1) every
# second.
#
# Each session (bench/smtp_storm) says EHLO, sends two unknown commands,
# then a message with one refused recipient before the accepted one; the
# unknown commands and the refusal must come back with guidance (at
# least 2 lines), every other reply as expected. milter_default_action is
# tempfail, so a milter that fails shows as a failed session. Every few
# seconds the daemon's open descriptors, threads and resident memory are
# sampled. Passes when no session failed, every reload was taken, Postfix
# logged no milter trouble, the descriptors come back to their level
# before the load once Postfix is stopped, the threads do not grow past
# their level after the first round, and the resident memory of the last
# round is within 1 MiB of the second round's ("flat").
# Environment: STRESS_SESSIONS (500), STRESS_TIME (180 s). Loopback only;
# bounded by DURATION plus a few minutes at most.
. "$(dirname "$0")/../../bench/benchlib.sh"
sessions=${STRESS_SESSIONS:-500}
duration=${STRESS_TIME:-180}

need_root
need_postfix
workdir_new
storm=$(bench_tool smtp_storm)
ulimit -n 65536 2>/dev/null || ulimit -n 8192 2>/dev/null

mport=$(free_port)
sport=$(free_port)
me_config "$WORKDIR/me.conf"
me_start "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1" -m "inet:$sport@127.0.0.1"
wait_port 127.0.0.1 "$mport" 10 || fail "no milter listener"
wait_port 127.0.0.1 "$sport" 10 || fail "no socketmap listener"
sleep 1
fds0=$(proc_fds "$ME_PID")
threads0=$(proc_status "$ME_PID" Threads)

pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)"
pfx_set "$pfx" "smtpd_milters=inet:127.0.0.1:$mport" milter_default_action=tempfail \
    "smtpd_reject_footer_maps=socketmap:inet:127.0.0.1:$sport:footer" \
    default_process_limit=$((sessions + 100)) smtpd_client_connection_count_limit=0 \
    smtpd_client_connection_rate_limit=0 smtpd_hard_error_limit=1000 in_flow_delay=0
# one session per smtpd process: every session opens and closes its own
# milter and socketmap connections, so a leak per connection shows at
# once, and the daemon's connection count (and memory) comes back to the
# same level after each round
pfx_smtpd_set "$pfx" max_use=1
pfx_start "$pfx"
t0=$(date +%s)

# reloads every second, in the background, until told to stop
(
    while [ ! -e "$WORKDIR/stop" ]; do
        kill -USR1 "$ME_PID" 2>/dev/null || exit 0
        echo x >>"$WORKDIR/reloads"
        sleep 1
    done
) &
rpid=$!
cleanup_pid "$rpid"

# sample WHAT: one line of readings into the samples file
sample() {
    echo "$1 t=$(($(date +%s) - t0)) fds=$(proc_fds "$ME_PID") threads=$(proc_status "$ME_PID" Threads) rss_kib=$(proc_status "$ME_PID" VmRSS)" >>"$WORKDIR/samples"
}
(
    while [ ! -e "$WORKDIR/stop" ]; do sample load; sleep 5; done
) &
spid=$!
cleanup_pid "$spid"

machine
echo "stress: $sessions concurrent sessions for ${duration}s, a reload every second"
round=0 total=0
while [ $(($(date +%s) - t0)) -lt "$duration" ]; do
    round=$((round + 1))
    out=$(timeout 600 "$storm" -s "$sessions" -n 2 -m 1 -r 1 -L 2 -T 120 \
        127.0.0.1 "$(pfx_port "$pfx")" 2>&1) || {
        touch "$WORKDIR/stop"
        fail "round $round: $out"
    }
    kill -0 "$ME_PID" 2>/dev/null || fail "the daemon died"
    n=$(sed -n 's/^sessions=\([0-9]*\) .*/\1/p' <<<"$out" | tail -n 1)
    total=$((total + n))
    sample "round$round"
    echo "round $round: $(tail -n 1 <<<"$out")"
done
touch "$WORKDIR/stop"
wait "$rpid" "$spid" 2>/dev/null
sleep 2
reloads=$(wc -l <"$WORKDIR/reloads")
taken=$(grep -c 'configuration reloaded' "$ME_LOG")
refused=$(grep -c 'reload refused' "$ME_LOG")

if grep -E 'warning:.*[Mm]ilter|[Mm]ilter.*(error|unavailable|timeout)|socketmap.*(error|timeout)|warning:.*socketmap' "$pfx/maillog" >&2; then
    fail "Postfix logged milter or socketmap trouble"
fi
pfx_stop "$pfx"
sleep 3
fds1=$(proc_fds "$ME_PID")
threads1=$(proc_status "$ME_PID" Threads)
sample "after"
cat "$WORKDIR/samples"
first=$(awk '/^round1 / { for (i = 1; i <= NF; i++) if ($i ~ /^threads=/) { sub("threads=", "", $i); print $i } }' "$WORKDIR/samples")
rss2=$(awk '/^round2 / { for (i = 1; i <= NF; i++) if ($i ~ /^rss_kib=/) { sub("rss_kib=", "", $i); print $i } }' "$WORKDIR/samples")
rssl=$(awk '/^round[0-9]+ / { for (i = 1; i <= NF; i++) if ($i ~ /^rss_kib=/) { sub("rss_kib=", "", $i); v = $i } } END { print v }' "$WORKDIR/samples")

echo "sessions: $total in $round rounds, none failed"
echo "reloads: $reloads signalled, $taken taken, $refused refused"
echo "descriptors: $fds0 before the load, $fds1 after Postfix stopped"
echo "threads: $threads0 before, $first after round 1, $threads1 at the end"
echo "resident memory: round 2 ${rss2:-?} KiB, last round $rssl KiB"
[ "$refused" -eq 0 ] || fail "reloads were refused"
[ "$taken" -ge $((reloads * 9 / 10)) ] || fail "only $taken of $reloads reloads taken"
[ "$fds1" -eq "$fds0" ] || fail "descriptors leaked: $fds0 before, $fds1 after"
[ "$threads1" -le "${first:-$threads0}" ] || fail "threads grew: $first after round 1, $threads1 at the end"
if [ -n "$rss2" ]; then
    [ "$rssl" -le $((rss2 + 1024)) ] || fail "memory grew: $rss2 KiB in round 2, $rssl KiB at the end"
fi
echo "ok: stress passed"
