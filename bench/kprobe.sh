#!/bin/bash
# kprobe.sh - what kernel function probes cost before they run (issue 12):
#   list     `stap -L 'kernel.function("*")'`: every function BTF knows
#            with its parameters (per-kernel data cached)
#   cold100  `stap -p4` of a script probing 100 kernel functions (a
#            wildcard for ours, kernel.function("vfs_*") etc.; the peer
#            cannot resolve kernel.function without the kernel's
#            debuginfo, so it builds the same 100 functions as
#            kprobe.function probes, from a System.map)
#   cold1    `stap -p4` of one kprobe.function probe (both sides)
# ours against Debian's systemtap 4.8 in the same run, medians of RUNS
# (default 3) for ours and PEER_RUNS (default 1) for the peer's builds.
# The in-kernel cost of a hit is bench/kspeed.sh's kpgetpid and
# kretgetpid workloads.
#
# The peer needs -R (a runtime copy with task_work_cancel renamed) and,
# for kprobe symbols, -r pointing at a copy of the kernel's build tree
# whose System.map comes from the VM's /proc/kallsyms (SPEC section 7):
# bench/kspeed.sh saves that list in KSPEED_CACHE (run it once first, or
# set KALLSYMS to such a file).  Without it the peer's rows are "-".
# Targets: list <= 1000 ms; cold100 <= 2000 ms.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
. "$top/bench/lib.sh"
PEER_RUNS=${PEER_RUNS:-1}

bench_setup
peer_kprobe_setup kprobe.sh

# 100 functions of the vfs and the page cache that BTF and kallsyms both
# know, the same list for both sides.
SYSTEMTAP_DIR=$work/sd-ours "$ours" -r "$rel" -l 'kernel.function("vfs_*")' |
	sed 's/^kernel.function("\(.*\)")$/\1/' >"$work/fns"
SYSTEMTAP_DIR=$work/sd-ours "$ours" -r "$rel" -l 'kernel.function("filemap_*")' |
	sed 's/^kernel.function("\(.*\)")$/\1/' >>"$work/fns"
if [ -s "$KALLSYMS" ]; then
	awk '$2 ~ /^[tT]$/ { print $3 }' "$KALLSYMS" | sort -u >"$work/text"
	sort -u "$work/fns" | comm -12 - "$work/text" >"$work/both"
	mv "$work/both" "$work/fns"
fi
head -n 100 "$work/fns" >"$work/fns100"
n=$(wc -l <"$work/fns100")
{
	echo 'global n'
	sed 's/.*/probe kernel.function("&") { n++ }/' "$work/fns100"
	echo 'probe timer.s(1) { printf("%d\n", n); exit() }'
} >"$work/ours100.stp"
{
	echo 'global n'
	sed 's/.*/probe kprobe.function("&") { n++ }/' "$work/fns100"
	echo 'probe timer.s(1) { printf("%d\n", n); exit() }'
} >"$work/peer100.stp"
cat >"$work/one.stp" <<'STP'
global n
probe kprobe.function("vfs_read") { n++ }
probe timer.s(1) { printf("%d\n", n); exit() }
STP

ours_list() { SYSTEMTAP_DIR=$work/sd-ours "$ours" -r "$rel" -L 'kernel.function("*")'; }
ours_cold() {
	(cd "$work" && SYSTEMTAP_DIR=$work/sd-ours "$ours" -p4 -r "$rel" -D BENCH_RUN=$RANDOM$RANDOM "$1")
}
peer_env() {
	env SYSTEMTAP_NOSIGN=1 SYSTEMTAP_DIR="$work/sd-peer" "$peer" -R "$work/peer-runtime" \
		-r "$peer_krel" "$@"
}
peer_list() { peer_env -L 'kernel.function("*")'; }
peer_cold() { (cd "$work" && peer_env -p4 -D BENCH_RUN=$RANDOM$RANDOM "$1"); }

ours_cold "$work/one.stp" >/dev/null 2>&1 || { echo "bench: our build fails" >&2; exit 1; }
o_list=$(median_of "$RUNS" ours_list)
o_nlist=$(ours_list | wc -l)
o_100=$(median_of "$RUNS" ours_cold "$work/ours100.stp")
o_size=$(cd "$work" && stat -c %s "$(ours_cold "$work/ours100.stp" 2>/dev/null)")
o_1=$(median_of "$RUNS" ours_cold "$work/one.stp")
p_list=- p_nlist=- p_100=- p_1=- p_size=-
if [ -n "$peer_krel" ]; then
	p_nlist=$(peer_list 2>/dev/null | wc -l)
	[ "$p_nlist" -gt 0 ] && p_list=$(median_of "$RUNS" peer_list)
	peer_cold "$work/one.stp" >/dev/null 2>&1 || true
	p_100=$(median_of "$PEER_RUNS" peer_cold "$work/peer100.stp") || p_100=-
	p_size=$(cd "$work" && stat -c %s "$(peer_cold "$work/peer100.stp" 2>/dev/null)" 2>/dev/null) || p_size=-
	p_1=$(median_of "$PEER_RUNS" peer_cold "$work/one.stp") || p_1=-
fi

echo "kernel function probes for $rel (ms; ours median of $RUNS, stap 4.8 of $PEER_RUNS)"
ratio_table 40
ratio_row "-L kernel.function(\"*\") (target 1000)" "$o_list" "$p_list"
ratio_row "cold -p4, $n functions (target 2000)" "$o_100" "$p_100"
ratio_row "cold -p4, one kprobe.function" "$o_1" "$p_1"
ratio_row "module bytes, $n functions" "$o_size" "$p_size"
echo "  functions listed with their parameters: ours $o_nlist, stap 4.8 $p_nlist"
echo "  (stap 4.8 builds the $n functions as kprobe.function probes: without the"
echo "   kernel's debuginfo it cannot resolve kernel.function at all)"
