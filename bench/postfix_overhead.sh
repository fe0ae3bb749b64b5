#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# postfix_overhead.sh - what milter-explain costs ordinary mail in Postfix.
#
# One throw-away Postfix instance on loopback (tests/integration/lib.sh)
# with one smtpd listener per setup, differing only in smtpd_milters:
#   none     no milter
#   null     bench/nullmilter: every event, each answered SMFIS_CONTINUE
#   quiet    bench/nullmilter -q: milter-explain's negotiation, no work
#   explain  milter-explain (shipped config, full knowledge base), inet:
#   unix     milter-explain on a unix: socket (the shipped default)
# smtp-source sends MESSAGES messages of SIZE bytes over SESSIONS parallel
# sessions, one message per SMTP session (the worst case for a milter:
# one milter connection per message), to the discard: transport: the two
# cores are saturated, so this measures CPU cost. The setups run in
# alternation, ROUNDS rounds (the order rotates), each after the queue has
# drained, and the medians are compared. The same rounds again with
# smtp-source -d: each of the SESSIONS sessions sends its share of the
# messages over one connection (a relay's ordinary traffic: the milter
# connection is paid once per session, not per message). Then one session
# at a time (LATENCY messages), for the delay a milter adds to one message.
# Environment: BENCH_SESSIONS (20), BENCH_MESSAGES (1000), BENCH_SIZE
# (2048), BENCH_ROUNDS (3), BENCH_LATENCY (200). About 3 minutes.
. "$(dirname "$0")/benchlib.sh"
sessions=${BENCH_SESSIONS:-20}
messages=${BENCH_MESSAGES:-1000}
size=${BENCH_SIZE:-2048}
rounds=${BENCH_ROUNDS:-3}
latency=${BENCH_LATENCY:-200}

need_root
need_postfix
need_cmd smtp-source
workdir_new
nullmilter=$(bench_tool nullmilter)

declare -A port pid spec
spec[null]=inet:127.0.0.1:$(free_port)
bg_start "$nullmilter" "inet:${spec[null]##*:}@127.0.0.1" 2>"$WORKDIR/null.log"
pid[null]=$BG_PID
spec[quiet]=inet:127.0.0.1:$(free_port)
bg_start "$nullmilter" -q "inet:${spec[quiet]##*:}@127.0.0.1" 2>"$WORKDIR/quiet.log"
pid[quiet]=$BG_PID
me_config "$WORKDIR/me.conf"
mport=$(free_port)
spec[explain]=inet:127.0.0.1:$mport
spec[unix]=unix:$WORKDIR/me.sock
me_daemon "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1"
pid[explain]=$ME_PID
# a second daemon for the unix socket, reachable by the postfix user
me_daemon "$WORKDIR/me.conf" -p "unix:$WORKDIR/me.sock"
pid[unix]=$ME_PID
chmod 0666 "$WORKDIR/me.sock"
for m in null quiet explain; do
    wait_port 127.0.0.1 "${spec[$m]##*:}" 10 || fail "$m milter does not listen"
done

pfx=$WORKDIR/pfx
modes=(none null quiet explain unix)
port[none]=$(free_port)
pfx_new "$pfx" "${port[none]}"
for m in null quiet explain unix; do
    port[$m]=$(free_port)
    pfx_add_smtpd "$pfx" "${port[$m]}" -o "smtpd_milters=${spec[$m]}"
done
pfx_set "$pfx" milter_default_action=tempfail default_process_limit=200
pfx_start "$pfx"
for m in "${modes[@]}"; do
    wait_port 127.0.0.1 "${port[$m]}" 10 || fail "no smtpd on ${port[$m]}"
done

