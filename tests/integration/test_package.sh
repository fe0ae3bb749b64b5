#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_package - the Debian package: built by tests/package.sh (cached by
# source hash), lintian without errors, every path and mode in `dpkg -c`,
# the conffiles; then installed with dpkg -i into a throw-away overlay of a
# Debian 12 root with Postfix (tests/roots.sh bookworm), in a network
# namespace of its own so that the shipped ports (25, 10027) collide with
# nothing: user and socket directory as the postinst made them, the unit
# enabled, `systemd-analyze verify` and `security` on it, the daemon started
# as the unit starts it (User=, UMask=, RuntimeDirectory=, ExecStartPre=,
# ExecStart=, by hand: no systemd in a chroot), and that root's own Postfix,
# wired as README.Debian says, answers a 550 with the footer map's guidance
# and an unknown command with the milter's reply over the socket under
# /var/spool/postfix/milter-explain.
. "$(dirname "$0")/lib.sh"
top=${top_srcdir:-$(cd "$PFX_LIBDIR/../.." && pwd)}
need_root
# the package is built from the source without sanitizers: the plain leg
# tests it, the sanitizer leg would only build and test it again
[ -z "${MILTER_EXPLAIN_SANITIZER_LEG:-}" ] || skip "the package is tested in the plain leg"
need_cmd dpkg-deb debootstrap chroot ip mount flock "$PYTHON"
[ -f "$top/debian/control" ] || skip "no debian/ in this tree"
workdir_new

# ------------------------------------------------ build, lintian, contents
debdir=$(sh "$top/tests/package.sh") || fail "tests/package.sh failed"
note "package: $debdir ($(cat "$debdir/done"))"
deb=$(ls "$debdir"/milter-explain_*_*.deb)
errors=$(grep '^E: ' "$debdir/lintian.txt" || true)
expect_eq "" "$errors" "lintian errors"
expect_match '^Version: 0\.2\.0$' "$(dpkg-deb -f "$deb")" "package control"

# mode owner path, for every entry outside the knowledge base (compared
# with the source tree below); dh_compress decides by size whether a doc
# file is compressed, so a ".gz" on kb-README.md is not compared
contents=$(dpkg -c "$deb" | awk '{ print $1, $2, $6 }' |
	grep -v ' \./usr/share/milter-explain/kb/..*' | sed 's,/kb-README\.md\.gz$,/kb-README.md,')
expect_eq "drwxr-xr-x root/root ./
drwxr-xr-x root/root ./etc/
drwxr-xr-x root/root ./etc/milter-explain/
drwxr-xr-x root/root ./etc/milter-explain/site.d/
-rw-r--r-- root/root ./etc/milter-explain/site.d/README
-rw-r--r-- root/root ./etc/milter-explain.conf
drwxr-xr-x root/root ./lib/
drwxr-xr-x root/root ./lib/systemd/
drwxr-xr-x root/root ./lib/systemd/system/
-rw-r--r-- root/root ./lib/systemd/system/milter-explain.service
drwxr-xr-x root/root ./usr/
drwxr-xr-x root/root ./usr/sbin/
-rwxr-xr-x root/root ./usr/sbin/milter-explain
drwxr-xr-x root/root ./usr/share/
drwxr-xr-x root/root ./usr/share/doc/
drwxr-xr-x root/root ./usr/share/doc/milter-explain/
-rw-r--r-- root/root ./usr/share/doc/milter-explain/NEWS.gz
-rw-r--r-- root/root ./usr/share/doc/milter-explain/README.Debian
-rw-r--r-- root/root ./usr/share/doc/milter-explain/README.md.gz
-rw-r--r-- root/root ./usr/share/doc/milter-explain/changelog.gz
-rw-r--r-- root/root ./usr/share/doc/milter-explain/copyright
drwxr-xr-x root/root ./usr/share/doc/milter-explain/examples/
-rw-r--r-- root/root ./usr/share/doc/milter-explain/examples/main.cf.filter
-rw-r--r-- root/root ./usr/share/doc/milter-explain/examples/main.cf.footer
-rw-r--r-- root/root ./usr/share/doc/milter-explain/examples/main.cf.milter
-rw-r--r-- root/root ./usr/share/doc/milter-explain/examples/milter-explain.mc
-rw-r--r-- root/root ./usr/share/doc/milter-explain/examples/sendmail.conf
-rw-r--r-- root/root ./usr/share/doc/milter-explain/kb-README.md
drwxr-xr-x root/root ./usr/share/man/
drwxr-xr-x root/root ./usr/share/man/man5/
-rw-r--r-- root/root ./usr/share/man/man5/milter-explain.conf.5.gz
drwxr-xr-x root/root ./usr/share/man/man8/
-rw-r--r-- root/root ./usr/share/man/man8/milter-explain.8.gz
drwxr-xr-x root/root ./usr/share/milter-explain/
drwxr-xr-x root/root ./usr/share/milter-explain/kb/" "$contents" "dpkg -c (mode, owner, path)"
# the knowledge base: every file and folder of conf/kb but its README
kb=$(dpkg -c "$deb" | awk '{ print $1, $2, $6 }' | grep ' \./usr/share/milter-explain/kb/..*' | LC_ALL=C sort)
want=$(cd "$top/conf/kb" && find . -mindepth 1 \( -type d -printf 'drwxr-xr-x root/root ./usr/share/milter-explain/kb/%P/\n' \) \
	-o \( -name '*.conf' -printf '-rw-r--r-- root/root ./usr/share/milter-explain/kb/%P\n' \) | LC_ALL=C sort)
