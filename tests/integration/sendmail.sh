# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# tests/integration/sendmail.sh - a private, throw-away Sendmail for the
# integration tests of milter-explain.  Source it from a bash test script.
#
# FACTS (verified on Debian 12 with this harness, Sendmail 8.17.1.9 from
# sendmail-bin 8.17.1.9-2+deb12u2, libmilter 8.17.1.9, a throw-away libmilter
# test milter that negotiated SMFIP_NO* for everything but unknown (Sendmail
# offered actions=0x1ff protocol=0x1fffff) and answered xxfi_unknown with
# smfi_setmlreply(ctx, "500", "5.5.2", "line one", "line two %% percent",
# NULL) + SMFIS_REJECT; PrivacyOptions=goaway,noetrn unless said otherwise):
#
# a. xxfi_unknown gets the WHOLE command line as the client sent it, CRLF
#    removed, case, inner and trailing blanks kept: "FOO bar baz" ->
#    "FOO bar baz"; "foo   spaced    args  " -> the same 22 characters.
#    It is called before HELO/EHLO too.  Sendmail logs (Milter.LogLevel>9)
#    'Sending "FOO bar baz" to Milter'.
#    Reach the milter: FOO, ATRN, X-FOO, ONEX, XUSR, XQUE, any unknown verb.
#    Answered by Sendmail itself, never passed to the milter:
#      TURN            502 5.5.1 Command not implemented: "TURN"
#      SEND FROM:<a@b> 502 5.5.1 Command not implemented: "SEND FROM:<a@b>"
#      SOML/SAML       the same 502 5.5.1 ... "SOML FROM:<a@b>" / "SAML ..."
#      EXPN root       502 5.7.0 Sorry, we do not allow this operation
#                      (goaway and noexpn,novrfy; before and after EHLO)
#      VRFY root       252 2.5.2 Cannot VRFY user; try RCPT to attempt
#                      delivery (or try finger)    (goaway and noexpn,novrfy)
#      ETRN x          502 5.7.0 Sorry, we do not allow this operation
#                      (noetrn; without it: 250 2.0.0 Queuing for node x
#                      started, and a queue run -- so sm_new always adds
#                      noetrn)
#      VERB            502 5.7.0 Verbose unavailable (noexpn implies noverb)
#      HELP            214-2.0.0 This is sendmail version 8.17.1.9 ... 11
#                      lines ... 214 2.0.0 End of HELP info (from the
#                      helpfile; with no readable helpfile:
#                      502 5.3.0 Sendmail 8.17.1.9 -- HELP not implemented)
#      HELP FOO        504 5.3.0 HELP topic "foo" unknown
#    After a message is accepted (end of DATA), Sendmail asks no milter
#    about unknown commands until the next MAIL FROM or HELO/EHLO (milter.c
#    marks every filter "done" at end-of-message); meanwhile they get
#    "500 5.5.1 Command unrecognized: "FOO bar"", RSET changes nothing.
#    With PrivacyOptions=authwarnings (the Sendmail default) EXPN/VRFY root
#    answer "250 2.1.5 root <root@HOST>", VRFY nosuchuser "550 5.1.1
#    nosuchuser... User unknown", VERB "250 2.0.0 Verbose mode": still never
#    the milter.
#    Limits per session: the 26th unknown command gets "421 4.7.0 HOST Too
#    many bad commands; closing connection" and the connection closes (25
#    reach the milter, the 26th does not).  From the 6th VRFY (or EXPN) and
#    the 20th NOOP Sendmail logs "possible SMTP attack: command=VRFY,
#    count=6" and sleeps 1 s, 2 s, ... before each reply; the 12th refused
#    VRFY/EXPN got the same 421.  Keep test sessions short.
#
# b. The reply on the wire for FOO with that milter (CRLF line ends):
#      500-5.5.2 line one
#      500 5.5.2 line two % percent
#    i.e. "%%" comes out as "%".  A LONE "%" anywhere ("50% off", "100%",
#    "a %s b", on any line) makes Sendmail drop the whole milter reply and
#    send its own "550 5.7.1 Command rejected" (smfi_setmlreply returned
#    MI_SUCCESS; Sendmail logs only "milter=milter-explain, action=unknown,
#    reject=550 5.7.1 Command rejected", no error): every % must be doubled.
#    Long lines: a 500-character text line goes out whole (510 characters
#    + CRLF); 900 and 980 also go out whole (beyond RFC 5321's 512, Sendmail
#    does not fold or cut); from 981 characters smfi_setmlreply itself
#    fails (MI_FAILURE) and an SMFIS_REJECT then gives Sendmail's
#    "550 5.7.1 Command rejected".  Sendmail splits log lines longer than
#    its log buffer ("QUEUEID[1]: ...").
#    Version: Sendmail 8.17.1.9 (greeting "ESMTP Sendmail 8.17.1.9/8.17.1.9").
#
# c. Milter not running (connection refused), logged at connect time:
#      Milter (milter-explain): open 127.0.0.1 failed: Connection refused by 127.0.0.1
#      Milter (milter-explain): error connecting to filter: Connection refused by 127.0.0.1
#      Milter (milter-explain): to error state
#    F=T: + "Milter: initialization failed, temp failing commands"; greeting
#      and EHLO normal; FOO -> 500 5.5.1 Command unrecognized: "FOO bar";
#      MAIL -> 451 4.3.2 Please try again later (logged "SMTP MAIL command
#      (<a>) from localhost [127.0.0.1] tempfailed (due to previous checks)").
#    no F=: + "Milter: connect to filters"; FOO -> 500 5.5.1 Command
#      unrecognized: "FOO bar" (logged 'Sending "FOO bar" to Milter' all the
#      same); mail is accepted without the milter.
#    F=R: greeting "554 HOST ESMTP not accepting messages", EHLO gives only
#      "250-HOST Hello ..." + "250 ENHANCEDSTATUSCODES", MAIL/RCPT/DATA "550 5.0.0 Command
#      rejected", FOO still "500 5.5.1 Command unrecognized".
#    F=4: "421 4.7.0 HOST closing connection" at connect.
#    Milter that dies or times out (T=R:10s) DURING the session, F=T:
#      "milter_sys_read(milter-explain): cmd read returned 0, expecting 5" or
#      "Milter (milter-explain): timeout before data read, where=unknown",
#      then "to error state"; that FOO and every later unknown command get
#      "451 4.3.2 Please try again later", MAIL too.  Without F=: 500 5.5.1
#      Command unrecognized: "FOO ..." and mail goes on.
#
# Start time: exec to listening 0.06-0.1 s on an idle machine (up to ~1.2 s
# at load average 23 on 2 cores); sm_start returns after 0.23-0.3 s idle,
# 0.6-1.1 s loaded.  Without the UTS namespace: 60 s more (+ DNS time).
#
# ---------------------------------------------------------------------------
# USE
#
#   . "$srcdir/tests/integration/sendmail.sh"
#   sm_install || exit 77                   # 77: no Sendmail here (deps.sh)
#   dir=$(mktemp -d /tmp/sm-test.XXXXXX)
#   trap 'sm_stop "$dir"; rm -rf "$dir"' EXIT
#   trap 'exit 99' INT TERM                 # so the EXIT trap runs then too
#   sm_new "$dir" 12525 "inet:12526@127.0.0.1"      # F=T by default
#   sm_start "$dir" || exit 99
#   printf 'EHLO t\nFOO bar\nQUIT\n' | smtpchat.py 127.0.0.1 12525
#   sm_milter_errors "$dir" && exit 1       # prints them; 0 = some found
#
# Functions (all bounded in time; none reads stdin):
#   sm_install [CACHEDIR]   unpack (dpkg -x) the sendmail-bin and sendmail-cf
#                           .debs that tests/deps.sh downloaded into SM_DEBS
#                           (default /var/cache/milter-explain-tests/sendmail/
#                           debs) into CACHEDIR/root (default CACHEDIR
#                           /var/cache/milter-explain-tests/sendmail).  Runs no
#                           apt-get: fails with a message naming tests/deps.sh
#                           when the .debs, m4 or a runtime library is missing.
#                           Idempotent, safe in parallel (flock).  Exports
#                           SM_BIN, SM_CFDIR, SM_HELPFILE and prints
#                           "SM_BIN=..." "SM_CFDIR=...".
#   sm_new DIR PORT MILTER_SPEC [FLAGS]
#                           write DIR/sendmail.cf from sendmail-test.mc: daemon
#                           on 127.0.0.1:PORT only, Xmilter-explain with
#                           S=MILTER_SPEC (inet:PORT@127.0.0.1 or local:/path),
#                           F=FLAGS (default T; "" = no F=),
#                           T=C:10s;S:10s;R:10s;E:30s.  Everything it uses lives
#                           in DIR (queue, pid, aliases, helpfile, statistics,
#                           log).  SM_PRIVACY overrides PrivacyOptions
#                           (default goaway; noetrn is always added).
#   sm_start DIR            start it (in its own UTS + mount namespace, see
#                           below) and wait until it listens; prints the start
#                           time; sets SM_START_SECONDS.  Fails (and cleans up)
#                           after SM_START_TIMEOUT seconds (default 30).
#   sm_stop DIR             stop it and every process of its group; always
#                           returns 0, fine in an EXIT trap, idempotent.
#   sm_running DIR          0 if its daemon is alive.
#   sm_log DIR              print Sendmail's log (DIR/sendmail.log).
#   sm_logfile DIR          print the log's path.
#   sm_milter_errors DIR    print the log lines that report a milter failure
#                           (and Sendmail's "550 5.7.1 Command rejected"
#                           stand-in for an invalid milter reply); returns 0
#                           if there is one, 1 if none.
#   sm_port DIR             print the SMTP port.
#
# HOW IT IS RUN, AND WHY
#   * Host name: Sendmail canonifies gethostname() BEFORE it reads the .cf;
#     with this machine's name ("vm", no dot) it asks DNS, then sleeps 60 s
#     ("My unqualified host name (vm) unknown; sleeping for retry").
#     confDOMAIN_NAME (Dj) does NOT avoid that.  So sm_start runs Sendmail
#     under `unshare --uts --mount`: a private host name
#     (sendmail-test.milter-explain.test, $SM_HOSTNAME) and, bind-mounted in
#     that private mount namespace only, DIR/etc/hosts ("localhost" and that
#     name on 127.0.0.1/::1, so clients still show as "localhost
#     [127.0.0.1]") and DIR/etc/resolv.conf (nameserver 127.0.0.1), so it
#     sends no DNS query anywhere (checked with strace).  The system's files are not touched.
#     Without unshare it still works but waits 60 s (SM_START_TIMEOUT is
#     raised to 120) and may query the system resolver.
#   * Log: there is no syslog here (/dev/log absent).  Sendmail is started
#     with `-D DIR/sendmail.log -d89.8`: debug category 89 level 8 makes
#     sm_syslog() write every log line to the debug file instead of syslog
#     (format "QUEUEID: text", no time stamp).  LogLevel=14 and
#     Milter.LogLevel=14 are set in the .cf.  No listener on /dev/log, nothing
#     shared with other tests.  Note: some harmless lines say "error:"
#     (SASL "safesasl(...) failed", "STARTTLS: ServerCertFile missing"), so
#     use sm_milter_errors, not a bare grep for "error".
#   * Process: `setsid -w timeout -k 5 $SM_MAX_LIFETIME unshare ... sendmail
#     -bd -d99.100` (99.100 = stay in the foreground), in the background of
#     the calling shell.  timeout leads the new process group (recorded in
#     DIR/supervisor.pid once checked); sm_stop signals
#     the group (TERM, then KILL after 5 s).  A forgotten Sendmail dies by
#     itself after SM_MAX_LIFETIME seconds (default 1800).  Orphans on this
#     machine are not reaped by pid 1 (they stay zombies), so liveness checks
#     here treat a zombie as dead.
#   * Never delivers: DeliveryMode=queueonly, no -q, PrivacyOptions has
#     noetrn (no ETRN queue run), no smtp/esmtp/relay mailer exists, the local
#     mailer is /bin/true and prog is /bin/false; LOCAL_RULE_0 resolves every
#     remote address to local postmaster.  Accepted mail stays in DIR/queue.
#   * Listens on 127.0.0.1:PORT only: DAEMON_OPTIONS in the .cf (and
#     no_default_msa: no port 25, no 587), so the .cf alone is safe and no
#     -O DaemonPortOptions/QueueDirectory/PidFile is needed on the command
#     line.
#   * Clients must wait for the 220 greeting.  Anything sent before it
#     (also over TCP; and `sendmail -bs` fed from a pipe, which is why that
#     "failed") is logged "rejecting server EHLO from localhost [127.0.0.1]
#     due to traffic before response"; EHLO then gets "554 5.5.0 SMTP
#     protocol error", unknown commands "500 5.5.1 Command unrecognized:
#     "FOO bar"" WITHOUT the milter, MAIL "550 5.0.0 Command rejected".
#   * DIR may be under /tmp: DontBlameSendmail=TrustStickyBit (else HELP gives
#     "502 5.3.0 Sendmail 8.17.1.9 -- HELP not implemented" and newaliases
#     fails).  DIR's path may only hold [A-Za-z0-9/._-].
# ---------------------------------------------------------------------------

