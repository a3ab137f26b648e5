#!/bin/bash
# runtime-core.sh - the runtime's session, context, timer and tapset-helper
# code driven by hand-written "generated" modules in the test VM
# (testsuite/runtime-core/vm.sh: one boot, PASS:/FAIL: per test).
set -u
. "$(dirname "$0")/../lib.sh"

if ! command -v qemu-system-x86_64 >/dev/null; then
	fail runtime-core/qemu "qemu-system-x86_64 missing: scripts/install-deps"
	exit 0
fi
krel=$("$TOP_SRCDIR/testsuite/vm/kernel.sh" --print-release 2>/dev/null)
if [ -z "$krel" ] || [ ! -f "/lib/modules/$krel/build/Makefile" ]; then
	fail runtime-core/headers "no headers for the VM kernel ${krel:-?}: scripts/install-deps"
	exit 0
fi
batch=$(mktemp -d "${TMPDIR:-/tmp}/rtcore.XXXXXX")
"$TOP_SRCDIR/testsuite/runtime-core/vm.sh" "$batch" | grep -E '^(PASS|FAIL|SKIP):'
rm -rf "$batch"
