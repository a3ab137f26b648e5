#!/bin/bash
# build-hello.sh OUTDIR - build the VM test modules (hello_vm.ko, warn_vm.ko)
# against the headers of the kernel the VM boots, and put the .ko files in
# OUTDIR.
#
# The build runs in a temporary copy so the source dir never collects kbuild
# droppings (.o, .cmd, Module.symvers, ...). KREL comes from kernel.sh (which
# honours env VM_KREL).
set -eu

die() { echo "build-hello.sh: error: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)

[ $# -eq 1 ] || { echo "usage: build-hello.sh OUTDIR" >&2; exit 2; }
outdir=$1
command -v make >/dev/null 2>&1 || die "make not found: apt-get install make"
command -v gcc >/dev/null 2>&1 || die "gcc not found: apt-get install gcc"

krel=$("$here/kernel.sh" --print-release)
kdir=/lib/modules/$krel/build
[ -f "$kdir/Makefile" ] || die "no kernel build dir $kdir: apt-get install linux-headers-$krel"

work=$(mktemp -d "${TMPDIR:-/tmp}/stap-vm-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$here"/hello-module/*.c "$here"/hello-module/Kbuild "$work/"

# Keep kbuild's chatter out of the way unless it fails.
if ! make -C "$kdir" M="$work" modules >"$work/build.log" 2>&1; then
	cat "$work/build.log" >&2
	die "module build against $kdir failed"
fi
mkdir -p "$outdir"
cp "$work"/*.ko "$outdir/"
