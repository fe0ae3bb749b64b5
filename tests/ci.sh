#!/bin/sh
# tests/ci.sh - the test command: install dependencies, build, run every
# test (unit tests, real-Postfix and real-Sendmail integration tests), then
# the same suite once more under AddressSanitizer and UBSan.
set -eu
cd "$(dirname "$0")/.."
sh tests/deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p _build/plain
cd _build/plain
[ -f Makefile ] || ../../configure -q
make -j"$(nproc)"
make -j1 check || { cat test-suite.log; exit 1; }
cd ../..
if [ -x tests/sanitize.sh ]; then
	sh tests/sanitize.sh
fi
