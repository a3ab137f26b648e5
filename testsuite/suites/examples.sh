#!/bin/bash
# examples.sh - every shipped example (examples/*.stp) built by our stap for
# the test kernel and run in ONE boot of the test VM against the workload
# its header names, as a user runs it with `stap -c`.
#
# An example's header carries its test (doc/examples.md):
#   # test-workload: SHELL   what runs while the example does: a busybox sh
#                            line, with ./workload (testsuite/examples/
#                            workload.c) in its directory; the session ends
#                            when it does (staprun -c), so end probes print
#   # test-args: WORDS       the script's arguments ($1 ...), at build time
#   # test-options: WORDS    stap options it needs (-g for a guru script)
#   # test-expect: ERE       a line of stdout must match (one per line; all
#                            must); there must be some stdout in any case
#   # test-files: PATH       a host file the workload needs (${KREL} is the
#                            test kernel's release), one per line
# An example fails when it does not build, exits non-zero, prints nothing,
# misses an expected line, says anything on stderr but the emulator's
# skipped-probes count, times out, or the kernel logs a warning or oops.
#
# Environment: as run.sh; EXAMPLES (space-separated names: only these),
# RUN_KEEP=1 (keep the work dir, outputs in $TEST_RESULTS/examples/split).
set -u
# plan: examples/*.stp
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$(dirname "$here")")}
export TOP_SRCDIR
# shellcheck source=../oracle/batch.sh
. "$TOP_SRCDIR/testsuite/oracle/batch.sh"

suite=examples
srcdir=${EXAMPLES_DIR:-$TOP_SRCDIR/examples}
work=${TEST_RESULTS:-/tmp}/examples
cases=$work/cases

if ! command -v qemu-system-x86_64 >/dev/null; then
	cannot_run "$suite" "qemu-system-x86_64 missing: scripts/install-deps"
	exit 0
fi
if [ -z "$RT_KREL" ] || [ ! -f "/lib/modules/$RT_KREL/build/Makefile" ]; then
	cannot_run "$suite" "no kernel headers for the test kernel ${RT_KREL:-?}: scripts/install-deps"
	exit 0
fi

# header KEY FILE: the values of the example's "# KEY: value" lines.
header() {
	sed -n "s/^# $1: //p" "$2"
}

# case_name FILE: the example's name as a module name (- becomes _).
case_name() {
	local n=${1##*/}
	n=${n%.stp}
	echo "${n//-/_}"
}

# make_case FILE: the example as a run-corpus case in $cases (batch.sh's
# file conventions), its guest running the workload under staprun -c.
make_case() {
	local file=$1 name wl
	name=$(case_name "$file")
	cp "$file" "$cases/$name.stp"
	header test-args "$file" >"$cases/$name.args"
	header test-options "$file" >"$cases/$name.opts"
	{
		echo "$work/workload"
		header test-files "$file"
	} >"$cases/$name.files"
	wl=$(header test-workload "$file")
	[ -n "$wl" ] || wl="./workload syscalls 10"
	printf '%s\n' "$wl" >"$cases/$name.workload"
	cat >"$cases/$name.guest" <<EOF
cat >ex.sh <<'WORKLOAD'
$wl
WORKLOAD
staprun -c "sh ./ex.sh >ex.log 2>&1" "\$KO"
EOF
	echo 60 >"$cases/$name.timeout"
}

# check_example FILE: judge the example's run.
check_example() {
	local file=$1 name out kernel re rc
	name=$(case_name "$file")
	out=$work/split/$name
	kernel=$(cat "$work/batch/results/$name.kernel" 2>/dev/null || echo noresult)
	if ! rt_split "$work/batch" "$name" "$out"; then
		fail "$suite/$name" "no result: $(cat "$out.rc")" "$(head -c 600 "$out.stdout" | cat -v)"
		return
	fi
	if [ "$kernel" != clean ]; then
		fail "$suite/$name" "kernel $kernel" \
			"$(grep -E -m 12 -A 6 'WARNING:|BUG:|Oops|Call Trace|general protection' \
				"$work/batch/results/$name.dmesg")"
		return
	fi
	rc=$(cat "$out.rc")
	if [ "$rc" != 0 ]; then
		fail "$suite/$name" "exit status $rc" "$(head -n 8 "$out.stderr" | cat -v)"
		return
	fi
	if grep -v '^WARNING: Number of errors: 0, skipped probes: [0-9]*$' "$out.stderr" |
		grep -q .; then
		fail "$suite/$name" "stderr" "$(head -n 8 "$out.stderr" | cat -v)"
		return
	fi
	if [ ! -s "$out.stdout" ]; then
		fail "$suite/$name" "no output"
		return
	fi
	while IFS= read -r re; do
		[ -n "$re" ] || continue
		if ! grep -Eq -- "$re" "$out.stdout"; then
			fail "$suite/$name" "no line matches /$re/" "$(head -n 12 "$out.stdout" | cat -v)"
			return
		fi
	done < <(header test-expect "$file")
	pass "$suite/$name"
}

main() {
	local files=() names=() file name t0
	if [ -n "${EXAMPLES:-}" ]; then
		for name in $EXAMPLES; do
			files+=("$srcdir/${name%.stp}.stp")
		done
	else
		files=("$srcdir"/*.stp)
	fi
	rm -rf "$work"
	mkdir -p "$cases" "$work/ko" "$work/build" "$work/split"
	if ! gcc -static -O2 -pthread -o "$work/workload" "$TOP_SRCDIR/testsuite/examples/workload.c" \
		>"$work/workload.log" 2>&1; then
		cannot_run "$suite" "the workload program does not build: $(head -3 "$work/workload.log")"
		exit 0
	fi
	for file in "${files[@]}"; do
		make_case "$file"
		names+=("$(case_name "$file")")
	done

	t0=$(date +%s)
	build_one() {
		SYSTEMTAP_DIR=$work/cache rt_build "$STAP" "$cases" "$1" "$work/build" &&
			mv "$work/build/$1.ko" "$work/ko/$1.ko"
	}
	export -f build_one rt_build rt_kmod rt_opts rt_args
	export work cases RT_KREL STAP
	printf '%s\n' "${names[@]}" | xargs -P "${RUN_JOBS:-2}" -I{} bash -c 'build_one {} >/dev/null 2>&1'
	echo "$suite: built ${#names[@]} examples in $(($(date +%s) - t0)) s"

	rt_batch_init "$work/batch" 'STAPIO=/batch/bin/stapio; export STAPIO'
	cp "$STAPRUN" "$STAPIO" "$work/batch/bin/"
	rt_batch_run "$suite" "$work/batch" "$cases" "$work/ko" "${names[@]}" || return 1
	for file in "${files[@]}"; do
		name=$(case_name "$file")
		if [ -f "$work/ko/$name.ko" ]; then
			check_example "$file"
		else
			fail "$suite/$name" "build failed" "$(head -n 12 "$work/build/$name.log" 2>/dev/null)"
		fi
	done
	[ "${RUN_KEEP:-0}" = 1 ] || rm -rf "$work/ko" "$work/build" "$work/batch/tests"
}

main
