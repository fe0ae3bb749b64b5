#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_fault_pidfile - the pid file on a full file system (a 64 KiB tmpfs
# filled up): the daemon refuses to start with EX_CANTCREAT (73) and one
# clear line, leaves no partial pid file behind and no socket listening.
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_root
need_cmd mount umount
workdir_new
full=$WORKDIR/full
mkdir "$full"
mount -t tmpfs -o size=64k,mode=0755 tmpfs "$full" 2>"$WORKDIR/mount.err" ||
    skip "cannot mount a tmpfs here: $(cat "$WORKDIR/mount.err")"
cleanup_push "umount '$full'"
dd if=/dev/zero of="$full/filler" bs=4096 2>/dev/null
[ "$(df --output=avail -k "$full" | tail -n 1 | tr -d ' ')" -eq 0 ] ||
    hard_error "the tmpfs is not full"

mport=$(free_port)
me_config "$WORKDIR/me.conf"
rc=0
timeout 20 "$ME_BIN" -f -c "$WORKDIR/me.conf" -p "inet:$mport@127.0.0.1" \
    -P "$full/milter-explain.pid" >"$WORKDIR/out" 2>&1 || rc=$?
[ "$rc" -eq 73 ] || fail "exit status $rc, expected 73 (EX_CANTCREAT): $(cat "$WORKDIR/out")"
expect_match "pid file $full/milter-explain.pid: No space left on device" \
    "$(cat "$WORKDIR/out")" "error line"
[ "$(grep -c 'pid file' "$WORKDIR/out")" -eq 1 ] || fail "more than one pid file line"
leftover=$(ls "$full" | grep -v '^filler$' || true)
[ -z "$leftover" ] || fail "left behind: $leftover"
port_listening 127.0.0.1 "$mport" && fail "a socket still listens on $mport"
echo "ok: full disk for the pid file: exit 73, one line, nothing left behind"
