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
# kernel/module_functions_match_vm: the same as functions_match_vm for
# kvm.ko's functions (`--dump-kernel-functions='kvm:*'`, from the .ko's
# symbol table and relocations), with kvm.ko loaded in the VM.
#
# Then testsuite/kernel-stress/ (kernel-stress/NAME), the same kind of
# cases each needing a boot of its own: kf_reload_stress loads and
# unloads a kprobe module 1,000 times under load.
#
# Then testsuite/kernel-nokaslr/ (kernel-nokaslr/NAME), the same kind of
# cases for probes on raw kernel addresses (kernel.statement(ADDR).absolute),
# which must be known when the module is built: the kernel must not be
# relocated, so these cases run in a boot with `nokaslr`.  Their scripts
# name addresses as @ADDR(SYMBOL)@: one more nokaslr boot (8 s) reads
# those symbols' addresses from /proc/kallsyms (a name's first line, its
# lowest address, as kallsyms_lookup_name finds it), and the cases are run
# from copies with the addresses written in.  Without nokaslr the same
# addresses are not kernel text: registration fails.
#
# RUN_CASES may name cases of all three directories: each run takes its
# own (names found in none go to the first, which fails them).
set -u
# plan: testsuite/kernel/*.stp testsuite/kernel-stress/*.stp testsuite/kernel-nokaslr/*.stp 4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

# Every boot puts both vCPUs on one host thread: under qemu's
# multi-threaded TCG the 6.1 kernel's own code patching (int3-based
# text_poke_bp, used by kprobes and by the static keys a tracepoint
# flips) sometimes sends the other CPU astray (doc/kernel-functions.md);
# one CI run hung in tp_reload_stress so.  It costs no wall time here.
export VM_TCG_THREAD=single

# RUN_CASES split by directory: main_cases, stress_cases, nokaslr_cases
# (all unset: every case of each).
stress_dir=$TOP_SRCDIR/testsuite/kernel-stress
nokaslr_dir=$TOP_SRCDIR/testsuite/kernel-nokaslr
main_cases=() stress_cases=(kf_reload_stress) nokaslr_cases=()
for f in "$nokaslr_dir"/*.stp; do
	f=${f##*/}
	nokaslr_cases+=("${f%.stp}")
