#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# dsn_bench.sh - what the DSN door costs (issue 15)
#
# 1. Local submissions: BENCH_MSGS (1000) messages submitted one by one
#    with sendmail(1) and delivered to a local Maildir, on a relay whose
#    non_smtpd_milters is the door and on an identical relay without it,
#    in alternating batches of BENCH_MSGS/8 (off, on, on, off; same run,
#    same machine load); each batch is timed from its first submission
#    to its last delivery. The ratio of the totals and of the medians of
#    the batches (this machine is shared: the median ignores a batch
#    another job slowed down). The door accepts each message at MAIL
#    FROM. Target: ratio <= 1.05. A third relay has bench/nullmilter -q
#    (a milter that negotiates as little as milter-explain's milter door
#    and does nothing) in non_smtpd_milters: what any milter session
#    costs Postfix's cleanup, apart from the door's own work.
# 2. A burst of BENCH_MSGS bounces: as many messages sent over SMTP to
#    a user the MX does not know, in two halves; every bounce goes through
#    the door, which adds its guidance. The daemon (detached, -d only: one
#    process serves the door) is read from /proc after each half is
#    delivered. Target: VmRSS under 16 MiB, no growth
#    between the two halves.
# Needs root and Postfix; about a minute on 2 cores.
. "$(dirname "$0")/benchlib.sh"
. "$PFX_LIBDIR/relay.sh"
. "$PFX_LIBDIR/relay_dsn.sh"
msgs=${BENCH_MSGS:-1000}

need_root
need_postfix
workdir_new

me_config "$WORKDIR/me.conf" 'help_url = "https://help.example.org/smtp";'
me_daemon "$WORKDIR/me.conf" -d "unix:$WORKDIR/dsn.sock"
chmod 0666 "$WORKDIR/dsn.sock"
nullmilter=$(bench_tool nullmilter)
bg_start "$nullmilter" -q "unix:$WORKDIR/null.sock" 2>"$WORKDIR/null.log"
for ((i = 0; i < 50; i++)); do [ -S "$WORKDIR/null.sock" ] && break; sleep 0.1; done
chmod 0666 "$WORKDIR/null.sock"
mx=$WORKDIR/mx on=$WORKDIR/on off=$WORKDIR/off null=$WORKDIR/null
mx_new "$mx" "$(free_port)"
for r in "$on" "$off" "$null"; do
    dsn_relay "$r" "$(free_port)" "$(pfx_port "$mx")"
    pfx_set "$r" default_process_limit=200
done
dsn_door "$on" "unix:$WORKDIR/dsn.sock"
dsn_door "$null" "unix:$WORKDIR/null.sock"
pfx_start "$mx"
pfx_start "$on"
pfx_start "$off"
pfx_start "$null"

