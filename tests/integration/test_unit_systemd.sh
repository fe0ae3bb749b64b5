#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_unit_systemd - the packaged unit under a real systemd: a Debian 12
# root with Postfix (an overlay of tests/roots.sh bookworm) booted with
# systemd-nspawn in a network namespace of its own, the package installed
# there with dpkg -i (its postinst starts the unit, as on a real host), then:
# the daemon runs as milter-explain with no capabilities, no new privileges,
# a seccomp filter and a mount namespace of its own; the socket directory and
# socket as Postfix needs them; its syslog lines in the journal; that root's
# Postfix answers with the footer map's 550 guidance and the milter's reply to
# an unknown command; `systemctl reload` applies a site.d change and refuses
# a broken one (the daemon keeps running and serving); SIGUSR1 reloads;
# `systemctl stop` removes the socket and the runtime directory. Last, with
# SystemCallErrorNumber=kill in a drop-in (a call the filter denies would
# kill the daemon instead of failing quietly with EPERM) the same session,
# the metrics page, a reload and a stop. Skips (77) when no systemd boots.
. "$(dirname "$0")/lib.sh"
top=${top_srcdir:-$(cd "$PFX_LIBDIR/../.." && pwd)}
need_root
# the package is built from the source without sanitizers: the plain leg
# tests it, the sanitizer leg would only build and test it again
[ -z "${MILTER_EXPLAIN_SANITIZER_LEG:-}" ] || skip "the package is tested in the plain leg"
need_cmd dpkg-deb debootstrap systemd-nspawn nsenter mount flock "$PYTHON"
[ -f "$top/debian/control" ] || skip "no debian/ in this tree"
workdir_new

debdir=$(sh "$top/tests/package.sh") || fail "tests/package.sh failed"
deb=$(ls "$debdir"/milter-explain_*_*.deb)
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g')
# shellcheck disable=SC2086
base=$(sh "$top/tests/roots.sh" bookworm $deps systemd) || skip "no bookworm root (tests/roots.sh)"
[ -x "$base/lib/systemd/systemd" ] || skip "no systemd in the bookworm root"
root=$WORKDIR/root
mkdir -p "$root" "$WORKDIR/upper" "$WORKDIR/work"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$WORKDIR/upper,workdir=$WORKDIR/work" \
	"$root" || skip "no overlay mounts here"
cleanup_push "umount -l '$root'"
# a real host has no policy-rc.d: the package's scripts may start the unit
rm -f "$root/usr/sbin/policy-rc.d"
# not in /tmp: systemd-nspawn mounts a fresh tmpfs there
cp "$deb" "$root/root/milter-explain.deb"

# ------------------------------------------------ boot
# container_stop PID: the orderly shutdown nspawn does on SIGTERM, then KILL
container_stop() {
	local i
	kill -TERM "$1" 2>/dev/null || return 0
	for ((i = 0; i < 150; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$1"
}
booted=$(date +%s.%N)
systemd-nspawn -q -b -D "$root" -M "me-unit-$$" --register=no --keep-unit \
	--private-network --console=passive --link-journal=no \
	>"$WORKDIR/nspawn.log" 2>&1 &
nspawn=$!
cleanup_push "container_stop $nspawn"
# container_leader: the container's systemd, a child of nspawn in a pid
# namespace of its own (nspawn's short-lived first child is not)
container_leader() {
	local p
	for p in $(pgrep -P "$nspawn"); do
		[ "$(readlink "/proc/$p/ns/pid")" != "$(readlink /proc/self/ns/pid)" ] &&
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ] && echo "$p" && return 0
	done
	return 1
}
leader=
for _ in $(seq 200); do
	leader=$(container_leader) && break
	kill -0 "$nspawn" 2>/dev/null || break
	sleep 0.1
done
[ -n "$leader" ] || skip "systemd-nspawn did not start: $(tail -n 5 "$WORKDIR/nspawn.log")"
# C CMD...: run CMD in the container (its namespaces: mounts, pids, network)
C() {
	nsenter -t "$leader" -a "$@"
}
state=
for _ in $(seq 300); do
	state=$(C systemctl is-system-running 2>/dev/null) || true
	case $state in running | degraded) break ;; esac
	kill -0 "$nspawn" 2>/dev/null || break
	sleep 0.1
