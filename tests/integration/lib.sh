# SPDX-License-Identifier: BSD-2-Clause
# lib.sh - Postfix integration-test harness for milter-explain.
#
# Source it from a bash test script:
#
#     #!/bin/bash
#     . "${srcdir:-$(dirname "$0")}/lib.sh"
#     need_root
#     need_postfix
#     workdir_new                      # sets $WORKDIR, removed at exit
#     port=$(free_port)
#     pfx_new "$WORKDIR/pfx" "$port"
#     pfx_start "$WORKDIR/pfx"         # stopped automatically at exit
#     out=$(printf 'EHLO t\nFOO\nQUIT\n' | pfx_chat "$WORKDIR/pfx") || fail "chat"
#     expect_eq "$expected" "$out" "reply to FOO"
#
# Exit codes follow automake: 0 pass, 77 skip, 1 fail, 99 hard error.
# Everything that waits is bounded by timeout(1).  See README.md.
#
# Requires bash (arrays, $RANDOM, process substitution), coreutils
# timeout, setpriv (util-linux), python3 (stdlib only) and Postfix >= 3.4.

# ---------------------------------------------------------------- settings

PFX_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
# Upper bound for postfix start/stop/reload and for one SMTP session.
PFX_TIMEOUT=${PFX_TIMEOUT:-30}
PFX_POSTFIX=${PFX_POSTFIX:-/usr/sbin/postfix}
PFX_POSTCONF=${PFX_POSTCONF:-/usr/sbin/postconf}
PFX_POSTMAP=${PFX_POSTMAP:-/usr/sbin/postmap}
PFX_DAEMON_DIR=${PFX_DAEMON_DIR:-$("$PFX_POSTCONF" -dh daemon_directory 2>/dev/null || echo /usr/lib/postfix/sbin)}
PFX_USER=${PFX_USER:-postfix}
PFX_SETGID_GROUP=${PFX_SETGID_GROUP:-postdrop}

# ---------------------------------------------------------------- basics

# fail MSG...: report a test failure and exit 1.
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# skip MSG...: report why the test cannot run here and exit 77.
skip() {
    echo "SKIP: $*" >&2
    exit 77
}

# hard_error MSG...: the harness itself broke (not the code under test): 99.
hard_error() {
    echo "ERROR: $*" >&2
    exit 99
}

# note MSG...: progress message on stderr (ends up in the test's .log).
note() {
    echo "# $*" >&2
}

# need_root: skip unless running as root (Postfix instances need root).
need_root() {
    [ "$(id -u)" = 0 ] || skip "must run as root"
}

# need_cmd CMD...: skip unless every CMD is found in PATH (or is a path).
need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip "$c not found"
    done
}

# need_postfix: skip unless Postfix (and what the harness needs) is here.
need_postfix() {
    need_cmd "$PFX_POSTFIX" "$PFX_POSTCONF" timeout setpriv "$PYTHON"
    [ -x "$PFX_DAEMON_DIR/master" ] || skip "no $PFX_DAEMON_DIR/master"
    id "$PFX_USER" >/dev/null 2>&1 || skip "no user $PFX_USER"
    getent group "$PFX_SETGID_GROUP" >/dev/null || skip "no group $PFX_SETGID_GROUP"
}

# expect_eq EXPECTED ACTUAL [WHAT]: fail with a unified diff on mismatch.
expect_eq() {
    local exp=$1 act=$2 what=${3:-value}
    [ "$exp" = "$act" ] && return 0
    echo "FAIL: unexpected $what:" >&2
    diff -u --label "expected $what" --label "actual $what" \
        <(printf '%s\n' "$exp") <(printf '%s\n' "$act") >&2
    exit 1
}

# expect_match ERE ACTUAL [WHAT]: fail unless ACTUAL has a line matching ERE.
expect_match() {
    local re=$1 act=$2 what=${3:-output}
    printf '%s\n' "$act" | grep -Eq -- "$re" && return 0
    echo "FAIL: no line of $what matches /$re/; $what was:" >&2
    printf '%s\n' "$act" | sed 's/^/| /' >&2
    exit 1
}

