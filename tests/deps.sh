#!/bin/sh
# tests/deps.sh - install what building and testing milter-explain needs,
# from Debian's archive, on a fresh Debian 12 machine. Idempotent: it runs
# apt-get only for packages that are missing. Run as root.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config make gcc clang
libmilter-dev libconfig-dev libcmocka-dev postfix python3 m4 libwrap0
chromium procps iproute2"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing; run as root" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
# Postfix without any system configuration: the tests write their own.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
