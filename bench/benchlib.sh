# SPDX-License-Identifier: BSD-2-Clause
# benchlib.sh - shared by the bench/*.sh that drive Postfix and by the
# load tests: their prologue, the daemon as in production (detached, pid
# file), /proc readings, medians, the machine. Source it first (bash):
#     . "$(dirname "$0")/benchlib.sh"

# The prologue: the source and build trees (top_srcdir, top_builddir from
# the environment, as `make bench` sets them; else the tree this file is
# in, built in place), the test harness and the daemon's helpers.
top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/integration/lib.sh"
export MILTER_EXPLAIN=${MILTER_EXPLAIN:-$top_builddir/milter/milter-explain}
. "$PFX_LIBDIR/daemon.sh"

# me_daemon CONF ARGS...: start milter-explain detached (no -f: as in
# production, no stderr logging) with a pid file of its own ($ME_PIDFILE);
# sets ME_PID. Each call starts one more daemon.
ME_N=0
me_daemon() {
    local conf=$1 i
    shift
    ME_N=$((ME_N + 1))
    ME_PIDFILE=$WORKDIR/milter-explain.$ME_N.pid
    rm -f "$ME_PIDFILE"
    "$ME_BIN" -c "$conf" -P "$ME_PIDFILE" "$@" 2>>"$WORKDIR/milter-explain.err" ||
        fail "milter-explain did not start: $(cat "$WORKDIR/milter-explain.err")"
    for ((i = 0; i < 100; i++)); do
        [ -s "$ME_PIDFILE" ] && break
        sleep 0.1
    done
    ME_PID=$(cat "$ME_PIDFILE" 2>/dev/null) || fail "no pid file"
    kill -0 "$ME_PID" 2>/dev/null || fail "milter-explain is not running"
    cleanup_pid "$ME_PID"
}

# proc_cpu PID: user+system CPU time of PID so far, in clock ticks
proc_cpu() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# proc_status PID FIELD: a field of /proc/PID/status without its unit
# (VmRSS, VmHWM in kB; Threads)
proc_status() {
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# proc_fds PID: open file descriptors of PID
proc_fds() {
    ls "/proc/$1/fd" 2>/dev/null | wc -l
}

# median NUMBER...: the median (the lower middle one for an even count)
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# ratio A B: A / B with 3 decimals
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b ? a / b : 0 }'
}

# now: seconds since the epoch with nanoseconds
now() {
    date +%s.%N
}

# elapsed START: seconds since START (from now)
elapsed() {
    awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.3f", e - s }'
}

# queue_drain DIR [SECS]: wait until the instance's queue is empty
queue_drain() {
    local dir=$1 secs=${2:-60} i
    for ((i = 0; i < secs * 10; i++)); do
        [ -z "$(find "$dir/spool/incoming" "$dir/spool/active" \
            "$dir/spool/deferred" "$dir/spool/maildrop" -type f 2>/dev/null | head -1)" ] &&
            return 0
        sleep 0.1
    done
    note "queue of $dir not empty after ${secs}s"
    return 1
}

# pfx_add_smtpd DIR PORT [-o name=value ...]: one more smtpd listener on
# 127.0.0.1:PORT with its own options (master.cf)
pfx_add_smtpd() {
    local dir=$1 port=$2
    shift 2
    "$PFX_POSTCONF" -c "$dir/etc" -Me \
        "127.0.0.1:$port/inet=127.0.0.1:$port inet n - n - - smtpd $*" ||
        hard_error "pfx_add_smtpd $port"
}

# machine: one line about this machine
machine() {
    echo "machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(uname -sr), $("$PFX_POSTCONF" -d mail_version 2>/dev/null | sed 's/ = / /')"
}

# bench_tool NAME: the path of a C helper built by `make bench`
bench_tool() {
    local p=${top_builddir:-.}/bench/$1
    [ -x "$p" ] || hard_error "no $p: run \`make bench\` (it builds it)"
    echo "$p"
}
