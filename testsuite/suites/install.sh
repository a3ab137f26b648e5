#!/bin/bash
# install.sh - `make install DESTDIR=...` gives a working tree: the installed
# stap runs, and finds the installed tapsets and runtime, not the build tree's.
set -u
# plan: 13
. "$(dirname "$0")/../lib.sh"

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
if ! make -s -C "$TOP_BUILDDIR" install DESTDIR="$dest" prefix=/opt/stapc >"$dest.log" 2>&1; then
	fail install/make_install "make install failed" "$(tail -20 "$dest.log")"
	rm -f "$dest.log"
	exit 0
fi
rm -f "$dest.log"
pass install/make_install

root=$dest/opt/stapc
for f in bin/stap bin/staprun libexec/systemtap-c/stapio share/systemtap/tapset/README \
	share/systemtap/runtime/README share/man/man1/stap.1 share/man/man8/staprun.8; do
	if [ -e "$root/$f" ]; then pass "install/has_$(basename "$f")"; else fail "install/has_$(basename "$f")" "$f missing"; fi
done

out=$("$root/bin/stap" --version 2>&1)
if grep -q 'SystemTap in C' <<<"$out"; then pass install/stap_runs; else fail install/stap_runs "no version" "$out"; fi

# The installed stap must use the installed library, found relative to
# itself (DESTDIR installs are relocated), never the build tree.
help=$(env -u SYSTEMTAP_TAPSET -u SYSTEMTAP_RUNTIME "$root/bin/stap" --help)
if grep -qx "Tapset library: $root/share/systemtap/tapset" <<<"$help" &&
   grep -qx "Runtime sources: $root/share/systemtap/runtime" <<<"$help"; then
	pass install/finds_installed_tapsets
else
	fail install/finds_installed_tapsets "wrong library paths" "$(grep -E '^(Tapset|Runtime)' <<<"$help")"
fi
# The examples are installed beside the tapsets, and the installed stap
# lists them from there.
n_src=$(find "$TOP_SRCDIR/examples" -maxdepth 1 -name '*.stp' | wc -l)
n_listed=$(env -u SYSTEMTAP_TAPSET "$root/bin/stap" --example 2>/dev/null | grep -c '\.stp ')
if [ -f "$root/share/systemtap/examples/hello.stp" ] && [ "$n_listed" -eq "$n_src" ]; then
	pass install/lists_installed_examples
else
	fail install/lists_installed_examples "listed $n_listed of $n_src examples"
fi
# Only the data the program reads counts (debug info names the build dir).
if { readelf -p .rodata "$root/bin/stap"; readelf -p .data "$root/bin/stap"; } 2>/dev/null | grep -qF "$TOP_BUILDDIR"; then
	fail install/no_build_tree_paths "build-tree path compiled into stap"
else
	pass install/no_build_tree_paths
fi

# The build-tree stap finds the tree's own tapsets.
help=$(env -u SYSTEMTAP_TAPSET "$STAP" --help)
want=$(cd "$TOP_SRCDIR/tapsets" && pwd -P)
if grep -qx "Tapset library: $want" <<<"$help"; then
	pass install/build_tree_finds_own_tapsets
else
	fail install/build_tree_finds_own_tapsets "expected $want" "$(grep '^Tapset' <<<"$help")"
fi
