#!/bin/bash
# harness.sh - the test driver itself must not end green when tests did
# not run.  It runs testsuite/run-tests (with its own TEST_RESULTS) on:
#   harness/fake_abi_fails_under_ci   the kernel suites with a kernel ABI
#       that has no headers (VM_KREL=6.1.0-0-fake-amd64), under CI=true:
#       each suite FAILs with "cannot run" and the driver exits non-zero
#   harness/fake_abi_skips_by_hand    the same by hand (no CI): SKIPs with
#       their reason, exit 0
#   harness/runtime_unit_kbuild       runtime-unit's kbuild part, the same
#       fake ABI under CI: a FAIL
#   harness/vm_that_does_not_boot     the vm suite booting a garbage kernel
#       image under CI: a FAIL
#   harness/shrunk_suite_fails        a stand-in suite reporting fewer
#       results than its "# plan:" line: a FAIL naming both numbers
#   harness/setup_error_fails         a stand-in suite whose setup dies
#       with a make error and no result: a FAIL, never "0 passed, 0 failed"
#   harness/every_suite_has_a_plan    each suite file declares a plan the
#       tree makes positive
set -u
. "$(dirname "$0")/../lib.sh"
# plan: 7

tmp=$(mktemp -d "${TMPDIR:-/tmp}/harness.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fake=6.1.0-0-fake-amd64

# driver OUT [ENV=VAL...] -- SUITE...: run-tests with a private results dir
# and without the caller's CI/strict settings unless given; $rc its status.
driver() {
	local out=$1 envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env -u CI -u STAP_TEST_STRICT -u KERNEL_BUILD -u RUN_CASES -u VM_KREL \
		TEST_RESULTS="$tmp/results.$(basename "$out")" "${envs[@]}" \
		"$TOP_SRCDIR/testsuite/run-tests" "$@" >"$out" 2>&1
	rc=$?
}

# has FILE ERE: FILE has a line matching ERE.
has() { grep -qE "$2" "$1"; }

kernel_suites=(run kernel emit build runtime-core transport vm)

driver "$tmp/ci" CI=true VM_KREL=$fake -- "${kernel_suites[@]}"
why=
[ "$rc" -ne 0 ] || why="driver exited 0"
for s in "${kernel_suites[@]}"; do
	has "$tmp/ci" "^FAIL: $s(/[a-z]+)? \((cannot run: .*$fake|.*exited)" ||
		why="$why; no loud FAIL for suite $s"
done
has "$tmp/ci" '^[0-9]+ passed, [1-9][0-9]* failed' || why="$why; the tally shows no failure"
if [ -z "$why" ]; then pass harness/fake_abi_fails_under_ci; else
	fail harness/fake_abi_fails_under_ci "${why#; }" "$(grep -E '^(FAIL|SKIP|===)' "$tmp/ci" | head -n 30)"
fi

driver "$tmp/hand" VM_KREL=$fake -- run emit build
why=
[ "$rc" -eq 0 ] || why="driver exited $rc"
for s in run emit build; do
	has "$tmp/hand" "^SKIP: $s(/[a-z]+)? \(no .*$fake" || why="$why; no SKIP with its reason for $s"
done
if [ -z "$why" ]; then pass harness/fake_abi_skips_by_hand; else
	fail harness/fake_abi_skips_by_hand "${why#; }" "$(grep -E '^(FAIL|SKIP|===)' "$tmp/hand" | head -n 30)"
fi

env -u KERNEL_BUILD CI=true VM_KREL=$fake bash "$TOP_SRCDIR/testsuite/suites/runtime-unit.sh" kbuild \
	>"$tmp/ru" 2>&1
if has "$tmp/ru" "^FAIL: runtime-unit/kbuild \(cannot run: .*$fake"; then
	pass harness/runtime_unit_kbuild
else
	fail harness/runtime_unit_kbuild "no loud FAIL" "$(tail -n 10 "$tmp/ru")"
fi

head -c 4096 /dev/urandom >"$tmp/garbage-vmlinuz"
driver "$tmp/noboot" CI=true VM_VMLINUZ="$tmp/garbage-vmlinuz" VM_TIMEOUT=60 -- vm
if [ "$rc" -ne 0 ] && has "$tmp/noboot" '^FAIL: vm/'; then
	pass harness/vm_that_does_not_boot
else
	fail harness/vm_that_does_not_boot "driver exited $rc" "$(grep -E '^(PASS|FAIL|SKIP|===)' "$tmp/noboot")"
fi

mkdir -p "$tmp/suites"
# (its plan line is printed, so that it is not this file's own plan)
{
	printf '# %s: 3\n' plan
	echo 'echo "PASS: shrunk/a"'
	echo 'echo "PASS: shrunk/b"'
} >"$tmp/suites/shrunk.sh"
driver "$tmp/shrunk" -- "$tmp/suites/shrunk.sh"
if [ "$rc" -ne 0 ] && has "$tmp/shrunk" '^FAIL: shrunk \(ran 2 of at least 3 '; then
	pass harness/shrunk_suite_fails
else
	fail harness/shrunk_suite_fails "driver exited $rc" "$(cat "$tmp/shrunk")"
fi

cat >"$tmp/suites/setup.sh" <<'EOF'
echo "make: *** [Makefile:1: modules] Error 2"
exit 2
EOF
driver "$tmp/setup" -- "$tmp/suites/setup.sh"
if [ "$rc" -ne 0 ] && has "$tmp/setup" '^FAIL: setup \(suite exited 2\)' &&
	has "$tmp/setup" '^FAIL: setup \(no test ran\)' && ! has "$tmp/setup" '^0 passed, 0 failed'; then
	pass harness/setup_error_fails
else
	fail harness/setup_error_fails "driver exited $rc" "$(cat "$tmp/setup")"
fi

why=
for s in "$TOP_SRCDIR"/testsuite/suites/*.sh; do
	[ "$(plan_of "$s")" -gt 0 ] || why="$why $(basename "$s") plans no test;"
done
if [ -z "$why" ]; then pass harness/every_suite_has_a_plan; else
	fail harness/every_suite_has_a_plan "$why"
fi
