#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/roots.sh - a cached Debian root of one suite, for tests that need
# another Debian release's programs (Postfix 3.10 from trixie, 3.11 from sid).
#
#     sh tests/roots.sh SUITE [PACKAGE...]
#
# prints the root's path, $MILTER_EXPLAIN_ROOTS/SUITE (default
# /var/cache/milter-explain-tests/roots/SUITE), and nothing else on stdout.
# The first call makes it with
#     debootstrap --variant=minbase --include=postfix,PACKAGE,... SUITE DIR MIRROR
# from the Debian mirror this machine's apt uses; later calls only check
# it, and install with the root's apt-get any PACKAGE it lacks. A root is
# built in SUITE.new and renamed when complete, so a half-made root is never
# used; calls for one suite wait for each other (flock). Run as root.
# Exit 0 with the path, 1 with the reason on stderr.
set -eu

ROOTS=${MILTER_EXPLAIN_ROOTS:-/var/cache/milter-explain-tests/roots}

# roots_mirror - print the first Debian (not security) URI of apt's sources
roots_mirror() {
	{
		cat /etc/apt/sources.list 2>/dev/null || true
		cat /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
			2>/dev/null || true
	} | awk '
		/^[ \t]*#/ { next }
		$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }
		tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' |
		grep -E '^https?://[^ ]+/debian/?$' | head -n 1 | sed 's|/$||'
}

# roots_missing ROOT PACKAGE... - print the PACKAGEs not installed in ROOT
roots_missing() {
	r=$1
	shift
	for p in "$@"; do
		# shellcheck disable=SC2016 # dpkg-query's own ${Status}
		chroot "$r" dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q "ok installed" || printf ' %s' "$p"
	done
}

# roots_make SUITE DIR PACKAGES - debootstrap SUITE into DIR.new, rename
roots_make() {
	suite=$1 dir=$2 pkgs=$3
	mirror=$(roots_mirror)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	command -v debootstrap >/dev/null ||
		{ echo "roots.sh: debootstrap missing (sh tests/deps.sh)" >&2; return 1; }
	rm -rf "$dir.new"
	echo "roots.sh: debootstrap $suite from $mirror with $pkgs" >&2
	start=$(date +%s)
	if ! debootstrap --variant=minbase --include="$pkgs" "$suite" "$dir.new" \
		"$mirror" >"$ROOTS/$suite.log" 2>&1; then
		tail -n 20 "$ROOTS/$suite.log" >&2
		echo "roots.sh: debootstrap $suite failed (log: $ROOTS/$suite.log)" >&2
		rm -rf "$dir.new"
		return 1
	fi
	# No daemon of the root may start from a package script later on.
	printf '#!/bin/sh\nexit 101\n' >"$dir.new/usr/sbin/policy-rc.d"
	chmod 0755 "$dir.new/usr/sbin/policy-rc.d"
	# The package lists and caches are a third of the root; roots_add
	# fetches fresh lists anyway.
	chroot "$dir.new" apt-get clean
	rm -rf "$dir.new"/var/lib/apt/lists/*
	mv "$dir.new" "$dir"
	echo "roots.sh: $suite made in $(($(date +%s) - start)) s," \
		"$(du -sh "$dir" | cut -f1)" >&2
}

# roots_add SUITE DIR PACKAGE... - install missing PACKAGEs with the root's apt
roots_add() {
	suite=$1 dir=$2
	shift 2
	echo "roots.sh: adding $* to $suite" >&2
	mount -t proc proc "$dir/proc"
	rc=0
	chroot "$dir" env DEBIAN_FRONTEND=noninteractive sh -c \
		'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" &&
		apt-get clean && rm -rf /var/lib/apt/lists/*' sh "$@" >>"$ROOTS/$suite.log" 2>&1 || rc=$?
	umount "$dir/proc"
	[ "$rc" = 0 ] || { echo "roots.sh: apt-get in $suite failed (log: $ROOTS/$suite.log)" >&2; return 1; }
}

# roots_main SUITE [PACKAGE...] - make or check the root, print its path
roots_main() {
	[ $# -ge 1 ] || { echo "usage: roots.sh SUITE [PACKAGE...]" >&2; return 1; }
	suite=$1
	shift
	case $suite in
	'' | *[!a-z0-9-]*) echo "roots.sh: bad suite '$suite'" >&2; return 1 ;;
	esac
	[ "$(id -u)" = 0 ] || { echo "roots.sh: run as root" >&2; return 1; }
	dir=$ROOTS/$suite
	mkdir -p "$ROOTS"
	exec 9>"$ROOTS/.$suite.lock"
	flock 9
	if [ ! -x "$dir/usr/sbin/postfix" ]; then
		pkgs=postfix
		for p in "$@"; do pkgs="$pkgs,$p"; done
		roots_make "$suite" "$dir" "$pkgs"
	else
		missing=$(roots_missing "$dir" "$@")
		# shellcheck disable=SC2086
		[ -z "$missing" ] || roots_add "$suite" "$dir" $missing
	fi
	echo "$dir"
}

roots_main "$@"
