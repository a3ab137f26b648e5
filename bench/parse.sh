#!/bin/bash
# parse.sh - pass-1 speed: `stap -p1` on a generated 50,000-line script and
# on every tapset file, ours against Debian's systemtap 4.8 in the same run.
#
# Usage: bench/parse.sh [LINES]      (RUNS=N sets the runs per median)
# Target (issue 3): ours at least 10x faster.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"

ours=$(find_stap "$top")
peer=$(peer_stap || true)
rel=$(vm_release "$top" || true)
peer_opts=()
[ -n "$rel" ] && peer_opts=(-r "$rel")
lines=${1:-50000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$top/bench/gen-large-script.py" "$lines" >"$work/big.stp"
n=$(wc -l <"$work/big.stp")

echo "== stap -p1 on a generated script of $n lines (median of $RUNS runs)"
echo "             wall ms    CPU ms   peak RSS   lines/s (CPU)"
read -r w_ours c_ours r_ours < <(python3 "$top/bench/runtime.py" "$RUNS" "$ours" -p1 "$work/big.stp")
printf '  ours      %8.1f  %8.1f  %7d KB  %10.0f\n' "$w_ours" "$c_ours" "$r_ours" "$(ratio "$n" "$c_ours")e3"
if [ -n "$peer" ]; then
	read -r w_peer c_peer r_peer < <(python3 "$top/bench/runtime.py" "$RUNS" "$peer" "${peer_opts[@]}" -p1 "$work/big.stp")
	printf '  stap 4.8  %8.1f  %8.1f  %7d KB  %10.0f\n' "$w_peer" "$c_peer" "$r_peer" "$(ratio "$n" "$c_peer")e3"
	echo "  ratio (stap 4.8 / ours): wall $(ratio "$w_peer" "$w_ours")x, CPU $(ratio "$c_peer" "$c_ours")x"
else
	echo "  stap 4.8 not installed (scripts/install-deps --bench): no ratio"
fi

# The tapset library.  Upstream parses its whole library (the .stp files of
# tapset/, linux/, linux/x86_64/, x86_64/ plus the .stpm macros) in every
# run of pass 1; its -v line gives that time.  Ours parses library files
# lazily (pass 2); here bench/parse_files times our pass 1 over the same
# files, plus our own tapsets, in one process.  Both in CPU time.
lib=/usr/share/systemtap/tapset
if [ ! -d "$lib" ]; then
	echo "== tapset library: $lib missing (apt-get install systemtap-common): skipped"
	exit 0
fi
files=()
for d in "$lib" "$lib/linux" "$lib/linux/x86_64" "$lib/x86_64" "$top/tapsets"; do
	for f in "$d"/*.stp; do [ -f "$f" ] && files+=("$f"); done
done
builddir=$(cd "$(dirname "$ours")/.." && pwd)
cc -std=gnu11 -O2 -I"$builddir" -I"$top/translator" -DPKGDATADIR='"/nonexistent"' \
	-DPKGLIBEXECDIR='"/nonexistent"' -o "$work/parse_files" "$top/bench/parse_files.c" \
	$(for s in arena diag ast lexer preprocess macro parser parse_expr format unparse target pass1 paths; do
		echo "$top/translator/$s.c"; done)
echo "== pass 1 over the tapset library: ${#files[@]} files (median of $RUNS runs)"
results=()
for ((i = 0; i < RUNS; i++)); do
	results+=("$("$work/parse_files" -I "$lib" "${files[@]}")")
done
ms_ours=$(printf '%s\n' "${results[@]}" | awk '{ print $7 }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
lib_lines=$(awk '{ print $3 }' <<<"${results[0]}")
lib_failed=$(awk '{ print $9 }' <<<"${results[0]}")
printf '  ours       %8.1f CPU ms  %10.0f lines/s  (%d lines, %d files rejected)\n' "$ms_ours" \
	"$(ratio "$lib_lines" "$ms_ours")e3" "$lib_lines" "$lib_failed"
if [ -n "$peer" ]; then
	peer_ms=()
	for ((i = 0; i < RUNS; i++)); do
		peer_ms+=("$("$peer" "${peer_opts[@]}" -v -p1 -e 'probe begin {}' 2>&1 |
			sed -n 's/^Pass 1: parsed user script and \([0-9]*\) library scripts.* in \([0-9]*\)usr\/\([0-9]*\)sys.*/\1 \2 \3/p')")
	done
	ms_peer=$(printf '%s\n' "${peer_ms[@]}" | awk '{ print $2 + $3 }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	nlib=$(awk '{ print $1 }' <<<"${peer_ms[0]}")
	printf '  stap 4.8   %8.1f CPU ms  (usr+sys of its pass-1 line: user script and %s library scripts)\n' "$ms_peer" "$nlib"
	echo "  ratio (stap 4.8 / ours): $(ratio "$ms_peer" "$ms_ours")x"
fi
