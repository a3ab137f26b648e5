#!/bin/bash
# syscalls.sh - what the whole syscall tapset costs before it runs (issue
# 13): `stap -p4` cold of `probe syscall.* ? { hits++ }` (every call of
# the kernel's table, entry only) and the module's size, ours against
# Debian's systemtap 4.8 in the same run; the same with the returns.  Medians of RUNS (3) for
# ours and PEER_RUNS (1) for the peer's much longer builds.  The per-hit
# cost of syscall.getpid is bench/kspeed.sh's kpsyscall workload.
#
# The peer without the kernel's debuginfo falls back to its nd_syscall
# kprobe aliases, which need a System.map: as bench/kprobe.sh, it gets -R
# (its runtime with task_work_cancel renamed) and -r a copy of the
# kernel's build tree whose System.map comes from the VM's /proc/kallsyms
# (bench/kspeed.sh saves it in KSPEED_CACHE; or set KALLSYMS).  Without
# it the peer's rows are "-".
# Targets: cold <= 5000 ms, module <= 0.4 MB (entry only).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
. "$top/bench/lib.sh"
PEER_RUNS=${PEER_RUNS:-1}

bench_setup

# `?`: a few of the peer's aliases name functions 6.1 no longer has, and
# without it its whole wildcard fails; `hits`: its tapsets use a global n.
echo 'global hits; probe syscall.* ? { hits++ }' >"$work/entry.stp"
echo 'global hits; probe syscall.* ?, syscall.*.return ? { hits++ }' >"$work/both.stp"

peer_kprobe_setup syscalls.sh

# A fresh module each run (-D BENCH_RUN): the cache holds only per-kernel
# data, as after a first use.
ours_cold() {
	(cd "$work" && SYSTEMTAP_DIR=$work/sd-ours "$ours" -p4 -r "$rel" -D BENCH_RUN=$RANDOM$RANDOM "$1")
}
peer_cold() {
	(cd "$work" && env SYSTEMTAP_NOSIGN=1 SYSTEMTAP_DIR="$work/sd-peer" "$peer" \
		-R "$work/peer-runtime" -r "$peer_krel" -p4 -D BENCH_RUN=$RANDOM$RANDOM "$1")
}
size_of() { (cd "$work" && stat -c %s "$("$@" 2>/dev/null)" 2>/dev/null) || echo -; }

ours_cold "$work/entry.stp" >/dev/null 2>&1 || { echo "bench: our build fails" >&2; exit 1; }
o_entry=$(median_of "$RUNS" ours_cold "$work/entry.stp")
o_entry_size=$(size_of ours_cold "$work/entry.stp")
o_both=$(median_of "$RUNS" ours_cold "$work/both.stp")
o_both_size=$(size_of ours_cold "$work/both.stp")
o_probes=$(SYSTEMTAP_DIR=$work/sd-ours "$ours" -r "$rel" -p2 "$work/entry.stp" | grep -c '^kprobe')
p_entry=- p_entry_size=- p_both=- p_both_size=-
if [ -n "$peer_krel" ]; then
	peer_cold "$work/entry.stp" >"$work/peer.log" 2>&1 || true
	p_entry=$(median_of "$PEER_RUNS" peer_cold "$work/entry.stp") || p_entry=-
	p_entry_size=$(size_of peer_cold "$work/entry.stp")
	p_both=$(median_of "$PEER_RUNS" peer_cold "$work/both.stp") || p_both=-
	p_both_size=$(size_of peer_cold "$work/both.stp")
fi

echo "syscall.* for $rel (ms and bytes; ours median of $RUNS, stap 4.8 of $PEER_RUNS)"
ratio_table 44
ratio_row "cold -p4 syscall.* (target 5000)" "$o_entry" "$p_entry"
ratio_row "module bytes, syscall.* (target 419430)" "$o_entry_size" "$p_entry_size"
ratio_row "cold -p4 syscall.*, syscall.*.return" "$o_both" "$p_both"
ratio_row "module bytes, syscall.*, syscall.*.return" "$o_both_size" "$p_both_size"
echo "  ours: $o_probes kprobes for syscall.*"
