#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_htmlsite - the help site (issue 7): `milter-explain --html` from the
# shipped knowledge base; every code has a page in each language, every
# internal link resolves, the HTML is balanced (htmlsite_check.py); bad
# help_compare settings and a bad DIR fail with clear messages; then the
# pages are opened in headless Chromium from Debian's chromium package
# (htmlsite_browser.py): screenshots of a code page and comparison pages at
# 390 and 1280 px into tests/integration/htmlsite-shots/, and the index's
# filter box narrowing the list. Needs no MTA and no network; skips (77)
# only when Chromium is missing (tests/deps.sh installs it).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$PWD}
ME_BIN=${MILTER_EXPLAIN:-$top_builddir/milter/milter-explain}
PYTHON=${PYTHON:-python3}
SHOTS=$top_builddir/tests/integration/htmlsite-shots
PAIRS="235-vs-502 235-vs-500 250-vs-502 235-vs-252 235-vs-250 235-vs-535
550-vs-554 450-vs-550 421-vs-451 500-vs-502 501-vs-504"

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

[ -x "$ME_BIN" ] || fail "no binary at $ME_BIN (run make first)"
WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/test_htmlsite.XXXXXX") || exit 99
trap 'rm -rf "$WORKDIR"' EXIT

# The comparison set comes from the config: list it explicitly.
compare=""
for p in $PAIRS; do
	compare="$compare${compare:+, }[\"${p%-vs-*}\", \"${p#*-vs-}\"]"
done
conf=$WORKDIR/site.conf
cat >"$conf" <<EOF
knowledge_base = "$top_srcdir/conf/kb";
languages = ["en", "fr"];
help_url = "https://help.example.org/smtp";
help_compare = ( $compare );
EOF

# --- generation, and its failures
out=$("$ME_BIN" -c "$conf" --html "$WORKDIR/site" 2>&1) ||
	fail "--html exited $?: $out"
[ -z "$out" ] || fail "--html printed: $out"
printf 'help_compare = ( ["550", "259"] );\n' >"$WORKDIR/bad.conf"
sed '/^help_compare/d' "$conf" >>"$WORKDIR/bad.conf"
err=$("$ME_BIN" -c "$WORKDIR/bad.conf" --html "$WORKDIR/bad" 2>&1); rc=$?
[ "$rc" = 1 ] || fail "--html with a bad help_compare: exit $rc, not 1"
case $err in
"$WORKDIR/bad.conf:1: 'help_compare': 259 is not in the knowledge base"*) ;;
*) fail "bad help_compare message: $err" ;;
esac
[ ! -e "$WORKDIR/bad" ] || fail "--html wrote a site from a bad config"
err=$("$ME_BIN" -c "$conf" --html "$conf/x" 2>&1); rc=$?
[ "$rc" = 1 ] || fail "--html into a file's path: exit $rc, not 1"
case $err in
"milter-explain: --html: $conf"*) ;;
*) fail "--html into a file's path: message $err" ;;
esac
note "site generated; checking pages, links and HTML"

# --- the pages, the links, the HTML
# shellcheck disable=SC2086
timeout 120 "$PYTHON" "$here/htmlsite_check.py" "$WORKDIR/site" \
	"$top_srcdir/conf/kb" $PAIRS || fail "htmlsite_check.py"

# --- headless Chromium
find_chromium() {
	for c in chromium chromium-browser; do
		command -v "$c" 2>/dev/null && return 0
	done
	return 1
}
if ! chrome=$(find_chromium); then
	echo "SKIP: headless Chromium checks: Debian's chromium package is not" \
		"installed (tests/deps.sh installs it, as root; make check never" \
		"runs apt-get)" >&2
	exit 77
fi
note "using $chrome ($("$chrome" --version 2>/dev/null | head -1))"
timeout 600 "$PYTHON" "$here/htmlsite_browser.py" "$chrome" "$WORKDIR/site" \
	"$SHOTS" || fail "htmlsite_browser.py (exit $?)"
note "screenshots in $SHOTS"
exit 0
