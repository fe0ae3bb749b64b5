#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_spdx - every source file carries the licence's SPDX identifier in
# its first three lines: C sources and headers, shell and Python scripts,
# automake fragments and configure.ac (LICENSE holds the full text).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 99
tag='SPDX-License-Identifier: BSD-2-Clause'

grep -q '^BSD 2-Clause License$' LICENSE || { echo "FAIL: LICENSE is not BSD-2-Clause" >&2; exit 1; }
files=$(find milter include tests fuzz bench contrib doc \
	     -path '*/_build' -prune -o -type f \
	     \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' \
		-o -name '*.am' \) -print | sort)
files="$files Makefile.am configure.ac"
n=0 bad=""
for f in $files; do
	n=$((n + 1))
	head -n 3 "$f" | grep -qF "$tag" || bad="$bad $f"
done
[ "$n" -gt 50 ] || { echo "ERROR: found only $n source files under $top" >&2; exit 99; }
if [ -n "$bad" ]; then
	echo "FAIL: no '$tag' in the first 3 lines of:" >&2
	printf '  %s\n' $bad >&2
	exit 1
fi
echo "# $n source files carry the SPDX identifier"
