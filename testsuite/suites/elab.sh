#!/bin/bash
# elab.sh - pass-2 tests: the elaborator accepts what it must and rejects
# what it must, with the right diagnostic at the right place; and the
# listing modes (-l, -L, --dump-*) print what upstream prints.
#
#   testsuite/elabok/NAME.stp   must elaborate.  PASS when `stap -p2` exits
#       0, prints a `# probes` section, and, if testsuite/p2golden/NAME.p2
#       exists, its output equals it.
#   testsuite/elabko/NAME.stp   must fail.  PASS when `stap -p2` exits
#       exactly 1 (0 is acceptance, >=124 a hang or a crash) and stderr holds
#       every expectation of the case's header.  Cases are named
#       err.D_TAG.what.stp after the tag they provoke (translator/diag.h).
#   listing cases (below, in this file): `stap -l/-L/--dump-*` against
#       expected output checked against upstream SystemTap 4.8; those that
#       need tapset aliases or functions run on a small fixture tapset
#       (SYSTEMTAP_TAPSET) so that they do not depend on the library.
#
# Every run is under `timeout 10` and fails on a sanitizer report.
#
# Header lines (any of the leading `#` comment lines of a case; being `#`
# comments they are also ordinary script comments):
#   # stap-opts: -g            extra stap options, before the script file
#                              (@KREL@: the test kernel's release)
#   # args: foo 42             script arguments, after the script file
#   # expect: D_TAG            elabko: stderr contains "[D_TAG]"
#   # expect-text: TEXT        elabko: stderr contains TEXT (repeatable)
#   # expect-pos: L:C          elabko: stderr contains "NAME.stp:L:C:"
#                              (where the diagnostic points)
#   # expect-note: L:C         elabko: stderr contains "NAME.stp:L:C: note:"
#                              (the other place a diagnostic names, such as
#                              where a conflicting type was first inferred)
#   # upstream: ...            for elab-oracle.sh: why upstream differs (ignored here)
#
# elabko/tapset/ holds a fixture tapset for cases about a second file
# (`# stap-opts: -I tapset`).  Cases run from their own directory, so file
# names in messages are the bare NAME.stp.  Usage: elab.sh [SUBSTRING...]
# runs only the cases whose names contain one of the substrings (e.g.
# `elab.sh alias err.D_SEM_TYPE list`).  testsuite/elab-oracle.sh checks
# the cases against upstream.
set -u
# plan: testsuite/elabok/*.stp testsuite/elabko/*.stp 32

here=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$(dirname "$here")")}
TOP_BUILDDIR=${TOP_BUILDDIR:-$TOP_SRCDIR}
STAP=${STAP:-$TOP_BUILDDIR/translator/stap}
ts=$TOP_SRCDIR/testsuite
okdir=$ts/elabok
kodir=$ts/elabko
golddir=$ts/p2golden

if [ ! -x "$STAP" ]; then
	echo "FAIL: elab (no stap at $STAP)"
	exit 1
fi
case $STAP in /*) ;; *) STAP=$PWD/$STAP ;; esac

ulimit -c 0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/elab.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$TOP_SRCDIR/testsuite/cases.sh"

check_ok()
{
	local name=$1 why
	read_header "$okdir/$name.stp"
	run_stap "$okdir" -p2 "${opts[@]}" "$name.stp" "${args[@]}"
	why=$(bad_exit)
	if [ -n "$why" ] || [ "$rc" -ne 0 ]; then
		echo "FAIL: elab/ok/$name"
		echo "    ${why:-exit $rc}; stderr:"
		detail "$tmp/err"
		return
	fi
	if ! grep -q '^# probes' "$tmp/out"; then
		echo "FAIL: elab/ok/$name"
		echo "    no '# probes' section in the -p2 output:"
		detail "$tmp/out"
		return
	fi
	if [ -f "$golddir/$name.p2" ] && ! cmp -s "$golddir/$name.p2" "$tmp/out"; then
		echo "FAIL: elab/ok/$name"
		echo "    output differs from p2golden/$name.p2:"
		diff -u "$golddir/$name.p2" "$tmp/out" | tail -n +3 | head -n 30 | sed 's/^/    /'
		return
	fi
	echo "PASS: elab/ok/$name"
}


# ---- listing cases ----
#
# Expected outputs were checked against upstream 4.8 (`stap -r KREL ...`,
# with SYSTEMTAP_TAPSET pointing at the same fixture where one is used).

# The fixture tapset: two embedded-C functions, script functions whose
# types are inferred (b of cat is a string because of `.`), a function
# that returns nothing, a private function (not listed), and two aliases.
make_fixture()
{
	mkdir -p "$tmp/tapset"
	cat >"$tmp/tapset/fixture.stp" <<'EOF'
function execname:string () %{ /* pure */ strlcpy(STAP_RETVALUE, current->comm, MAXSTRINGLEN); %}
function pid:long () %{ /* pure */ STAP_RETVALUE = current->tgid; %}
function add(a, b) { return a + b }
function cat(a:string, b) { return a . b }
function noret() { }
private function hidden() { return 1 }
probe myalias = begin { x = 1 }
probe myalias2 = timer.ms(10), end { }
EOF
}