# ---------------------------------------------------------------- cleanup
#
# Sourcing this file installs EXIT/INT/TERM/HUP traps that run the cleanup
# list in reverse order.  Do not set your own EXIT trap (it would replace
# this one); register work with cleanup_push / cleanup_pid instead.  Both
# must be called from the main shell, not from inside $(...) or a pipe.

_PFX_CLEANUP=()
_PFX_INSTANCES=()

# cleanup_push CMD: run the shell command CMD at exit (LIFO order).
cleanup_push() {
    _PFX_CLEANUP+=("$1")
}

# cleanup_pid PID: at exit send PID SIGTERM, then SIGKILL after 3 s.
cleanup_pid() {
    _PFX_CLEANUP+=("kill_pid $1")
}

# kill_pid PID [SECS]: TERM, wait up to SECS (3), then KILL.  Silent.
kill_pid() {
    local pid=$1 secs=${2:-3} i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < secs * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

# bg_start CMD ARGS...: start a background process, register it for
# cleanup, and set $BG_PID.  Output goes wherever the caller redirected.
bg_start() {
    "$@" &
    BG_PID=$!
    cleanup_pid "$BG_PID"
}

_pfx_run_cleanup() {
    local i
    trap - EXIT INT TERM HUP
    for ((i = ${#_PFX_CLEANUP[@]} - 1; i >= 0; i--)); do
        eval "${_PFX_CLEANUP[$i]}" >/dev/null 2>&1 || true
    done
    _PFX_CLEANUP=()
}

_pfx_on_exit() {
    local rc=$?
    local d
    if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
        for d in "${_PFX_INSTANCES[@]}"; do
            if [ -s "$d/maillog" ]; then
                echo "----- $d/maillog (last 60 lines) -----" >&2
                tail -n 60 "$d/maillog" >&2
                echo "-----" >&2
            fi
        done
    fi
    _pfx_run_cleanup
    exit "$rc"
}

trap _pfx_on_exit EXIT
trap 'echo "interrupted" >&2; exit 99' INT TERM HUP

# workdir_new: make a scratch directory, set $WORKDIR to it (mode 0755 so
# the postfix user can traverse it), and remove it at exit.  Set
# KEEP_WORKDIR=1 to keep it; it is also kept when the test fails.
workdir_new() {
    WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/milter-explain-it.XXXXXX") ||
        hard_error "mktemp failed"
    chmod 0755 "$WORKDIR"
    cleanup_push "_pfx_rm_workdir '$WORKDIR' \$rc"
}

_pfx_rm_workdir() {
    local d=$1 rc=${2:-0}
    if [ -n "${KEEP_WORKDIR:-}" ] || { [ "$rc" != 0 ] && [ "$rc" != 77 ]; }; then
        echo "# work directory kept: $d" >&2
        return 0
    fi
    case $d in
        */milter-explain-it.*) rm -rf -- "$d" ;;
    esac
}

# ---------------------------------------------------------------- network

# free_port: print a TCP port on 127.0.0.1 that nothing uses right now.
free_port() {
    local i p used
    # Local ports (hex) of every TCP socket, listening or not.
    used=$(awk 'NR > 1 { n = split($2, a, ":"); print a[n] }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u)
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 12000))
        if ! printf '%s\n' "$used" | grep -qx "$(printf '%04X' "$p")" &&
            "$PYTHON" -c 'import socket,sys
s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.close()' "$p" 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    hard_error "free_port: found no free port"
}

# port_listening HOST PORT: true if a TCP socket listens on HOST:PORT
# (or on the wildcard address).  Reads /proc; opens no connection, so it
# causes no "connect from"/"lost connection" noise in the tested server.
port_listening() {
    local host=$1 port=$2 hexport hexhost
    hexport=$(printf '%04X' "$port")
    # shellcheck disable=SC2046
    hexhost=$(printf '%02X' $(echo "$host" | awk -F. '{ print $4, $3, $2, $1 }'))
    awk -v hp="$hexhost:$hexport" -v any="00000000:$hexport" -v p=":$hexport" '
        FILENAME ~ /tcp6$/ && $4 == "0A" && substr($2, length($2) - 4) == p { f = 1 }
        FILENAME !~ /tcp6$/ && $4 == "0A" && ($2 == hp || $2 == any) { f = 1 }
        END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# wait_port HOST PORT [SECS]: wait (default 10 s) until HOST:PORT listens.
wait_port() {
    local host=$1 port=$2 secs=${3:-10} i
    for ((i = 0; i < secs * 10; i++)); do
        port_listening "$host" "$port" && return 0
        sleep 0.1
    done
    echo "wait_port: nothing listens on $host:$port after ${secs}s" >&2
    return 1
}

# wait_port_closed HOST PORT [SECS]: the reverse of wait_port.
wait_port_closed() {
    local host=$1 port=$2 secs=${3:-10} i
    for ((i = 0; i < secs * 10; i++)); do
        port_listening "$host" "$port" || return 0
        sleep 0.1
    done
    echo "wait_port_closed: $host:$port still listens after ${secs}s" >&2
    return 1
}

# smtpchat HOST PORT [smtpchat.py options]: one scripted SMTP session;
# script on stdin, reply lines on stdout.  Exit status is smtpchat.py's
# (124 if the whole session exceeded PFX_TIMEOUT + 10 s).
smtpchat() {
    timeout -k 2 $((PFX_TIMEOUT + 10)) "$PYTHON" "$PFX_LIBDIR/smtpchat.py" \
        --timeout "${SMTPCHAT_TIMEOUT:-10}" "$@"
}

# ---------------------------------------------------------------- Postfix

# pfx_new DIR PORT: create (or re-create) a throw-away Postfix instance in
# DIR whose smtpd listens on 127.0.0.1:PORT.  It has its own
# config_directory DIR/etc, queue_directory DIR/spool, data_directory
# DIR/data and log file DIR/maillog; it never reads or writes the system
# instance's main.cf/master.cf or queue.  See README.md for the settings.
pfx_new() {
    local dir=$1 port=$2
    if [ -z "$dir" ] || [ -z "$port" ]; then hard_error "usage: pfx_new DIR PORT"; fi
    case $port in *[!0-9]*) hard_error "pfx_new: bad port '$port'" ;; esac
    local fresh=
    # A new or empty DIR (e.g. from mktemp -d, mode 0700) is made 0755.
    if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir" 2>/dev/null)" ]; then fresh=1; fi
    mkdir -p "$dir" || hard_error "pfx_new: cannot create $dir"
    dir=$(cd "$dir" && pwd -P)
    case $dir in
        /etc/postfix* | /var/spool/postfix* | /var/lib/postfix*)
            hard_error "pfx_new: refusing to use $dir" ;;
    esac
    if [ -f "$dir/spool/pid/master.pid" ] && pfx_running "$dir"; then
        hard_error "pfx_new: an instance is running in $dir"
    fi
    # Only ever wipe what an earlier pfx_new made (never, say, DIR=/ /etc).
    if [ -e "$dir/etc" ] || [ -e "$dir/spool" ] || [ -e "$dir/data" ]; then
        head -n 1 "$dir/etc/main.cf" 2>/dev/null | grep -q '^# Throw-away Postfix instance made by' ||
            hard_error "pfx_new: $dir holds etc/, spool/ or data/ not made by pfx_new"
    fi
    rm -rf "${dir:?}/etc" "${dir:?}/spool" "${dir:?}/data" "${dir:?}/maillog"
    mkdir -p "$dir/etc" "$dir/spool" "$dir/data" || hard_error "pfx_new: mkdir"
    if [ -n "$fresh" ]; then
        chown root:root "$dir"
        chmod 0755 "$dir"
    fi
    chown root:root "$dir/etc" "$dir/spool"
    chmod 0755 "$dir/etc" "$dir/spool"
    chown "$PFX_USER:" "$dir/data"
    chmod 0700 "$dir/data"
    setpriv --reuid="$PFX_USER" --regid="$PFX_USER" --clear-groups \
        test -x "$dir/spool" ||
        hard_error "pfx_new: user $PFX_USER cannot reach $dir (a parent directory is not searchable)"
    echo "$port" >"$dir/port"

    # Local recipients: alice exists, bob does not.  Postfix looks up
    # "user@domain" and then "user".
    printf '%s\n' 'alice alice' 'postmaster postmaster' \
        >"$dir/etc/local_recipients"

    cat >"$dir/etc/main.cf" <<EOF
# Throw-away Postfix instance made by tests/integration/lib.sh (pfx_new).
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = $PFX_USER
setgid_group = $PFX_SETGID_GROUP
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
syslog_name = postfix
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.test.example
mydomain = test.example
myorigin = \$mydomain
mydestination = test.example, localhost
relay_domains =
mynetworks = 127.0.0.0/8
smtpd_authorized_xclient_hosts = 127.0.0.0/8
local_recipient_maps = texthash:$dir/etc/local_recipients
alias_maps =
alias_database =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
# Nothing is ever delivered.
default_transport = discard:pfx-test
local_transport = discard:pfx-test
relay_transport = discard:pfx-test
virtual_transport = discard:pfx-test
# Quieter and faster for tests; no behaviour visible to an SMTP client.
biff = no
append_dot_mydomain = no
readme_directory = no
smtpd_error_sleep_time = 0s
EOF

    cat >"$dir/etc/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$port inet n -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    chmod 0644 "$dir/etc/main.cf" "$dir/etc/master.cf" "$dir/etc/local_recipients"
    _pfx_backdate "$dir"
    # Cheap sanity check (a full "postfix check" costs ~2 s; "postfix
    # start" runs its checks anyway).
    local warn
    warn=$("$PFX_POSTCONF" -c "$dir/etc" -n 2>&1 >/dev/null)
    [ -z "$warn" ] || hard_error "pfx_new: postconf complains: $warn"
    return 0
}

