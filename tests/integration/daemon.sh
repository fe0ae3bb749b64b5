# SPDX-License-Identifier: BSD-2-Clause
# daemon.sh - start milter-explain for integration tests (source after lib.sh)
#
#   me_config FILE [EXTRA]   write a test config: the shipped default with
#                            the source tree's knowledge base, and EXTRA as
#                            a site layer in FILE.site (included)
#   me_start CONF ARGS...    start the daemon in the foreground (-f) with
#                            CONF and ARGS, wait for its sockets; sets ME_PID
#                            and ME_LOG; stopped at exit
#   me_reload                SIGUSR1, then wait for the log line

ME_BIN=${MILTER_EXPLAIN:-${top_builddir:-$PFX_LIBDIR/../..}/milter/milter-explain}
ME_SRC=${top_srcdir:-$PFX_LIBDIR/../..}

me_config() {
    local file=$1 extra=${2:-}
    {
        sed -e "s|^include = .*|include = [\"$file.site\"];|" \
            -e 's|^milter_socket = .*|milter_socket = "";|' \
            -e 's|^socketmap_socket = .*|socketmap_socket = "";|' \
            "$ME_SRC/conf/milter-explain.conf"
        printf 'knowledge_base = "%s/conf/kb";\n' "$ME_SRC"
    } >"$file"
    # the site's layer, as a site would write it: overrides only
    printf '%s\n' "$extra" >"$file.site"
}

me_start() {
    local conf=$1 i
    shift
    [ -x "$ME_BIN" ] || hard_error "no daemon at $ME_BIN (build first)"
    ME_LOG=$WORKDIR/milter-explain.log
    "$ME_BIN" -f -c "$conf" "$@" >>"$ME_LOG" 2>&1 &
    ME_PID=$!
    cleanup_pid "$ME_PID"
    for ((i = 0; i < 100; i++)); do
        grep -q "started" "$ME_LOG" 2>/dev/null && return 0
        kill -0 "$ME_PID" 2>/dev/null || { cat "$ME_LOG" >&2; fail "daemon exited"; }
        sleep 0.1
    done
    cat "$ME_LOG" >&2
    fail "daemon did not start"
}

me_reload() {
    local before i
    before=$(grep -c "reload" "$ME_LOG" 2>/dev/null || true)
    kill -USR1 "$ME_PID"
    for ((i = 0; i < 100; i++)); do
        [ "$(grep -c "reload" "$ME_LOG")" -gt "$before" ] && return 0
        sleep 0.1
    done
    fail "no reload logged"
}
