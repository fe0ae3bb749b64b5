# shellcheck shell=bash
# SPDX-License-Identifier: BSD-2-Clause
# exim.sh - Exim 4 as a throw-away sending MTA for bounce tests, unpacked
# beside Postfix. Source it after lib.sh.
#
#     . "$PFX_LIBDIR/exim.sh"
#     exim_install || skip "no Exim"        # unpack the cached .debs once
#     ex=$WORKDIR/exim; exim_new "$ex" "$MXPORT"
#     exim_send "$ex" bob@test.example      # delivered at once (-odi)
#     f=$(exim_wait_mail "$ex" 1) || fail "no bounce"
#
# Debian's exim4-daemon-light conflicts with postfix, so tests/deps.sh only
# downloads it (and exim4-base, exim4-config) into EXIM_DEBS_DIR; make
# check never runs apt-get. exim_install unpacks them with dpkg -x into
# EXIM_CACHEDIR/root (flock: safe in parallel). The binary wants its
# compiled-in user Debian-exim to exist: nss_wrapper (libnss-wrapper)
# supplies it from a private passwd file, so nothing on the host changes.
#
# The instance (exim_new DIR MXPORT) has no daemon: exim -odi takes a
# message on stdin and delivers it in the foreground. Every non-local
# domain goes to 127.0.0.1:MXPORT (smtp transport, no TLS); the local
# user sender@exim.test.example gets mail, bounces included, in the
# Maildir DIR/Maildir. There are no retry rules, so a 4xx fails the
# address at once ("retry timeout exceeded") and the bounce comes now.
# Exim runs as root throughout (exim_user = root), its transports as
# nobody; its re-exec goes through DIR/exim-wrap, which sets LD_PRELOAD
# again because Exim clears the environment.
#
# FACTS (Exim 4.96, Debian 4.96-15+deb12u10, checked with this harness):
# - Exim keeps each line of a multi-line reply on a line of its own in
#   the bounce, indented by 4, codes included ("    550-5.1.1 text").
# - It folds a line after a ": " once the line, codes included, is more
#   than 45 characters long at that colon ("550-5.1.1 " + 35 characters);
#   the rest goes on a new line, indented, without codes. It never folds
#   at a width: a 300-character line stays one line.
# - After a 4xx that timed out it appends ": retry timeout exceeded" to
#   the last line of the reply.
# - It keeps only about 1000 bytes of a reply: the address's error text,
#   "SMTP error from remote mail server after RCPT TO:<addr>: " and the
#   reply's lines joined with newlines, stops after ~1020 bytes, in the
#   middle of a line, without a mark (test_bounce.sh shows it).

: "${EXIM_DEBS_DIR:=/var/cache/milter-explain-tests/exim/debs}"
: "${EXIM_CACHEDIR:=/var/cache/milter-explain-tests/exim}"
: "${EXIM_NSS_WRAPPER:=/usr/lib/x86_64-linux-gnu/libnss_wrapper.so}"

# exim_install: unpack Exim into EXIM_CACHEDIR/root; 1 (with a reason on
# stderr) when the packages or nss_wrapper are missing.
exim_install() {
    local debs stamp
    debs=$(ls "$EXIM_DEBS_DIR"/exim4-daemon-light_*.deb "$EXIM_DEBS_DIR"/exim4-base_*.deb 2>/dev/null)
    if [ "$(printf '%s\n' "$debs" | grep -c .)" -lt 2 ]; then
        echo "exim_install: no Exim packages in $EXIM_DEBS_DIR (run tests/deps.sh)" >&2
        return 1
    fi
    [ -f "$EXIM_NSS_WRAPPER" ] ||
        { echo "exim_install: no $EXIM_NSS_WRAPPER (libnss-wrapper)" >&2; return 1; }
    stamp=$(printf '%s\n' "$debs" | xargs -n1 basename | tr '\n' ' ')
    mkdir -p "$EXIM_CACHEDIR" || return 1
    (
        flock -w 120 9 || exit 1
        [ "$(cat "$EXIM_CACHEDIR/root.stamp" 2>/dev/null)" = "$stamp" ] &&
            [ -x "$EXIM_CACHEDIR/root/usr/sbin/exim4" ] && exit 0
        rm -rf "$EXIM_CACHEDIR/root.new"
        for d in $debs; do
            dpkg -x "$d" "$EXIM_CACHEDIR/root.new" || exit 1
        done
        rm -rf "$EXIM_CACHEDIR/root" &&
            mv "$EXIM_CACHEDIR/root.new" "$EXIM_CACHEDIR/root" &&
            echo "$stamp" >"$EXIM_CACHEDIR/root.stamp"
    ) 9>"$EXIM_CACHEDIR/.lock" || return 1
    EXIM_BIN=$EXIM_CACHEDIR/root/usr/sbin/exim4
}