# pfx_port DIR: print the smtpd port of the instance.
pfx_port() {
    cat "$1/port"
}

_pfx_postfix() {
    local dir=$1
    shift
    timeout -k 5 "$PFX_TIMEOUT" "$PFX_POSTFIX" -c "$dir/etc" "$@"
}

# pfx_backdate FILE...: set the mtime of FILEs 2 s into the past.
# Postfix (dict_load_file) re-reads, sleeping, main.cf or a texthash:
# file (not regexp:) whose mtime is in the current second, which costs
# ~2 s per program start (postconf, postmap, postfix start, new smtpd).
# The pfx_* functions do this for DIR/etc; do it for tables you write.
pfx_backdate() {
    touch -c -d "@$(($(date +%s) - 2))" "$@" 2>/dev/null
    return 0
}

_pfx_backdate() {
    pfx_backdate "$1"/etc/*
}

# pfx_postconf DIR ARGS...: postconf(1) on the instance (e.g. -h name).
pfx_postconf() {
    local dir=$1
    shift
    "$PFX_POSTCONF" -c "$dir/etc" "$@"
}

# pfx_set DIR name=value ...: change main.cf (postconf -e).  Takes effect
# at the next pfx_start or pfx_reload.
pfx_set() {
    local dir=$1
    shift
    "$PFX_POSTCONF" -c "$dir/etc" -e "$@" || hard_error "pfx_set $*"
    _pfx_backdate "$dir"
}

# pfx_unset DIR name ...: remove main.cf settings (postconf -X).
pfx_unset() {
    local dir=$1
    shift
    "$PFX_POSTCONF" -c "$dir/etc" -X "$@" || hard_error "pfx_unset $*"
    _pfx_backdate "$dir"
}

# pfx_smtpd_set DIR name=value ...: add/replace "-o name=value" on the
# smtpd service entry in master.cf (postconf -P; a value with whitespace
# is written as "-o { name = value }").  Takes effect at start/reload.
pfx_smtpd_set() {
    local dir=$1 svc kv name value tmp
    shift
    svc="127.0.0.1:$(pfx_port "$dir")"
    for kv in "$@"; do
        case $kv in
            *=*) ;;
            *) hard_error "pfx_smtpd_set: '$kv' is not name=value" ;;
        esac
        name=${kv%%=*}
        value=${kv#*=}
        case $value in
            *[[:space:]]*)
                "$PFX_POSTCONF" -c "$dir/etc" -PX "$svc/inet/$name" 2>/dev/null
                tmp="$dir/etc/master.cf.tmp"
                awk -v svc="$svc" -v opt="  -o { $name = $value }" '
                    in_svc && !/^[ \t]/ { print opt; in_svc = 0; done = 1 }
                    { print }
                    $1 == svc && $2 == "inet" { in_svc = 1 }
                    END { if (in_svc) print opt }' \
                    "$dir/etc/master.cf" >"$tmp" || hard_error "pfx_smtpd_set $kv"
                mv "$tmp" "$dir/etc/master.cf" || hard_error "pfx_smtpd_set $kv"
                ;;
            *)
                "$PFX_POSTCONF" -c "$dir/etc" -P "$svc/inet/$kv" ||
                    hard_error "pfx_smtpd_set $kv" ;;
        esac
    done
    _pfx_backdate "$dir"
}

# pfx_master_pid DIR: print the master's pid if that master runs; else fail.
pfx_master_pid() {
    local dir=$1 pid cwd
    pid=$(awk '{ print $1; exit }' "$dir/spool/pid/master.pid" 2>/dev/null)
    case $pid in '' | *[!0-9]*) return 1 ;; esac
    # It is our master only if it runs in our queue directory.
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
    [ "$cwd" = "$(cd "$dir/spool" 2>/dev/null && pwd -P)" ] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = master ] || return 1
    echo "$pid"
}

# pfx_running DIR: true if the instance's master runs.
pfx_running() {
    pfx_master_pid "$1" >/dev/null
}

# pfx_start DIR: start the instance (bounded), wait for its smtpd port,
# and register pfx_stop for exit.
pfx_start() {
    local dir=$1 out d found=
    dir=$(cd "$dir" && pwd -P) || hard_error "pfx_start: no $1"
    for d in "${_PFX_INSTANCES[@]}"; do [ "$d" = "$dir" ] && found=1; done
    if [ -z "$found" ]; then
        _PFX_INSTANCES+=("$dir")
        cleanup_push "pfx_stop '$dir'"
    fi
    out=$(_pfx_postfix "$dir" start 2>&1) || {
        echo "$out" >&2
        hard_error "pfx_start: postfix start failed for $dir"
    }
    wait_port 127.0.0.1 "$(pfx_port "$dir")" 10 ||
        hard_error "pfx_start: smtpd of $dir does not listen"
}

# pfx_reload DIR: re-read main.cf/master.cf; waits (up to 10 s) until the
# processes of the old configuration are gone, so the next connection
# gets a new-configuration smtpd.
pfx_reload() {
    local dir=$1 mpid old p i left
    mpid=$(pfx_master_pid "$dir") || hard_error "pfx_reload: $dir is not running"
    old=$(ps -o pid= --ppid "$mpid" | tr -d ' ')
    _pfx_postfix "$dir" reload >/dev/null 2>&1 || hard_error "pfx_reload failed"
    for ((i = 0; i < 100; i++)); do
        left=
        for p in $old; do
            [ "$(awk '{ print $4 }' "/proc/$p/stat" 2>/dev/null)" = "$mpid" ] && left="$left $p"
        done
        [ -z "$left" ] && break
        sleep 0.1
    done
    [ -z "$left" ] || note "pfx_reload: old processes still running:$left"
    wait_port 127.0.0.1 "$(pfx_port "$dir")" 10 ||
        hard_error "pfx_reload: smtpd of $dir does not listen"
}

# _pfx_group_alive PGID: true while a live (non-zombie) process is in PGID.
_pfx_group_alive() {
    ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

# pfx_stop DIR: stop the instance.  Always returns 0; safe when the
# instance is not running or was never created; usable from traps.
# Bounded: ~0.2 s normally, ~5 s if the master hangs.
# Falls back to SIGKILL for the master's process group, and kills
# leftover processes of this instance (identified by their working
# directory, the instance's queue directory).
pfx_stop() {
    local dir=$1 spool mpid p i
    [ -f "$dir/etc/main.cf" ] || return 0
    spool=$(cd "$dir/spool" 2>/dev/null && pwd -P) || return 0
    mpid=$(pfx_master_pid "$dir") || mpid=
    if [ -n "$mpid" ]; then
        # What "postfix stop" does, minus its 1 s polling: SIGTERM to the
        # master (which SIGTERMs its process group), wait up to 5 s, then
        # SIGKILL the whole group.
        kill -TERM "$mpid" 2>/dev/null
        for ((i = 0; i < 50; i++)); do
            _pfx_group_alive "$mpid" || break
            sleep 0.1
        done
        _pfx_group_alive "$mpid" && kill -KILL -- "-$mpid" 2>/dev/null
    fi
    # Leftovers (children busy in a session, smtpd -S runs): anything
    # whose cwd is this instance's queue directory.
    for p in $(find /proc/[0-9]*/cwd -maxdepth 0 -lname "$spool" 2>/dev/null |
        cut -d/ -f3); do
        case $(cat "/proc/$p/comm" 2>/dev/null) in
            master | smtpd | cleanup | qmgr | pickup | trivial-rewrite | \
                bounce | verify | flush | proxymap | showq | error | \
                discard | anvil | scache | postlogd | tlsmgr)
                kill -KILL "$p" 2>/dev/null ;;
        esac
    done
    return 0
}

