#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/deps.sh - install what building and testing milter-explain needs,
# from Debian's archive, on a fresh Debian 12 machine, and the cached Debian
# roots with the Postfix releases the tests run beside the host's
# (tests/roots.sh: trixie for 3.10, sid for 3.11), so that `make check`
# downloads nothing: this is the only script of the tests that runs
# apt-get. Idempotent: it runs apt-get only for what is missing and
# debootstrap only for roots that are missing. Run as root.
# MILTER_EXPLAIN_ROOTS= (empty) makes no root (tests use the default path).
#
# Sendmail (tests/integration/test_sendmail.sh) is not installed, it would
# replace Postfix: the .debs of sendmail-bin and sendmail-cf are kept in
# $DEBS, which tests/integration/sendmail.sh unpacks (dpkg -x) into a
# private tree, and their runtime libraries are installed.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config make gcc clang
libmilter-dev libconfig-dev libcmocka-dev postfix python3 m4 libwrap0
chromium procps iproute2 debootstrap libmicrohttpd-dev strace
man-db groff dpkg-dev debhelper fakeroot lintian python3-prometheus-client
libnss-wrapper libidn12 systemd-container"
SENDMAIL_DEBS="sendmail-bin sendmail-cf"
DEBS=${MILTER_EXPLAIN_SENDMAIL_DEBS:-/var/cache/milter-explain-tests/sendmail/debs}

# missing PKG... - print those of the packages that are not installed
missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			printf ' %s' "$p"
	done
}

# as_root WHAT - exit with a message unless root
as_root() {
	[ "$(id -u)" = 0 ] && return 0
	echo "deps.sh: missing $1; run as root" >&2
	exit 1
}

# have_debs DIR PKG... - 0 when DIR holds a .deb of every PKG
have_debs() {
	dir=$1
	shift
	for p in "$@"; do
		ls "$dir/${p}_"*.deb >/dev/null 2>&1 || return 1
	done
}

# download_debs DIR PKG... - the .debs of PKG (not installed: they would
# replace Postfix) into DIR, through a temporary folder beside them so
# that DIR never holds half a set; apt-get update once if needed
download_debs() {
	dir=$1
	shift
	as_root "the .debs of $* in $dir"
	echo "deps.sh: downloading $* into $dir"
	mkdir -p "$dir"
	tmp=$(mktemp -d "$dir/.download.XXXXXX")
	chown _apt "$tmp" 2>/dev/null || true # apt-get download runs as _apt
	# apt-get download writes into the current directory
	if ! (cd "$tmp" && apt-get download -qq "$@"); then
		[ "$updated" = yes ] || apt-get update -qq
		updated=yes
		(cd "$tmp" && apt-get download -qq "$@") ||
			{ rm -rf "$tmp"; exit 1; }
	fi
	mv "$tmp"/*.deb "$dir"/
	rmdir "$tmp"
}

# sendmail_libs - sendmail-bin's Depends, less the MTA packages
# (sendmail-base would conflict with Postfix) and the maintainer-script tools
sendmail_libs() {
	for deb in "$DEBS"/sendmail-bin_*.deb; do
		dpkg-deb -f "$deb" Depends | tr ',' '\n' |
			sed 's/|.*//; s/(.*//; s/:.*//; s/[[:space:]]//g'
	done | grep -v -E '^(sendmail-.*|debconf|init-system-helpers|procps|)$' |
		sort -u
}

export DEBIAN_FRONTEND=noninteractive
updated=no
need=$(missing $PKGS)
if [ -n "$need" ]; then
	as_root "packages:$need"
	echo "deps.sh: installing$need"
	# Postfix without any system configuration: the tests write their own.
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections
	apt-get update -qq
	updated=yes
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

# Sendmail's .debs, then its libraries
# shellcheck disable=SC2086
have_debs "$DEBS" $SENDMAIL_DEBS || download_debs "$DEBS" $SENDMAIL_DEBS
libs=$(missing $(sendmail_libs))
if [ -n "$libs" ]; then
	as_root "Sendmail's libraries:$libs"
	echo "deps.sh: installing Sendmail's libraries$libs"
	[ "$updated" = yes ] || apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $libs >/dev/null
fi

# Exim 4 (tests/integration/test_bounce.sh, a second sending MTA) would
# replace Postfix too: its .debs are kept in their own folder, which
# tests/integration/exim.sh unpacks; libnss-wrapper (above) gives it its
# user, libidn12 is its one library Postfix does not pull in.
EXIM_DEBS="exim4-daemon-light exim4-base exim4-config"
EXIM_DIR=${MILTER_EXPLAIN_EXIM_DEBS:-/var/cache/milter-explain-tests/exim/debs}
# shellcheck disable=SC2086
have_debs "$EXIM_DIR" $EXIM_DEBS || download_debs "$EXIM_DIR" $EXIM_DEBS

# The roots: about 30 s and 250 MB each the first time, nothing after.
if [ "${MILTER_EXPLAIN_ROOTS-unset}" != "" ] && [ "$(id -u)" = 0 ]; then
	for suite in trixie sid; do
		# sid can be uninstallable for a day: warn, its test skips.
		sh "$(dirname "$0")/roots.sh" "$suite" >/dev/null ||
			echo "deps.sh: warning: no $suite root; its tests will skip" >&2
	done
	# Debian 12 for the package tests: the package's dependencies and
	# systemd (test_package.sh, test_unit_systemd.sh add any that change)
	sh "$(dirname "$0")/roots.sh" bookworm adduser procps libc6 libconfig9 \
		libmicrohttpd12 libmilter1.0.1 systemd >/dev/null ||
		echo "deps.sh: warning: no bookworm root; the package tests will skip" >&2
fi
