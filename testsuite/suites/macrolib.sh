#!/bin/bash
# macrolib.sh - the macro library (tapsets/*.stpm): every public library
# macro is defined and expands.
#
#   testsuite/macrolib/NAME.stp   a realistic use of the library macro
#       @NAME.  PASS when `stap -p1` exits 0 with no sanitizer report and
#       its output (the expanded program) no longer mentions @NAME.
#
# Header lines (leading `#` comments of a case):
#   # stap-opts: -g          extra stap options, before the script file
#   # expands: NAME...       more macros that must be gone from the output
#
# Then, when upstream's example scripts are installed (Debian's
# systemtap-doc: /usr/share/systemtap/examples, or $STAP_EXAMPLES), each is
# run through `stap -g -p1 FILE 1 2 3 4 5`: macrolib/examples_macros FAILs
# if any of them still stops on an undefined macro (D_MACRO_UNDEFINED).
#
# Every run is under `timeout 10`.  Usage: macrolib.sh [SUBSTRING...] runs
# only the cases whose names contain one of the substrings.
set -u
# plan: testsuite/macrolib/*.stp 1

here=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$(dirname "$here")")}
TOP_BUILDDIR=${TOP_BUILDDIR:-$TOP_SRCDIR}
STAP=${STAP:-$TOP_BUILDDIR/translator/stap}
. "$TOP_SRCDIR/testsuite/lib.sh"
casedir=$TOP_SRCDIR/testsuite/macrolib
examples=${STAP_EXAMPLES:-/usr/share/systemtap/examples}

if [ ! -x "$STAP" ]; then
	echo "FAIL: macrolib (no stap at $STAP)"
	exit 1
fi
case $STAP in /*) ;; *) STAP=$PWD/$STAP ;; esac

ulimit -c 0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/macrolib.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Read the header of case $1 into opts and macros.
read_header()
{
	opts=() macros=()
	local line more
	while IFS= read -r line; do
		case $line in
		'# stap-opts: '*) read -r -a opts <<<"${line#*: }" ;;
		'# expands: '*)
			read -r -a more <<<"${line#*: }"
			macros+=("${more[@]}")
			;;
		'#'* | '') ;;
		*) break ;;
		esac
	done <"$1"
}

# The first lines of file $1, as failure detail.
detail()
{
	head -n "${2:-12}" "$1"
}

run_case()
{
	local file=$1 name
	name=$(basename "$file" .stp)
	read_header "$file"
	macros=("$name" "${macros[@]}")
	(cd "$casedir" && timeout 10 "$STAP" "${opts[@]}" -p1 "$name.stp") \
		>"$tmp/out" 2>"$tmp/err"
	local rc=$? m left=()
	if sanitizer_report "$tmp/err"; then
		fail "macrolib/$name" "sanitizer report" "$(detail "$tmp/err" 20)"
		return
	fi
	if [ "$rc" -ne 0 ]; then
		fail "macrolib/$name" "stap -p1 exited $rc" "$(detail "$tmp/err")"
		return
	fi
	for m in "${macros[@]}"; do
		grep -qE "@$m([^A-Za-z0-9_]|\$)" "$tmp/out" && left+=("@$m")
	done
	if [ ${#left[@]} -gt 0 ]; then
		local alt
		alt=$(IFS='|'; echo "${macros[*]}")
		fail "macrolib/$name" "not expanded: ${left[*]}" \
			"$(grep -nE "@($alt)([^A-Za-z0-9_]|\$)" "$tmp/out" | head -5)"
		return
	fi
	pass "macrolib/$name"
}

ncase=0
for file in "$casedir"/*.stp; do
	[ -e "$file" ] || continue
	selected "$(basename "$file" .stp)" "$@" || continue
	run_case "$file"
	ncase=$((ncase + 1))
done
[ "$ncase" -gt 0 ] || [ $# -gt 0 ] || echo "FAIL: macrolib (no cases in $casedir)"

# Upstream's examples: none may stop on an undefined macro.
if selected examples_macros "$@"; then
	if [ ! -d "$examples" ]; then
		cannot_run macrolib/examples_macros "no $examples: apt-get install systemtap-doc"
	else
		total=0 bad=0 report=()
		while IFS= read -r -d '' f; do
			total=$((total + 1))
			(cd "$(dirname "$f")" && timeout 10 "$STAP" -g -p1 "$f" 1 2 3 4 5) \
				>/dev/null 2>"$tmp/err"
			if grep -q 'D_MACRO_UNDEFINED' "$tmp/err"; then
				bad=$((bad + 1))
				report+=("${f#"$examples"/}: $(grep -m1 'D_MACRO_UNDEFINED' "$tmp/err")")
			fi
		done < <(find "$examples" -name '*.stp' -type f -print0 | sort -z)
		echo "INFO: macrolib: $bad of $total example scripts in $examples fail with D_MACRO_UNDEFINED"
		if [ "$bad" -gt 0 ]; then
			fail macrolib/examples_macros "$bad examples use undefined macros" \
				"$(printf '%s\n' "${report[@]}" | head -20)"
		else
			pass macrolib/examples_macros
		fi
	fi
fi
exit 0
