#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# run.sh - `make fuzz`: build every fuzz target with libFuzzer and run each
# for a bounded time.
#
# Usage: run.sh [TARGET...]   (default: every fuzz/fuzz_*.c)
# Environment (make passes them): top_srcdir, top_builddir, FUZZ_CC
# (clang), FUZZ_TIME (seconds per target, default 60), FUZZ_SOURCES (the
# library's sources), LIBCONFIG_CFLAGS, LIBCONFIG_LIBS, FUZZ_FLAGS (extra
# libFuzzer options).
#
# The pure modules (libexplain.a's sources: no libmilter) are compiled with
# -fsanitize=fuzzer-no-link,address,undefined into _build/fuzz/ of the
# build tree; each target is linked with -fsanitize=fuzzer. New inputs go
# to _build/fuzz/corpus/TARGET (the seeds in tests/fuzz-corpus/TARGET are
# only read); a crash leaves _build/fuzz/crashes/TARGET-crash-* and makes
# this script fail. Copy such an input into tests/fuzz-corpus/TARGET/ to
# keep it as a regression case: `make check` replays that directory.
set -u

top_srcdir=$(cd "${top_srcdir:-.}" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_TIME=${FUZZ_TIME:-60}
B=$top_builddir/_build/fuzz

command -v "$FUZZ_CC" >/dev/null 2>&1 || {
	echo "fuzz: $FUZZ_CC not found (Debian: apt-get install clang libclang-rt-14-dev)" >&2
	exit 1
}
mkdir -p "$B/obj" "$B/corpus" "$B/crashes" || exit 1

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra $SAN \
 -D_GNU_SOURCE -I$top_srcdir/include -I$top_builddir ${LIBCONFIG_CFLAGS:-} \
 -DPKGDATADIR=\"$top_srcdir/conf\" -DSYSCONFDIR=\"$B\" \
 -DFUZZ_KB_DIR=\"$top_srcdir/conf/kb\" -DFUZZ_SRCDIR=\"$top_srcdir\""
LIBS="${LIBCONFIG_LIBS:--lconfig} -lpthread"

# the library of pure modules: the C files of libexplain_a_SOURCES (make
# passes them; run by hand, they are read from Makefile.am)
if [ -z "${FUZZ_SOURCES:-}" ]; then
	FUZZ_SOURCES=$(awk '/^libexplain_a_SOURCES *=/ { on = 1 }
		on { for (i = 1; i <= NF; i++) if ($i ~ /\.c$/) print $i
		     if ($NF != "\\") on = 0 }' "$top_srcdir/Makefile.am")
fi
objs=
for f in $FUZZ_SOURCES; do
	case $f in *.c) ;; *) continue ;; esac
	src=$top_srcdir/$f
	obj=$B/obj/$(basename "$src" .c).o
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] ||
		[ -n "$(find "$top_srcdir/include" -newer "$obj" -name '*.h' 2>/dev/null)" ]; then
		echo "  CC       $obj"
		$FUZZ_CC $CFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj" || exit 1
	fi
	objs="$objs $obj"
done

if [ $# -eq 0 ]; then
	set --
	for t in "$top_srcdir"/fuzz/fuzz_*.c; do
		set -- "$@" "$(basename "$t" .c | sed 's/^fuzz_//')"
	done
fi

summary=
failed=0
for t in "$@"; do
	src=$top_srcdir/fuzz/fuzz_$t.c
	bin=$B/fuzz_$t
	[ -f "$src" ] || { echo "fuzz: no $src" >&2; exit 1; }
	echo "  CCLD     $bin"
	$FUZZ_CC $CFLAGS -fsanitize=fuzzer "$src" $objs $LIBS -o "$bin" || exit 1
	seeds=$top_srcdir/tests/fuzz-corpus/$t
	dict=
	[ -f "$top_srcdir/fuzz/fuzz_$t.dict" ] && dict=-dict=$top_srcdir/fuzz/fuzz_$t.dict
	mkdir -p "$B/corpus/$t"
	echo "fuzz: $t for ${FUZZ_TIME}s"
	# -timeout: one input taking 10 s is a bug; timeout(1) is the backstop
	(cd "$B" && LSAN_OPTIONS=suppressions=$top_srcdir/tests/lsan.supp:print_suppressions=0 \
		timeout -k 10 $((FUZZ_TIME + 120)) "$bin" \
		-max_total_time="$FUZZ_TIME" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 \
		-artifact_prefix="$B/crashes/$t-" $dict ${FUZZ_FLAGS:-} \
		"$B/corpus/$t" "$seeds") >"$B/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/$t.log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$B/$t.log" | tail -1)
	if [ $rc -eq 0 ]; then
		summary="$summary
  $t: ok, ${execs:-?} runs, $cov, corpus $(ls "$B/corpus/$t" | wc -l)"
	else
		failed=1
		summary="$summary
  $t: FAILED (exit $rc), see $B/$t.log and $B/crashes/"
		tail -n 40 "$B/$t.log"
	fi
done
echo "fuzz summary:$summary"
exit $failed
