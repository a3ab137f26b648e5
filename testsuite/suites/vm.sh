#!/bin/bash
# vm.sh - tests that need a real kernel: boot Debian's current kernel in
# qemu (testsuite/vm/) and run the harness's own checks and staprun there.
set -u
. "$(dirname "$0")/../lib.sh"

if ! command -v qemu-system-x86_64 >/dev/null; then
	fail vm/qemu "qemu-system-x86_64 missing: scripts/install-deps"
	exit 0
fi
STAPRUN=$STAPRUN "$TOP_SRCDIR/testsuite/vm/smoke.sh"
