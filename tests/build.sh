#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/build.sh - configure and build (out of tree in _build/plain unless
# the source tree is configured in place); prints the build directory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ -f Makefile ] && [ -f config.status ]; then
	make -j"$(nproc)" >&2
	echo "$top"
	exit 0
fi
[ -x configure ] || autoreconf -fi >&2
mkdir -p _build/plain
cd _build/plain
[ -f Makefile ] || ../../configure -q >&2
make -j"$(nproc)" >&2
pwd
