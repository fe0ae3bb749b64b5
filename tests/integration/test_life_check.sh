#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_life_check - -t refuses what a start would refuse, each with its
# exit code (1) and its message on stderr naming the file and line that
# set the value: a bad socket spec, a port over 65535, an unknown user, a
# pid file in a missing directory, a socket directory writable by every
# user, a deleted knowledge-base file, an unreadable include directory, a
# duplicate setting, a language the knowledge base lacks
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

need_cmd setpriv
workdir_new
conf=$WORKDIR/me.conf
me_config "$conf"
chmod 0644 "$conf" "$conf.site"
out=$("$ME_BIN" -t -c "$conf" 2>&1) || fail "-t on the test config: $out"

# refused EXPECTED-STDERR: -t on the current site layer exits 1 with it
refused() {
    local err rc=0
    err=$("$ME_BIN" -t -c "$conf" 2>&1 >/dev/null) || rc=$?
    expect_eq 1 "$rc" "-t exit code for: $(cat "$conf.site")"
    expect_eq "$1" "$err" "-t message"
}

printf 'milter_socket = "foo";\n' >"$conf.site"
refused "$conf.site:1: 'milter_socket': \"foo\": expected unix:/path, inet:PORT@HOST or inet6:PORT@HOST"
printf '\nsocketmap_socket = "inet:70000@127.0.0.1";\n' >"$conf.site"
refused "$conf.site:2: 'socketmap_socket': \"inet:70000@127.0.0.1\": port must be 1 to 65535"
printf 'user = "nosuchuser";\n' >"$conf.site"
refused "$conf.site:1: user: no user \"nosuchuser\""
printf 'user = "nobody:nosuchgroup";\n' >"$conf.site"
refused "$conf.site:1: user: no group \"nosuchgroup\""
printf 'pid_file = "nodir/me.pid";\n' >"$conf.site"
refused "$conf.site:1: pid_file $WORKDIR/nodir/me.pid: directory $WORKDIR/nodir: No such file or directory"
mkdir -m 0777 "$WORKDIR/open"
chmod 0777 "$WORKDIR/open"
printf 'milter_socket = "unix:%s/open/m.sock";\n' "$WORKDIR" >"$conf.site"
refused "$conf.site:1: milter_socket $WORKDIR/open/m.sock: directory $WORKDIR/open is writable by every user (mode 0777, not sticky): refused"
if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    mkdir -m 0755 "$WORKDIR/rootonly"
    printf 'milter_socket = "unix:%s/rootonly/m.sock";\nuser = "nobody";\n' "$WORKDIR" >"$conf.site"
    refused "$conf.site:1: milter_socket $WORKDIR/rootonly/m.sock: directory $WORKDIR/rootonly is not writable by the daemon's user (uid $(id -u nobody)), who must create and remove it there"
fi
printf 'rules = ( { name = "a"; code = 550; } );\nline_width = 50;\nline_width = 60;\n' >"$conf.site"
refused "$conf.site:3: duplicate setting 'line_width'"
printf '# our languages\nlanguages = ["de", "en"];\n' >"$conf.site"
refused "$conf.site:2: language \"de\" is not in the knowledge base $ME_SRC/conf/kb"
: >"$conf.site"

# a knowledge-base file deleted
cp -r "$ME_SRC/conf/kb" "$WORKDIR/kb"
rm "$WORKDIR/kb/en/basic.conf"
printf 'knowledge_base = "%s/kb";\n' "$WORKDIR" >"$conf.site"
line=$(grep -n '^files = ' "$WORKDIR/kb/en/lang.conf" | cut -d: -f1)
refused "$WORKDIR/kb/en/lang.conf:$line: 'files': $WORKDIR/kb/en/basic.conf: No such file or directory"
: >"$conf.site"

# an include directory the checking user cannot read (root reads every
# directory: -t runs as nobody, as the daemon would after -u)
if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    mkdir "$WORKDIR/site.d"
    printf 'line_width = 50;\n' >"$WORKDIR/site.d/a.conf"
    chmod 0644 "$WORKDIR/site.d/a.conf"
    sed -i "s|^include = .*|include = [\"$conf.site\", \"site.d/*.conf\"];|" "$conf"
    rc=0
    err=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$ME_BIN" -t -c "$conf" 2>&1) || rc=$?
    expect_eq 0 "$rc" "-t with a readable site.d: $err"
    chmod 0700 "$WORKDIR/site.d"
    rc=0
    err=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$ME_BIN" -t -c "$conf" 2>&1 >/dev/null) || rc=$?
    expect_eq 1 "$rc" "-t exit code with an unreadable site.d"
    line=$(grep -n '^include = ' "$conf" | cut -d: -f1)
    expect_eq "$conf:$line: include \"$WORKDIR/site.d/*.conf\": cannot read the directory $WORKDIR/site.d: Permission denied" \
        "$err" "-t message for an unreadable site.d"
fi
echo "ok: -t refuses what a start would, at the file and line that set it"
