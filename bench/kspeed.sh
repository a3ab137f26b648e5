#!/bin/bash
# kspeed.sh - in-kernel speed of the generated code (issue 5): each
# workload in bench/kspeed/*.stp is a begin probe that loops 1,000,000
# times, reads ktime_get_ns() before and after the loop and prints
# "kspeed ITERATIONS NANOSECONDS", so module loading and VM noise outside
# the loop do not count.  Every workload is built with our stap and with
# Debian's systemtap 4.8 (the peer), and all modules run in ONE boot of
# the test VM, ours and the peer's alternately, RUNS times each.  Prints
# a table of median ns per iteration and the ratio ours/peer (at most
# 1.00 meets the target: ours at least as fast).
#
# The timer workload (bench/kspeed/tick*.stp) is measured from outside:
# bench/kspeed/spin.c spins in user space with and without the module
# loaded, and the difference divided by the hits in the spin is the cost
# of one hit (the kernel's hrtimer interrupt included, the same for both);
# tick0.stp is the same session without the timer probe, and the row
# "tick-tick0" is the hit's own cost.
#
# The tracepoint workload (bench/kspeed/tpswitch*.stp, a statistic fed on
# sched_switch) is measured the same way around bench/kspeed/pingpong.c,
# two processes passing a byte PINGS times, two context switches per
# round trip: the row "tpswitch-tpswitch0" is one sched_switch hit's cost.
#
# The kprobe workloads (bench/kspeed/kpgetpid*.stp, a kprobe counting
# getpid() calls; kretgetpid.stp, a return probe reading an @entry
# value) are measured around bench/kspeed/getpids.c, GETPIDS getpid()
# calls: "kpgetpid-kpgetpid0" is one kprobe hit's cost, "kret-kpgetpid0"
# one kretprobe hit's (entry and return); kpsyscall.stp is the same
# count through the syscall.getpid tapset alias ("kpsc-kp0").  The peer
# resolves kprobe symbols from System.map, which Debian ships as a stub:
# kspeed boots the VM once to save its /proc/kallsyms (cached in
# KSPEED_CACHE) and gives the peer -r a copy of the kernel's build tree
# whose System.map is made from it (SPEC section 7).
#
# Usage: bench/kspeed.sh [BUILDDIR] [WORKLOAD...]
#   BUILDDIR  a build tree holding translator/stap and staprun/staprun,
#             staprun/stapio (default: $STAP/$STAPRUN/$STAPIO, else
#             lib.sh's find_stap and the staprun next to it)
#   WORKLOAD  names of bench/kspeed/*.stp to run (default: all)
# Clocks (KSPEED_CLOCK):
#   icount  (default) qemu runs with -icount shift=0 on one vCPU
#           (bench/kspeed/icount/qemu-system-x86_64 wraps qemu for
#           run-batch): the guest clock advances 1 ns per guest
#           instruction, so "ns" are exact, reproducible guest instruction
#           counts, immune to the host's load.  Every instruction counts
#           the same (no cache or divider costs): a proxy for speed.
#   wall    plain TCG on VM_SMP vCPUs: real elapsed time, as noisy as the
#           host (a shared 2-core host swings 2-5x between runs); the
#           table shows the median and the minimum.
# Environment: RUNS (runs per median, 5; 3 with icount, whose runs are
#   identical), ITERS (loop count, 1000000),
#   KSPEED_KEEP=1 (keep the work dir), KSPEED_CACHE (the peer's module
#   cache, kept between runs: ~/.cache/stap-kspeed), plus run-batch's
#   VM_* variables.  The peer comes from `scripts/install-deps --bench`.
#
# Both sides get -DMAXACTION=100000000 (the loop counts against it) and
# -DSTP_NO_OVERLOAD (the peer would otherwise stop a begin probe that
# runs this long); TCG timings are only meaningful as ratios.  The peer
# needs a copy of its runtime with task_work_cancel renamed
# task_work_cancel_func (6.1 kernels), SYSTEMTAP_NOSIGN=1, and in the
# guest /usr/lib/systemtap/stapio and /usr/bin/staprun, which its staprun
# and stapio exec: run.sh copies them there from bin/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CLOCK=${KSPEED_CLOCK:-icount}
case $CLOCK in
icount) RUNS=${RUNS:-3} ;;
wall) ;;
*) echo "kspeed: KSPEED_CLOCK must be icount or wall" >&2; exit 2 ;;
esac
. "$top/bench/lib.sh"

