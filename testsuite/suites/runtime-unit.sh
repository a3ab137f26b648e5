#!/bin/bash
# runtime-unit.sh - the data runtime (runtime/sink.c string.c stat.c map.c
# regex.c) unit-tested in userspace, and compile-checked as kernel code.
#
#   testsuite/runtime-unit/test_NAME.c   a test program: it includes
#       unit.h (runtime.h, the runtime files, stand-ins for runtime-core)
#       and prints PASS:/FAIL: lines of its own, runtime-unit/GROUP.
#
# Each program is built with the host compiler against shim.h (kernel
# types and services over libc, NR_CPUS fixed slots) and empty <linux/*.h>
# files, with -fsanitize=address,undefined, and run under `timeout 60`.
# runtime-unit/build_NAME FAILs when it does not compile cleanly (-Wall
# -Wextra -Werror); runtime-unit/sanitize_NAME when a sanitizer reports.
#
# Then runtime-unit/kbuild builds a module that includes the same files as
# kernel code, against the test kernel (testsuite/vm/kernel.sh) or
# $KERNEL_BUILD: it FAILs on any warning, and without the headers it is
# lib.sh's cannot_run.  Set RUNTIME_UNIT_NO_KBUILD=1 to leave it out.
#
# Usage: runtime-unit.sh [SUBSTRING...] runs only the programs whose
# names contain one of the substrings.
set -u
# plan: 26

here=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$(dirname "$here")")}
. "$TOP_SRCDIR/testsuite/lib.sh"
unitdir=$TOP_SRCDIR/testsuite/runtime-unit
rtdir=$TOP_SRCDIR/runtime
CC=${CC:-cc}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runtime-unit.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Empty stand-ins for every <linux/...> header the runtime includes: the
# shim (force-included) already declares what they would.
mkdir -p "$tmp/inc/linux" "$tmp/inc/asm"
grep -ho '#include <\(linux\|asm\)/[a-z0-9_/]*\.h>' "$rtdir"/*.h "$rtdir"/compat/*.h \
	"$rtdir"/sink.c "$rtdir"/string.c "$rtdir"/stat.c "$rtdir"/map.c "$rtdir"/regex.c |
	sed 's/#include <\(.*\)>/\1/' | sort -u | while read -r h; do
		mkdir -p "$tmp/inc/$(dirname "$h")"
		: >"$tmp/inc/$h"
	done

ncase=0
for src in "$unitdir"/test_*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	name=${name#test_}
	selected "$name" "$@" || continue
	ncase=$((ncase + 1))
	if ! "$CC" -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
		-Wno-sign-compare -Wno-missing-field-initializers \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-include "$unitdir/shim.h" -I"$tmp/inc" -I"$rtdir" -I"$unitdir" \
		-o "$tmp/$name" "$src" >"$tmp/$name.cc" 2>&1; then
		fail "runtime-unit/build_$name" "does not compile" "$(head -30 "$tmp/$name.cc")"
		continue
	fi
	pass "runtime-unit/build_$name"
	ASAN_OPTIONS=detect_leaks=1 timeout 60 "$tmp/$name" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	cat "$tmp/$name.out"
	if sanitizer_report "$tmp/$name.err"; then
		fail "runtime-unit/sanitize_$name" "sanitizer report" "$(head -30 "$tmp/$name.err")"
	elif [ "$rc" -ne 0 ] && ! grep -q '^FAIL: ' "$tmp/$name.out"; then
		fail "runtime-unit/run_$name" "exited $rc" "$(tail -20 "$tmp/$name.err")"
	fi
done
[ "$ncase" -gt 0 ] || [ $# -gt 0 ] || echo "FAIL: runtime-unit (no test programs in $unitdir)"

# The same files as kernel code: a module made of them and the stand-ins.
if selected kbuild "$@" && [ -z "${RUNTIME_UNIT_NO_KBUILD:-}" ]; then
	KERNEL_BUILD=${KERNEL_BUILD:-/lib/modules/$(test_krel)/build}
	if [ ! -f "$KERNEL_BUILD/Makefile" ]; then
		cannot_run runtime-unit/kbuild "no kernel build tree at $KERNEL_BUILD: scripts/install-deps"
	else
		mkdir -p "$tmp/kmod"
		cp "$unitdir/kcheck.c" "$tmp/kmod/kcheck.c"
		printf 'obj-m := kcheck.o\nccflags-y := -I%s\n' "$rtdir" >"$tmp/kmod/Kbuild"
		if ! make -C "$KERNEL_BUILD" M="$tmp/kmod" modules >"$tmp/kbuild.log" 2>&1; then
			fail runtime-unit/kbuild "kbuild failed" \
				"$(grep -E 'error|warning' "$tmp/kbuild.log" | head -30)"
		elif grep -q 'warning:' "$tmp/kbuild.log"; then
			fail runtime-unit/kbuild "warnings" "$(grep -A3 'warning:' "$tmp/kbuild.log" | head -30)"
		else
			pass runtime-unit/kbuild
		fi
	fi
fi
exit 0