done
case $state in
running) ;;
degraded) note "booted degraded: $(C systemctl --failed --no-legend --plain | cut -d' ' -f1 | tr '\n' ' ')" ;;
*) skip "no systemd boots here (state '$state'): $(tail -n 5 "$WORKDIR/nspawn.log")" ;;
esac
note "systemd up in the container in $(echo "$(date +%s.%N) - $booted" | bc) s"

# chat LINE...: an SMTP session with the container's Postfix, 250s left out
chat() {
	printf '%s\n' "$@" QUIT |
		nsenter -t "$leader" -n "$PYTHON" "$PFX_LIBDIR/smtpchat.py" 127.0.0.1 25 |
		grep -v '^250[- ]'
}
# journal_wait TEXT: wait up to 5 s for a line of the daemon's with TEXT
journal_wait() {
	local i
	for ((i = 0; i < 50; i++)); do
		C journalctl -t milter-explain -o cat --no-pager | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	fail "no '$1' in the journal: $(C journalctl -t milter-explain -o cat --no-pager | tail -n 5)"
}
# unit_is WANT: ActiveState of the unit
unit_is() {
	expect_eq "$1" "$(C systemctl show -P ActiveState milter-explain)" "ActiveState"
}

# ------------------------------------------------ install, started by its postinst
C dpkg -i /root/milter-explain.deb >"$WORKDIR/dpkg.log" 2>&1 ||
	{ cat "$WORKDIR/dpkg.log" >&2; fail "dpkg -i in the container"; }
expect_eq "enabled" "$(C systemctl is-enabled milter-explain)" "unit enabled"
unit_is active
pid=$(C systemctl show -P MainPID milter-explain)
expect_eq "$pid" "$(C cat /run/milter-explain/milter-explain.pid)" "pid file"
uid=$(C id -u milter-explain)
st=$(C cat "/proc/$pid/status")
expect_match "^Uid:	$uid	$uid	$uid	$uid$" "$(grep '^Uid:' <<<"$st")" "daemon's uid"
expect_match '^CapEff:	0+$' "$(grep '^CapEff:' <<<"$st")" "effective capabilities"
expect_match '^CapBnd:	0+$' "$(grep '^CapBnd:' <<<"$st")" "bounding set"
expect_eq "NoNewPrivs:	1" "$(grep '^NoNewPrivs:' <<<"$st")" "no new privileges"
expect_eq "Seccomp:	2" "$(grep '^Seccomp:' <<<"$st")" "seccomp filter"
[ "$(C readlink "/proc/$pid/ns/mnt")" != "$(C readlink /proc/1/ns/mnt)" ] ||
	fail "the daemon shares systemd's mount namespace"
expect_eq "drwxr-s--- milter-explain postfix
srwxrwx--- milter-explain postfix" \
	"$(C stat -c '%A %U %G' /var/spool/postfix/milter-explain /var/spool/postfix/milter-explain/milter.sock)" \
	"socket directory and socket"
expect_eq "drwxr-x--- milter-explain milter-explain" \
	"$(C stat -c '%A %U %G' /run/milter-explain)" "runtime directory"
journal_wait "started 0.2.0: milter unix:/var/spool/postfix/milter-explain/milter.sock"
# the starting process exits only once the daemon has written its pid file
if C journalctl -u milter-explain -o cat --no-pager | grep -q "Can't open PID file"; then
	fail "systemd: the starting process exited before the pid file was written"
fi

# ------------------------------------------------ that root's Postfix, as README.Debian says
C postconf -e myhostname=mx.test.example mydestination=test.example \
	inet_interfaces=loopback-only inet_protocols=ipv4 \
	"smtpd_milters=unix:/milter-explain/milter.sock" milter_default_action=accept \
	"smtpd_reject_footer_maps=socketmap:inet:127.0.0.1:10027:footer"
C systemctl restart postfix || fail "systemctl restart postfix"
for _ in $(seq 50); do
	nsenter -t "$leader" -n "$PYTHON" -c \
		'import socket; socket.create_connection(("127.0.0.1", 25), 1)' 2>/dev/null && break
	sleep 0.1
