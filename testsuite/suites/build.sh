#!/bin/bash
# build.sh - passes 4 and 5 in the translator: kbuild of the generated
# module against the test kernel's headers, the module cache, kernel
# feature tests, -k/-m/--tmpdir/--poison-cache, build failures, and how
# pass 5 starts staprun (a stand-in staprun: this host cannot load modules).
#
# Builds for the test kernel (testsuite/vm/kernel.sh); without its headers
# that is lib.sh's cannot_run.  Everything runs in a private SYSTEMTAP_DIR
# and TMPDIR.
set -u
# plan: 21
. "$(dirname "$0")/../lib.sh"

rel=$(test_krel)
if [ -z "$rel" ] || [ ! -e "/lib/modules/$rel/build/Makefile" ]; then
	cannot_run build/all "no headers for the test kernel ${rel:-?}: scripts/install-deps"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SYSTEMTAP_DIR=$work/sd TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
hello='probe begin { printf("hello world\n"); exit() }'

# st NAME ARGS...: run stap, stdout in $work/NAME.out, stderr in .err, rc in $rc.
st() {
	local name=$1
	shift
	timeout 300 "$STAP" "$@" >"$work/$name.out" 2>"$work/$name.err"
	rc=$?
}
out() { cat "$work/$1.out"; }
err() { cat "$work/$1.err"; }
detail() { head -c 3000 "$work/$1.err"; }

# 1. A cold build: the .ko lands in the cache and is built for $rel.
st cold -v -p4 -r "$rel" -e "$hello"
ko=$(out cold)
if [ "$rc" -ne 0 ]; then
	fail build/hello_builds "exit status $rc" "$(detail cold)"