expect_eq "$want" "$kb" "knowledge base files in the package"
dpkg-deb -e "$deb" "$WORKDIR/control"
expect_eq "/etc/milter-explain.conf
/etc/milter-explain/site.d/README" "$(LC_ALL=C sort "$WORKDIR/control/conffiles")" "conffiles"

# ------------------------------------------------ a throw-away Debian 12 root
# the package's dependencies (first of each alternative, no versions), and
# systemd for systemd-analyze verify --root
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g')
# shellcheck disable=SC2086
base=$(sh "$top/tests/roots.sh" bookworm $deps systemd) || skip "no bookworm root (tests/roots.sh)"
root=$WORKDIR/root
mkdir -p "$root" "$WORKDIR/upper" "$WORKDIR/work"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$WORKDIR/upper,workdir=$WORKDIR/work" \
	"$root" || skip "no overlay mounts here"
cleanup_push "umount -l '$root'"
mount -t proc proc "$root/proc"
cleanup_push "umount -l '$root/proc'"
ns=me-pkg-$$
ip netns add "$ns" || skip "no network namespaces here"
cleanup_push "ip netns del $ns"
ip netns exec "$ns" ip link set lo up
# inroot CMD...: run CMD in the root and in its network namespace
inroot() {
	ip netns exec "$ns" chroot "$root" "$@"
}

cp "$deb" "$root/tmp/"
inroot dpkg -i "/tmp/$(basename "$deb")" >"$WORKDIR/dpkg.log" 2>&1 ||
	{ cat "$WORKDIR/dpkg.log" >&2; fail "dpkg -i in the bookworm root"; }
expect_match "^milter-explain:x:[0-9]+:[0-9]+:milter-explain daemon,*:/nonexistent:/usr/sbin/nologin$" \
	"$(inroot getent passwd milter-explain)" "the system user"
expect_match "^postfix:x:[0-9]+:(.*,)?milter-explain(,.*)?$" "$(inroot getent group postfix)" \
	"group postfix"
expect_eq "drwxr-s--- milter-explain postfix" \
	"$(inroot stat -c '%A %U %G' /var/spool/postfix/milter-explain)" "socket directory"
[ -L "$root/etc/systemd/system/multi-user.target.wants/milter-explain.service" ] ||
	fail "the unit is not enabled"

