#!/bin/sh
# kbuild-check.sh STAP RUNTIME_DIR KBUILD_DIR SCRIPT... - translate each
# script with `STAP -p3` and build all of them as modules in one kbuild run
# against KBUILD_DIR with RUNTIME_DIR on the include path.  Fails when a
# translation fails, the build fails, or the compiler warns.  Prints one
# "PASS: emit/compile/NAME" or "FAIL: ..." line per script.
# Exit: 0 all passed, 1 some failed, 77 when KBUILD_DIR is missing.
stap=$1 runtime=$2 kbuild=$3
shift 3
[ -d "$kbuild" ] || { echo "SKIP: emit/compile (no kernel build dir $kbuild)"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/emit-kbuild.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
objs= fail=0 names=
for s in "$@"; do
	name=$(basename "$s" .stp | tr -c 'A-Za-z0-9_\n' _)
	flags=
	case "$s" in *guru*) flags=-g ;; esac
	# -r: translate for the kernel it is built against (its type info).
	if "$stap" $flags -r "$kbuild" -p3 "$s" > "$dir/m_$name.c" 2> "$dir/$name.p3err"; then
		objs="$objs m_$name.o"
		names="$names $name"
	else
		echo "FAIL: emit/compile/$name (pass 3)"; cat "$dir/$name.p3err"; fail=1
	fi
done
printf 'obj-m := %s\nccflags-y := -I%s\n' "$objs" "$runtime" > "$dir/Kbuild"
make -k -s -j2 -C "$kbuild" M="$dir" modules > "$dir/make.log" 2>&1
for name in $names; do
	if [ ! -f "$dir/m_$name.ko" ]; then
		echo "FAIL: emit/compile/$name (build)"; grep -A3 "m_$name.c" "$dir/make.log" | head -30; fail=1
	elif grep -q "m_$name.c:.*warning" "$dir/make.log"; then
		echo "FAIL: emit/compile/$name (warnings)"; grep -A3 "m_$name.c:.*warning" "$dir/make.log" | head -30; fail=1
	else
		echo "PASS: emit/compile/$name"
	fi
done
if grep -q "warning" "$dir/make.log" && [ $fail = 0 ]; then
	echo "NOTE: warnings outside the generated files:"; grep warning "$dir/make.log" | sort -u | head
fi
exit $fail
