#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_html_links - --html never writes through a symbolic link planted
# inside DIR (issue 12 item 3), as root would when it builds the site.
# A link at a page's name (DIR/index.html, DIR/en/550.html) pointing
# outside DIR is replaced by the page, a regular file; the file it
# pointed to is untouched. A language directory that is a link to a
# directory outside DIR is refused with a clear message, and nothing is
# written there. No temporary file is left behind. Needs no MTA.
srcdir=${srcdir:-$(dirname "$0")/../..}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"

workdir_new
me_config "$WORKDIR/me.conf"
out=$WORKDIR/outside
site=$WORKDIR/site
mkdir -p "$out/en" "$site/en"
echo "precious" >"$out/victim"
echo "precious too" >"$out/victim2"
ln -s "$out/victim" "$site/index.html"
ln -s "$out/victim2" "$site/en/550.html"
ln -s "$out/missing" "$site/style.css" # a dangling link: not created

# links at page names: replaced by the pages, their targets untouched
msg=$("$ME_BIN" -c "$WORKDIR/me.conf" --html "$site" 2>&1) ||
    fail "--html with planted file links: $msg"
expect_eq "" "$msg" "--html output"
for f in index.html style.css en/550.html; do
    [ -f "$site/$f" ] && [ ! -L "$site/$f" ] ||
        fail "$site/$f is not a regular file"
done
expect_eq "precious" "$(cat "$out/victim")" "the target of DIR/index.html"
expect_eq "precious too" "$(cat "$out/victim2")" "the target of DIR/en/550.html"
[ ! -e "$out/missing" ] || fail "the dangling link's target was created"
expect_match '<title>' "$(cat "$site/en/550.html")" "the page written"
[ "$(stat -c %a "$site/en/550.html")" = 644 ] || [ "$(umask)" != 0022 ] ||
    fail "page mode $(stat -c %a "$site/en/550.html"), not 644"

# a language directory that links outside DIR: refused, nothing written
rm -rf "$site/en"
ln -s "$out/en" "$site/en"
msg=$("$ME_BIN" -c "$WORKDIR/me.conf" --html "$site" 2>&1)
rc=$?
expect_eq 1 "$rc" "exit status with DIR/en a link"
expect_eq "milter-explain: --html: $site/en: a symbolic link; refused (the site is written only into directories inside $site: remove the link)" \
    "$msg" "the refusal"
expect_eq "" "$(ls -A "$out/en")" "files written through DIR/en"
[ -L "$site/en" ] || fail "DIR/en was replaced"

# a file where a language directory belongs: refused too
rm "$site/en"
echo "not a dir" >"$site/en"
msg=$("$ME_BIN" -c "$WORKDIR/me.conf" --html "$site" 2>&1)
expect_eq "milter-explain: --html: $site/en: not a directory" "$msg" \
    "a file at DIR/en"

expect_eq "" "$(find "$site" -name '.*' ! -name . | head -3)" \
    "temporary files left"