# pfx_log DIR: print the instance's log (maillog_file).
pfx_log() {
    cat "$1/maillog" 2>/dev/null
}

# pfx_log_wait DIR ERE [SECS]: wait (default 10 s) until a line of the
# log matches ERE; print the matching lines.  Logging is asynchronous
# (via postlogd), so use this instead of reading the log right away.
pfx_log_wait() {
    local dir=$1 re=$2 secs=${3:-10} i
    for ((i = 0; i < secs * 10; i++)); do
        grep -E -- "$re" "$dir/maillog" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "pfx_log_wait: no log line matches /$re/ after ${secs}s" >&2
    return 1
}

# pfx_chat DIR [smtpchat.py options]: one SMTP session with the
# instance's smtpd (script on stdin, reply lines on stdout).
pfx_chat() {
    local dir=$1
    shift
    smtpchat "$@" 127.0.0.1 "$(pfx_port "$dir")"
}

# pfx_postmap DIR ARGS...: postmap(1) with the instance's configuration,
# e.g. pfx_postmap DIR -q KEY socketmap:inet:127.0.0.1:PORT:name.  (Plain
# postmap/postconf fail on a host whose /etc/postfix/main.cf is missing.)
pfx_postmap() {
    local dir=$1
    shift
    timeout -k 2 "$PFX_TIMEOUT" "$PFX_POSTMAP" -c "$dir/etc" "$@"
}