: "${SM_CACHEDIR:=/var/cache/milter-explain-tests/sendmail}"
: "${SM_DEBS:=${MILTER_EXPLAIN_SENDMAIL_DEBS:-/var/cache/milter-explain-tests/sendmail/debs}}"
: "${SM_HOSTNAME:=sendmail-test.milter-explain.test}"
: "${SM_START_TIMEOUT:=30}"
: "${SM_MAX_LIFETIME:=1800}"
: "${SM_PRIVACY:=goaway,noetrn}"
SM_MC="${SM_MC:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/sendmail-test.mc}"

sm__err() { printf 'sendmail.sh: %s\n' "$*" >&2; }

# -- install ----------------------------------------------------------------

sm__set_paths() {	# CACHEDIR
	SM_BIN="$1/root/usr/libexec/sendmail/sendmail"
	SM_CFDIR="$1/root/usr/share/sendmail/cf"
	SM_HELPFILE="$1/root/etc/mail/helpfile"
	export SM_BIN SM_CFDIR SM_HELPFILE
}

sm__usable() {		# -> 0 if the unpacked tree is complete and runs
	[ -x "$SM_BIN" ] && [ -f "$SM_CFDIR/m4/cf.m4" ] && [ -f "$SM_HELPFILE" ] &&
		command -v m4 >/dev/null 2>&1 &&
		! LC_ALL=C ldd "$SM_BIN" 2>/dev/null | grep -q 'not found'
}

