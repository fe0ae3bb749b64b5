#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# unknown_storm.sh - replies per second to unknown SMTP commands: Postfix's
# own one-line 500 against milter-explain's multi-line guidance, and the
# daemon's CPU time per reply.
#
# One throw-away Postfix instance on loopback with two smtpd listeners:
# one without milter, one with milter-explain on a unix: socket (the
# shipped default; shipped config, full knowledge base). SESSIONS
# concurrent sessions (bench/smtp_storm) each send COMMANDS unknown
# commands one after the other and check every reply (500, any number of
# lines). Error limits are lifted so that Postfix does not hang up. The
# two run in alternation, ROUNDS rounds; medians are compared. The CPU
# time is read from /proc/PID/stat before and after the milter's runs.
# Environment: BENCH_SESSIONS (20), BENCH_COMMANDS (500), BENCH_ROUNDS (3).
# About 1 minute.
. "$(dirname "$0")/benchlib.sh"
sessions=${BENCH_SESSIONS:-20}
commands=${BENCH_COMMANDS:-500}
rounds=${BENCH_ROUNDS:-3}

need_root
need_postfix
workdir_new
storm=$(bench_tool smtp_storm)

me_config "$WORKDIR/me.conf"
me_daemon "$WORKDIR/me.conf" -p "unix:$WORKDIR/me.sock"
chmod 0666 "$WORKDIR/me.sock"
pfx=$WORKDIR/pfx
declare -A port
port[postfix]=$(free_port)
pfx_new "$pfx" "${port[postfix]}"
port[explain]=$(free_port)
pfx_add_smtpd "$pfx" "${port[explain]}" -o "smtpd_milters=unix:$WORKDIR/me.sock"
pfx_set "$pfx" milter_default_action=tempfail default_process_limit=200 \
    smtpd_hard_error_limit=1000000 smtpd_soft_error_limit=1000000
pfx_start "$pfx"
wait_port 127.0.0.1 "${port[explain]}" 10 || fail "no smtpd on ${port[explain]}"

# run MODE: prints "seconds unknown-replies lines cpu-ticks"
run() {
    local mode=$1 out c0 c1
    c0=$(proc_cpu "$ME_PID")
    out=$(timeout 300 "$storm" -s "$sessions" -n "$commands" -e 500 \
        -c "XSTORM some argument" 127.0.0.1 "${port[$mode]}" 2>&1) ||
        fail "smtp_storm ($mode): $out"
    c1=$(proc_cpu "$ME_PID")
    awk -v c=$((c1 - c0)) '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
        END { print v["seconds"], v["unknown_replies"], v["lines"], c }' <<<"$out"
}

machine
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "unknown-command storm: $sessions sessions x $commands unknown commands, $rounds rounds"
run postfix >/dev/null # warm-up
run explain >/dev/null
declare -A rates
ticks=0 nreplies=0 nlines=0 nall=0
for ((r = 0; r < rounds; r++)); do
    line="round $((r + 1)):"
    for m in postfix explain; do
        read -r t n l c < <(run "$m")
        rate=$(awk -v n="$n" -v t="$t" 'BEGIN { printf "%.0f", n / t }')
        rates[$m]="${rates[$m]:-} $rate"
        line="$line $m $rate replies/s"
        if [ "$m" = explain ]; then
            ticks=$((ticks + c))
            nreplies=$((nreplies + n))
            nlines=$((nlines + l))
        fi
        nall=$((nall + n))
    done
    echo "$line"
done
# shellcheck disable=SC2086
p=$(median ${rates[postfix]})
# shellcheck disable=SC2086
e=$(median ${rates[explain]})
echo "postfix (own 500 reply): median $p replies/s"
echo "milter-explain (guidance): median $e replies/s, $(awk -v l="$nlines" \
    -v n="$nreplies" -v s="$((rounds * sessions * 3))" 'BEGIN { printf "%.1f", (l - s) / n }') lines per reply"
echo "ratio replies/s milter-explain / postfix: $(ratio "$e" "$p")"
echo "daemon CPU per reply: $(awk -v c="$ticks" -v t="$(getconf CLK_TCK)" \
    -v n="$nreplies" 'BEGIN { printf "%.1f", c / t / n * 1e6 }') us (user+system, /proc/$ME_PID/stat)"
if grep -E 'warning:.*milter|milter.*(error|unavailable|timeout)' "$pfx/maillog" >&2; then
    fail "Postfix logged milter trouble"
fi
echo "all $nall replies checked, no milter warning in the log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
