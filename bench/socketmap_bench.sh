#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# socketmap_bench.sh - benchmark the socketmap service; run by `make bench`
#
# 1. Load: the daemon serves -m inet:PORT@127.0.0.1 with the shipped
#    knowledge base; 1, 10 and 200 persistent clients send footer lookups
#    back to back for BENCH_SECONDS (default 5) each: lookups per second
#    and latency percentiles.
# 2. Cost: instructions per lookup counted by callgrind (stable on a
#    noisy machine) with the full shipped knowledge base, then with 10,
#    1000 and 10000 configured reply rules (generated).
# Prints every figure and the ratios of this run. Bounded in time; stops
# the daemon it started. Environment: top_srcdir, top_builddir (default:
# the parent of this script's directory), BENCH_SECONDS, BENCH_PORT.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/..}
top_builddir=${top_builddir:-$here/..}
bench=$top_builddir/bench/socketmap_bench
daemon=$top_builddir/milter/milter-explain
secs=${BENCH_SECONDS:-5}
calls=${BENCH_CALLS:-3000}

[ -x "$bench" ] && [ -x "$daemon" ] || { echo "build first: make bench" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/socketmap-bench.XXXXXX") || exit 1
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

port=${BENCH_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

base() {
    printf 'knowledge_base = "%s/conf/kb";\n' "$(cd "$top_srcdir" && pwd)"
    printf 'languages = ["en"];\nline_width = 72;\nmax_lines = 12;\n'
    printf 'socketmap = { max_clients = 1024; idle_timeout = 600; };\n'
    printf 'rules = (\n  { name = "unknown"; commands = ["*"]; reply = "500 5.5.2";\n'
    printf '    text = "Error: command not recognized: ${command}"; }'
}

# rules_config N: the base config plus N reply rules spread over codes and
# enhanced codes as a site would write them, a quarter with a pattern
rules_config() {
    base
    awk -v n="$1" 'BEGIN {
        split("421 450 451 452 550 551 552 553 554", codes, " ")
        for (i = 0; i < n; i++) {
            c = codes[i % 9 + 1]; cls = substr(c, 1, 1)
            printf ",\n  { name = \"r%d\"; code = %s; enhanced = \"%s.%d.%d\";", i, c, cls, i % 8, int(i / 8) % 1000
            if (i % 4 == 0)
                printf " pattern = \"site-reason-%d\";", i
            printf " append = [\"Site rule %d: see https://example.org/mail/%d\"]; }", i, i
        }
    }'
    printf '\n);\n'
}

{ base; printf '\n);\n'; } >"$work/kb.conf"
for n in 10 1000 10000; do rules_config "$n" >"$work/rules-$n.conf"; done
for f in "$work"/*.conf; do
    "$daemon" -t -c "$f" >/dev/null || { echo "bad generated config $f" >&2; exit 1; }
done

echo "== socketmap load: $(nproc) CPU(s), ${secs}s per run, daemon and clients on one host"
"$daemon" -f -c "$work/kb.conf" -m "inet:$port@127.0.0.1" 2>"$work/daemon.log" &
pid=$!
for ((i = 0; i < 50; i++)); do
    grep -q started "$work/daemon.log" && break
    sleep 0.1
done
grep -q started "$work/daemon.log" || { cat "$work/daemon.log" >&2; exit 1; }
declare -A rate
for c in 1 10 200; do
    line=$(timeout $((secs + 30)) "$bench" load -c "$c" -d "$secs" 127.0.0.1 "$port") ||
        { echo "load run with $c clients failed" >&2; exit 1; }
    echo "$line"
    rate[$c]=$(sed -n 's/.* rate=\([0-9]*\).*/\1/p' <<<"$line")
done
kill "$pid"
wait "$pid" 2>/dev/null
pid=
awk -v a="${rate[1]}" -v b="${rate[10]}" -v c="${rate[200]}" 'BEGIN {
    printf "ratio rate(10)/rate(1) = %.2f, rate(200)/rate(1) = %.2f\n", b / a, c / a }'

echo "== cost per lookup (callgrind instructions, $calls lookups of the key mix; plain: every answer rendered; memo: the service thread's path)"
command -v valgrind >/dev/null || { echo "valgrind missing: no cost figures" >&2; exit 1; }
declare -A ir
for mode in plain memo; do
    for cfg in kb rules-10 rules-1000 rules-10000; do
        out=$work/callgrind.$cfg.$mode
        line=$(timeout 600 valgrind --tool=callgrind --toggle-collect=bench_lookups \
            --callgrind-out-file="$out" "$bench" cost "$work/$cfg.conf" "$calls" \
            $([ "$mode" = memo ] && echo memo) 2>/dev/null) ||
            { echo "callgrind run $cfg $mode failed" >&2; exit 1; }
        lookups=$(sed -n 's/.* lookups=\([0-9]*\).*/\1/p' <<<"$line")
        total=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$out" | head -1)
        ir[$cfg.$mode]=$((total / lookups))
        printf 'cost mode=%s config=%s rules=%s instructions_per_lookup=%s\n' "$mode" "$cfg" \
            "$(sed -n 's/.* rules=\([0-9]*\).*/\1/p' <<<"$line")" "${ir[$cfg.$mode]}"
    done
    awk -v m="$mode" -v k="${ir[kb.$mode]}" -v a="${ir[rules-10.$mode]}" -v b="${ir[rules-1000.$mode]}" \
        -v c="${ir[rules-10000.$mode]}" 'BEGIN {
        printf "ratio %s: cost(1000 rules)/cost(10 rules) = %.3f, cost(10000)/cost(10) = %.3f (rules x1000; linear growth would be ~x1000); cost(10 rules)/cost(knowledge base only) = %.3f\n", m, b / a, c / a, a / k }'
done
awk -v p="${ir[kb.plain]}" -v m="${ir[kb.memo]}" 'BEGIN {
    printf "ratio cost(memo)/cost(plain), knowledge base only = %.3f\n", m / p }'

# Cost of single keys (memo path, knowledge base only): the provider rules
# run on every lookup, before the memo, so a key no provider sent and a
# provider's own reply are both measured. Keys differ by recipient in real
# traffic, so the memo does not save the match: the literal index of
# provider_match.c does.
echo "== cost per lookup of single keys (callgrind instructions, memo path, knowledge base only)"
single_keys=(
    "footer 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in local recipient table"
    "footer 554 5.7.1 <someone@foreign.example>: Relay access denied"
    "footer 421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"
    "footer 550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [BN8NAM12FT041.eop-nam12.prod.protection.outlook.com]"
)
for k in "${single_keys[@]}"; do
    out=$work/callgrind.single
    line=$(timeout 600 valgrind --tool=callgrind --toggle-collect=bench_lookups \
        --callgrind-out-file="$out" "$bench" cost "$work/kb.conf" "$calls" memo "$k" 2>/dev/null) ||
        { echo "callgrind run of a single key failed" >&2; exit 1; }
    lookups=$(sed -n 's/.* lookups=\([0-9]*\).*/\1/p' <<<"$line")
    total=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$out" | head -1)
    printf 'cost key="%.60s..." instructions_per_lookup=%s\n' "${k#footer }" "$((total / lookups))"
done
