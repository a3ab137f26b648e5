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
# the host from BTF and the kernel image must name exactly the events
# tracefs lists in the VM (available_events, syscalls:* aside: those are
# made at run time) plus the bare tracepoints, which have no event.
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
if ! "$STAP" -r "$krel" -l 'kernel.trace("*")' >"$work/ours" 2>"$work/ours.err"; then
	fail kernel/list_matches_tracefs "stap -l failed" "$(head -n 5 "$work/ours.err")"
elif ! "$TOP_SRCDIR/testsuite/vm/run-batch" "$work/batch" >"$work/vm.log" 2>&1; then
	fail kernel/list_matches_tracefs "the VM did not run" "$(tail -n 5 "$work/vm.log")"
else
	# kernel.trace("sched:sched_switch") -> sched:sched_switch; a bare
	# tracepoint (no system) has no event in tracefs.
	sed -n 's/^kernel\.trace("\([a-z0-9_]*:[^"]*\)")$/\1/p' "$work/ours" | sort >"$work/ours.events"
	bare=$(grep -vc '^kernel\.trace("[a-z0-9_]*:' "$work/ours")
	if ! diff -u "$work/batch/results/events.out" "$work/ours.events" >"$work/diff"; then
		fail kernel/list_matches_tracefs "stap -l and tracefs differ" "$(head -n 20 "$work/diff")"
	elif [ "$(wc -l <"$work/ours.events")" -lt 100 ]; then
		fail kernel/list_matches_tracefs "only $(wc -l <"$work/ours.events") events"
	else
		echo "kernel: $(wc -l <"$work/ours.events") events as tracefs lists them, $bare bare tracepoints"
		pass kernel/list_matches_tracefs
	fi
fi
