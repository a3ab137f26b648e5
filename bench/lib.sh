# lib.sh - timing helpers shared by the benchmarks (sourced).
#
# Timings on these machines are noisy: every figure is the median of
# RUNS runs (default 5), and comparisons are printed as ratios.

RUNS=${RUNS:-5}

# now_ns: monotonic-enough wall clock in nanoseconds.
now_ns() { date +%s%N; }

# median_ms CMD...: run CMD $RUNS times (output discarded), print the
# median wall time in milliseconds with one decimal.  A failing run is
# reported on stderr and makes the function return 1.
median_ms() {
	local times=() i start end
	for ((i = 0; i < RUNS; i++)); do
		start=$(now_ns)
		if ! "$@" >/dev/null 2>&1; then
			echo "bench: command failed: $*" >&2
			return 1
		fi
		end=$(now_ns)
		times+=($(( (end - start) / 1000 )))
	done
	printf '%s\n' "${times[@]}" | sort -n |
		awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f\n", m / 1000 }'
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# find_stap: our stap (build/ first, then an in-tree build).
find_stap() {
	local top=$1
	for s in "${STAP:-}" "$top/build/translator/stap" "$top/translator/stap"; do
		[ -n "$s" ] && [ -x "$s" ] && { echo "$s"; return 0; }
	done
	echo "bench: no stap built (run make first)" >&2
	return 1
}

# peer_stap: Debian's systemtap 4.8, or empty when not installed.
peer_stap() { [ -x /usr/bin/stap ] && echo /usr/bin/stap; }

# vm_release: the Debian kernel release the test VM runs (the peer needs
# -r for a kernel whose headers are installed).
vm_release() { "$1/testsuite/vm/kernel.sh" --print-release 2>/dev/null; }

# built_release TOP: vm_release, or exit 1 saying so when its headers
# are not installed (a benchmark that builds modules needs them).
built_release() {
	local rel
	rel=$(vm_release "$1" || true)
	if [ -z "$rel" ] || [ ! -e "/lib/modules/$rel/build/Makefile" ]; then
		echo "bench: no kernel headers for the test kernel ('$rel'): scripts/install-deps" >&2
		exit 1
	fi
	echo "$rel"
}

# bench_setup: what a bench comparing a build for the test kernel with
# the peer's starts with: ours (our stap), peer (Debian's, or empty), rel
# (the release our tree builds for) and work (a temporary directory,
# removed at exit).  Needs top set.
bench_setup() {
	ours=$(find_stap "$top")
	peer=$(peer_stap || true)
	rel=$(built_release "$top") || exit 1
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
}

# ratio_table WIDTH: starts a table of ours against the peer whose labels
# take WIDTH columns; ratio_row LABEL OURS PEER adds a row with ours/peer
# ("-" when either side has no value).
ratio_table() {
	ratio_width=$1
	printf '  %-*s %9s %9s %9s\n' "$ratio_width" "" ours "stap 4.8" ours/peer
}
ratio_row() {
	local r=-
	[ "$2" = - ] || [ "$3" = - ] || r=$(ratio "$2" "$3")
	printf '  %-*s %9s %9s %9s\n' "$ratio_width" "$1" "$2" "$3" "$r"
}

# peer_runtime DIR: a copy of the peer's runtime in DIR that builds for
# Debian's 6.1 kernels, which renamed task_work_cancel to
# task_work_cancel_func (SPEC section 7): pass it to the peer with -R.
peer_runtime() {
	cp -r /usr/share/systemtap/runtime "$1"
	sed -i 's/\btask_work_cancel\b/task_work_cancel_func/g' "$1/stp_task_work.c"
}

# peer_kbuild REL KALLSYMS DIR: a copy of REL's kernel build tree in DIR
# whose System.map is made from KALLSYMS (the VM's /proc/kallsyms; module
# symbols dropped): the peer resolves kprobe symbols from System.map, and
# Debian ships a stub (SPEC section 7).  Give the peer -r DIR.
peer_kbuild() {
	local src l
	src=$(readlink -f "/lib/modules/$1/build")
	cp -a "$src" "$3"
	# its relative links (scripts, tools) point into /usr/lib/linux-kbuild-*
	for l in "$3"/*; do
		[ -L "$l" ] && ln -sfn "$(readlink -f "$src/${l##*/}")" "$l"
	done
	grep -v '\[' "$2" | awk '{ print $1, $2, $3 }' >"$3/System.map"
}

# peer_kprobe_setup WHO: for a bench whose peer builds kprobes: the peer's
# runtime copy in $work/peer-runtime, and peer_krel set to a kernel tree
# with a System.map (peer_kbuild) when the VM's symbol list is cached in
# KALLSYMS (bench/kspeed.sh saves it), else empty with a note naming WHO.
# Needs peer, rel and work set.
peer_kprobe_setup() {
	KALLSYMS=${KALLSYMS:-${KSPEED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stap-kspeed}/kallsyms-$rel}
	peer_krel=
	[ -n "$peer" ] || return 0
	peer_runtime "$work/peer-runtime"
	if [ -s "$KALLSYMS" ]; then
		peer_kbuild "$rel" "$KALLSYMS" "$work/kbuild"
		peer_krel=$work/kbuild
	else
		echo "$1: no VM symbol list ($KALLSYMS): run bench/kspeed.sh kpgetpid once" >&2
	fi
}

# time_ms CMD...: one run's wall time in ms, CMD's output in the caller's
# $work/out and $work/err (fails when CMD fails).
time_ms() {
	local t0 t1
	t0=$(now_ns)
	"$@" >"$work/out" 2>"$work/err" || { echo "bench: failed: $*" >&2; tail -n 5 "$work/err" >&2; return 1; }
	t1=$(now_ns)
	echo $(( (t1 - t0) / 1000000 ))
}

# median_of N CMD...: the median of N runs of time_ms; CMD may use $i.
median_of() {
	local n=$1 i t=()
	shift
	for ((i = 0; i < n; i++)); do
		t+=("$(time_ms "$@")") || return 1
	done
	printf '%s\n' "${t[@]}" | sort -n | awk '{ v[NR] = $1 } END {
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
