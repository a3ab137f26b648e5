#!/bin/bash
# smoke.sh - end-to-end check of the test VM, in one boot:
#   insmod_hello    our module loads, logs, unloads; kernel stays clean
#   exit_status     a failing test's status (3) and exact output come back
#   kernel_warning  a WARNING in the kernel log is flagged (negative test)
#   test_timeout    a test that outlives its time limit is killed, reported
#                   as "timeout", and the VM goes on
#   staprun_load    our staprun loads (-L) and unloads (-d) the module, and
#                   explains a refusal (loading it twice) in words
# STAPRUN names the staprun to test (default: the build tree's).
# Prints "PASS: vm/<test>" or "FAIL: vm/<test>: why" per test, then a
# "N passed, N failed" line; exits non-zero if anything failed. The batch
# dir is kept when something fails (or with VM_KEEP=1).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0

pass() { echo "PASS: vm/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL: vm/$1: $2"; failed=$((failed + 1)); }

# add_test NAME SCRIPT [FILE...]: a test dir with run.sh and its files.
add_test() {
	local dir=$batch/tests/$1
	mkdir -p "$dir"
	printf '%s\n' "$2" >"$dir/run.sh"
	shift 2
	[ $# -eq 0 ] || cp "$@" "$dir/"
}

make_batch() {
	"$here/build-hello.sh" "$batch/ko"
	add_test insmod_hello \
		"insmod hello_vm.ko && dmesg | grep 'stap-vm: hello' && rmmod hello_vm" \
		"$batch/ko/hello_vm.ko"
	add_test exit_status 'echo out; echo err >&2; printf "no newline"; exit 3'
	add_test kernel_warning 'insmod warn_vm.ko && rmmod warn_vm' "$batch/ko/warn_vm.ko"
	add_test test_timeout 'echo started; sleep 60; echo not reached'
	echo 1 >"$batch/tests/test_timeout/timeout"
	mkdir -p "$batch/bin"
	cp "$staprun" "$batch/bin/staprun"
	add_test staprun_load 'staprun -L hello_vm.ko || exit 10
grep -q "^hello_vm " /proc/modules || exit 11
staprun -L hello_vm.ko; echo "second load exit $?"
staprun -d hello_vm || exit 12
grep -q "^hello_vm " /proc/modules && exit 13
dmesg | grep -c "stap-vm: goodbye"' "$batch/ko/hello_vm.ko"
}

# expect TEST FIELD WANT: results/TEST.FIELD must hold exactly WANT.
expect() {
	local got
	got=$(cat "$batch/results/$1.$2" 2>/dev/null || echo "(missing)")
	[ "$got" = "$3" ] && return 0
	fail "$1" "$2 is '$got', expected '$3'"
	return 1
}

check_results() {
	local r=$batch/results
	if expect insmod_hello rc 0 && expect insmod_hello kernel clean; then
		if cat "$r/insmod_hello.out" "$r/insmod_hello.dmesg" |
			grep -q 'stap-vm: hello from the test module'; then
			pass insmod_hello
		else
			fail insmod_hello "the module's hello line is in neither .out nor .dmesg"
		fi
	fi
	if expect exit_status rc 3; then
		if printf 'out\nerr\nno newline' | cmp -s - "$r/exit_status.out"; then
			pass exit_status
		else
			fail exit_status "output differs: $(od -c "$r/exit_status.out" | head -n 3)"
		fi
	fi
	expect kernel_warning rc 0 && expect kernel_warning kernel warning &&
		pass kernel_warning
	if expect test_timeout rc timeout; then
		if [ "$(cat "$r/test_timeout.out")" = started ]; then
			pass test_timeout
		else
			fail test_timeout "output is '$(cat "$r/test_timeout.out")', expected 'started'"
		fi
	fi
	if expect staprun_load rc 0 && expect staprun_load kernel clean; then
		if grep -q 'already loaded' "$r/staprun_load.out" &&
			grep -q 'second load exit 1' "$r/staprun_load.out"; then
			pass staprun_load
		else
			fail staprun_load "no plain refusal for a second load: $(cat "$r/staprun_load.out")"
		fi
	fi
}

main() {
	local t0 t1 vm_ok=1
	staprun=${STAPRUN:-$here/../../build/staprun/staprun}
	[ -x "$staprun" ] || staprun=$here/../../staprun/staprun
	[ -x "$staprun" ] || { echo "smoke: no staprun built (set STAPRUN)" >&2; exit 2; }
	batch=$(mktemp -d "${TMPDIR:-/tmp}/stap-vm-smoke.XXXXXX")
	make_batch
	t0=$(date +%s.%N)
	"$here/run-batch" "$batch" || vm_ok=0
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "smoke: boot + 5 tests took %.1f s\n", b - a }'
	[ "$vm_ok" -eq 1 ] || fail run-batch "the VM did not run every test"
	check_results
	echo "$passed passed, $failed failed"
	if [ "$failed" -ne 0 ] || [ -n "${VM_KEEP:-}" ]; then
		echo "smoke: batch and results kept in $batch"
	else
		rm -rf "$batch"
	fi
	[ "$failed" -eq 0 ]
}

main "$@"