# pfx_smtpd_S DIR [-o name=value ...]: one SMTP session with a stand-alone
# smtpd ("smtpd -S"; no listener, no master needed for most commands):
# the client side of the session is read from stdin (one line per
# command, CRLF added), smtpd's replies are printed with CR removed.
# The client is seen as localhost[127.0.0.1] (in mynetworks; XCLIENT is
# allowed).  smtpd starts as root, opens its tables and switches to
# mail_owner (-u), as under master.  Extra -o options override main.cf.
#   Without a running instance: banner, EHLO/HELO, unknown commands,
#   EXPN/TURN/HELP (unknown to Postfix), STARTTLS/AUTH/ETRN rejects,
#   NOOP/RSET/QUIT, XCLIENT, milters and reject footers work; MAIL, RCPT,
#   VRFY and DATA would hang (they need trivial-rewrite/cleanup), so
#   they are refused here: pfx_start DIR first.  Log lines are lost
#   without a running instance (they go to its postlogd).
#   smtpd only flushes its replies when its input is drained, so all
#   replies appear at once, and a hang (exit 124 after PFX_TIMEOUT)
#   loses them all.  The session ends at end of input (add QUIT).
pfx_smtpd_S() {
    local dir=$1 input
    shift
    input=$(cat; echo x)
    input=${input%x}
    [ -z "$input" ] || [ "${input: -1}" = $'\n' ] || input+=$'\n'
    if ! pfx_running "$dir" &&
        printf '%s' "$input" | grep -Eiq '^[[:space:]]*(MAIL|RCPT|VRFY|DATA|BDAT)([[:space:]]|$)'; then
        hard_error "pfx_smtpd_S: MAIL/RCPT/VRFY/DATA need trivial-rewrite and cleanup: pfx_start $dir first"
    fi
    printf '%s' "$input" | sed 's/\r*$/\r/' |
        MAIL_CONFIG="$dir/etc" timeout -k 2 "$PFX_TIMEOUT" \
            "$PFX_DAEMON_DIR/smtpd" -S -u -n smtpd -t unix "$@" | tr -d '\r'
    return "${PIPESTATUS[2]}"
}
