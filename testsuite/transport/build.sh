#!/bin/bash
# build.sh OUTDIR - build the transport test modules tr_a.ko and tr_b.ko
# (tr_a.c: runtime/transport.c with a stand-in session) against the VM
# kernel's headers, in a temporary copy, and put the .ko files in OUTDIR.
# KREL: testsuite/vm/kernel.sh --print-release (which honours env VM_KREL).
set -eu

die() { echo "transport/build.sh: error: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: build.sh OUTDIR" >&2; exit 2; }
outdir=$1

krel=$("$top/testsuite/vm/kernel.sh" --print-release)
kdir=/lib/modules/$krel/build
[ -f "$kdir/Makefile" ] || die "no kernel build dir $kdir: apt-get install linux-headers-$krel"

work=$(mktemp -d "${TMPDIR:-/tmp}/stap-tr-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$here"/tr_a.c "$here"/tr_b.c "$here"/Kbuild "$work/"
if ! make -C "$kdir" M="$work" TRANSPORT_RUNTIME="$top/runtime" W=1 modules \
	>"$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	die "module build against $kdir failed"
fi
# No warnings allowed, even with W=1 (modpost's own notes aside).
if grep -E 'warning:' "$work/build.log" >&2; then
	die "the transport test modules build with warnings"
fi
mkdir -p "$outdir"
cp "$work"/tr_a.ko "$work"/tr_b.ko "$outdir/"
