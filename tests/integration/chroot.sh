# SPDX-License-Identifier: BSD-2-Clause
# chroot.sh - Postfix of another Debian release for integration tests
# (source after lib.sh): a throw-away master instance inside a cached
# Debian root made by tests/roots.sh (trixie: Postfix 3.10, sid: 3.11+).
# The root shares the host's network, so the instance listens on a
# loopback port of the host and talks to the daemon outside the root.
#
#   chroot_need SUITE        skip (77) unless the root of SUITE is cached;
#                            sets CHROOT and CHROOT_VERSION (mail_version)
#   chroot_pfx_new PORT      an instance as pfx_new makes it, inside the
#                            root; sets CPFX (its path on the host, for
#                            pfx_port, pfx_chat, pfx_log_wait, pfx_stop)
#                            and CPFX_IN (the same path inside the root)
#   chroot_pfx_set N=V ...   postconf -e with the root's postconf
#   chroot_pfx_service PORT N=V ...
#                            one more smtpd listener on 127.0.0.1:PORT,
#                            with -o N=V overrides
#   chroot_pfx_start         postfix start inside the root; stopped at exit
#
# Why not "smtpd -S" alone: a stand-alone smtpd needs trivial-rewrite for
# MAIL and RCPT (it hangs without a master), and its log is lost.

CHROOT_ROOTS=${MILTER_EXPLAIN_ROOTS:-/var/cache/milter-explain-tests/roots}

# chroot_need SUITE: skip unless the cached root of SUITE has Postfix
chroot_need() {
    local suite=$1
    CHROOT=$CHROOT_ROOTS/$suite
    [ -x "$CHROOT/usr/sbin/postfix" ] ||
        skip "no cached Debian $suite root with Postfix at $CHROOT; make it with 'sh tests/roots.sh $suite' (tests/deps.sh does) as root"
    need_cmd chroot
    CHROOT_VERSION=$(chroot "$CHROOT" /usr/sbin/postconf -dh mail_version 2>/dev/null) ||
        hard_error "chroot_need: postconf of $CHROOT does not run"
    note "Postfix $CHROOT_VERSION from the $suite root"
}

# chroot_pfx_new PORT: a throw-away instance inside $CHROOT, removed at exit
chroot_pfx_new() {
    local port=$1 d
    d=$(mktemp -d "$CHROOT/tmp/milter-explain-it.XXXXXX") ||
        hard_error "chroot_pfx_new: mktemp in $CHROOT/tmp"
    chmod 0755 "$d"
    cleanup_push "_pfx_rm_workdir '$d' \$rc"
    CPFX=$d/pfx
    CPFX_IN=${d#"$CHROOT"}/pfx
    # lib.sh's instance, written with host paths, then moved into the root:
    # its paths and its data directory's owner (uids differ) are the root's.
    pfx_new "$CPFX" "$port"
    sed -i "s|$CPFX|$CPFX_IN|g" "$CPFX/etc/main.cf" ||
        hard_error "chroot_pfx_new: sed"
    chroot "$CHROOT" chown postfix: "$CPFX_IN/data" ||
        hard_error "chroot_pfx_new: chown"
    # Scripted sessions send commands before the greeting's end is read.
    chroot_pfx_set smtpd_forbid_unauth_pipelining=no
}

# chroot_pfx_set N=V ...: change the instance's main.cf
chroot_pfx_set() {
    chroot "$CHROOT" /usr/sbin/postconf -c "$CPFX_IN/etc" -e "$@" ||
        hard_error "chroot_pfx_set $*"
    _pfx_backdate "$CPFX"
}

# chroot_pfx_service PORT N=V ...: one more smtpd on 127.0.0.1:PORT
chroot_pfx_service() {
    local port=$1 svc kv
    shift
    svc=127.0.0.1:$port
    chroot "$CHROOT" /usr/sbin/postconf -c "$CPFX_IN/etc" \
        -M "$svc/inet=$svc inet n - n - - smtpd" ||
        hard_error "chroot_pfx_service $port"
    for kv in "$@"; do
        chroot "$CHROOT" /usr/sbin/postconf -c "$CPFX_IN/etc" -P "$svc/inet/$kv" ||
            hard_error "chroot_pfx_service $port $kv"
    done
    _pfx_backdate "$CPFX"
}

# chroot_pfx_start: start the instance inside the root, wait for its port
chroot_pfx_start() {
    local out
    _PFX_INSTANCES+=("$CPFX")
    cleanup_push "pfx_stop '$CPFX'"
    out=$(timeout -k 5 "$PFX_TIMEOUT" chroot "$CHROOT" /usr/sbin/postfix \
        -c "$CPFX_IN/etc" start 2>&1) || {
        echo "$out" >&2
        hard_error "chroot_pfx_start: postfix start failed in $CHROOT"
    }
    wait_port 127.0.0.1 "$(pfx_port "$CPFX")" 10 ||
        hard_error "chroot_pfx_start: smtpd of $CPFX does not listen"
}