sm__install_locked() {	# CACHEDIR (called with the lock held)
	local cache=$1 deb tmp debs=()
	sm__set_paths "$cache"
	if sm__usable; then return 0; fi
	for deb in "$SM_DEBS"/sendmail-bin_*.deb "$SM_DEBS"/sendmail-cf_*.deb; do
		[ -f "$deb" ] && debs+=("$deb")
	done
	if [ ${#debs[@]} -lt 2 ]; then
		sm__err "no sendmail-bin and sendmail-cf .debs in $SM_DEBS:" \
			"run tests/deps.sh (as root) first"
		return 1
	fi
	tmp="$cache/root.new"
	rm -rf "$tmp" && mkdir -p "$tmp" || return 1
	for deb in "${debs[@]}"; do
		dpkg -x "$deb" "$tmp" || return 1
	done
	# the tests run it as root: no set-group-id binaries lying around
	find "$tmp" -type f -perm /6000 -exec chmod ug-s {} + || return 1
	rm -rf "$cache/root" && mv "$tmp" "$cache/root" || return 1
	sm__set_paths "$cache"
	if ! sm__usable; then
		sm__err "the Sendmail unpacked in $cache/root cannot run (m4 or a" \
			"library is missing): run tests/deps.sh (as root) first"
		LC_ALL=C ldd "$SM_BIN" 2>&1 | grep 'not found' >&2
		return 1
	fi
}

sm_install() {
	local cache=${1:-$SM_CACHEDIR} rc
	case $cache in /*) ;; *) cache="$PWD/$cache" ;; esac
	mkdir -p "$cache" || return 1
	(
		flock -w 900 9 || { sm__err "timed out waiting for $cache/.lock"; exit 1; }
		sm__install_locked "$cache"
	) 9>"$cache/.lock"
	rc=$?
	sm__set_paths "$cache"
	if [ $rc -ne 0 ] || ! sm__usable; then
		sm__err "could not install Sendmail into $cache"
		return 1
	fi
	SM_CACHEDIR=$cache
	printf 'SM_BIN=%s\nSM_CFDIR=%s\n' "$SM_BIN" "$SM_CFDIR"
}

# -- namespaces ---------------------------------------------------------------

# 0 if `unshare --uts --mount` works here (cached in SM_HAVE_UNSHARE)
sm__have_unshare() {
	if [ -z "${SM_HAVE_UNSHARE:-}" ]; then
		if command -v unshare >/dev/null 2>&1 &&
			timeout 10 unshare --uts --mount -- /bin/sh -c \
				'hostname sm-probe.invalid' >/dev/null 2>&1; then
			SM_HAVE_UNSHARE=1
		else
			SM_HAVE_UNSHARE=0
		fi
	fi
	[ "$SM_HAVE_UNSHARE" = 1 ]
}

# sm__ns_argv DIR: set the array SM__NS to the command prefix that runs a
# command with the private host name, /etc/hosts and /etc/resolv.conf
# (empty when unshare cannot be used here)
sm__ns_argv() {
	SM__NS=()
	sm__have_unshare || return 0
	# shellcheck disable=SC2016  # expanded by the inner sh
	SM__NS=(unshare --uts --mount -- /bin/sh -c '
		hostname "$1" || exit 71
		for f in hosts resolv.conf; do
			if [ -f "/etc/$f" ] && [ -f "$2/etc/$f" ]; then
				mount --bind "$2/etc/$f" "/etc/$f" 2>/dev/null ||
					echo "sendmail.sh: could not mount $2/etc/$f" >&2
			fi
		done
		shift 2
		exec "$@"' sm-ns "$SM_HOSTNAME" "$1")
}

# -- one instance -------------------------------------------------------------

sm__checkdir() {	# DIR -> 0 if usable as an instance directory path
	case $1 in
	/*) ;;
	*) sm__err "DIR must be absolute: $1"; return 1 ;;
	esac
	if [ -n "$(printf '%s' "$1" | tr -d 'A-Za-z0-9/._-')" ]; then
		sm__err "DIR may only hold [A-Za-z0-9/._-]: $1"; return 1
	fi
}

sm_new() {
	local dir=$1 port=$2 spec=$3 flags=T cf privacy
	[ $# -ge 4 ] && flags=$4
	if [ $# -lt 3 ]; then
		sm__err "usage: sm_new DIR PORT MILTER_SPEC [FLAGS]"; return 1
	fi
	sm__checkdir "$dir" || return 1
	case $port in ''|*[!0-9]*) sm__err "bad port: $port"; return 1 ;; esac
	if [ -n "$(printf '%s' "$spec" | tr -d 'A-Za-z0-9:@/._-')" ]; then
		sm__err "bad milter spec: $spec"; return 1
	fi
	case $flags in *[!A-Za-z0-9]*) sm__err "bad flags: $flags"; return 1 ;; esac
	case $SM_PRIVACY in *[!a-z,]*|'') sm__err "bad SM_PRIVACY"; return 1 ;; esac
	# never an ETRN queue run, whatever SM_PRIVACY says
	privacy=$SM_PRIVACY
	case ,$privacy, in *,noetrn,*) ;; *) privacy="$privacy,noetrn" ;; esac
	if [ -z "${SM_BIN:-}" ] || [ -z "${SM_CFDIR:-}" ]; then
		sm__set_paths "$SM_CACHEDIR"
	fi
	if ! sm__usable; then
		sm__err "no Sendmail under $SM_CACHEDIR: run sm_install first"; return 1
	fi
	if sm_running "$dir"; then
		sm__err "a Sendmail still runs in $dir"; return 1
	fi
	mkdir -p "$dir/etc" "$dir/queue" || return 1
	chmod 0755 "$dir" "$dir/etc" && chmod 0700 "$dir/queue" || return 1
	printf 'postmaster:\troot\nMAILER-DAEMON:\tpostmaster\n' >"$dir/etc/aliases"
	cp "$SM_HELPFILE" "$dir/etc/helpfile" || return 1
	printf 'hosts\tfiles\naliases\tfiles\n' >"$dir/etc/service.switch"
	# localhost first: the client's reverse name stays "localhost"
	printf '127.0.0.1\tlocalhost %s %s\n::1\tlocalhost ip6-localhost %s %s\n' \
		"$SM_HOSTNAME" "${SM_HOSTNAME%%.*}" "$SM_HOSTNAME" \
		"${SM_HOSTNAME%%.*}" >"$dir/etc/hosts"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' \
		>"$dir/etc/resolv.conf"
	: >"$dir/etc/statistics" && chmod 0600 "$dir/etc/statistics"
	cf="$dir/sendmail.cf"
	if ! timeout 30 m4 -D_CF_DIR_="$SM_CFDIR/" -DSMTEST_DIR="$dir" \
		-DSMTEST_PORT="$port" -DSMTEST_MILTER_SPEC="$spec" \
		-DSMTEST_MILTER_FLAGS="$flags" -DSMTEST_HOSTNAME="$SM_HOSTNAME" \
		-DSMTEST_PRIVACY="$privacy" \
		"$SM_CFDIR/m4/cf.m4" "$SM_MC" >"$cf.new"; then
		sm__err "m4 failed on $SM_MC"; rm -f "$cf.new"; return 1
	fi
	# m4 would silently mangle a path holding a macro name: check the result
	local want xline="Xmilter-explain, S=$spec, "
	[ -n "$flags" ] && xline="${xline}F=$flags, "
	xline="${xline}T=C:10s;S:10s;R:10s;E:30s"
	for want in "O QueueDirectory=$dir/queue" "O PidFile=$dir/sendmail.pid" \
		"O HelpFile=$dir/etc/helpfile" "O AliasFile=$dir/etc/aliases" \
		"O DaemonPortOptions=Port=$port, Addr=127.0.0.1, Family=inet, Name=MTA" \
		"O PrivacyOptions=$privacy" "Dj$SM_HOSTNAME" "$xline"; do
		if ! grep -qxF -- "$want" "$cf.new"; then
			sm__err "generated .cf lacks: $want"; return 1
		fi
	done
	mv "$cf.new" "$cf" || return 1
	printf '%s\n' "$port" >"$dir/port"
	# the alias database (newaliases)
	sm__ns_argv "$dir"
	if ! timeout 90 "${SM__NS[@]}" "$SM_BIN" -C "$cf" -bi </dev/null \
		>"$dir/newaliases.out" 2>&1; then
		sm__err "newaliases failed:"; cat "$dir/newaliases.out" >&2; return 1
	fi
}

sm_port() { cat "$1/port"; }
sm_logfile() { printf '%s\n' "$1/sendmail.log"; }
sm_log() { [ -f "$1/sendmail.log" ] && cat "$1/sendmail.log"; return 0; }

# Print the log lines that say a milter failed (connect/read/write errors,
# timeouts, "to error state", initialization failures) and the replies that
# Sendmail substituted for an invalid milter reply ("action=unknown,
# reject=550 5.7.1 Command rejected": what a reply line with a lone % or a
# failed smfi_setmlreply ends in).  0 if there is one, 1 if none.
sm_milter_errors() {
	[ -f "$1/sendmail.log" ] || return 1
	grep -E 'Milter \([^)]*\): (open .*failed|error|to error state|timeout)|Milter \([^)]*\): .*(failed|error|invalid|too long|abort)|milter_[a-z_]+\(|Milter: (initialization failed|.*(error|timeout))|action=unknown, reject=550 5\.7\.1 Command rejected$' \
		"$1/sendmail.log" | grep -vE 'Sending "|Milter: [a-z]+=.*, reject='
}

sm__alive() {		# PID -> 0 if it exists and is not a zombie
	local st
	[ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

sm__group_alive() {	# PGID -> 0 if any live process is in that group
	local f st pg
	for f in /proc/[0-9]*/stat; do
		# fields after "(comm) ": state ppid pgrp ...
		read -r st _ pg _ < <(sed 's/^.*) //' "$f" 2>/dev/null) || continue
		[ "$pg" = "$1" ] && [ "$st" != Z ] && [ "$st" != X ] && return 0
	done
	return 1
}

sm__pid_of() {		# DIR -> the supervisor (process group leader), checked
	local pid
	pid=$(cat "$1/supervisor.pid" 2>/dev/null) || return 1
	case $pid in ''|*[!0-9]*) return 1 ;; esac
	# must still be our supervisor (timeout ...): its arguments name our .cf
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1/sendmail.cf" ||
		return 1
	printf '%s\n' "$pid"
}

sm__daemon_pid() {	# DIR -> sendmail daemon pid from its pid file, checked
	local pid fd
	pid=$(head -n1 "$1/sendmail.pid" 2>/dev/null) || return 1
	case $pid in ''|*[!0-9]*) return 1 ;; esac
	# Sendmail rewrites its command line ("sendmail: accepting connections")
	# but keeps its pid file open: that identifies our daemon.
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "$1/sendmail.pid" ] && {
			printf '%s\n' "$pid"; return 0; }
	done
	return 1
}