# list_case NAME FIXTURE(0|1) WANT_RC EXPECTED_STDOUT STAP-ARGS...
# PASS when stap exits WANT_RC and its stdout is exactly EXPECTED_STDOUT
# (a trailing newline added unless empty).
list_case()
{
	local name=$1 fixture=$2 want_rc=$3 want=$4
	shift 4
	wanted "$name" || return 0
	if [ -n "$want" ]; then
		printf '%s\n' "$want" >"$tmp/want"
	else
		: >"$tmp/want"
	fi
	if [ "$fixture" = 1 ]; then
		SYSTEMTAP_TAPSET=$tmp/tapset run_stap "$tmp" "$@"
	else
		run_stap "$tmp" "$@"
	fi
	local why
	why=$(bad_exit)
	[ -z "$why" ] && [ "$rc" -ne "$want_rc" ] && why="exit $rc, not $want_rc"
	# An expected failure must not be the option's absence.
	[ -z "$why" ] && grep -q 'not implemented' "$tmp/err" && why="not implemented"
	if [ -n "$why" ]; then
		echo "FAIL: elab/$name"
		echo "    $why; stderr:"
		detail "$tmp/err"
		return
	fi
	if ! cmp -s "$tmp/want" "$tmp/out"; then
		echo "FAIL: elab/$name"
		echo "    stap $*: stdout differs from what upstream prints:"
		diff -u "$tmp/want" "$tmp/out" | tail -n +3 | head -n 20 | sed 's/^/    /'
		return
	fi
	echo "PASS: elab/$name"
}