KREL=${KREL:-$("$top/testsuite/vm/kernel.sh" --print-release)}
ITERS=${ITERS:-1000000}
SPIN=${SPIN:-100000000}         # spin iterations of the timer workload
TICK_NS=100000                  # tick.stp's timer period
PINGS=${PINGS:-20000}           # round trips of the tracepoint workload
GETPIDS=${GETPIDS:-20000}       # getpid() calls of the kprobe workloads
DEFS=(-DMAXACTION=100000000 -DSTP_NO_OVERLOAD)

die() { echo "kspeed: $*" >&2; exit 2; }

# Our tools: a build dir argument, else the environment / lib.sh.
if [ $# -gt 0 ] && [ -d "$1" ]; then
	b=$(cd "$1" && pwd)   # absolute: the builds run in other directories
	STAP=$b/translator/stap STAPRUN=$b/staprun/staprun STAPIO=$b/staprun/stapio
	shift
fi
ours=$(find_stap "$top") || exit 2
bdir=$(dirname "$(dirname "$ours")")
STAPRUN=${STAPRUN:-$bdir/staprun/staprun}
STAPIO=${STAPIO:-$bdir/staprun/stapio}
if [ ! -x "$STAPRUN" ] || [ ! -x "$STAPIO" ]; then
	die "no staprun/stapio next to $ours"
fi
for f in /usr/bin/stap /usr/bin/staprun /usr/lib/systemtap/stapio /usr/share/systemtap/runtime; do
	[ -e "$f" ] || die "peer missing ($f): scripts/install-deps --bench"
done

workloads=("$@")
if [ ${#workloads[@]} -eq 0 ]; then
	for f in "$top"/bench/kspeed/*.stp; do
		f=${f##*/}
		workloads+=("${f%.stp}")
	done
fi

work=$(mktemp -d /tmp/kspeed.XXXXXX)
[ "${KSPEED_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
peer_cache=${KSPEED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stap-kspeed}
mkdir -p "$work/ours" "$work/peer" "$peer_cache"

# The peer's runtime, with the one symbol the 6.1 kernel renamed fixed.
peer_runtime "$work/runtime"

# The peer's kernel tree for kprobe workloads: the build tree with a
# System.map made from the VM's /proc/kallsyms (module symbols dropped).
peer_krel=$KREL
case " ${workloads[*]} " in
*" kp"* | *" kret"*)
	syms=$peer_cache/kallsyms-$KREL
	if [ ! -s "$syms" ]; then
		kb=$work/kallsyms-batch
		mkdir -p "$kb/tests/kallsyms"
		echo 'cat /proc/kallsyms' >"$kb/tests/kallsyms/run.sh"
		"$top/testsuite/vm/run-batch" "$kb" >"$work/kallsyms.log" 2>&1 ||
			die "the VM did not list its symbols (see $work/kallsyms.log)"
		cp "$kb/results/kallsyms.out" "$syms"
	fi
	peer_kbuild "$KREL" "$syms" "$work/kbuild"
	peer_krel=$work/kbuild
	;;
esac

# build SIDE NAME: SIDE's module for workload NAME as $work/SIDE/k_NAME.ko
# (our module and the peer's share the name: the guest loads one at a
# time).  The log is $work/SIDE/NAME.log.
build() {
	local side=$1 name=$2 d=$work/$1
	sed "s/n = 1000000\$/n = $ITERS/" "$top/bench/kspeed/$name.stp" >"$d/k_$name.stp"
	if [ "$side" = ours ]; then
		(cd "$d" && SYSTEMTAP_DIR=$work/ours-cache "$ours" -p4 -r "$KREL" \
			"${DEFS[@]}" -m "k_$name" "k_$name.stp") >"$d/$name.log" 2>&1
	else
		local krel=$KREL
		case $name in kp* | kret*) krel=$peer_krel ;; esac
		(cd "$d" && SYSTEMTAP_NOSIGN=1 SYSTEMTAP_DIR=$peer_cache /usr/bin/stap \
			-R "$work/runtime" -r "$krel" -p4 "${DEFS[@]}" -m "k_$name" \
			"k_$name.stp") >"$d/$name.log" 2>&1
	fi
	[ -f "$d/k_$name.ko" ]
}

t0=$(date +%s)
failed=()
for name in "${workloads[@]}"; do
	[ -f "$top/bench/kspeed/$name.stp" ] || die "no workload bench/kspeed/$name.stp"
	build ours "$name" &
	o=$!
	build peer "$name" || failed+=("peer:$name")
	wait "$o" || failed+=("ours:$name")
done
echo "kspeed: built ${#workloads[@]} workloads x 2 in $(($(date +%s) - t0)) s"
for f in "${failed[@]}"; do
	echo "kspeed: build failed: $f (log: $work/${f%%:*}/${f#*:}.log)" >&2
	tail -n 5 "$work/${f%%:*}/${f#*:}.log" >&2
done

# The batch: bin/ holds both sides' tools.  Our staprun finds stapio via
# $STAPIO; the peer's staprun execs /usr/lib/systemtap/stapio, which execs
# /usr/bin/staprun again to unload, so those paths are made in the guest.
batch=$work/batch
mkdir -p "$batch/bin" "$batch/tests"
cp "$STAPRUN" "$batch/bin/staprun"
cp "$STAPIO" "$batch/bin/stapio"
cp /usr/bin/staprun "$batch/bin/peer-staprun"
cp /usr/lib/systemtap/stapio "$batch/bin/peer-stapio"
gcc -static -O2 -o "$batch/bin/spin" "$top/bench/kspeed/spin.c" || die "cannot build spin.c"
gcc -static -O2 -o "$batch/bin/pingpong" "$top/bench/kspeed/pingpong.c" ||
	die "cannot build pingpong.c"
gcc -static -O2 -o "$batch/bin/getpids" "$top/bench/kspeed/getpids.c" ||
	die "cannot build getpids.c"
# loop_run: the guest loop of a begin-probe workload ($name, $have):
# RUNS loads of each side's module, alternating, each printing its
# "kspeed N NS" line prefixed with the side.
loop_run() {
	cat <<EOF
while [ \$i -lt $RUNS ]; do
	for side in$have; do
		if [ \$side = ours ]; then run=/batch/bin/staprun; else run=/usr/bin/staprun; fi
		rmmod k_$name 2>/dev/null   # a side that left it loaded must not fail the next
		\$run \$side/k_$name.ko >out 2>err
		rc=\$?
		sed "s/^/\$side /" out
		[ \$rc -eq 0 ] && [ ! -s err ] || { echo "\$side rc=\$rc"; sed "s/^/\$side err: /" err | head -n 5; }
	done
	i=\$((i + 1))
done
EOF
}

# tick_run: the guest loop of a timer workload: per run, "base NS" (the
# spin alone), then per side the module started in the background, the
# spin once its begin probe said "ready" ("SIDE spin NS"), SIGINT, and
# its output ("SIDE hits N").  Each session writes files of its own,
# emptied before it starts: a background job truncates its redirections
# only once it runs, and on the VM's one vCPU the wait loop would find
# the previous session's "ready" at once, spin while the module was still
# loading and interrupt its start (4.8's staprun then exits 1 without a
# word, sometimes leaving its module loaded).  A session that never says
# "ready" is not timed ("SIDE noready"), and one that leaves its module
# loaded is reported ("SIDE left ...") and the module removed.
tick_run() {
	cat <<EOF
while [ \$i -lt $RUNS ]; do
	echo "base \$(spin $SPIN)"
	for side in$have; do
		if [ \$side = ours ]; then run=/batch/bin/staprun; else run=/usr/bin/staprun; fi
		rmmod k_$name 2>/dev/null   # a side that left it loaded must not fail the next
		out=out.\$side.\$i err=err.\$side.\$i
		: >\$out
		: >\$err
		\$run \$side/k_$name.ko >\$out 2>\$err &
		pid=\$!
		n=0
		while ! grep -q '^ready' \$out && [ \$n -lt 600 ]; do sleep 0.1; n=\$((n + 1)); done
		if grep -q '^ready' \$out; then
			echo "\$side spin \$(spin $SPIN)"
		else
			echo "\$side noready"
		fi
		kill -INT \$pid
		wait \$pid
		rc=\$?
		sed "s/^/\$side /" \$out
		[ \$rc -eq 0 ] && [ ! -s \$err ] || { echo "\$side rc=\$rc"; sed "s/^/\$side err: /" \$err | head -n 5; }
		if grep -q "^k_$name " /proc/modules; then
			echo "\$side left k_$name loaded"
			rmmod k_$name
		fi
	done
	i=\$((i + 1))
done
EOF
}

# tp_run: tick_run's loop around the ping-pong instead of the spin.
tp_run() {
	tick_run | sed "s|\\\$(spin $SPIN)|\\\$(pingpong $PINGS)|"
}

# kp_run: tick_run's loop around the getpid() calls.
kp_run() {
	tick_run | sed "s|\\\$(spin $SPIN)|\\\$(getpids $GETPIDS)|"
}

ntests=0
for name in "${workloads[@]}"; do
	t=$batch/tests/$name
	mkdir -p "$t/ours" "$t/peer"
	have=""
	for side in ours peer; do
		if [ -f "$work/$side/k_$name.ko" ]; then
			cp "$work/$side/k_$name.ko" "$t/$side/"
			have="$have $side"
		fi
	done
	[ -n "$have" ] || continue
	ntests=$((ntests + 1))
	echo $((RUNS * 60 + 30)) >"$t/timeout"
	cat >"$t/run.sh" <<EOF
mkdir -p /usr/lib/systemtap /usr/bin
cp /batch/bin/peer-stapio /usr/lib/systemtap/stapio
cp /batch/bin/peer-staprun /usr/bin/staprun
STAPIO=/batch/bin/stapio; export STAPIO
i=0
EOF
	case $name in
	tick*) tick_run >>"$t/run.sh" ;;
	tp*) tp_run >>"$t/run.sh" ;;
	kp* | kret*) kp_run >>"$t/run.sh" ;;
	*) loop_run >>"$t/run.sh" ;;
	esac