sm__pgrp() {		# PID -> its process group
	sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f3
}

sm_running() {
	local pid
	pid=$(sm__daemon_pid "$1") && sm__alive "$pid"
}

sm__listening() {	# PORT -> 0 if something listens on 127.0.0.1:PORT
	local hex
	hex=$(printf '0100007F:%04X' "$1")
	awk -v a="$hex" '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' \
		/proc/net/tcp 2>/dev/null
}

sm_start() {
	local dir=$1 port limit t0 t1 pid
	sm__checkdir "$dir" || return 1
	[ -f "$dir/sendmail.cf" ] || { sm__err "no $dir/sendmail.cf: sm_new first"; return 1; }
	port=$(cat "$dir/port") || return 1
	if sm_running "$dir"; then
		sm__err "already running in $dir"; return 0
	fi
	if [ -z "${SM_BIN:-}" ]; then sm__set_paths "$SM_CACHEDIR"; fi
	if sm__listening "$port"; then
		sm__err "port $port on 127.0.0.1 is already in use"; return 1
	fi
	limit=$SM_START_TIMEOUT
	if ! sm__have_unshare; then
		sm__err "no unshare: Sendmail will wait 60 s for its host name"
		[ "$limit" -lt 120 ] && limit=120
	fi
	rm -f "$dir/sendmail.pid" "$dir/supervisor.pid" "$dir/launcher.pid"
	[ -f "$dir/sendmail.log" ] && printf '=== sm_start %s\n' "$(date '+%F %T')" >>"$dir/sendmail.log"
	sm__ns_argv "$dir"
	t0=$(date +%s%N)
	# setsid: own process group, so sm_stop can signal all of it; timeout:
	# bounded lifetime, reaps the daemon; -d99.100: Sendmail stays in the
	# foreground; -D FILE -d89.8: every syslog line goes to FILE.
	(
		exec setsid -w timeout -k 5 "$SM_MAX_LIFETIME" "${SM__NS[@]}" \
			"$SM_BIN" -C "$dir/sendmail.cf" -bd \
			-D "$dir/sendmail.log" -d99.100 -d89.8 \
			</dev/null >"$dir/sendmail.out" 2>&1
	) &
	printf '%s\n' "$!" >"$dir/launcher.pid"
	while :; do
		if pid=$(sm__daemon_pid "$dir") && sm__alive "$pid"; then
			[ -f "$dir/supervisor.pid" ] ||
				sm__pgrp "$pid" >"$dir/supervisor.pid"
			sm__listening "$port" && break
		fi
		if ! sm__alive "$(cat "$dir/launcher.pid")"; then
			sm__err "Sendmail exited at start:"
			cat "$dir/sendmail.out" >&2; tail -n 20 "$dir/sendmail.log" >&2 2>/dev/null
			sm_stop "$dir"; return 1
		fi
		t1=$(date +%s%N)
		if [ $(((t1 - t0) / 1000000000)) -ge "$limit" ]; then
			sm__err "Sendmail did not listen on 127.0.0.1:$port within $limit s"
			cat "$dir/sendmail.out" >&2; tail -n 20 "$dir/sendmail.log" >&2 2>/dev/null
			sm_stop "$dir"; return 1
		fi
		sleep 0.05
	done
	t1=$(date +%s%N)
	SM_START_SECONDS=$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.3f", n / 1e9 }')
	export SM_START_SECONDS
	printf 'sendmail: listening on 127.0.0.1:%s after %s s (pid %s)\n' \
		"$port" "$SM_START_SECONDS" "$pid" >&2
}

