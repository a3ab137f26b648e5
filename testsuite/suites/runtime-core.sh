#!/bin/bash
# runtime-core.sh - the runtime's session, context, timer and tapset-helper
# code driven by hand-written "generated" modules in the test VM
# (testsuite/runtime-core/vm.sh: one boot, PASS:/FAIL: per test).  No qemu,
# no headers for the test kernel, or a module that does not build is
# lib.sh's cannot_run / a failure, never an empty tally.
set -u
# plan: 7
. "$(dirname "$0")/../lib.sh"

if ! command -v qemu-system-x86_64 >/dev/null; then
	cannot_run runtime-core/qemu "qemu-system-x86_64 missing: scripts/install-deps"
	exit 0
fi
krel=$(test_krel)
if [ -z "$krel" ] || [ ! -f "/lib/modules/$krel/build/Makefile" ]; then
	cannot_run runtime-core/headers "no headers for the VM kernel ${krel:-?}: scripts/install-deps"
	exit 0
fi
batch=$(mktemp -d "${TMPDIR:-/tmp}/rtcore.XXXXXX")
VM_KREL=$krel "$TOP_SRCDIR/testsuite/runtime-core/vm.sh" "$batch" >"$batch.log" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP):' "$batch.log"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL:' "$batch.log"; then
	fail runtime-core/setup "vm.sh exited $rc" "$(tail -n 30 "$batch.log")"
fi
rm -rf "$batch" "$batch.log"
exit 0