done
[ "$ntests" -gt 0 ] || die "nothing built"

t0=$(date +%s)
vm_env=(VM_TIMEOUT="${VM_TIMEOUT:-$((60 + ntests * RUNS * 2 * 30))}")
[ "$CLOCK" = wall ] ||
	vm_env+=(PATH="$top/bench/kspeed/icount:$PATH" VM_SMP=1)
env "${vm_env[@]}" "$top/testsuite/vm/run-batch" "$batch" >"$work/vm.log" 2>&1 ||
	echo "kspeed: the VM did not finish (see $work/vm.log)" >&2
echo "kspeed: VM ran $ntests workloads x $RUNS runs x 2 in $(($(date +%s) - t0)) s"

# median COLUMN-OF-NUMBERS on stdin: "MEDIAN MIN" ("- -" when empty).
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "- -"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f\n", m, v[1] }'
}

# per_iter FILE SIDE: "MEDIAN MIN" ns per iteration of SIDE's runs.
per_iter() {
	awk -v s="$2" '$1 == s && $2 == "kspeed" { print $4 / $3 }' "$1" | median
}

# over_base FILE SIDE EVENTS: "MEDIAN MIN" of each SIDE run's time with
# the module ("SIDE spin T") less the median time without it ("base T"),
# over the events the run saw; EVENTS is an awk expression of t, that
# run's time.
over_base() {
	local base
	base=$(awk '$1 == "base" { print $2 }' "$1" | median | cut -d' ' -f1)
	[ "$base" != - ] || { echo "- -"; return; }
	awk -v s="$2" -v b="$base" "\$1 == s && \$2 == \"spin\" && \$3 > 0 {
		t = \$3; print (t - b) / ($3) }" "$1" | median
}

