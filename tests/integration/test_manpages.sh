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

# Top-level settings: the loader's table (config_settings[], printed by
# doc/settings_dump), each with its default and, for whole numbers, its
# bounds in the paragraph; members of rules and language rules: their
# loaders' lists; knowledge-base entries and lang.conf: kb.c's lists.
dump=${top_builddir:-$top}/doc/settings_dump
[ -x "$dump" ] || hard_error "no $dump (make check builds it)"
table=$("$dump")
[ -n "$table" ] || fail "settings_dump printed nothing"
names=$(cut -f1 <<<"$table" | sed 's/.*\.//')
for a in rule_keys:config_rule.c langrule_keys:config_lang.c entry_keys:kb_load.c lang_keys:kb_load.c; do
	got=$(keys "${a%%:*}" "$top/milter/${a#*:}")
	[ -n "$got" ] || hard_error "no ${a%%:*}[] in milter/${a#*:}"
	names="$names $got"
done
# para NAME - the rendered-source paragraph of setting NAME (up to the next
# .TP); for GROUP.MEMBER, the member's paragraph inside the group's
para() {
	local g="" m="$1"
	case $1 in *.*) g=${1%%.*} m=${1#*.} ;; esac
	awk -v g="$g" -v n="$m" 'g == "" { ingroup = 1 }
		!ingroup && prev == ".TP" && $0 == ".B " g { ingroup = 1 }
		ingroup && prev == ".TP" && $0 == ".B " n { on = 1 }
		on && $0 == ".TP" && seen { exit }
		on { seen = 1; print } { prev = $0 }' "$page5" | tr '\n' ' '
}
bad=""
while IFS=$'\t' read -r name type def min max; do
	p=$(para "$name")
	case $def in
	-) ;;
	# a path default depends on --prefix; the page names Debian's /usr
	/*/share/*) case $p in *"/usr/share/${def#*/share/}"*) ;; *) bad="$bad ${name}(default $def)" ;; esac ;;
	*) case $p in *"$def"*) ;; *) bad="$bad ${name}(default $def)" ;; esac ;;
	esac
	[ "$type" = int ] || continue
	case $p in *"$min to $max"*) ;; *) bad="$bad ${name}($min to $max)" ;; esac
done <<<"$table"
expect_eq "" "${bad# }" "defaults and bounds of the settings table missing from milter-explain.conf(5)"
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