# dump_types_case NAME: --dump-probe-types lists (at least) the
# no-debuginfo families this project covers, one per line.
dump_types_case()
{
	local name=$1 l miss=()
	wanted "$name" || return 0
	run_stap "$tmp" --dump-probe-types
	local why
	why=$(bad_exit)
	[ -z "$why" ] && [ "$rc" -ne 0 ] && why="exit $rc, not 0"
	if [ -n "$why" ]; then
		echo "FAIL: elab/$name"
		echo "    $why; stderr:"
		detail "$tmp/err"
		return
	fi
	for l in 'begin' 'begin(number)' 'end' 'end(number)' 'error' 'error(number)' \
		'never' 'timer.s(number)' 'timer.sec(number)' 'timer.ms(number)' \
		'timer.msec(number)' 'timer.us(number)' 'timer.usec(number)' \
		'timer.ns(number)' 'timer.nsec(number)' 'timer.hz(number)' \
		'timer.jiffies(number)' 'timer.s(number).randomize(number)' \
		'timer.ms(number).randomize(number)' 'timer.jiffies(number).randomize(number)'; do
		grep -qxF -- "$l" "$tmp/out" || miss+=("$l")
	done
	if [ ${#miss[@]} -gt 0 ]; then
		echo "FAIL: elab/$name"
		echo "    --dump-probe-types does not list: ${miss[*]}"
		return
	fi
	echo "PASS: elab/$name"
}

# kfunc_dump_case NAME: `--dump-kernel-functions` for the test kernel
# (symbols from its image: Debian's System.map is a stub) lists functions
# a kprobe takes there, and none of those it refuses.  Facts of Debian's
# 6.1; kernel/functions_match_vm checks the whole list against the VM.
kfunc_dump_case()
{
	local name=$1 f miss=() extra=() why
	wanted "$name" || return 0
	run_stap "$tmp" -r "$(test_krel)" --dump-kernel-functions
	why=$(bad_exit)
	[ -z "$why" ] && [ "$rc" -ne 0 ] && why="exit $rc, not 0"
	[ -z "$why" ] && [ "$(wc -l <"$tmp/out")" -lt 30000 ] &&
		why="only $(wc -l <"$tmp/out") functions listed"
	[ -z "$why" ] && ! LC_ALL=C sort -cu "$tmp/out" 2>/dev/null && why="not sorted and unique"
	if [ -n "$why" ]; then
		echo "FAIL: elab/$name"
		echo "    $why; stderr:"
		detail "$tmp/err"
		return
	fi
	for f in vfs_read do_sys_openat2 kernel_clone __do_softirq; do
		grep -qxF "kernel.function(\"$f\")" "$tmp/out" || miss+=("$f")
	done
	# __init, NOKPROBE_SYMBOL, .noinstr.text, .entry.text, notrace, and a
	# function that exists only as finish_task_switch.isra.0.
	for f in start_kernel do_int3 exc_int3 asm_load_gs_index ___ratelimit finish_task_switch; do
		grep -qxF "kernel.function(\"$f\")" "$tmp/out" && extra+=("$f")
	done
	if [ ${#miss[@]} -gt 0 ] || [ ${#extra[@]} -gt 0 ]; then
		echo "FAIL: elab/$name"
		[ ${#miss[@]} -eq 0 ] || echo "    not listed: ${miss[*]}"
		[ ${#extra[@]} -eq 0 ] || echo "    listed, but kprobes refuse them: ${extra[*]}"
		return
	fi
	echo "PASS: elab/$name"
}

# kfunc_why_case NAME [MODULE:]FUNCTION WHY: `-vv
# --dump-kernel-functions=[MODULE:]FUNCTION` lists nothing and says why on
# stderr: a line "FUNCTION: WHY..." (WHY a regex).
kfunc_why_case()
{
	local name=$1 arg=$2 want=$3 why fn=${2#*:}
	wanted "$name" || return 0
	run_stap "$tmp" -vv -r "$(test_krel)" --dump-kernel-functions="$arg"
	why=$(bad_exit)
	[ -z "$why" ] && [ "$rc" -ne 0 ] && why="exit $rc, not 0"
	[ -z "$why" ] && [ -s "$tmp/out" ] && why="listed: $(head -n 1 "$tmp/out")"
	[ -z "$why" ] && ! grep -q "^$fn: $want" "$tmp/err" && why="stderr lacks '$fn: $want'"
	if [ -n "$why" ]; then
		echo "FAIL: elab/$name"
		echo "    $why; stderr:"
		detail "$tmp/err"
		return
	fi
	echo "PASS: elab/$name"
}

run_listing_cases()
{
	make_fixture
	list_case list/begin 0 0 'begin' -l begin
	list_case list/begin_priority 0 0 'begin(5)' -l 'begin(5)'
	list_case list/end 0 0 'end' -l end
	list_case list/never 0 0 'never' -l never
	list_case list/timer_ms 0 0 'timer.ms(100)' -l 'timer.ms(100)'
	list_case list/timer_randomize 0 0 'timer.s(1).randomize(1)' -l 'timer.s(1).randomize(1)'
	list_case list/no_match 0 1 '' -l no.such.point
	list_case list/alias_wildcard 1 0 $'myalias\nmyalias2' -l 'myalias*'
	list_case list_vars/begin 0 0 'begin' -L begin
	list_case list_vars/timer_s 0 0 'timer.s(1)' -L 'timer.s(1)'
	list_case list_vars/alias_prologue_locals 1 0 'myalias x:long' -L myalias
	list_case list_vars/alias_no_locals 1 0 'myalias2' -L myalias2
	# Tracepoints of the test kernel, from its BTF and image.
	list_case list/tracepoint_wildcard 0 0 \
		$'kernel.trace("sched:sched_process_fork")\nkernel.trace("sched:sched_process_free")' \
		-r "$(test_krel)" -l 'kernel.trace("sched:sched_process_f*")'
	list_case list_vars/tracepoint 0 0 \
		'kernel.trace("sched:sched_switch") $preempt:bool $prev:struct task_struct* $next:struct task_struct* $prev_state:unsigned int' \
		-r "$(test_krel)" -L 'kernel.trace("sched_switch")'
	# a .return alias using @entry lists its own variables and $return
	# (its entry half, which has the same name, is not a line)
	list_case list_vars/return_alias_with_entry 0 0 \
		'udp.recvmsg.return name:string size:long sock:long family:long saddr:string daddr:string sport:long dport:long $sk:struct sock* $msg:struct msghdr* $len:size_t $flags:int $addr_len:int* $return:int' \
		-r "$(test_krel)" -L 'udp.recvmsg.return'
	# a tapset alias's own temporaries (__sock) are not listed
	list_case list_vars/alias_hides_temporaries 0 0 \
		'socket.sendmsg name:string size:long family:long protocol:long state:long flags:long type:long $sock:struct socket* $msg:struct msghdr*' \
		-r "$(test_krel)" -L 'socket.sendmsg'
	list_case list_vars/tracepoint_bare 0 0 \
		'kernel.trace("sched_update_nr_running_tp") $rq:struct rq* $change:int' \
		-r "$(test_krel)" -L 'kernel.trace("sched_update_nr_running_tp")'
	list_case dump/functions 1 0 \
		$'add:long (a:long, b:long)\ncat:string (a:string, b:string)\nexecname:string ()\nnoret:unknown ()\npid:long ()' \
		--dump-functions
	list_case dump/probe_aliases 1 0 $'myalias = begin\nmyalias2 = timer.ms(10), end' \
		--dump-probe-aliases
	# Kernel functions of the test kernel, from its image's kallsyms.
	kfunc_dump_case dump/kernel_functions
	kfunc_why_case dump/kernel_function_clone_only finish_task_switch \
		'clones only: only finish_task_switch\.'
	kfunc_why_case dump/kernel_function_init start_kernel 'init: '
	kfunc_why_case dump/kernel_function_nokprobe do_int3 'blacklisted: NOKPROBE_SYMBOL'
	kfunc_why_case dump/kernel_function_noinstr exc_int3 'blacklisted: noinstr'
	kfunc_why_case dump/kernel_function_entry asm_load_gs_index 'blacklisted: entry code'
	kfunc_why_case dump/kernel_function_notrace ___ratelimit 'notrace: '
	kfunc_why_case dump/kernel_function_no_symbol no_such_function_here 'no symbol: '
	# A module's, from its .ko: kvm_spurious_fault is noinstr; ext4_init_fs
	# is module_init code.
	list_case dump/module_function 0 0 'module("ext4").function("ext4_file_read_iter")' \
		-r "$(test_krel)" --dump-kernel-functions=ext4:ext4_file_read_iter
	kfunc_why_case dump/module_function_init ext4:ext4_init_fs 'init: '
	kfunc_why_case dump/module_function_noinstr kvm:kvm_spurious_fault 'blacklisted: noinstr'
	kfunc_why_case dump/module_function_notrace 'kvm:__bpf_trace_kvm_ack_irq' 'notrace: '
	list_case dump/module_unknown 0 1 '' -r "$(test_krel)" --dump-kernel-functions='no_such_module:*'
	dump_types_case dump/probe_types
}

filters=("$@")
for f in "$okdir"/*.stp; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .stp)
	wanted "$n" && check_ok "$n"
done
for f in "$kodir"/*.stp; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .stp)
	wanted "$n" && check_ko elab/ko -p2 "$n"
done
run_listing_cases
# A golden file whose case is gone is a mistake worth hearing about.
for g in "$golddir"/*.p2; do
	[ -e "$g" ] || continue
	n=$(basename "$g" .p2)
	if [ ! -f "$okdir/$n.stp" ] && wanted "$n"; then
		echo "FAIL: elab/ok/$n"
		echo "    p2golden/$n.p2 has no elabok/$n.stp"
	fi
done
exit 0