# per_hit FILE SIDE: ns per timer hit; the spin saw t / TICK_NS hits.
per_hit() { over_base "$1" "$2" "t / $TICK_NS"; }

# per_switch FILE SIDE: ns per context switch; the ping-pong made
# 2 * PINGS of them.
per_switch() { over_base "$1" "$2" "2 * $PINGS"; }

# per_call FILE SIDE: ns per getpid() call; getpids made GETPIDS.
per_call() { over_base "$1" "$2" "$GETPIDS"; }

echo
if [ "$CLOCK" = icount ]; then
	echo "in-kernel cost: guest instructions per iteration (qemu -icount, median of $RUNS runs, $ITERS iterations)"
	printf '  %-11s %10s %10s %9s  %s\n' workload ours "stap 4.8" ours/peer notes
else
	echo "in-kernel speed: ns per iteration, TCG wall clock (median and min of $RUNS runs, $ITERS iterations)"
	printf '  %-11s %17s %17s %9s  %s\n' workload "ours med/min" "stap 4.8 med/min" ours/peer notes
fi
for name in "${workloads[@]}"; do
	res=$batch/results/$name.out
	notes=""
	[ -f "$res" ] || { echo "  $name: no result"; continue; }
	case $name in
	tick*)
		read -r o omin < <(per_hit "$res" ours)
		read -r p pmin < <(per_hit "$res" peer) ;;
	tp*)
		read -r o omin < <(per_switch "$res" ours)
		read -r p pmin < <(per_switch "$res" peer) ;;
	kp* | kret*)
		read -r o omin < <(per_call "$res" ours)
		read -r p pmin < <(per_call "$res" peer) ;;
	*)
		read -r o omin < <(per_iter "$res" ours)
		read -r p pmin < <(per_iter "$res" peer) ;;
	esac
	r=-
	[ "$o" = - ] || [ "$p" = - ] || r=$(ratio "$o" "$p")
	# Both sides must compute the same values.
	if [ "$(grep '^ours check' "$res" | sort -u)" != "$(grep '^peer check' "$res" | sed 's/^peer/ours/' | sort -u)" ]; then
		notes="check values differ"
	fi
	# A kprobe workload's count is a check that the run was measured: each
	# of the GETPIDS getpid() calls hit once, plus the one getpid() a
	# session sees between "ready" and its end without any getpids
	# (either side, measured).
	if grep -q '^probe \(kprobe\|syscall\)' "$top/bench/kspeed/$name.stp"; then
		notes="$notes hits $(awk '$2 == "hits" { print $1 "=" $3 }' "$res" | sort -u | paste -sd' ')"
		bad=$(awk -v g="$GETPIDS" '$2 == "hits" && ($3 < g || $3 > g + 1) { print $1 "=" $3 }' "$res" | sort -u | paste -sd' ')
		[ -z "$bad" ] || notes="$notes (NOT $GETPIDS+1: $bad)"
	fi
	grep -q ' rc=\| err: \| noready$\| left k_' "$res" &&
		notes="$notes errors: $(grep -m 1 ' rc=\| err: \| noready$\| left k_' "$res")"
	k=$(cat "$batch/results/$name.kernel" 2>/dev/null || echo noresult)
	[ "$k" = clean ] || notes="$notes kernel $k"
	if [ "$CLOCK" = icount ]; then
		printf '  %-11s %10s %10s %9s  %s\n' "$name" "$o" "$p" "$r" "$notes"
	else
		printf '  %-11s %8s/%-8s %8s/%-8s %9s  %s\n' "$name" "$o" "$omin" "$p" "$pmin" "$r" "$notes"
	fi
