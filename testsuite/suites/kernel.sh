#!/bin/bash
# kernel.sh - the kernel probe corpus (testsuite/kernel/): scripts that
# probe the running kernel (tracepoints ...) built by our stap and run in
# ONE boot of the test VM with workloads whose effects they can know (the
# pid that forked, the signal sent with kill, the syscall number of
# getpid).  Case files and checks are the run corpus's (run.sh,
# testsuite/oracle/batch.sh): NAME.stp, NAME.guest, NAME.files, NAME.out
# byte-exact, NAME.err regexes, NAME.rc; any kernel warning or oops fails.
# The expected outputs are written by hand: they are the facts each
# workload makes true, not a recording of our output.
#
# Then, from one more boot of the VM:
# kernel/list_matches_tracefs: `stap -l 'kernel.trace("*")'` built on
# the host from BTF, the kernel image and the modules' files must name
# every event tracefs lists in the VM (available_events; syscalls:* aside,
# those are made at run time), and the rest must be the modules' (whose
# events tracefs shows only while they are loaded) and the bare
# tracepoints, which have no event.
# kernel/functions_match_vm: every function `stap -r REL
# --dump-kernel-functions` calls probeable (from the kernel image) must be
# one the VM's kernel traces (available_filter_functions) and does not
# blacklist (kprobes/blacklist), and the list must hold at least 95% of
# the BTF functions the VM says that of.
# kernel/functions_running_match_image: the same option run inside the
# VM, from its /proc/kallsyms, tracefs and debugfs, lists exactly what
# the host found in the image.
set -u
# plan: testsuite/kernel/*.stp 3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

RUN_SUITE=kernel RUN_DIR=$TOP_SRCDIR/testsuite/kernel bash "$here/run.sh"

# ---- the tracepoint and function lists against the VM's kernel ----
work=${TEST_RESULTS:-/tmp}/kernel-list
rm -rf "$work"
mkdir -p "$work/batch/tests/events" "$work/batch/tests/functions" \
	"$work/batch/tests/functions_running/tapset" "$work/batch/bin"
krel=$(test_krel)
echo 'grep -v "^syscalls:" /sys/kernel/tracing/available_events | sort' \
	>"$work/batch/tests/events/run.sh"
# The kernel's own word on each vmlinux text symbol name (its
# lowest-addressed symbol, the one register_kprobe's symbol_name finds):
# "P NAME" when ftrace has a call site there and the kprobe blacklist no
# range starting there.  available_filter_functions lists each site once,
# in address order, under one of the names at its address, so it is
# walked along kallsyms's text symbols (in address order too); a name not
# found ahead is counted as unmatched.
cat >"$work/batch/tests/functions/run.sh" <<'GUEST'
T=/sys/kernel/tracing
[ -r $T/available_filter_functions ] || T=/sys/kernel/debug/tracing
awk '
FILENAME == ARGV[1] {
	if (NF == 3 && $2 ~ /^[tTwW]$/) { n++; addr[n] = $1; name[n] = $3 }
	next
}
FILENAME == ARGV[2] {
	if (NF != 1 || $1 ~ /^__ftrace_invalid_address__/) next
	k = j + 1
	while (k <= n && name[k] != $1) k++
	if (k > n) { unmatched++; next }
	traced[addr[k]] = 1; nt++
	j = k
	next
}
{ split($1, r, "-"); black[substr(r[1], 3)] = 1; nb++ }
END {
	for (k = 1; k <= n; k++)
		if (!(name[k] in first)) first[name[k]] = addr[k]
	for (nm in first) {
		a = first[nm]; names++
		if ((a in traced) && !(a in black)) { print "P " nm; p++ }
	}
	printf "# %d text symbols, %d names, %d traced, %d blacklisted, %d probeable, %d unmatched\n",
		n, names, nt, nb, p, unmatched + 0
}' /proc/kallsyms $T/available_filter_functions /sys/kernel/debug/kprobes/blacklist
GUEST
echo 120 >"$work/batch/tests/functions/timeout"
# Our stap itself in the VM, from the running kernel's files (it needs no
# tapset for this).
cp "$STAP" "$work/batch/bin/stap"
: >"$work/batch/tests/functions_running/tapset/empty.stp"
# shellcheck disable=SC2016 # expanded in the VM
echo 'SYSTEMTAP_TAPSET=$PWD/tapset stap --dump-kernel-functions' \
	>"$work/batch/tests/functions_running/run.sh"
echo 120 >"$work/batch/tests/functions_running/timeout"

export SYSTEMTAP_DIR=$work/sd
tp_ok=1 fn_ok=1 vm_ok=1
"$STAP" -r "$krel" -l 'kernel.trace("*")' >"$work/ours" 2>"$work/ours.err" || tp_ok=0
"$STAP" -vv -r "$krel" --dump-kernel-functions >"$work/ours.fn" 2>"$work/ours.fn.err" || fn_ok=0
if [ $tp_ok = 1 ] || [ $fn_ok = 1 ]; then
	"$TOP_SRCDIR/testsuite/vm/run-batch" "$work/batch" >"$work/vm.log" 2>&1 || vm_ok=0
fi

if [ $tp_ok = 0 ]; then
	fail kernel/list_matches_tracefs "stap -l failed" "$(head -n 5 "$work/ours.err")"
elif [ $vm_ok = 0 ]; then
	fail kernel/list_matches_tracefs "the VM did not run" "$(tail -n 5 "$work/vm.log")"
