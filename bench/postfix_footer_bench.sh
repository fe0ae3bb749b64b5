#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# postfix_footer_bench.sh - Postfix rejections per second with the
# guidance footer served by milter-explain over socketmap, against the same
# footer from an in-process regexp: table, and against no footer at all.
#
# A throw-away Postfix instance on loopback (tests/integration/lib.sh):
# CLIENTS parallel clients run SESSIONS sessions of RCPTS rejected RCPT
# commands each (bench/smtp_rejects.py). The three setups alternate, RUNS
# rounds, and the median rate of each is compared. Needs root and Postfix;
# run by `make bench` after socketmap_bench.sh. Environment: top_srcdir,
# top_builddir, BENCH_CLIENTS (10), BENCH_SESSIONS (20), BENCH_RCPTS (100),
# BENCH_RUNS (3), BENCH_SOCKET (inet: loopback TCP; unix: a unix socket).
. "$(dirname "$0")/benchlib.sh"
clients=${BENCH_CLIENTS:-10}
sessions=${BENCH_SESSIONS:-20}
rcpts=${BENCH_RCPTS:-100}
runs=${BENCH_RUNS:-3}

need_root
need_postfix
workdir_new
sport=$(free_port)
me_config "$WORKDIR/me.conf"
if [ "${BENCH_SOCKET:-inet}" = unix ]; then
    spec=unix:$WORKDIR/socketmap.sock
    map=socketmap:unix:$WORKDIR/socketmap.sock:footer
    me_start "$WORKDIR/me.conf" -m "$spec"
    chmod 0666 "$WORKDIR/socketmap.sock" # smtpd runs as the postfix user
else
    map=socketmap:inet:127.0.0.1:$sport:footer
    me_start "$WORKDIR/me.conf" -m "inet:$sport@127.0.0.1"
    wait_port 127.0.0.1 "$sport" 10 || fail "no socketmap listener"
fi

pfx=$WORKDIR/pfx
pfx_new "$pfx" "$(free_port)"
pfx_set "$pfx" smtpd_hard_error_limit=100000 smtpd_soft_error_limit=100000
key='550 5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table'
footer=$(pfx_postmap "$pfx" -q "$key" "$map") ||
    fail "the daemon has no footer for $key"
# regexp: tables substitute $1 etc., so the footer's "$" is doubled again
printf '/^550 5\\.1\\.1 / %s\n' "${footer//\$/\$\$}" >"$pfx/etc/footer.regexp"
pfx_start "$pfx"

declare -A maps=(
    [none]=""
    [regexp]="regexp:$pfx/etc/footer.regexp"
    [socketmap]="$map"
)
declare -A rates
echo "== Postfix rejections/s: $clients clients x $sessions sessions x $rcpts rejected RCPTs, $runs rounds, socketmap over ${BENCH_SOCKET:-inet}"
for ((r = 1; r <= runs; r++)); do
    for setup in none regexp socketmap; do
        pfx_set "$pfx" "smtpd_reject_footer_maps=${maps[$setup]}"
        pfx_reload "$pfx"
        line=$(timeout 300 "$PYTHON" "$top_srcdir/bench/smtp_rejects.py" 127.0.0.1 \
            "$(pfx_port "$pfx")" "$clients" "$sessions" "$rcpts") ||
            fail "run $setup failed"
        echo "postfix setup=$setup round=$r $line"
        rates[$setup]+="$(sed -n 's/.* rate=\([0-9]*\).*/\1/p' <<<"$line") "
    done
done
# shellcheck disable=SC2086 # the rates of a setup, one word each
none=$(median ${rates[none]}) re=$(median ${rates[regexp]}) \
    sm=$(median ${rates[socketmap]})
echo "postfix median rate: none=$none regexp=$re socketmap=$sm rejections/s"
awk -v n="$none" -v r="$re" -v s="$sm" 'BEGIN {
    printf "ratio time per rejection socketmap/regexp = %.3f (target <= 1.1), socketmap/no footer = %.3f, regexp/no footer = %.3f\n", r / s, n / s, n / r }'
