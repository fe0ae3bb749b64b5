#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/package.sh - build the Debian package from a copy of the source tree
# (dpkg-buildpackage -us -uc -b) and run lintian on it; prints the
# directory that holds the .deb, lintian.txt and build.log. The result is
# cached under $MILTER_EXPLAIN_DEBS (default
# /var/cache/milter-explain-tests/debs) by a hash of the sources (the
# integration test scripts left out: the build runs the unit tests only),
# so an unchanged tree is not built twice. Run as root on Debian 12 (installs
# debhelper and lintian if missing). Exit 0 with the path, 1 on failure
# with the end of the build log on stderr.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
DEBS=${MILTER_EXPLAIN_DEBS:-/var/cache/milter-explain-tests/debs}

# package_sources - the files the package is built from, as a sorted list
package_sources() {
	(cd "$top" && find . \( -name .git -o -name _build -o -name autom4te.cache \
		-o -path ./debian/build -o -path ./debian/milter-explain \
		-o -path ./debian/.debhelper -o -path ./build-aux -o -name '*.o' \
		-o -name '*.a' -o -name '*.log' -o -name '*.trs' \
		-o -path './tests/integration/test_*' \) -prune -o \
		-type f ! -name configure ! -name Makefile.in ! -name aclocal.m4 \
		! -name config.status ! -name Makefile -print | LC_ALL=C sort)
}

need=""
for p in dpkg-dev debhelper lintian fakeroot; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		need="$need $p"
done
if [ -n "$need" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $need >/dev/null
fi

key=$(cd "$top" && package_sources | xargs -d '\n' sha256sum | sha256sum | cut -c1-16)
out=$DEBS/$key
mkdir -p "$DEBS"
exec 9>"$DEBS/.lock"
flock 9
if [ -f "$out/done" ]; then
	echo "$out"
	exit 0
fi
rm -rf "$out" "$out.new"
mkdir -p "$out.new/src"
(cd "$top" && package_sources | tar -cf - -T -) | tar -xf - -C "$out.new/src"
start=$(date +%s)
# a clean make environment: not the variables of a `make check` around us
if ! (cd "$out.new/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	-u MAKEOVERRIDES -u TESTS dpkg-buildpackage -us -uc -b -j2) \
	>"$out.new/build.log" 2>&1; then
	tail -n 30 "$out.new/build.log" >&2
	echo "package.sh: dpkg-buildpackage failed (log: $out.new/build.log)" >&2
	exit 1
fi
lintian --tag-display-limit 0 "$out.new"/*.changes >"$out.new/lintian.txt" 2>&1 || true
rm -rf "$out.new/src"
echo "built in $(($(date +%s) - start)) s" >"$out.new/done"
mv "$out.new" "$out"
ls -d "$DEBS"/*/ 2>/dev/null | grep -v "^$out/\$" | xargs -r rm -rf
echo "$out"
