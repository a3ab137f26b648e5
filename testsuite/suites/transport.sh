#!/bin/bash
# transport.sh - runtime/transport.c and staprun/stapio end to end, in one
# boot of the test VM (testsuite/vm/).
#
# testsuite/transport/tr_a.c is the transport with a stand-in session
# (tr_b.c: the same under another name); testsuite/transport/vm/NAME.sh
# runs in the VM and must print exactly NAME.expect, exit 0, and leave the
# kernel log clean:
#   transport/build      the test modules build with no warning (W=1)
#   transport/NAME       one per case (basic, flood, cmd, signals, ...)
# No qemu or no headers for the VM kernel: lib.sh's cannot_run.
#
# Usage: transport.sh [NAME...] runs only those cases.  VM_KEEP=1 keeps
# the batch dir.
set -u
# plan: testsuite/transport/vm/*.expect 1

here=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$(dirname "$here")")}
TOP_BUILDDIR=${TOP_BUILDDIR:-$TOP_SRCDIR}
STAPRUN=${STAPRUN:-$TOP_BUILDDIR/staprun/staprun}
STAPIO=${STAPIO:-$TOP_BUILDDIR/staprun/stapio}
. "$TOP_SRCDIR/testsuite/lib.sh"
cases=$TOP_SRCDIR/testsuite/transport/vm

if ! command -v qemu-system-x86_64 >/dev/null; then
	cannot_run transport/vm "qemu-system-x86_64 missing: scripts/install-deps"
	exit 0
fi
krel=$(test_krel)
if [ -z "$krel" ] || [ ! -f "/lib/modules/$krel/build/Makefile" ]; then
	cannot_run transport/vm "no headers for the VM kernel ${krel:-?}: scripts/install-deps"
	exit 0
fi
for prog in "$STAPRUN" "$STAPIO"; do
	[ -x "$prog" ] || { fail transport/vm "$prog is not built"; exit 1; }
done

names=()
if [ $# -gt 0 ]; then
	names=("$@")
else
	for f in "$cases"/*.sh; do
		[ "$(basename "$f")" = lib.sh ] || names+=("$(basename "$f" .sh)")
	done
fi

batch=$(mktemp -d "${TMPDIR:-/tmp}/stap-tr.XXXXXX")
mkdir -p "$batch/bin"
if ! log=$(VM_KREL=$krel "$TOP_SRCDIR/testsuite/transport/build.sh" "$batch/bin" 2>&1); then
	fail transport/build "the test modules do not build" "$log"
	rm -rf "$batch"
	exit 1
fi
pass transport/build
cp "$STAPRUN" "$STAPIO" "$batch/bin/"
cp "$cases/lib.sh" "$batch/bin/trlib.sh"
for name in "${names[@]}"; do
	mkdir -p "$batch/tests/$name"
	cp "$cases/$name.sh" "$batch/tests/$name/run.sh"
done

vm_ok=1
VM_SMP=2 VM_KREL=$krel "$TOP_SRCDIR/testsuite/vm/run-batch" "$batch" >"$batch/run-batch.log" 2>&1 ||
	vm_ok=0
[ "$vm_ok" -eq 1 ] || fail transport/vm "the VM did not run every case" "$(tail -n 20 "$batch/run-batch.log")"

failed=0
r=$batch/results
sed -n 's/.*\(transport-flood: .*\)/\1/p' "$r/flood.dmesg" 2>/dev/null
for name in "${names[@]}"; do
	rc=$(cat "$r/$name.rc" 2>/dev/null || echo missing)
	kernel=$(cat "$r/$name.kernel" 2>/dev/null || echo missing)
	if [ "$rc" != 0 ]; then
		fail "transport/$name" "exit status $rc" "$(cat "$r/$name.out" 2>/dev/null)"
	elif [ "$kernel" != clean ]; then
		fail "transport/$name" "kernel log: $kernel" "$(cat "$r/$name.dmesg")"
	elif ! diff -u "$cases/$name.expect" "$r/$name.out" >"$batch/$name.diff"; then
		fail "transport/$name" "output differs from $name.expect" "$(cat "$batch/$name.diff")"
	else
		pass "transport/$name"
		continue
	fi
	failed=1
done

if [ "$failed" -ne 0 ] || [ "$vm_ok" -ne 1 ] || [ -n "${VM_KEEP:-}" ]; then
	echo "transport: batch and results kept in $batch"
else
	rm -rf "$batch"
fi
exit 0
