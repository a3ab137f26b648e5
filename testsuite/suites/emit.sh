#!/bin/bash
# emit.sh - pass 3 (translator/emit*.c).
#
#   testsuite/emit/p3golden/NAME.stp  `stap -p3 -m NAME NAME.stp` must print
#                                     NAME.c byte for byte (emit/p3/NAME)
#   testsuite/emit/compile/*.stp      each script's -p3 output must build
#                                     as a module against the target
#                                     kernel's headers with no compiler
#                                     warning (emit/compile/NAME; a name
#                                     containing "guru" is translated with
#                                     -g), against the test kernel
#                                     (testsuite/vm/kernel.sh) or
#                                     KERNEL_BUILD; without its headers
#                                     lib.sh's cannot_run
#
# Regenerate a golden after a deliberate change with
#   (cd testsuite/emit/p3golden && stap -p3 -m NAME NAME.stp > NAME.c)
set -u
# plan: testsuite/emit/p3golden/*.stp testsuite/emit/compile/*.stp
here=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$(dirname "$here")")}
. "$TOP_SRCDIR/testsuite/lib.sh"
STAP=${STAP:-stap}
KERNEL_BUILD=${KERNEL_BUILD:-/lib/modules/$(test_krel)/build}
dir=$TOP_SRCDIR/testsuite/emit

for s in "$dir"/p3golden/*.stp; do
	name=$(basename "$s" .stp)
	out=$(cd "$dir/p3golden" && "$STAP" -p3 -m "$name" "$name.stp" 2>&1)
	if [ "$out" = "$(cat "$dir/p3golden/$name.c")" ]; then
		pass "emit/p3/$name"
	else
		fail "emit/p3/$name" "output differs" \
			"$(diff <(echo "$out") "$dir/p3golden/$name.c" | head -20)"
	fi
done

if [ ! -f "$KERNEL_BUILD/Makefile" ]; then
	cannot_run emit/compile "no kernel build tree $KERNEL_BUILD: scripts/install-deps"
	exit 0
fi
"$dir/kbuild-check.sh" "$STAP" "$TOP_SRCDIR/runtime" "$KERNEL_BUILD" "$dir"/compile/*.stp
[ $? -eq 77 ] && exit 0
exit 0
