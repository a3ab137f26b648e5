#!/bin/bash
# uprobes.sh - what user-space probes (the uprobe family) cost, ours
# against Debian's systemtap 4.8 (the peer) in the same run:
#   uprobe_hit_ns  one hit of process(P).function("f") { n += $x } on
#                  bench/uprobes/ufunc.c, a static -g -O2 program calling
#                  f(i) HITS times
#   mark_hit_ns    one hit of process(P).mark("tick") { n += $arg1 } on
#                  bench/uprobes/umark.c, a loop passing an SDT marker
#                  (testsuite/user/sdt.h's TEST_MARK2) HITS times
#   cold50_ms      a cold `stap -p4` (SYSTEMTAP_DIR a fresh empty
#                  directory every run) of process(P).function("f*")
#                  { n++ } on a generated -g program with 50 functions
#                  f00..f49 (noipa)
#   cold50_bytes   the size of that module
# Each program times its own loop (CLOCK_MONOTONIC) and prints "ns T";
# in the VM it runs once alone (the base) and then under each side's
# module with `staprun -c`, RUNS times, alternating: a hit's cost is the
# median time with the module less the median base, over HITS.  Every
# run's sum of $x (or $arg1) must be 0 + 1 + ... + HITS-1: the probe
# fired once per call with the right value, else the row says so.
#
# The programs are built on the host into SYSROOT/batch/tests/uprobes/
# and the scripts name them by their path in the VM,
# /batch/tests/uprobes/NAME; both sides build with --sysroot=SYSROOT
# (4.8 supports it, with -r given as the build directory's path: with -r
# RELEASE it would look for the kernel tree under the sysroot too), and
# the VM's batch is SYSROOT/batch itself, so the VM runs the very files
# the modules were built against.
#
# Usage: bench/uprobes.sh [BUILDDIR]
#   BUILDDIR  a build tree holding translator/stap, staprun/staprun and
#             staprun/stapio (default: lib.sh's find_stap and the
#             staprun next to it)
# Clocks (UPROBES_CLOCK), as bench/kspeed.sh's:
#   icount  (default) qemu -icount shift=0 on one vCPU: the guest clock
#           advances 1 ns per guest instruction, so "ns" are exact,
#           reproducible instruction counts, immune to the host's load.
#   wall    plain TCG on VM_SMP vCPUs: real time, as noisy as the host.
# Environment: RUNS (VM runs per median: 3 with icount, 5 with wall),
#   HITS (200000), COLD_RUNS (3), PEER_COLD_RUNS (3), UPROBES_KEEP=1
#   (keep the work dir under /tmp/bench-uprobes), plus run-batch's VM_*.
#
# The peer needs a runtime copy with task_work_cancel renamed (lib.sh's
# peer_runtime), SYSTEMTAP_NOSIGN=1, and in the guest
# /usr/lib/systemtap/stapio and /usr/bin/staprun (SPEC section 7).  Its
# entry uprobes and markers need no kernel symbol list (it warns "Kernel
# function symbol table missing" and builds), so -r is the plain build
# tree.  TCG figures are only meaningful as ratios.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CLOCK=${UPROBES_CLOCK:-icount}
case $CLOCK in
icount) RUNS=${RUNS:-3} ;;
wall) ;;
*) echo "uprobes: UPROBES_CLOCK must be icount or wall" >&2; exit 2 ;;
esac
. "$top/bench/lib.sh"
HITS=${HITS:-200000}
COLD_RUNS=${COLD_RUNS:-3}
PEER_COLD_RUNS=${PEER_COLD_RUNS:-3}

die() { echo "uprobes: $*" >&2; exit 2; }

