#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/ci.sh - the test command: install dependencies, build, run every
# test (unit tests, real-Postfix and real-Sendmail integration tests), then
# the same suite once more under AddressSanitizer and UBSan.
set -eu
cd "$(dirname "$0")/.."
sh tests/deps.sh
build=$(sh tests/build.sh)
(cd "$build" && make -j1 check) || { cat "$build/test-suite.log"; exit 1; }
if [ -f tests/sanitize.sh ]; then
	sh tests/sanitize.sh
fi
