#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_manpages - milter-explain(8) and milter-explain.conf(5) render
# without a single groff or man warning, every setting the config loader
# knows (top level, rule, socketmap, language rule, knowledge-base entry
# and lang.conf members) is the tag of a paragraph in milter-explain.conf(5),
# and every option of `milter-explain -h` is documented in milter-explain(8).
. "$(dirname "$0")/lib.sh"
top=${top_srcdir:-$(cd "$PFX_LIBDIR/../.." && pwd)}
bin=${MILTER_EXPLAIN:-$top/milter/milter-explain}
need_cmd man groff
page8=$top/doc/milter-explain.8
page5=$top/doc/milter-explain.conf.5

# render PAGE - no warning at all on stderr, some text on stdout
for page in "$page8" "$page5"; do
	[ -f "$page" ] || fail "$page is missing"
	err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	expect_eq "" "$err" "warnings of man --warnings -l $(basename "$page")"
	lines=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>/dev/null | wc -l)
	[ "$lines" -gt 100 ] || fail "$(basename "$page") renders only $lines lines"
done

# keys ARRAY FILE - the strings of `static const char *const ARRAY[] = {...};`
keys() {
	sed -n "/ $1\[\] = {/,/};/p" "$2" | grep -o '"[a-z_]*"' | tr -d '"'
}
# tags PAGE - the paragraph tags of PAGE: the ".B name" line after each .TP
tags() {
	awk 'prev == ".TP" && $1 == ".B" && NF == 2 { print $2 } { prev = $0 }' "$1" |
		sort -u
}

names=""
for a in top_keys rule_keys sockmap_keys langrule_keys; do
	got=$(keys "$a" "$top/milter/config.c")
	[ -n "$got" ] || hard_error "no $a[] in milter/config.c (did the settings move to a table?)"
	names="$names $got"
done
for a in entry_keys lang_keys; do
	got=$(keys "$a" "$top/milter/kb.c")
	[ -n "$got" ] || hard_error "no $a[] in milter/kb.c"
	names="$names $got"
done
known=$(tags "$page5")
missing=""
for n in $names; do
	grep -qx -- "$n" <<<"$known" || missing="$missing $n"
done
expect_eq "" "${missing# }" "settings of the loader missing from milter-explain.conf(5)"
note "$(wc -w <<<"$names") setting names documented"

# Every option of the usage text: a ".B \-x" or ".BR \-x ..." in the page.
[ -x "$bin" ] || hard_error "no daemon binary $bin"
opts=$("$bin" -h | grep -oE '^ +(-[A-Za-z], )?--[a-z-]+' | sed 's/^ *//')
[ -n "$opts" ] || fail "no options in milter-explain -h"
missing=""
while read -r o; do
	short=${o%%,*}
	long=${o##* }
	for f in $short $long; do
		pat=$(sed 's/-/\\\\-/g' <<<"$f")
		grep -qE "^\.BR? (.* )?$pat( |\$)" "$page8" || missing="$missing $f"
	done
done <<<"$opts"
expect_eq "" "${missing# }" "options of milter-explain -h missing from milter-explain(8)"