done
unknown='500-5.5.2 Error: command not recognized: FOO
500-5.5.2 The receiving server could not understand a command: wrong syntax or unknown command.
500 5.5.2 Usually a fault in the sending program: check or update it, or tell your mail administrator.'
rejected='550-5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table
550-5.1.1 This address does not exist at the receiving domain: the part before the @ is unknown there.
550 5.1.1 Check the spelling, or ask the person for their current address: they may have left or changed it.'
session=("EHLO client.example" "FOO bar" "MAIL FROM:<a@client.example>" "RCPT TO:<bob@test.example>")
expect_eq "220 mx.test.example ESMTP Postfix (Debian/GNU)
$unknown
$rejected
221 2.0.0 Bye" "$(chat "${session[@]}")" "SMTP session with the unit's daemon"

# ------------------------------------------------ reload, refused reload, SIGUSR1
C sh -c 'cat >/etc/milter-explain/site.d/local.conf' <<'EOF'
rules = (
  {
    name = "unknown";
    commands = ["*"];
    reply = "500 5.5.2";
    text = "Error: no such command here: ${command}";
  }
);
EOF
C systemctl reload milter-explain || fail "systemctl reload"
journal_wait "configuration reloaded from /etc/milter-explain.conf (generation 2)"
local_first="500-5.5.2 Error: no such command here: FOO"
expect_eq "$local_first" "$(chat "EHLO c" "FOO bar" | sed -n 2p)" "reply after the reload"
echo 'rules = ( { name = "x"; } ' | C sh -c 'cat >/etc/milter-explain/site.d/zz.conf'
if C systemctl reload milter-explain 2>/dev/null; then
	fail "systemctl reload accepted a broken site.d file"
fi
unit_is active
expect_eq "$pid" "$(C systemctl show -P MainPID milter-explain)" "MainPID after a refused reload"
expect_eq "$local_first" "$(chat "EHLO c" "FOO bar" | sed -n 2p)" "reply after a refused reload"
C rm /etc/milter-explain/site.d/zz.conf
C systemctl kill -s USR1 milter-explain
journal_wait "(generation 3)"

# ------------------------------------------------ stop
start=$(date +%s.%N)
C systemctl stop milter-explain || fail "systemctl stop"
note "systemctl stop took $(echo "$(date +%s.%N) - $start" | bc) s"
unit_is inactive
expect_eq "success" "$(C systemctl show -P Result milter-explain)" "Result after the stop"
expect_eq "" "$(C ls -A /var/spool/postfix/milter-explain)" "socket directory after the stop"
C test ! -e /run/milter-explain || fail "/run/milter-explain left after the stop"
journal_wait "stopping"

# ------------------------------------------------ no call denied by the filter
C mkdir -p /run/systemd/system/milter-explain.service.d
printf '[Service]\nSystemCallErrorNumber=kill\n' |
	C sh -c 'cat >/run/systemd/system/milter-explain.service.d/kill.conf'
echo 'metrics_socket = "inet:9187@127.0.0.1";' |
	C sh -c 'cat >/etc/milter-explain/site.d/metrics.conf'
C systemctl daemon-reload
C systemctl start milter-explain || fail "systemctl start with SystemCallErrorNumber=kill"
pid=$(C systemctl show -P MainPID milter-explain)
expect_eq "220 mx.test.example ESMTP Postfix (Debian/GNU)
${unknown/command not recognized/no such command here}
$rejected
221 2.0.0 Bye" "$(chat "${session[@]}")" "SMTP session, SystemCallErrorNumber=kill"
page=$(nsenter -t "$leader" -n "$PYTHON" -c '
import urllib.request
print(urllib.request.urlopen("http://127.0.0.1:9187/metrics", timeout=5).read().decode())') ||
	fail "GET /metrics, SystemCallErrorNumber=kill"
expect_match '^# TYPE ' "$page" "metrics page"
C systemctl reload milter-explain || fail "systemctl reload, SystemCallErrorNumber=kill"
C systemctl stop milter-explain || fail "systemctl stop, SystemCallErrorNumber=kill"
expect_eq "success" "$(C systemctl show -P Result milter-explain)" \
	"Result, SystemCallErrorNumber=kill (a denied call kills with SIGSYS)"
C journalctl -u milter-explain -o cat --no-pager | grep -E 'code=(killed|dumped)' >&2 &&
	fail "the daemon was killed by a signal"
note "$(C journalctl -t milter-explain -o cat --no-pager | grep -c .) lines of the daemon in the journal"