# mib KB - a /proc reading in kB as MiB
mib() {
    awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# batch RELAY N: submit N messages sender -> marie with sendmail(1), wait
# until all are delivered; print the seconds it took
batch() {
    local r=$1 n=$2 start want i
    want=$(($(dsn_count "$r" marie) + n))
    start=$(now)
    for ((i = 0; i < n; i++)); do
        printf 'From: sender@relay.test\nTo: marie@relay.fr\nSubject: local %d\n\nHello.\n' "$i" |
            /usr/sbin/sendmail -C "$r/etc" -f sender@relay.test marie@relay.fr ||
            fail "sendmail failed"
    done
    for ((i = 0; i < 1200; i++)); do
        [ "$(dsn_count "$r" marie)" -ge "$want" ] && break
        sleep 0.05
    done
    [ "$(dsn_count "$r" marie)" -ge "$want" ] || fail "batch on $r not delivered"
    elapsed "$start"
}

machine
echo "== 1. $msgs local submissions through sendmail(1), door on vs off"
# warm-up: the first batches start pickup, cleanup and virtual processes
batch "$off" $((msgs / 8)) >/dev/null
batch "$on" $((msgs / 8)) >/dev/null
batch "$null" $((msgs / 8)) >/dev/null
t_on=0 t_off=0 t_null=0 q=$((msgs / 8)) ons=() offs=() nulls=()
for round in 1 2 3 4; do
    a=$(batch "$off" "$q")
    b=$(batch "$on" "$q")
    c=$(batch "$null" "$q")
    d=$(batch "$null" "$q")
    e=$(batch "$on" "$q")
    f=$(batch "$off" "$q")
    echo "round $round ($q messages a batch): off $a s, on $b s, null $c s, null $d s, on $e s, off $f s"
    offs+=("$a" "$f")
    ons+=("$b" "$e")
    nulls+=("$c" "$d")
    t_off=$(awk -v x="$t_off" -v y="$a" -v z="$f" 'BEGIN { print x + y + z }')
    t_on=$(awk -v x="$t_on" -v y="$b" -v z="$e" 'BEGIN { print x + y + z }')
    t_null=$(awk -v x="$t_null" -v y="$c" -v z="$d" 'BEGIN { print x + y + z }')
done
echo "local submissions: $((q * 8)) without a milter in $t_off s," \
    "$((q * 8)) with the door in $t_on s, $((q * 8)) with nullmilter -q in $t_null s"
echo "ratio door/none $(ratio "$t_on" "$t_off") (median batches" \
    "$(ratio "$(median "${ons[@]}")" "$(median "${offs[@]}")"); target <= 1.05)," \
    "nullmilter/none $(ratio "$t_null" "$t_off") (median batches" \
    "$(ratio "$(median "${nulls[@]}")" "$(median "${offs[@]}")"))," \
    "door/nullmilter $(ratio "$t_on" "$t_null")"

echo "== 2. a burst of $msgs bounces through the door"
rss0=$(proc_status "$ME_PID" VmRSS)
echo "daemon before: VmRSS $(mib "$rss0") MiB, threads $(proc_status "$ME_PID" Threads)"
# burst N FIRST: N messages over one SMTP session to bob (unknown at the
# MX), numbered from FIRST; wait for their N bounces; print the seconds
burst() {
    local n=$1 first=$2 want start i
    want=$(($(dsn_count "$on" sender) + n))
    start=$(now)
    "$PYTHON" -c 'import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
for i in range(int(sys.argv[3]), int(sys.argv[3]) + int(sys.argv[2])):
    s.sendmail("sender@relay.test", ["bob@test.example"],
               "From: sender@relay.test\r\nTo: bob@test.example\r\n"
               "Subject: burst %d\r\n\r\nHello.\r\n" % i)
s.quit()' "$(pfx_port "$on")" "$n" "$first" || fail "SMTP submission"
    for ((i = 0; i < 3000; i++)); do
        [ "$(dsn_count "$on" sender)" -ge "$want" ] && break
        sleep 0.05
    done
    [ "$(dsn_count "$on" sender)" -ge "$want" ] || fail "the bounces did not all arrive"
    elapsed "$start"
}
t1=$(burst $((msgs / 2)) 0)
rss1=$(proc_status "$ME_PID" VmRSS)
echo "first half: $((msgs / 2)) bounces sent and delivered in $t1 s, daemon VmRSS $(mib "$rss1") MiB"
t2=$(burst $((msgs / 2)) $((msgs / 2)))
rss2=$(proc_status "$ME_PID" VmRSS)
hwm=$(proc_status "$ME_PID" VmHWM)
echo "second half: $((msgs / 2)) more in $t2 s, daemon VmRSS $(mib "$rss2") MiB" \
    "(VmHWM $(mib "$hwm") MiB), threads $(proc_status "$ME_PID" Threads), fds $(proc_fds "$ME_PID")"
enriched=$(grep -l '^==> <bob@test.example>: 550 5.1.1, ' "$(dsn_maildir "$on" sender)"/new/* | wc -l)
echo "bounces with the door's guidance: $enriched of $msgs;" \
    "VmRSS growth between the halves: $(mib $((rss2 - rss1))) MiB (target: under 16 MiB, no growth)"
[ "$enriched" -ge "$msgs" ] || fail "not every bounce was enriched"
exit 0
