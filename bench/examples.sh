#!/bin/bash
# examples.sh - cold `stap -p4` of every shipped example (examples/*.stp,
# with the arguments and options its test header names), ours against
# Debian's systemtap 4.8 in the same run, module caches cleared before
# every build (per-kernel data such as feature tests kept).
#
# The peer builds with its runtime patched for Debian's 6.1 kernels
# (bench/lib.sh peer_runtime, SPEC section 7).  Most examples use probes
# the peer can only resolve from kernel debuginfo (kernel.function, and
# the syscall, vfs, scheduler ... tapsets built on it), which Debian's
# kernel does not ship: those rows say "needs debuginfo" and are counted;
# the ratio summary is over the examples both sides build.
#
# Usage: bench/examples.sh [NAME...]     (RUNS=N sets the runs per median,
# default 3)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
. "$top/bench/lib.sh"

bench_setup
mkdir -p "$work/sd-ours" "$work/sd-peer"

# header KEY FILE: the example's "# KEY: value" lines (examples.sh's).
header() { sed -n "s/^# $1: //p" "$2"; }

clear_modules() { find "$1/cache" -name 'stap_*' -delete 2>/dev/null || true; }

# cold_ms SD CMD...: median cold build time in ms, or "fail" (the log of
# the last failure in $work/err).
cold_ms() {
	local sd=$1 times=() i start end
	shift
	for ((i = 0; i < RUNS; i++)); do
		clear_modules "$sd"
		start=$(now_ns)
		"$@" >/dev/null 2>"$work/err" || { echo fail; return 0; }
		end=$(now_ns)
		times+=($(((end - start) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n |
		awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f\n", m / 1000 }'
}

if [ $# -gt 0 ]; then
	files=()
	for n in "$@"; do files+=("$top/examples/${n%.stp}.stp"); done
else
	files=("$top"/examples/*.stp)
fi
[ -z "$peer" ] || peer_runtime "$work/peer-runtime"

# warm-up: each side's per-kernel work (feature tests; the peer's
# tracepoint queries, ours' BTF and symbol caches)
echo 'global n probe begin { exit() } probe kernel.trace("sched:sched_switch") { n++ }' \
	>"$work/warm.stp"
SYSTEMTAP_DIR="$work/sd-ours" "$ours" -p4 -r "$rel" "$work/warm.stp" >/dev/null
[ -z "$peer" ] || SYSTEMTAP_DIR="$work/sd-peer" SYSTEMTAP_NOSIGN=1 "$peer" \
	-R "$work/peer-runtime" -p4 -r "$rel" "$work/warm.stp" >/dev/null 2>&1 || true

echo "== cold stap -p4 -r $rel of each example (median of $RUNS runs; ms)"
printf '  %-22s %8s %8s %8s  %s\n' example ours "4.8" "4.8/ours" ""
both=() ours_all=() nodebug=0 peerfail=0 oursfail=0
for f in "${files[@]}"; do
	name=$(basename "$f" .stp)
	read -ra opts <<<"$(header test-options "$f")"
	read -ra args <<<"$(header test-args "$f")"
	o=$(cold_ms "$work/sd-ours" env SYSTEMTAP_DIR="$work/sd-ours" "$ours" -p4 -r "$rel" \
		"${opts[@]}" "$f" "${args[@]}")
	note=
	if [ "$o" = fail ]; then
		oursfail=$((oursfail + 1))
		note="ours FAILED: $(grep -m1 -i error "$work/err" || head -1 "$work/err")"
	else
		ours_all+=("$o")
	fi
	p=-
	if [ -n "$peer" ]; then
		p=$(cold_ms "$work/sd-peer" env SYSTEMTAP_DIR="$work/sd-peer" SYSTEMTAP_NOSIGN=1 \
			"$peer" -R "$work/peer-runtime" -p4 -r "$rel" "${opts[@]}" "$f" "${args[@]}")
		if [ "$p" = fail ]; then
			# no kernel DWARF: what 4.8 says when it looks for a function,
			# a type or a variable there
			if grep -qiE 'debuginfo|debug info|dwarf|type definition .* not found|unresolved @var|unresolved struct' \
				"$work/err"; then
				note=${note:-"4.8: needs debuginfo"}
				nodebug=$((nodebug + 1))
			else
				note=${note:-"4.8 fails: $(grep -m1 -i error "$work/err" | cut -c1-60)"}
				peerfail=$((peerfail + 1))
			fi
			p=-
		elif [ "$o" != fail ]; then
			both+=("$(ratio "$p" "$o")")
		fi
	fi
	r=-
	[ "$o" = fail ] || [ "$p" = - ] || r=$(ratio "$p" "$o")
	printf '  %-22s %8s %8s %8s  %s\n' "$name" "$o" "$p" "$r" "$note"
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "-"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f\n", m }'; }
echo "== summary"
echo "  examples: ${#files[@]}; ours built ${#ours_all[@]} (median $(printf '%s\n' "${ours_all[@]}" | median) ms), failed $oursfail"
if [ -n "$peer" ]; then
	echo "  4.8 built ${#both[@]}; needs kernel debuginfo Debian does not ship: $nodebug; fails otherwise: $peerfail"
	echo "  4.8/ours over the examples both build: median $(printf '%s\n' "${both[@]}" | median)x"
else
	echo "  (no systemtap 4.8 installed: apt-get install systemtap)"
fi
