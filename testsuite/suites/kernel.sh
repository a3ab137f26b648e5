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
# Then kernel/list_matches_tracefs: `stap -l 'kernel.trace("*")'` built on
# the host from BTF, the kernel image and the modules' files must name
# every event tracefs lists in the VM (available_events; syscalls:* aside,
# those are made at run time), and the rest must be the modules' (whose
# events tracefs shows only while they are loaded) and the bare
# tracepoints, which have no event.
set -u
# plan: testsuite/kernel/*.stp 1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

RUN_SUITE=kernel RUN_DIR=$TOP_SRCDIR/testsuite/kernel bash "$here/run.sh"

# ---- the tracepoint list against the VM's tracefs ----
work=${TEST_RESULTS:-/tmp}/kernel-list
rm -rf "$work"
mkdir -p "$work/batch/tests/events"
krel=$(test_krel)
echo 'grep -v "^syscalls:" /sys/kernel/tracing/available_events | sort' \
	>"$work/batch/tests/events/run.sh"
export SYSTEMTAP_DIR=$work/sd
if ! "$STAP" -r "$krel" -l 'kernel.trace("*")' >"$work/ours" 2>"$work/ours.err"; then
	fail kernel/list_matches_tracefs "stap -l failed" "$(head -n 5 "$work/ours.err")"
elif ! "$TOP_SRCDIR/testsuite/vm/run-batch" "$work/batch" >"$work/vm.log" 2>&1; then
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