sm_stop() {
	local dir=$1 pg pid lp
	[ -n "$dir" ] || return 0
	pg=$(sm__pid_of "$dir" 2>/dev/null) || pg=
	pid=$(sm__daemon_pid "$dir" 2>/dev/null) || pid=
	lp=$(cat "$dir/launcher.pid" 2>/dev/null) || lp=
	case $lp in *[!0-9]*) lp= ;; esac
	[ -n "$pg" ] && kill -TERM -- "-$pg" 2>/dev/null
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 50); do
		{ [ -n "$pg" ] && sm__group_alive "$pg"; } ||
			{ [ -n "$pid" ] && sm__alive "$pid"; } || break
		sleep 0.1
	done
	if { [ -n "$pg" ] && sm__group_alive "$pg"; } ||
		{ [ -n "$pid" ] && sm__alive "$pid"; }; then
		sm__err "Sendmail in $dir did not stop on SIGTERM: SIGKILL"
		[ -n "$pg" ] && kill -KILL -- "-$pg" 2>/dev/null
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
		sleep 0.2
	fi
	# reap the launcher if it is a child of this shell (no zombie left);
	# never block on one that is still alive
	if [ -n "$lp" ] && ! sm__alive "$lp"; then wait "$lp" 2>/dev/null; fi
	rm -f "$dir/supervisor.pid" "$dir/launcher.pid" 2>/dev/null
	return 0
}