done
if [ -n "${RUN_CASES:-}" ]; then
	main_cases=() stress_cases=() nokaslr_cases=()
	for n in $RUN_CASES; do
		n=${n##*/} n=${n%.stp}
		if [ -f "$stress_dir/$n.stp" ]; then
			stress_cases+=("$n")
		elif [ -f "$nokaslr_dir/$n.stp" ]; then
			nokaslr_cases+=("$n")
		else
			main_cases+=("$n")
		fi
	done
fi
if [ -z "${RUN_CASES:-}" ] || [ ${#main_cases[@]} -gt 0 ]; then
	RUN_CASES="${main_cases[*]}" RUN_SUITE=kernel RUN_DIR=$TOP_SRCDIR/testsuite/kernel \
		bash "$here/run.sh"
fi
if [ ${#stress_cases[@]} -gt 0 ]; then
	RUN_CASES="${stress_cases[*]}" RUN_SUITE=kernel-stress RUN_DIR=$stress_dir \
		bash "$here/run.sh"
fi

# ---- testsuite/kernel-nokaslr/: addresses known at build time ----
# addr_names FILE...: the SYMBOLs of the files' @ADDR(SYMBOL)@, once each.
addr_names() {
	grep -ho '@ADDR([A-Za-z0-9_.]*)@' "$@" | sed 's/^@ADDR(\(.*\))@$/\1/' | LC_ALL=C sort -u
}

# nokaslr_run: the symbols the cases name, from a nokaslr boot's
# /proc/kallsyms; the cases with their addresses in $work/cases; run.sh
# runs them in a nokaslr boot.
nokaslr_run() {
	local work=${TEST_RESULTS:-/tmp}/kernel-nokaslr-src n sym addr missing=
	local append="${VM_APPEND:+$VM_APPEND }nokaslr" syms
	rm -rf "$work"
	mkdir -p "$work/syms/tests/kallsyms" "$work/cases"
	syms=$work/syms/tests/kallsyms
	for n in "${nokaslr_cases[@]}"; do
		addr_names "$nokaslr_dir/$n.stp"
	done | LC_ALL=C sort -u >"$syms/names"
	# "SYMBOL ADDRESS" for each name, from its first line in kallsyms
	cat >"$syms/run.sh" <<'GUEST'
awk 'NR == FNR { want[$1] = 1; next }
$3 in want && !($3 in seen) { seen[$3] = 1; print $3, $1 }' names /proc/kallsyms
GUEST
	if [ -s "$syms/names" ]; then
		VM_APPEND=$append "$TOP_SRCDIR/testsuite/vm/run-batch" "$work/syms" \
			>"$work/syms.log" 2>&1
	fi
	for n in "${nokaslr_cases[@]}"; do
		cp "$nokaslr_dir/$n".* "$work/cases/"
		while read -r sym; do
			addr=$(awk -v s="$sym" '$1 == s { print $2 }' \
				"$work/syms/results/kallsyms.out" 2>/dev/null)
			if [[ $addr =~ ^[0-9a-f]{16}$ ]]; then
				sed -i "s/@ADDR($sym)@/0x$addr/g" "$work/cases/$n.stp"
			else
				missing+=" $sym"
			fi
		done < <(addr_names "$nokaslr_dir/$n.stp")
	done
	if [ -n "$missing" ]; then
		for n in "${nokaslr_cases[@]}"; do
			fail "kernel-nokaslr/$n" "no address for$missing in the VM's /proc/kallsyms" \
				"$(tail -n 5 "$work/syms.log" 2>/dev/null)"
		done
		return
	fi
	VM_APPEND=$append RUN_CASES="${nokaslr_cases[*]}" RUN_SUITE=kernel-nokaslr \
		RUN_DIR=$work/cases bash "$here/run.sh"
}
[ ${#nokaslr_cases[@]} -eq 0 ] || nokaslr_run

# ---- the tracepoint and function lists against the VM's kernel ----
work=${TEST_RESULTS:-/tmp}/kernel-list
rm -rf "$work"
mkdir -p "$work/batch/tests/events" "$work/batch/tests/functions" \
	"$work/batch/tests/functions_running/tapset" "$work/batch/bin"
krel=$(test_krel)
echo 'grep -v "^syscalls:" /sys/kernel/tracing/available_events | sort' \
	>"$work/batch/tests/events/run.sh"
# The kernel's own word on each text symbol name of vmlinux (lines
# "P NAME") and of kvm.ko, loaded for the purpose ("M NAME"): the symbol
# a name stands for (vmlinux's lowest-addressed one, the first in a
# module's symbol table: what register_kprobe's symbol_name finds) has an
# ftrace call site and no kprobe blacklist range starts there.
# available_filter_functions lists each site once, in address order,
# under one of the names at its address, so it is walked along the text
# symbols sorted by address; a name not found ahead counts as unmatched.
# Arguments: the symbols in lookup order, the same in address order
# (/dev/null: the first file is), available_filter_functions, the
# blacklist; -v mod: "" for vmlinux, "[kvm]" for a module's lines.
cat >"$work/batch/tests/functions/truth.awk" <<'GUEST'
function ours(want_nf) { return mod == "" ? NF == want_nf : NF == want_nf + 1 && $NF == mod }
function add_sorted() { n++; addr[n] = $1; name[n] = $3 }
FILENAME == ARGV[1] {
	if (!ours(3) || $2 !~ /^[tTwW]$/) next
	nsyms++
	if (!($3 in first)) first[$3] = $1
	if (ARGV[2] == "/dev/null") add_sorted()
	next
}
FILENAME == ARGV[2] { if (ours(3) && $2 ~ /^[tTwW]$/) add_sorted(); next }
FILENAME == ARGV[3] {
	if (!ours(1) || $1 ~ /^__ftrace_invalid_address__/) next
	k = j + 1
	while (k <= n && name[k] != $1) k++
	if (k > n) { unmatched++; next }
	traced[addr[k]] = 1; nt++
	j = k
	next
}
ours(2) { split($1, r, "-"); black[substr(r[1], 3)] = 1; nb++ }
END {
	for (nm in first) {
		a = first[nm]; names++
		if ((a in traced) && !(a in black)) { print tag " " nm; p++ }
	}
	printf "# %s: %d text symbols, %d names, %d traced, %d blacklisted, %d probeable, %d unmatched\n",
		mod == "" ? "vmlinux" : mod, nsyms, names, nt, nb, p, unmatched + 0
}
GUEST
cat >"$work/batch/tests/functions/run.sh" <<'GUEST'
T=/sys/kernel/tracing
[ -r $T/available_filter_functions ] || T=/sys/kernel/debug/tracing
B=/sys/kernel/debug/kprobes/blacklist
awk -f truth.awk -v mod= -v tag=P /proc/kallsyms /dev/null $T/available_filter_functions $B
insmod irqbypass.ko && insmod kvm.ko || exit 1
grep '	\[kvm\]$' /proc/kallsyms >/tmp/kvm.syms
sort /tmp/kvm.syms >/tmp/kvm.sorted
awk -f truth.awk -v mod='[kvm]' -v tag=M /tmp/kvm.syms /tmp/kvm.sorted \
	$T/available_filter_functions $B
GUEST
echo 120 >"$work/batch/tests/functions/timeout"
for m in kernel/virt/lib/irqbypass.ko kernel/arch/x86/kvm/kvm.ko; do
	cp "/lib/modules/$krel/$m" "$work/batch/tests/functions/" 2>/dev/null
done
# Our stap itself in the VM, from the running kernel's files (it needs no
# tapset for this).
cp "$STAP" "$work/batch/bin/stap"
: >"$work/batch/tests/functions_running/tapset/empty.stp"
# shellcheck disable=SC2016 # expanded in the VM
echo 'SYSTEMTAP_TAPSET=$PWD/tapset stap --dump-kernel-functions' \
	>"$work/batch/tests/functions_running/run.sh"
echo 120 >"$work/batch/tests/functions_running/timeout"

export SYSTEMTAP_DIR=$work/sd
tp_ok=1 fn_ok=1 kvm_ok=1 vm_ok=1
"$STAP" -r "$krel" -l 'kernel.trace("*")' >"$work/ours" 2>"$work/ours.err" || tp_ok=0
"$STAP" -vv -r "$krel" --dump-kernel-functions >"$work/ours.fn" 2>"$work/ours.fn.err" || fn_ok=0
"$STAP" -vv -r "$krel" --dump-kernel-functions='kvm:*' >"$work/ours.kvm" 2>"$work/ours.kvm.err" ||
	kvm_ok=0
if [ $tp_ok = 1 ] || [ $fn_ok = 1 ] || [ $kvm_ok = 1 ]; then
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
fn_names() { sed -n 's/^\(kernel\|module("[^"]*")\)\.function("\(.*\)")$/\2/p' "$1" | LC_ALL=C sort -u; }

# compare_lists CASE WHAT OURS ERR TAG MIN: stap's listing OURS (its -vv
# stderr ERR names every other function it went through) against the VM's
# TAG lines: every name listed must be there, and at least 95% of the
# names stap went through that are there must be listed.
compare_lists() {
	local case=$1 what=$2 ours=$3 err=$4 tag=$5 min=$6 res=$work/batch/results
	local summary wrong want have
	fn_names "$ours" >"$ours.names"
	# -vv: "NAME: status: why" on stderr for every function not listed.
	{ cat "$ours.names"; sed -n 's/^\([A-Za-z_][A-Za-z0-9_.]*\): .*/\1/p' "$err"; } |
		LC_ALL=C sort -u >"$ours.all"
	sed -n "s/^$tag //p" "$res/functions.out" | LC_ALL=C sort -u >"$ours.vm"
	LC_ALL=C comm -12 "$ours.all" "$ours.vm" >"$ours.want"
	summary=$(grep -F "# $what:" "$res/functions.out")
	wrong=$(LC_ALL=C comm -23 "$ours.names" "$ours.vm")
	want=$(wc -l <"$ours.want")
	have=$(LC_ALL=C comm -12 "$ours.names" "$ours.want" | wc -l)
	if ! grep -q ' 0 unmatched$' <<<"$summary"; then
		fail "$case" "the VM's lists could not be read (rc $(cat "$res/functions.rc"))" \
			"${summary:-no summary}" "$(tail -n 5 "$res/functions.out")"
	elif [ "$want" -lt "$min" ]; then
		fail "$case" "the VM can kprobe only $want of the functions stap went through" "$summary"
	elif [ -n "$wrong" ]; then
		fail "$case" "$(wc -l <<<"$wrong") listed, but not traced or blacklisted in the VM" \
			"$(head -n 20 <<<"$wrong")"
	elif [ $((have * 100)) -lt $((want * 95)) ]; then
		fail "$case" "only $have of the $want functions the VM can kprobe listed" \
			"$(LC_ALL=C comm -13 "$ours.names" "$ours.want" | head -n 20)"
	else
		echo "kernel: the VM's ${summary#\# }"
		echo "kernel: $what: of $(wc -l <"$ours.all") functions $(wc -l <"$ours.names") listed," \
			"all traced and not blacklisted in the VM: $have of the $want it can kprobe" \
			"($((have * 1000 / want / 10)).$((have * 1000 / want % 10))%)"
		pass "$case"
	fi
}

check_running() {
	local res=$work/batch/results diff
	fn_names "$res/functions_running.out" >"$work/running.names"
	diff=$(diff "$work/ours.fn.names" "$work/running.names" | grep '^[<>]')
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
	compare_lists kernel/functions_match_vm vmlinux "$work/ours.fn" "$work/ours.fn.err" P 10000
	check_running
fi
if [ ! -f "$work/batch/tests/functions/kvm.ko" ]; then
	cannot_run kernel/module_functions_match_vm "no /lib/modules/$krel/kernel/arch/x86/kvm/kvm.ko"
elif [ $kvm_ok = 0 ]; then
	fail kernel/module_functions_match_vm "stap --dump-kernel-functions='kvm:*' failed" \
		"$(head -n 5 "$work/ours.kvm.err")"
elif [ $vm_ok = 0 ]; then
	fail kernel/module_functions_match_vm "the VM did not run" "$(tail -n 5 "$work/vm.log")"
else
	compare_lists kernel/module_functions_match_vm '[kvm]' "$work/ours.kvm" "$work/ours.kvm.err" M 500
fi