else
	case $ko in
	"$SYSTEMTAP_DIR"/cache/[0-9a-f][0-9a-f]/stap_*.ko) pass build/hello_builds ;;
	*) fail build/hello_builds "printed path '$ko' is not in the cache" ;;
	esac
	if modinfo -F vermagic "$ko" 2>/dev/null | grep -q "^$rel "; then
		pass build/vermagic
	else
		fail build/vermagic "vermagic is not $rel" "$(modinfo "$ko" 2>&1 | head -5)"
	fi
	name=$(basename "$ko" .ko)
	if [ "$(modinfo -F name "$ko" 2>/dev/null)" = "$name" ] && [ ${#name} -lt 56 ]; then
		pass build/module_name_is_stap_hash
	else
		fail build/module_name_is_stap_hash "module name differs from $name or is too long"
	fi
	if [ -f "${ko%.ko}.c" ]; then pass build/cache_keeps_c; else fail build/cache_keeps_c "no ${ko%.ko}.c"; fi
	if grep -qE '^Pass 3: translated to C into "[^"]+/stap_[0-9a-f]+\.c" using [0-9]+virt/[0-9]+res/[0-9]+shr/[0-9]+data kb, in [0-9]+usr/[0-9]+sys/[0-9]+real ms\.$' "$work/cold.err" &&
	   grep -qE '^Pass 4: compiled C into "stap_[0-9a-f]+\.ko" in [0-9]+usr/[0-9]+sys/[0-9]+real ms\.$' "$work/cold.err"; then
		pass build/verbose_lines
	else
		fail build/verbose_lines "no upstream-style Pass 3/4 lines" "$(detail cold)"
	fi
fi
if [ -z "$(ls -A "$TMPDIR")" ]; then pass build/tmpdir_removed; else fail build/tmpdir_removed "left $(ls "$TMPDIR")"; fi

# 2. Kernel features: one header per kernel, of STP_HAVE_* lines.
kf=$(ls "$SYSTEMTAP_DIR"/cache/kfeatures/*.h 2>/dev/null | head -1)
if [ -n "$kf" ] && ! grep -vqE '^(/\*.*\*/|#define STP_HAVE_[A-Z0-9_]+ 1)$' "$kf"; then
	pass build/kfeatures_header
else
	fail build/kfeatures_header "no well-formed header in cache/kfeatures" "$(cat "$kf" 2>/dev/null)"
fi
# Debian's 6.1 backported task_work_cancel_func (6.11); hrtimer_setup (6.13) it lacks.
case $rel in
6.1.*)
	if grep -q STP_HAVE_TASK_WORK_CANCEL_FUNC "$kf" 2>/dev/null &&
	   ! grep -q STP_HAVE_HRTIMER_SETUP "$kf" 2>/dev/null; then
		pass build/kfeatures_detects
	else
		fail build/kfeatures_detects "wrong features for $rel" "$(cat "$kf" 2>/dev/null)"
	fi ;;
esac

# 3. The same script again: a cache hit, fast.
start=$(date +%s%N)
st hit -v -p4 -r "$rel" -e "$hello"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$rc" -eq 0 ] && [ "$(out hit)" = "$ko" ] &&
   grep -qx "Pass 3: using cached ${ko%.ko}.c" "$work/hit.err" &&
   grep -qx "Pass 4: using cached $ko" "$work/hit.err"; then
	pass build/cache_hit
else
	fail build/cache_hit "no cache hit (rc $rc)" "$(out hit)" "$(detail hit)"
fi
if [ "$ms" -lt 500 ]; then pass build/cache_hit_fast; else fail build/cache_hit_fast "$ms ms"; fi

# 4. What must change the key: -D, the script, the kernel's build tree.
st define -p4 -r "$rel" -D MAXACTION=5000 -e "$hello"
if [ "$rc" -eq 0 ] && [ -n "$(out define)" ] && [ "$(out define)" != "$ko" ]; then
	pass build/define_changes_key
else
	fail build/define_changes_key "rc $rc, path '$(out define)'" "$(detail define)"
fi
st pos -p3 -r "$rel" -e 'probe begin {  printf("hello world\n"); exit() }'
st pos0 -p3 -r "$rel" -e "$hello"
if [ "$(grep -m1 -o 'stap_[0-9a-f]*' "$work/pos.out")" != "$(grep -m1 -o 'stap_[0-9a-f]*' "$work/pos0.out")" ]; then
	pass build/source_position_changes_key
else
	fail build/source_position_changes_key "moving a token kept the module name"
fi

# 5. --poison-cache rebuilds and rewrites the entry.
st poison -v -p4 --poison-cache -r "$rel" -e "$hello"
if [ "$rc" -eq 0 ] && [ "$(out poison)" = "$ko" ] && grep -q '^Pass 4: compiled C' "$work/poison.err"; then
	pass build/poison_cache
else
	fail build/poison_cache "rc $rc" "$(detail poison)"
fi

# 6. -k keeps the temporary directory and says where.
st keep -p4 -k -r "$rel" -D MAXACTION=5001 -e "$hello"
kept=$(sed -n 's/^Keeping temporary directory "\(.*\)"$/\1/p' "$work/keep.err")
if [ "$rc" -eq 0 ] && [ -n "$kept" ] && [ -f "$kept/Kbuild" ] && ls "$kept"/stap_*.c >/dev/null 2>&1; then
	pass build/keep_tmpdir
else
	fail build/keep_tmpdir "rc $rc, kept '$kept'" "$(detail keep)"
fi
[ -n "$kept" ] && rm -rf "$kept"

# 7. -m NAME: that module name, copied into the current directory.
mkdir -p "$work/cwd"
(cd "$work/cwd" && timeout 300 "$STAP" -p4 -m my_mod -r "$rel" -e "$hello" >"$work/m.out" 2>"$work/m.err")
rc=$?
if [ "$rc" -eq 0 ] && [ "$(out m)" = my_mod.ko ] &&
   [ "$(modinfo -F name "$work/cwd/my_mod.ko" 2>/dev/null)" = my_mod ]; then
	pass build/module_name_option
else
	fail build/module_name_option "rc $rc, printed '$(out m)'" "$(detail m)"
fi

# 7b. -m builds no cached module, but the per-kernel kernel-feature tests
# are cached all the same: a second -m build in a fresh SYSTEMTAP_DIR
# finds them and does not run them again.
mkdir -p "$work/cwd2"
for i in 1 2; do
	(cd "$work/cwd2" && SYSTEMTAP_DIR=$work/sd-m timeout 300 "$STAP" -vv -p4 -m m_kf -r "$rel" \
		-e "$hello" >"$work/mkf$i.out" 2>"$work/mkf$i.err")
done
if ls "$work"/sd-m/cache/kfeatures/*.h >/dev/null 2>&1 &&
   grep -q 'kernel features: .* tests built' "$work/mkf1.err" &&
   ! grep -q 'kernel features: .* tests built' "$work/mkf2.err"; then
	pass build/module_name_keeps_kfeatures_cache
else
	fail build/module_name_keeps_kfeatures_cache "kernel features not cached with -m" \
		"$(grep 'Pass 4' "$work/mkf2.err")"
fi

# 8. A C error fails pass 4 with the compiler's message.
st cerr -p4 -r "$rel" -D 'MAXACTION=)' -e "$hello"
if [ "$rc" -eq 1 ] && grep -q 'error:' "$work/cerr.err" &&
   grep -qx 'Pass 4: compilation failed.  \[man error::pass4\]' "$work/cerr.err"; then
	pass build/compile_error_shown
else
	fail build/compile_error_shown "rc $rc" "$(detail cerr)"
fi

# 9. Missing kernel headers: the package to install, exit 1.
st nohdr -p4 -r 0.0.0-nosuch -e "$hello"
if [ "$rc" -eq 1 ] && grep -q 'linux-headers-0.0.0-nosuch' "$work/nohdr.err"; then
	pass build/missing_headers
else
	fail build/missing_headers "rc $rc" "$(detail nohdr)"
fi
mkdir -p "$work/notree"
st notree -p4 -r "$work/notree" -e "$hello"
if [ "$rc" -eq 1 ] && grep -q 'is not a kernel build tree' "$work/notree.err"; then
	pass build/not_a_build_tree
else
	fail build/not_a_build_tree "rc $rc" "$(detail notree)"
fi

# 10. Pass 5 starts staprun with the module and the run options, and
# returns its status.
cat >"$work/fake-staprun" <<'SH'
#!/bin/sh
printf '%s\n' "$@" >"$FAKE_ARGS"
exit ${FAKE_RC:-0}
SH
chmod +x "$work/fake-staprun"
export FAKE_ARGS=$work/args
STAPRUN=$work/fake-staprun st run5 -v -r "$rel" -o "$work/o.txt" -c 'true' -G answer=42 -e "$hello"
want=$(printf '%s\n' -o "$work/o.txt" -c true "$ko" answer=42)
if [ "$rc" -eq 0 ] && [ "$(cat "$work/args" 2>/dev/null)" = "$want" ] &&
   grep -qx 'Pass 5: starting run.' "$work/run5.err" &&
   grep -qE '^Pass 5: run completed in [0-9]+usr/[0-9]+sys/[0-9]+real ms\.$' "$work/run5.err"; then
	pass build/pass5_runs_staprun
else
	fail build/pass5_runs_staprun "rc $rc" "$(cat "$work/args" 2>/dev/null)" "$(detail run5)"
fi
FAKE_RC=3 STAPRUN=$work/fake-staprun st run5fail -r "$rel" -e "$hello"
if [ "$rc" -eq 3 ] && grep -qx 'Pass 5: run failed.  \[man error::pass5\]' "$work/run5fail.err"; then
	pass build/pass5_failure_status
else
	fail build/pass5_failure_status "rc $rc" "$(detail run5fail)"
fi