else
	# kernel.trace("sched:sched_switch") -> sched:sched_switch; a bare
	# tracepoint (no system) has no event in tracefs.
	sed -n 's/^kernel\.trace("\([^":]*:[^"]*\)")$/\1/p' "$work/ours" | LC_ALL=C sort >"$work/ours.events"
	bare=$(grep -vc '^kernel\.trace("[^":]*:' "$work/ours")
	vm=$work/batch/results/events.out
	missing=$(LC_ALL=C comm -23 "$vm" "$work/ours.events")
	extra=$(LC_ALL=C comm -13 "$vm" "$work/ours.events" | wc -l)
	# The module tracepoints stap knows: the typeinfo cache's scan.
	mods=$(cat "$SYSTEMTAP_DIR"/cache/typeinfo/"$krel"/modules 2>/dev/null | wc -l)
	if [ -n "$missing" ]; then
		fail kernel/list_matches_tracefs "tracefs events stap -l does not list" \
			"$(head -n 20 <<<"$missing")"
	elif [ "$(wc -l <"$vm")" -lt 100 ]; then
		fail kernel/list_matches_tracefs "tracefs lists only $(wc -l <"$vm") events"
	elif [ "$extra" -gt "$mods" ]; then
		fail kernel/list_matches_tracefs "$extra events not in tracefs, but modules have only $mods"
	else
		echo "kernel: all $(wc -l <"$vm") tracefs events listed; $extra more from modules, $bare bare tracepoints"
		pass kernel/list_matches_tracefs
	fi
fi

# ---- the probeable functions against the VM's kernel ----
fn_names() { sed -n 's/^kernel\.function("\(.*\)")$/\1/p' "$1" | LC_ALL=C sort -u; }

check_functions() {
	local res=$work/batch/results summary wrong want have
	fn_names "$work/ours.fn" >"$work/ours.names"
	# -vv: "NAME: status: why" on stderr for every BTF function not listed.
	{ cat "$work/ours.names"; sed -n 's/^\([A-Za-z_][A-Za-z0-9_.]*\): .*/\1/p' "$work/ours.fn.err"; } |
		LC_ALL=C sort -u >"$work/btf.names"
	sed -n 's/^P //p' "$res/functions.out" | LC_ALL=C sort -u >"$work/vm.names"
	LC_ALL=C comm -12 "$work/btf.names" "$work/vm.names" >"$work/want.names"
	summary=$(grep '^# ' "$res/functions.out")
	wrong=$(LC_ALL=C comm -23 "$work/ours.names" "$work/vm.names")
	want=$(wc -l <"$work/want.names")
	have=$(LC_ALL=C comm -12 "$work/ours.names" "$work/want.names" | wc -l)
	if [ "$(cat "$res/functions.rc")" != 0 ] || ! grep -q ' 0 unmatched$' <<<"$summary"; then
		fail kernel/functions_match_vm "the VM's lists could not be read" \
			"${summary:-no summary}" "$(tail -n 5 "$res/functions.out")"
	elif [ "$want" -lt 10000 ]; then
		fail kernel/functions_match_vm "the VM can kprobe only $want BTF functions" "$summary"
	elif [ -n "$wrong" ]; then
		fail kernel/functions_match_vm \
			"$(wc -l <<<"$wrong") listed, but not traced or blacklisted in the VM" \
			"$(head -n 20 <<<"$wrong")"
	elif [ $((have * 100)) -lt $((want * 95)) ]; then
		fail kernel/functions_match_vm "only $have of the $want BTF functions the VM can kprobe listed" \
			"$(LC_ALL=C comm -13 "$work/ours.names" "$work/want.names" | head -n 20)"
	else
		echo "kernel: the VM has${summary#\#}"
		echo "kernel: of $(wc -l <"$work/btf.names") BTF functions $(wc -l <"$work/ours.names") listed," \
			"all traced and not blacklisted in the VM: $have of the $want it can kprobe" \
			"($((have * 1000 / want / 10)).$((have * 1000 / want % 10))%)"
		pass kernel/functions_match_vm
	fi
}

check_running() {
	local res=$work/batch/results diff
	fn_names "$res/functions_running.out" >"$work/running.names"
	diff=$(diff "$work/ours.names" "$work/running.names" | grep '^[<>]')
	if [ "$(cat "$res/functions_running.rc")" != 0 ]; then
		fail kernel/functions_running_match_image "stap in the VM failed" \
			"$(tail -n 5 "$res/functions_running.out")"
	elif [ "$(wc -l <"$work/running.names")" -lt 10000 ]; then
		fail kernel/functions_running_match_image \
			"stap in the VM listed only $(wc -l <"$work/running.names")"
	elif [ -n "$diff" ]; then
		fail kernel/functions_running_match_image \
			"the running kernel's files and the image disagree (< image, > running)" \
			"$(head -n 20 <<<"$diff")"
	else
		echo "kernel: stap in the VM lists the same $(wc -l <"$work/running.names") functions from /proc"
		pass kernel/functions_running_match_image
	fi
}

if [ $fn_ok = 0 ]; then
	fail kernel/functions_match_vm "stap --dump-kernel-functions failed" \
		"$(head -n 5 "$work/ours.fn.err")"
	fail kernel/functions_running_match_image "stap --dump-kernel-functions failed"
elif [ $vm_ok = 0 ]; then
	fail kernel/functions_match_vm "the VM did not run" "$(tail -n 5 "$work/vm.log")"
	fail kernel/functions_running_match_image "the VM did not run"
else
	check_functions
	check_running
fi
