#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# metrics_bench.sh - what counting costs the socketmap; run by `make bench`
#
# Two daemons with the same config (the shipped knowledge base and a reply
# rule that the key mix's 554 5.7.1 relay key matches, so that the rule
# counter runs too): one with the metrics off, one serving them with -M
# and scraped once a second during its runs. socketmap_bench load sends
# footer lookups from BENCH_CLIENTS (10) persistent clients for
# BENCH_SECONDS (3) per run, alternating off and on (on first in even
# rounds) for BENCH_ROUNDS (5) rounds so that the noise of a shared
# machine falls on both; prints every run, the median rate of each and the
# ratio on/off (target >= 0.97), then the counters of the daemon with
# metrics on. Then, with valgrind, the instructions per lookup of the
# service thread's path (socketmap_bench cost, callgrind: stable whatever
# the load) with the metrics off and on. Stops what it started.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/..}
top_builddir=${top_builddir:-$here/..}
bench=$top_builddir/bench/socketmap_bench
daemon=$top_builddir/milter/milter-explain
secs=${BENCH_SECONDS:-3}
rounds=${BENCH_ROUNDS:-5}
clients=${BENCH_CLIENTS:-10}

[ -x "$bench" ] && [ -x "$daemon" ] || { echo "build first: make bench" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/metrics-bench.XXXXXX") || exit 1
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
off_port=$(port)
on_port=$(port)
http_port=$(port)

cat >"$work/bench.conf" <<EOF
knowledge_base = "$(cd "$top_srcdir" && pwd)/conf/kb";
languages = ["en"];
socketmap = { max_clients = 1024; idle_timeout = 600; };
rules = (
  { name = "relay"; code = 554; enhanced = "5.7.1"; pattern = "Relay access denied"; }
);
EOF

# start NAME ARGS...: a daemon in the foreground, waited for
start() {
    local name=$1 i
    shift
    "$daemon" -f -c "$work/bench.conf" "$@" 2>"$work/$name.log" &
    pids+=($!)
    for ((i = 0; i < 50; i++)); do
        grep -q started "$work/$name.log" 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$work/$name.log" >&2
    exit 1
}
start off -m "inet:$off_port@127.0.0.1"
start on -m "inet:$on_port@127.0.0.1" -M "inet:$http_port"

# scrape - GET /metrics once a second, as Prometheus would (more often)
scrape() {
    while :; do
        { exec 3<>"/dev/tcp/127.0.0.1/$http_port" &&
            printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3 >/dev/null
            exec 3<&-; } 2>/dev/null
        sleep 1
    done
}

# run PORT: one load run; prints the rate
run() {
    timeout $((secs + 30)) "$bench" load -c "$clients" -d "$secs" 127.0.0.1 "$1" |
        sed -n 's/.* rate=\([0-9]*\).*/\1/p'
}

echo "== metrics on vs off: $(nproc) CPU(s), $clients clients, ${secs}s per run, $rounds rounds, footer lookups"
off=()
on=()
# run_on: one run of the daemon with metrics, scraped meanwhile
run_on() {
    local scraper rate
    scrape &
    scraper=$!
    rate=$(run "$on_port")
    kill "$scraper" 2>/dev/null
    wait "$scraper" 2>/dev/null
    echo "$rate"
}
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then
        a=$(run "$off_port")
        b=$(run_on)
    else
        b=$(run_on)
        a=$(run "$off_port")
    fi
    [ -n "$a" ] && [ -n "$b" ] || { echo "a load run failed" >&2; exit 1; }
    echo "round $r: off rate=$a on rate=$b"
    off+=("$a")
    on+=("$b")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
m_off=$(median "${off[@]}")
m_on=$(median "${on[@]}")
awk -v a="$m_off" -v b="$m_on" 'BEGIN {
    printf "median off=%d on=%d lookups/s; ratio on/off = %.3f (target >= 0.97)\n", a, b, b / a }'
{ exec 3<>"/dev/tcp/127.0.0.1/$http_port"
  printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3
  cat <&3; } | grep -E '^milter_explain_(replies_total\{door="footer"\}|lookups_total\{result="ok"\}|lookups_memo_total|rule_replies_total\{rule="relay"\})' |
    sed 's/^/counted by the daemon with metrics on: /'

command -v valgrind >/dev/null || { echo "valgrind missing: no instruction counts" >&2; exit 0; }
calls=${BENCH_CALLS:-3000}
declare -A ir
for mode in metrics-off metrics-on; do
    out=$work/callgrind.$mode
    line=$(timeout 600 valgrind --tool=callgrind --toggle-collect=bench_lookups \
        --callgrind-out-file="$out" "$bench" cost "$work/bench.conf" "$calls" "$mode" 2>/dev/null) ||
        { echo "callgrind run $mode failed" >&2; exit 1; }
    lookups=$(sed -n 's/.* lookups=\([0-9]*\).*/\1/p' <<<"$line")
    total=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$out" | head -1)
    ir[$mode]=$((total / lookups))
    echo "cost mode=$mode instructions_per_lookup=${ir[$mode]} ($calls lookups of the key mix, through the memo)"
done
awk -v a="${ir[metrics-off]}" -v b="${ir[metrics-on]}" 'BEGIN {
    printf "ratio instructions on/off = %.4f (+%d per lookup)\n", b / a, b - a }'
