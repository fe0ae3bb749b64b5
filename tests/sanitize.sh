#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/sanitize.sh - the sanitizer leg: the whole `make check` (unit
# tests, fuzz-corpus replays, integration tests with the daemon itself
# built with them) under AddressSanitizer, LeakSanitizer and UBSan.
#
# Builds out of tree in _build/asan with ./configure --enable-sanitizers.
# automake refuses a VPATH build of a source tree that is configured in
# place (a developer's checkout); then the build uses a fresh copy of the
# tracked and new files in _build/asan-src instead. Any sanitizer report
# fails the test that triggered it (halt_on_error, exit code 23 for
# leaks); known leaks of libconfig are suppressed (tests/lsan.supp).
# Sanitizer reports are also written under _build/asan/sanitizer-reports/
# and any of them fails the leg (a daemon's report at exit included).
# Prints the test summary; exit 0 only when every test passed or skipped
# and no process reported anything. ThreadSanitizer does not mix with
# ASan: the store's thread test runs under it in the plain `make check`
# (tests/unit/test_store_tsan, when the compiler supports it).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

src=$top
if [ -f "$top/config.status" ]; then
	src=$top/_build/asan-src
	echo "sanitize.sh: source tree configured in place; building a copy in $src" >&2
	rm -rf "$src"
	mkdir -p "$src"
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$top" ls-files -co --exclude-standard -z |
			(cd "$top" && xargs -0 cp --parents -t "$src")
	else
		tar -C "$top" --exclude=./_build --exclude=./.git -cf - . | tar -C "$src" -xf -
		(cd "$src" && { [ ! -f Makefile ] || make distclean >/dev/null 2>&1 || true; })
	fi
	(cd "$src" && autoreconf -fi >/dev/null 2>&1)
elif [ ! -x "$top/configure" ]; then
	autoreconf -fi >&2
fi

build=$top/_build/asan
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ] || ! grep -q -- '--enable-sanitizers' config.status 2>/dev/null; then
	"$src/configure" -q --enable-sanitizers >&2
fi
make -j"$jobs" >&2

# Reports go to files as well as failing the process: a daemon that a
# test started and stopped reports its leaks at exit, after the test
# has read what it wanted, into a log the test then removes.
reports=$build/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
chmod 1777 "$reports" # the daemon may run as an unprivileged user (-u)
ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$reports/asan
LSAN_OPTIONS=suppressions=$top/tests/lsan.supp:print_suppressions=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan
export ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
# tests of the Debian package (built without sanitizers) skip here
MILTER_EXPLAIN_SANITIZER_LEG=1
export MILTER_EXPLAIN_SANITIZER_LEG
# the unit tests and replays run in parallel; Postfix tests pick free ports
rc=0
make -j"$jobs" check >check.out 2>&1 || rc=1
grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS|# )' check.out || true
if [ "$rc" != 0 ]; then
	cat test-suite.log
	echo "sanitize.sh: make check failed under ASan/UBSan in $build" >&2
fi
for f in "$reports"/*; do
	[ -f "$f" ] || continue
	echo "----- $f"
	cat "$f"
	rc=1
done
[ "$rc" = 0 ] || { echo "sanitize.sh: FAILED (see the reports above)" >&2; exit 1; }
echo "sanitize.sh: make check passed under ASan/UBSan"
