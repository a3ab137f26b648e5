#!/bin/bash
# tracepoint.sh - what a tracepoint costs before it runs (issue 11):
#   first    `stap -p4` of a sched_switch script on an empty cache: ours
#            extracts the kernel's BTF from its image once (then cached);
#            systemtap 4.8 compiles every trace header once (its
#            tracepoint cache)
#   cold     the same script with the per-kernel data cached and the
#            module not (a -D that changes each run)
#   list     `stap -L 'kernel.trace("*")'`, per-kernel data cached
# ours against Debian's systemtap 4.8 in the same run, medians of RUNS
# (default 3) for ours; the peer's first and cold builds take a minute
# or more each, so PEER_RUNS (default 1) of those.  The in-kernel cost of
# a hit is bench/kspeed.sh's tpswitch workload.
#
# The peer builds with -R pointing at a copy of its runtime with
# task_work_cancel renamed (SPEC section 7) and SYSTEMTAP_NOSIGN=1; each
# side has its own SYSTEMTAP_DIR under a temporary directory.
# Targets: cold <= 1.5 s; list <= 0.3 s.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
. "$top/bench/lib.sh"
PEER_RUNS=${PEER_RUNS:-1}

bench_setup
cat >"$work/switch.stp" <<'STP'
global s
probe kernel.trace("sched_switch") { s <<< $prev->pid }
probe timer.s(1) { printf("%d switches\n", @count(s)); exit() }
STP
if [ -n "$peer" ]; then
	peer_runtime "$work/peer-runtime"
fi

ours_first() { rm -rf "$work/sd-ours-first"; SYSTEMTAP_DIR=$work/sd-ours-first "$ours" -p4 -r "$rel" "$work/switch.stp"; }
ours_cold() { SYSTEMTAP_DIR=$work/sd-ours "$ours" -p4 -r "$rel" -D BENCH_RUN=$RANDOM$RANDOM "$work/switch.stp"; }
ours_list() { SYSTEMTAP_DIR=$work/sd-ours "$ours" -r "$rel" -L 'kernel.trace("*")'; }
peer_env() { env SYSTEMTAP_NOSIGN=1 SYSTEMTAP_DIR="$1" "$peer" -R "$work/peer-runtime" -r "$rel" "${@:2}"; }
peer_first() { rm -rf "$work/sd-peer-first"; peer_env "$work/sd-peer-first" -p4 "$work/switch.stp"; }
peer_cold() { peer_env "$work/sd-peer" -p4 -D BENCH_RUN=$RANDOM$RANDOM "$work/switch.stp"; }
peer_list() { peer_env "$work/sd-peer" -L 'kernel.trace("*")'; }

# Warm each side's per-kernel data (and check the script builds).
ours_cold >/dev/null 2>&1 || { echo "bench: our build fails" >&2; exit 1; }
o_first=$(median_of "$RUNS" ours_first)
o_cold=$(median_of "$RUNS" ours_cold)
o_list=$(median_of "$RUNS" ours_list)
o_n=$(ours_list | wc -l)
p_first=- p_cold=- p_list=- p_n=-
if [ -n "$peer" ]; then
	p_first=$(median_of "$PEER_RUNS" peer_first) || p_first=-
	peer_cold >/dev/null 2>&1 || true
	p_cold=$(median_of "$PEER_RUNS" peer_cold) || p_cold=-
	p_list=$(median_of "$RUNS" peer_list) || p_list=-
	p_n=$(peer_list 2>/dev/null | wc -l)
fi

echo "tracepoint build and listing for $rel (ms; ours median of $RUNS, stap 4.8 of $PEER_RUNS)"
ratio_table 34
ratio_row "first -p4, empty cache" "$o_first" "$p_first"
ratio_row "cold -p4 (target 1500)" "$o_cold" "$p_cold"
ratio_row "-L kernel.trace(\"*\") (target 300)" "$o_list" "$p_list"
echo "  tracepoints listed: ours $o_n, stap 4.8 $p_n"