unit=$root/lib/systemd/system/milter-explain.service
if command -v systemd-analyze >/dev/null; then
	out=$(MANPATH=$root/usr/share/man systemd-analyze verify --root="$root" milter-explain.service 2>&1) ||
		fail "systemd-analyze verify: $out"
	expect_eq "" "$out" "systemd-analyze verify"
	score=$(systemd-analyze security --offline=true "$unit" 2>&1 | tail -n 1)
	expect_match 'level for milter-explain\.service: (0\.[0-9]|1\.[0-9]|2\.[0-9]|3\.0) ' \
		"$score" "systemd-analyze security"
	note "$score"
fi

# ------------------------------------------------ the daemon, as the unit starts it
unitval() { sed -n "s/^$1=//p" "$unit"; }
user=$(unitval User)
expect_eq "milter-explain" "$user" "User= of the unit"
rundir=/run/$(unitval RuntimeDirectory)
inroot install -d -o "$user" -m "$(unitval RuntimeDirectoryMode)" "$rundir"
umask_unit=$(unitval UMask)
pre=$(unitval ExecStartPre)
start=$(unitval ExecStart)
pidfile=$(unitval PIDFile)
# shellcheck disable=SC2086
out=$(inroot runuser -u "$user" -- sh -c "umask $umask_unit; exec $pre" 2>&1) ||
	fail "ExecStartPre: $out"
expect_eq "/etc/milter-explain.conf: configuration OK" "$out" "ExecStartPre (-t)"
inroot runuser -u "$user" -- sh -c "umask $umask_unit; exec $start" ||
	fail "ExecStart failed: $?"
for _ in $(seq 50); do [ -s "$root$pidfile" ] && break; sleep 0.1; done
pid=$(cat "$root$pidfile" 2>/dev/null) || fail "no pid file $pidfile"
cleanup_pid "$pid"
expect_eq "srwxrwx--- milter-explain postfix" \
	"$(inroot stat -c '%A %U %G' /var/spool/postfix/milter-explain/milter.sock)" \
	"milter socket"

# ------------------------------------------------ that root's Postfix, as README.Debian says
inroot postconf -e myhostname=mx.test.example mydestination=test.example \
	inet_interfaces=loopback-only inet_protocols=ipv4 \
	maillog_file=/var/log/postfix.log \
	"smtpd_milters=unix:/milter-explain/milter.sock" milter_default_action=accept \
	"smtpd_reject_footer_maps=socketmap:inet:127.0.0.1:10027:footer"
grep -q '^smtp .*inet .*smtpd$' "$root/etc/postfix/master.cf" || fail "no smtpd in master.cf"
grep -q '^smtp  *inet  *n  *-  *y ' "$root/etc/postfix/master.cf" || fail "smtpd not chrooted in master.cf"
inroot postfix start >"$WORKDIR/postfix.log" 2>&1 ||
	{ cat "$WORKDIR/postfix.log" >&2; fail "postfix start in the root"; }
cleanup_push "ip netns exec $ns chroot '$root' postfix stop >/dev/null 2>&1"
for _ in $(seq 50); do
	ip netns exec "$ns" "$PYTHON" -c 'import socket; socket.create_connection(("127.0.0.1", 25), 1)' \
		2>/dev/null && break
	sleep 0.1
done
out=$(printf '%s\n' 'EHLO client.example' 'FOO bar' 'MAIL FROM:<a@client.example>' \
	'RCPT TO:<bob@test.example>' 'QUIT' |
	ip netns exec "$ns" "$PYTHON" "$PFX_LIBDIR/smtpchat.py" 127.0.0.1 25 | grep -v '^250[- ]') ||
	{ tail -n 20 "$root/var/log/postfix.log" >&2; fail "SMTP session"; }
expect_eq '220 mx.test.example ESMTP Postfix (Debian/GNU)
500-5.5.2 Error: command not recognized: FOO
500-5.5.2 The receiving server could not understand a command: wrong syntax or unknown command.
500 5.5.2 Usually a fault in the sending program: check or update it, or tell your mail administrator.
550-5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table
550-5.1.1 This address does not exist at the receiving domain: the part before the @ is unknown there.
550 5.1.1 Check the spelling, or ask the person for their current address: they may have left or changed it.
221 2.0.0 Bye' "$out" "SMTP session with the packaged daemon and the root's Postfix"
