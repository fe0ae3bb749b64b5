#!/bin/sh
# tests/deps.sh - install what building and testing milter-explain needs,
# from Debian's archive, on a fresh Debian 12 machine, and the cached Debian
# roots with the Postfix releases the tests run beside the host's
# (tests/roots.sh: trixie for 3.10, sid for 3.11), so that `make check`
# downloads nothing. Idempotent: it runs apt-get only for packages that are
# missing and debootstrap only for roots that are missing. Run as root.
# MILTER_EXPLAIN_ROOTS= (empty) makes no root (tests use the default path).
set -eu

PKGS="build-essential autoconf automake libtool pkg-config make gcc clang
libmilter-dev libconfig-dev libcmocka-dev postfix python3 m4 libwrap0
chromium procps iproute2 debootstrap"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages:$missing; run as root" >&2
		exit 1
	fi
	echo "deps.sh: installing$missing"
	# Postfix without any system configuration: the tests write their own.
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The roots: about 30 s and 250 MB each the first time, nothing after.
if [ "${MILTER_EXPLAIN_ROOTS-unset}" != "" ] && [ "$(id -u)" = 0 ]; then
	for suite in trixie sid; do
		# sid can be uninstallable for a day: warn, its test skips.
		sh "$(dirname "$0")/roots.sh" "$suite" >/dev/null ||
			echo "deps.sh: warning: no $suite root; its tests will skip" >&2
	done
fi