if [ $# -gt 0 ] && [ -d "$1" ]; then
	b=$(cd "$1" && pwd)
	STAP=$b/translator/stap STAPRUN=$b/staprun/staprun STAPIO=$b/staprun/stapio
	shift
fi
ours=$(find_stap "$top") || exit 2
bdir=$(dirname "$(dirname "$ours")")
STAPRUN=${STAPRUN:-$bdir/staprun/staprun}
STAPIO=${STAPIO:-$bdir/staprun/stapio}
[ -x "$STAPRUN" ] && [ -x "$STAPIO" ] || die "no staprun/stapio next to $ours"
rel=$(built_release "$top") || exit 2
kbuild=/lib/modules/$rel/build

# The peer, or a reason why its rows are "-".
peer=/usr/bin/stap peer_why=
for f in /usr/bin/stap /usr/bin/staprun /usr/lib/systemtap/stapio /usr/share/systemtap/runtime; do
	[ -e "$f" ] || { peer='' peer_why="not installed ($f missing): scripts/install-deps --bench"; }
done

mkdir -p /tmp/bench-uprobes
work=$(mktemp -d /tmp/bench-uprobes/run.XXXXXX)
[ "${UPROBES_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
[ -z "$peer" ] || peer_runtime "$work/peer-runtime"

# The programs, in the sysroot whose batch/ is the VM's /batch.
sysroot=$work/sysroot
batch=$sysroot/batch
t=$batch/tests/uprobes
mkdir -p "$batch/bin" "$t/ours" "$t/peer"
gcc -static -g -O2 -o "$t/ufunc" "$top/bench/uprobes/ufunc.c" || die "cannot build ufunc.c"
gcc -static -g -O2 -I "$top/testsuite/user" -o "$t/umark" "$top/bench/uprobes/umark.c" ||
	die "cannot build umark.c"

# The workloads: NAME PROGRAM PROBE (the probe's body reads one value).
workloads=(
	"uf ufunc function(\"f\") { n += \$x }"
	"um umark mark(\"tick\") { n += \$arg1 }"
)
for w in "${workloads[@]}"; do
	read -r name prog probe <<<"$w"
	cat >"$work/$name.stp" <<EOF
global n
probe process("/batch/tests/uprobes/$prog").$probe
probe end { printf("sum %d\n", n) }
EOF
done

# build SIDE NAME: SIDE's module for workload NAME as $t/SIDE/NAME.ko
# (the same module name for both sides: the guest loads one at a time),
# its log $work/SIDE-NAME.log.  Not timed: the module cache is shared.
build() {
	local side=$1 name=$2 d=$work/build-$1-$2
	mkdir -p "$d"
	cp "$work/$name.stp" "$d/"
	if [ "$side" = ours ]; then
		(cd "$d" && SYSTEMTAP_DIR=$work/sd-ours "$ours" -p4 -r "$rel" \
			--sysroot="$sysroot" -m "$name" "$name.stp") >"$work/$side-$name.log" 2>&1
	else
		(cd "$d" && SYSTEMTAP_NOSIGN=1 SYSTEMTAP_DIR=$work/sd-peer "$peer" \
			-R "$work/peer-runtime" -r "$kbuild" --sysroot="$sysroot" -p4 \
			-m "$name" "$name.stp") >"$work/$side-$name.log" 2>&1
	fi
	[ -f "$d/$name.ko" ] && cp "$d/$name.ko" "$t/$side/"
}

failed=()
for w in "${workloads[@]}"; do
	read -r name _ <<<"$w"
	build ours "$name" &
	o=$!
	if [ -n "$peer" ]; then build peer "$name" || failed+=("peer-$name"); fi
	wait "$o" || failed+=("ours-$name")
done
for f in "${failed[@]}"; do
	echo "uprobes: build failed: $f (log: $work/$f.log)" >&2
	tail -n 5 "$work/$f.log" >&2
done

# The guest: per run and workload, the program alone ("NAME base ns T"),
# then under each side's module ("NAME SIDE ns T", "NAME SIDE sum S"),
# with any failure as "NAME SIDE rc=..." / "NAME SIDE err: ...".  Our
# staprun finds stapio via $STAPIO; the peer's staprun execs
# /usr/lib/systemtap/stapio, which execs /usr/bin/staprun to unload.
cp "$STAPRUN" "$batch/bin/staprun"
cp "$STAPIO" "$batch/bin/stapio"
if [ -n "$peer" ]; then
	cp /usr/bin/staprun "$batch/bin/peer-staprun"
	cp /usr/lib/systemtap/stapio "$batch/bin/peer-stapio"
fi
wl=$(for w in "${workloads[@]}"; do read -r name prog _ <<<"$w"; printf '%s:%s ' "$name" "$prog"; done)
cat >"$t/run.sh" <<EOF
mkdir -p /usr/lib/systemtap /usr/bin
[ ! -f /batch/bin/peer-stapio ] || cp /batch/bin/peer-stapio /usr/lib/systemtap/stapio
[ ! -f /batch/bin/peer-staprun ] || cp /batch/bin/peer-staprun /usr/bin/staprun
STAPIO=/batch/bin/stapio; export STAPIO
i=0
while [ \$i -lt $RUNS ]; do
	for w in $wl; do
		name=\${w%%:*} prog=/batch/tests/uprobes/\${w#*:}
		echo "\$name base \$(\$prog $HITS)"
		for side in ours peer; do
			[ -f \$side/\$name.ko ] || continue
			if [ \$side = ours ]; then run=/batch/bin/staprun; else run=/usr/bin/staprun; fi
			rmmod \$name 2>/dev/null   # a side that left it loaded must not fail the next
			\$run -c "\$prog $HITS" \$side/\$name.ko >out 2>err
			rc=\$?
			sed "s/^/\$name \$side /" out
			[ \$rc -eq 0 ] && [ ! -s err ] || { echo "\$name \$side rc=\$rc"; sed "s/^/\$name \$side err: /" err | head -n 5; }
		done
	done
	i=\$((i + 1))
done
EOF
echo $((RUNS * 120 + 60)) >"$t/timeout"
vm_env=(VM_TIMEOUT="${VM_TIMEOUT:-$((RUNS * 120 + 180))}")
[ "$CLOCK" = wall ] || vm_env+=(PATH="$top/bench/kspeed/icount:$PATH" VM_SMP=1)
t0=$(date +%s)
env "${vm_env[@]}" "$top/testsuite/vm/run-batch" "$batch" >"$work/vm.log" 2>&1 ||
	echo "uprobes: the VM did not finish (see $work/vm.log)" >&2
vm_s=$(($(date +%s) - t0))

# The cold builds: a -g program with f00..f49 (not run: dynamic is fine,
# and keeps the C library's f* functions out of the wildcard).
c=$work/cold
mkdir -p "$c"
{
	echo '#include <stdio.h>'
	for i in $(seq 0 49); do
		printf '__attribute__((noipa)) int f%02d(int x) { return x * 3 + %d; }\n' "$i" "$i"
	done
	echo 'int main(void)'
	echo '{'
	echo '	int s = 0;'
	for i in $(seq 0 49); do printf '\ts += f%02d(s);\n' "$i"; done
	echo '	printf("%d\n", s);'
	echo '	return 0;'
	echo '}'
} >"$c/p50.c"
gcc -g -O2 -o "$c/p50" "$c/p50.c" || die "cannot build p50.c"
cat >"$c/c50.stp" <<EOF
global n
probe process("$c/p50").function("f*") { n++ }
probe end { printf("%d\n", n) }
EOF
ours_cold() {
	local d
	d=$(mktemp -d "$work/sd-cold.XXXXXX")
	(cd "$c" && SYSTEMTAP_DIR=$d "$ours" -p4 -r "$rel" -m c50_ours c50.stp)
}
peer_cold() {
	local d
	d=$(mktemp -d "$work/sd-cold.XXXXXX")
	(cd "$c" && SYSTEMTAP_NOSIGN=1 SYSTEMTAP_DIR=$d "$peer" -R "$work/peer-runtime" \
		-r "$kbuild" -p4 -m c50_peer c50.stp)
}
o_cold=$(median_of "$COLD_RUNS" ours_cold) || o_cold=-
o_bytes=$(stat -c %s "$c/c50_ours.ko" 2>/dev/null) || o_bytes=-
o_np=$(SYSTEMTAP_DIR=$work/sd-ours "$ours" -r "$rel" -l "process(\"$c/p50\").function(\"f*\")" 2>/dev/null | wc -l)
p_cold=- p_bytes=- p_np=-
if [ -n "$peer" ]; then
	p_cold=$(median_of "$PEER_COLD_RUNS" peer_cold) || p_cold=-
	p_bytes=$(stat -c %s "$c/c50_peer.ko" 2>/dev/null) || p_bytes=-
	p_np=$(SYSTEMTAP_DIR=$work/sd-peer "$peer" -R "$work/peer-runtime" -r "$kbuild" \
		-l "process(\"$c/p50\").function(\"f*\")" 2>/dev/null | wc -l)
fi

# The table.
res=$batch/results/uprobes.out
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f\n", m }'
}
# per_hit NAME SIDE: (median "NAME SIDE ns" - median "NAME base ns") / HITS.
per_hit() {
	local base side
	[ -f "$res" ] || { echo -; return; }
	base=$(awk -v w="$1" '$1 == w && $2 == "base" && $3 == "ns" { print $4 }' "$res" | median)
	side=$(awk -v w="$1" -v s="$2" '$1 == w && $2 == s && $3 == "ns" { print $4 }' "$res" | median)
	[ "$base" != - ] && [ "$side" != - ] || { echo -; return; }
	awk -v a="$side" -v b="$base" -v n="$HITS" 'BEGIN { printf "%.1f\n", (a - b) / n }'
}
# check NAME SIDE: what is wrong with SIDE's runs of NAME (empty if all
# RUNS summed 0..HITS-1 without errors).
check() {
	local want bad
	[ -f "$res" ] || { echo "no result"; return; }
	want=$(awk -v n="$HITS" 'BEGIN { printf "%.0f", n * (n - 1) / 2 }')
	bad=$(awk -v w="$1" -v s="$2" -v want="$want" -v runs="$RUNS" '
		$1 == w && $2 == s && $3 == "sum" { ok += ($4 == want); if ($4 != want) bad = bad " sum=" $4 }
		$1 == w && $2 == s && ($3 ~ /^rc=/ || $3 == "err:") { bad = bad " " $3 }
		END { if (ok != runs) printf "%d/%d runs right (want sum=%s)%s", ok, runs, want, bad }' "$res")
	echo "$bad"
}
# row LABEL OURS PEER NOTE: "LABEL ours=.. peer=.. ratio=.." (ours/peer).
row() {
	local r=-
	[ "$2" = - ] || [ "$3" = - ] || r=$(ratio "$2" "$3")
	printf '%-14s ours=%-9s peer=%-9s ratio=%-5s %s\n' "$1" "$2" "$3" "$r" "$4"
}
hit_row() {
	local label=$1 name=$2 o p note="" k
	o=$(per_hit "$name" ours)
	p=$(per_hit "$name" peer)
	if [ ! -f "$t/ours/$name.ko" ]; then
		note="$note ours: build failed: $(grep -m 1 -i 'error' "$work/ours-$name.log");" o=-
	else
		k=$(check "$name" ours)
		[ -z "$k" ] || { note="$note ours: $k;"; o=-; }
	fi
	if [ -z "$peer" ]; then
		note="$note peer: $peer_why;" p=-
	elif [ ! -f "$t/peer/$name.ko" ]; then
		note="$note peer: build failed: $(grep -m 1 -i 'error\|semantic' "$work/peer-$name.log");" p=-
	else
		k=$(check "$name" peer)
		[ -z "$k" ] || { note="$note peer: $k;"; p=-; }
	fi
	row "$label" "$o" "$p" "${note# }"
}

echo "user-space probes, ours vs Debian's systemtap 4.8 (peer), kernel $rel"
echo "  ours: $ours"
if [ "$CLOCK" = icount ]; then
	echo "  *_hit_ns: guest instructions per hit (qemu -icount shift=0: 1 ns = 1 instruction),"
else
	echo "  *_hit_ns: ns per hit, TCG wall clock on $(printf %s "${VM_SMP:-2}") vCPUs (noisy),"
fi
echo "    (median of $RUNS runs with the probe - median of $RUNS without) / $HITS hits,"
echo "    each run's sum checked; static -g -O2 programs built under --sysroot (both sides)"
echo "  uprobe_hit_ns  process(P).function(\"f\") { n += \$x }, f(i) called $HITS times"
echo "  mark_hit_ns    process(P).mark(\"tick\") { n += \$arg1 }, SDT marker (testsuite/user/sdt.h)"
echo "  cold50_ms      cold stap -p4 (fresh SYSTEMTAP_DIR each run) of process(P).function(\"f*\")"
echo "                 { n++ } on 50 functions f00..f49; ours median of $COLD_RUNS, peer of $PEER_COLD_RUNS"
echo "  cold50_bytes   that module's size"
echo "  ratio = ours/peer (below 1.00: ours cheaper)"
hit_row uprobe_hit_ns uf
hit_row mark_hit_ns um
note="probe points: ours $o_np, peer $p_np"
[ -n "$peer" ] || note="$note; peer: $peer_why"
row cold50_ms "$o_cold" "$p_cold" "$note"
row cold50_bytes "$o_bytes" "$p_bytes" ""
k=$(cat "$batch/results/uprobes.kernel" 2>/dev/null || echo noresult)
echo "  VM: $vm_s s, kernel log $k; base loop ns (median): uf $(awk '$1 == "uf" && $2 == "base" { print $4 }' "$res" 2>/dev/null | median), um $(awk '$1 == "um" && $2 == "base" { print $4 }' "$res" 2>/dev/null | median)"
[ "$k" = clean ] || sed 's/^/    dmesg: /' "$batch/results/uprobes.dmesg" 2>/dev/null | grep -v 'taints kernel\|verification failed' | head -n 20
[ "${UPROBES_KEEP:-0}" != 1 ] || echo "uprobes: work dir kept: $work"
