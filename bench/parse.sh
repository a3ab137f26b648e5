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
t_ours=$(median_ms "$ours" -p1 "$work/big.stp")
printf '  ours       %8.1f ms  %10.0f lines/s\n' "$t_ours" "$(ratio "$n" "$t_ours")e3"
if [ -n "$peer" ]; then
	t_peer=$(median_ms "$peer" "${peer_opts[@]}" -p1 "$work/big.stp")
	printf '  stap 4.8   %8.1f ms  %10.0f lines/s\n' "$t_peer" "$(ratio "$n" "$t_peer")e3"
	echo "  ratio (stap 4.8 / ours): $(ratio "$t_peer" "$t_ours")x"
else
	echo "  stap 4.8 not installed (scripts/install-deps --bench): no ratio"
fi

# Every tapset file: ours, and upstream's library as parser input only.
tapset_files=()
while IFS= read -r f; do tapset_files+=("$f"); done < <(
	{ find "$top/tapsets" -name '*.stp'; [ -d /usr/share/systemtap/tapset ] &&
	  find /usr/share/systemtap/tapset -name '*.stp'; } | sort)
total_lines=$(cat "${tapset_files[@]}" | wc -l)
echo "== stap -p1 -g on each of ${#tapset_files[@]} tapset files ($total_lines lines; one run each)"
sum_time() {
	local tool=$1 start end bad=0
	shift
	start=$(now_ns)
	for f in "${tapset_files[@]}"; do
		"$tool" "$@" -g -p1 "$f" >/dev/null 2>&1 || bad=$((bad + 1))
	done
	end=$(now_ns)
	echo "$(( (end - start) / 1000000 )) $bad"
}
read -r s_ours bad_ours < <(sum_time "$ours")
printf '  ours       %8d ms  %10.0f lines/s  (%d files rejected)\n' "$s_ours" \
	"$(ratio "$total_lines" "$s_ours")e3" "$bad_ours"
if [ -n "$peer" ]; then
	read -r s_peer bad_peer < <(sum_time "$peer" "${peer_opts[@]}")
	printf '  stap 4.8   %8d ms  %10.0f lines/s  (%d files rejected)\n' "$s_peer" \
		"$(ratio "$total_lines" "$s_peer")e3" "$bad_peer"
	echo "  ratio (stap 4.8 / ours): $(ratio "$s_peer" "$s_ours")x"
fi