done
# net_row LABEL FN WORKLOAD BASELINE NOTE: WORKLOAD less BASELINE per
# FN (per_hit, per_switch): the hit's own cost, without what the idle
# session costs the CPU meanwhile.
net_row() {
	local label=$1 fn=$2 w=$batch/results/$3.out b=$batch/results/$4.out side x y net=()
	[ -f "$w" ] && [ -f "$b" ] || return 0
	for side in ours peer; do
		x=$("$fn" "$w" $side | cut -d' ' -f1)
		y=$("$fn" "$b" $side | cut -d' ' -f1)
		if [ "$x" = - ] || [ "$y" = - ]; then
			net+=(-)
		else
			net+=("$(awk -v a="$x" -v b="$y" 'BEGIN { printf "%.1f", a - b }')")
		fi
	done
	r=-
	[ "${net[0]}" = - ] || [ "${net[1]}" = - ] || r=$(ratio "${net[0]}" "${net[1]}")
	printf '  %-11s %10s %10s %9s  %s\n' "$label" "${net[0]}" "${net[1]}" "$r" "$5"
}
net_row tick-tick0 per_hit tick tick0 "net cost of one hit"
net_row tpsw-tpsw0 per_switch tpswitch tpswitch0 "net cost of one sched_switch hit"
net_row kp-kp0 per_call kpgetpid kpgetpid0 "net cost of one kprobe hit"
net_row kret-kp0 per_call kretgetpid kpgetpid0 "net cost of one kretprobe hit with @entry"
net_row kpsc-kp0 per_call kpsyscall kpgetpid0 "net cost of one syscall.getpid hit (target 0.5x)"
case " ${workloads[*]} " in
*" tick"*) echo "  (tick*: per 100 us timer period, the kernel's hrtimer interrupt included)" ;;
esac
case " ${workloads[*]} " in
*" tp"*) echo "  (tp*: per context switch of the ping-pong, the switch itself excluded by the base run)" ;;
esac
case " ${workloads[*]} " in
*" kp"* | *" kret"*) echo "  (kp*, kret*: per getpid() call, the syscall itself excluded by the base run)" ;;
esac
[ "${KSPEED_KEEP:-0}" != 1 ] || echo "kspeed: work dir kept: $work"
