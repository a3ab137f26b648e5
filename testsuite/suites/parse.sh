#!/bin/bash
# parse.sh - pass-1 tests: the parser accepts what it must and rejects what
# it must, with the right diagnostic at the right place.
#
#   testsuite/parseok/NAME.stp   must parse.  PASS when `stap -p1` exits 0,
#       and its output, fed back to `stap -p1`, parses again to byte-identical
#       output (the round trip), and, if testsuite/p1golden/NAME.p1 exists,
#       the first output equals it.
#   testsuite/parseko/NAME.stp   must fail.  PASS when `stap -p1` exits
#       exactly 1 (0 is acceptance, >=124 a hang or a crash) and stderr holds
#       every expectation of the case's header.
#
# Every run is under `timeout 10` and fails on a sanitizer report.
#
# Header lines (any of the leading `#` comment lines of a case; being `#`
# comments they are also ordinary script comments):
#   # stap-opts: -g            extra stap options, before the script file
#   # args: foo 42             script arguments, after the script file
#   # expect: D_TAG            parseko: stderr contains "[D_TAG]"
#   # expect-text: TEXT        parseko: stderr contains TEXT (repeatable)
#   # expect-pos: L:C          parseko: stderr contains "NAME.stp:L:C"
#                              (the position of the offending token)
#   # upstream: ...            for parse-oracle.sh: why upstream differs (ignored here)
#   # oracle: ...              for parse-oracle.sh -f (ignored here)
#
# Cases run from their own directory, so file names in messages are the bare
# NAME.stp.  Usage: parse.sh [SUBSTRING...] runs only the cases whose
# names contain one of the substrings (e.g. `parse.sh foreach err.D_PP`).
set -u
# plan: testsuite/parseok/*.stp testsuite/parseko/*.stp

here=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$(dirname "$here")")}
TOP_BUILDDIR=${TOP_BUILDDIR:-$TOP_SRCDIR}
STAP=${STAP:-$TOP_BUILDDIR/translator/stap}
ts=$TOP_SRCDIR/testsuite
okdir=$ts/parseok
kodir=$ts/parseko
golddir=$ts/p1golden

if [ ! -x "$STAP" ]; then
	echo "FAIL: parse (no stap at $STAP)"
	exit 1
fi
case $STAP in /*) ;; *) STAP=$PWD/$STAP ;; esac

ulimit -c 0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/parse.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/rt"

. "$TOP_SRCDIR/testsuite/cases.sh"

check_ok()
{
	local name=$1 why
	read_header "$okdir/$name.stp"
	run_stap "$okdir" -p1 "${opts[@]}" "$name.stp" "${args[@]}"
	why=$(bad_exit)
	if [ -n "$why" ] || [ "$rc" -ne 0 ]; then
		echo "FAIL: parse/ok/$name"
		echo "    ${why:-exit $rc}; stderr:"
		detail "$tmp/err"
		return
	fi
	cp "$tmp/out" "$tmp/out1"
	cp "$tmp/err" "$tmp/err1"
	if [ -f "$golddir/$name.p1" ] && ! cmp -s "$golddir/$name.p1" "$tmp/out1"; then
		echo "FAIL: parse/ok/$name"
		echo "    output differs from p1golden/$name.p1:"
		diff -u "$golddir/$name.p1" "$tmp/out1" | tail -n +3 | head -n 30 | sed 's/^/    /'
		return
	fi
	# The round trip: the output is a script that parses to itself.
	cp "$tmp/out1" "$tmp/rt/$name.stp"
	run_stap "$tmp/rt" -p1 "${opts[@]}" "$name.stp" "${args[@]}"
	why=$(bad_exit)
	if [ -n "$why" ] || [ "$rc" -ne 0 ]; then
		echo "FAIL: parse/ok/$name"
		echo "    round trip: the -p1 output does not parse (${why:-exit $rc}):"
		detail "$tmp/err"
		return
	fi
	if ! cmp -s "$tmp/out1" "$tmp/out"; then
		echo "FAIL: parse/ok/$name"
		echo "    round trip: reparsing the -p1 output gives different output:"
		diff -u "$tmp/out1" "$tmp/out" | tail -n +3 | head -n 30 | sed 's/^/    /'
		return
	fi
	echo "PASS: parse/ok/$name"
}

filters=("$@")
for f in "$okdir"/*.stp; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .stp)
	wanted "$n" && check_ok "$n"
done
for f in "$kodir"/*.stp; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .stp)
	wanted "$n" && check_ko parse/ko -p1 "$n"
done
# A golden file whose case is gone is a mistake worth hearing about.
for g in "$golddir"/*.p1; do
	[ -e "$g" ] || continue
	n=$(basename "$g" .p1)
	if [ ! -f "$okdir/$n.stp" ] && wanted "$n"; then
		echo "FAIL: parse/ok/$n"
		echo "    p1golden/$n.p1 has no parseok/$n.stp"
	fi
done
exit 0
