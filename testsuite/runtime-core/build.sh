#!/bin/sh
# build.sh OUTDIR [KREL] - build the runtime-core test modules in OUTDIR
# (a copy of this directory) against KREL's headers (default: the test VM's
# kernel, testsuite/vm/kernel.sh --print-release).
set -e
here=$(cd "$(dirname "$0")" && pwd)
rt=$(cd "$here/../../runtime" && pwd)
out=$1
krel=${2:-$("$here/../vm/kernel.sh" --print-release)}
[ -n "$out" ] || { echo "usage: $0 OUTDIR [KREL]" >&2; exit 2; }
mkdir -p "$out"
cp "$here"/Kbuild "$here"/gen.h "$here"/stp_rc_*.c "$out"/
make -s -C /lib/modules/$krel/build M="$(cd "$out" && pwd)" RT_DIR="$rt" modules