# run MODE COUNT PARALLEL [SMTP-SOURCE FLAGS]: smtp-source through MODE's
# listener; prints "seconds cpu-ticks-of-the-milter"
run() {
    local mode=$1 count=$2 par=$3 start out c0=0 c1=0
    shift 3
    queue_drain "$pfx" 120 >&2
    [ -n "${pid[$mode]:-}" ] && c0=$(proc_cpu "${pid[$mode]}")
    start=$(now)
    out=$(timeout 300 smtp-source "$@" -s "$par" -m "$count" -l "$size" \
        -f sender@client.example -t alice@test.example \
        "127.0.0.1:${port[$mode]}" 2>&1) || fail "smtp-source ($mode): $out"
    [ -z "$out" ] || fail "smtp-source ($mode): $out"
    [ -n "${pid[$mode]:-}" ] && c1=$(proc_cpu "${pid[$mode]}")
    echo "$(elapsed "$start") $((c1 - c0))"
}

machine
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# rounds TITLE [SMTP-SOURCE FLAGS]: the setups in alternation, medians, ratios
rounds_of() {
    local title=$1 r k m t c line tck extra
    shift
    echo "postfix overhead, $title: $messages messages of $size bytes, $sessions parallel sessions, $rounds rounds"
    for m in "${modes[@]}"; do run "$m" 100 "$sessions" "$@" >/dev/null; done # warm-up
    declare -A times cpu med
    for ((r = 0; r < rounds; r++)); do
        line="round $((r + 1)):"
        for ((k = 0; k < ${#modes[@]}; k++)); do
            m=${modes[$(((r + k) % ${#modes[@]}))]}
            read -r t c < <(run "$m" "$messages" "$sessions" "$@")
            times[$m]="${times[$m]:-} $t"
            cpu[$m]=$((${cpu[$m]:-0} + c))
            line="$line $m ${t}s"
        done
        echo "$line"
    done
    tck=$(getconf CLK_TCK)
    for m in "${modes[@]}"; do
        # shellcheck disable=SC2086
        med[$m]=$(median ${times[$m]})
        extra=
        [ -n "${pid[$m]:-}" ] && extra=", milter CPU $(awk -v c="${cpu[$m]}" -v t="$tck" \
            -v n="$((rounds * messages))" 'BEGIN { printf "%.0f", c / t / n * 1e6 }') us per message"
        echo "$m: median ${med[$m]}s, $(awk -v n="$messages" -v t="${med[$m]}" \
            'BEGIN { printf "%.0f", n / t }') messages/s$extra"
    done
    echo "ratio time explain / none: $(ratio "${med[explain]}" "${med[none]}") (target <= 1.05)"
    echo "ratio time unix / none: $(ratio "${med[unix]}" "${med[none]}")"
    echo "ratio time quiet / none: $(ratio "${med[quiet]}" "${med[none]}") (the protocol's floor)"
    echo "ratio time null / none: $(ratio "${med[null]}" "${med[none]}")"
    echo "ratio time explain / null: $(ratio "${med[explain]}" "${med[null]}")"
    echo "ratio time explain / quiet: $(ratio "${med[explain]}" "${med[quiet]}")"
}
rounds_of "one message per session (the worst case for a milter)"
rounds_of "connections reused (smtp-source -d, ~$((messages / sessions)) messages per session)" -d

echo "latency: $latency messages, one session at a time"
for m in none explain unix null; do
    read -r t c < <(run "$m" "$latency" 1)
    echo "$m: $(awk -v n="$latency" -v t="$t" 'BEGIN { printf "%.2f", t / n * 1000 }') ms per message"
done

queue_drain "$pfx" 120
if grep -E 'warning:.*milter|milter.*(error|unavailable|timeout)' "$pfx/maillog" >&2; then
    fail "Postfix logged milter trouble"
fi
sent=$(grep -c 'status=sent' "$pfx/maillog")
want=$(((rounds * messages + 100) * ${#modes[@]} * 2 + 4 * latency))
[ "$sent" -eq "$want" ] || fail "delivered $sent messages, expected $want"
echo "all $sent messages delivered (discard), no milter warning in the log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