# exim_new DIR MXPORT: a client instance in DIR that sends to the MX.
exim_new() {
    local dir=$1 mxport=$2
    [ -n "$mxport" ] || hard_error "usage: exim_new DIR MXPORT"
    [ -n "${EXIM_BIN:-}" ] || hard_error "exim_new: exim_install first"
    mkdir -p "$dir" && dir=$(cd "$dir" && pwd -P) || hard_error "exim_new: mkdir"
    rm -rf "${dir:?}/spool" "$dir/log" "$dir/Maildir"
    mkdir -p "$dir/spool" "$dir/log" "$dir/Maildir"
    chown nobody: "$dir/Maildir"
    sed 's/^Debian-exim:.*//' /etc/passwd >"$dir/passwd"
    echo 'Debian-exim:x:65534:65534:Exim:/nonexistent:/usr/sbin/nologin' >>"$dir/passwd"
    sed "s/^Debian-exim:.*//" /etc/group >"$dir/group"
    echo "Debian-exim:x:65534:" >>"$dir/group"
    cat >"$dir/exim-wrap" <<EOF
#!/bin/sh
LD_PRELOAD=$EXIM_NSS_WRAPPER NSS_WRAPPER_PASSWD=$dir/passwd NSS_WRAPPER_GROUP=$dir/group
export LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
exec $EXIM_BIN "\$@"
EOF
    chmod 0755 "$dir/exim-wrap"
    cat >"$dir/exim.conf" <<EOF
# Throw-away Exim client made by tests/integration/exim.sh (exim_new).
exim_path = $dir/exim-wrap
exim_user = root
exim_group = root
never_users =
keep_environment =
primary_hostname = exim.test.example
qualify_domain = exim.test.example
domainlist local_domains = exim.test.example
spool_directory = $dir/spool
log_file_path = $dir/log/%slog
tls_advertise_hosts =
daemon_smtp_ports =

begin routers
local:
  driver = accept
  domains = +local_domains
  transport = maildir
mx:
  driver = manualroute
  domains = !+local_domains
  route_list = * 127.0.0.1
  self = send
  transport = mx_smtp

begin transports
mx_smtp:
  driver = smtp
  port = $mxport
  allow_localhost
  hosts_avoid_tls = *
  user = nobody
maildir:
  driver = appendfile
  directory = $dir/Maildir
  maildir_format
  create_directory
  user = nobody
  group = nogroup

begin retry
EOF
}

# exim_send DIR RCPT [SUBJECT]: submit and deliver one message now.
exim_send() {
    local dir=$1 rcpt=$2 subject=${3:-test}
    printf 'From: sender@exim.test.example\nTo: <%s>\nSubject: %s\n\nHello.\n' \
        "$rcpt" "$subject" |
        timeout -k 2 "$PFX_TIMEOUT" "$dir/exim-wrap" -C "$dir/exim.conf" -odi \
            -f sender@exim.test.example "$rcpt" ||
        { cat "$dir/log/mainlog" >&2; fail "exim_send: exim failed for $rcpt"; }
}

# exim_wait_mail DIR COUNT [SECS]: paths of COUNT delivered messages.
exim_wait_mail() {
    local dir=$1 count=$2 secs=${3:-20} i
    for ((i = 0; i < secs * 10; i++)); do
        if [ "$(find "$dir/Maildir/new" -type f 2>/dev/null | wc -l)" -ge "$count" ]; then
            ls -1tr "$dir/Maildir/new" | sed "s|^|$dir/Maildir/new/|"
            return 0
        fi
        sleep 0.1
    done
    echo "exim_wait_mail: fewer than $count messages after ${secs}s" >&2
    cat "$dir/log/mainlog" >&2
    return 1
}
