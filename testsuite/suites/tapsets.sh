#!/bin/bash
# tapsets.sh - the tapset library (tapsets/*.stp): every file parses, no
# function is defined twice, every function is documented, and (once
# pass 2 exists) the common functions elaborate.
#
#   tapsets/parse/NAME            `stap -p1 -g tapsets/NAME.stp` exits 0
#                                 (NAME may be linux/X: tapsets/linux/X.stp)
#                                 (or fails only with D_PARSE_EMPTY_SCRIPT,
#                                 for a file of no declarations) with no
#                                 sanitizer report
#   tapsets/no_duplicate_functions  no two definitions, in one file or in
#                                 two, of one name with one arity (read
#                                 from the -p1 output, so %( %) branches
#                                 not taken do not count)
#   tapsets/documented            each `function` line of a file follows a
#                                 comment line
#   tapsets/syscall_table/FAMILY  FAMILY.* and FAMILY.*.return (syscall,
#                                 nd_syscall) probe every call of the test
#                                 kernel's x86-64 table (its headers'
#                                 syscalls_64.h), at entry and at return
#                                 (but exit and exit_group, which never do),
#                                 and each by one alias only
#   tapsets/elaborate/NAME        `stap -p2 -e 'probe begin { x = CALL }'`
#                                 exits 0, for the calls listed below;
#                                 SKIP while pass 2 is not built
#
# Usage: tapsets.sh [SUBSTRING...] runs only the cases whose names contain
# one of the substrings.
set -u
# plan: 101

here=$(cd "$(dirname "$0")" && pwd)
TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$(dirname "$here")")}
TOP_BUILDDIR=${TOP_BUILDDIR:-$TOP_SRCDIR}
STAP=${STAP:-$TOP_BUILDDIR/translator/stap}
. "$TOP_SRCDIR/testsuite/lib.sh"
tapsets=$TOP_SRCDIR/tapsets

if [ ! -x "$STAP" ]; then
	echo "FAIL: tapsets (no stap at $STAP)"
	exit 1
fi
case $STAP in /*) ;; *) STAP=$PWD/$STAP ;; esac

ulimit -c 0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tapsets.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

files=()
for f in "$tapsets"/*.stp "$tapsets"/linux/*.stp "$tapsets"/linux/*/*.stp; do
	[ -e "$f" ] && files+=("$f")
done

# A file's case name: its path under tapsets/ without .stp ("linux/x").
case_name() {
	local n=${1#"$tapsets"/}
	echo "${n%.stp}"
}
if [ ${#files[@]} -eq 0 ]; then
	echo "FAIL: tapsets (no *.stp files in $tapsets)"
	exit 0
fi

# Parse each file; keep its -p1 output in $tmp/NAME.p1 for the checks below.
for f in "${files[@]}"; do
	name=$(case_name "$f")
	mkdir -p "$(dirname "$tmp/$name")"
	timeout 20 "$STAP" -p1 -g "$f" >"$tmp/$name.p1" 2>"$tmp/$name.err"
	rc=$?
	selected "parse/$name" "$@" || continue
	if sanitizer_report "$tmp/$name.err"; then
		fail "tapsets/parse/$name" "sanitizer report" "$(head -20 "$tmp/$name.err")"
	elif [ "$rc" -ne 0 ] && ! { grep -q 'D_PARSE_EMPTY_SCRIPT' "$tmp/$name.err" &&
		[ "$(grep -c '\[D_' "$tmp/$name.err")" -eq 1 ]; }; then
		fail "tapsets/parse/$name" "stap -p1 exited $rc" "$(head -12 "$tmp/$name.err")"
	else
		pass "tapsets/parse/$name"
	fi
done

# Function definitions from the canonical -p1 output, one per line:
#   NAME/ARITY FILE
# A definition starts a line: `function NAME:TYPE(PARAMS) {` or `%{`.
definitions()
{
	local f name
	for f in "${files[@]}"; do
		name=$(case_name "$f")
		sed -nE 's/^(private )?function ([A-Za-z_$][A-Za-z0-9_$]*)(:[a-z]+)? ?\(([^)]*)\).*/\2 \4/p' \
			"$tmp/$name.p1" |
			while read -r fn params; do
				if [ -z "$params" ]; then
					n=0
				else
					n=$(($(tr -cd ',' <<<"$params" | wc -c) + 1))
				fi
				echo "$fn/$n $name.stp"
			done
	done
}

if selected no_duplicate_functions "$@"; then
	definitions >"$tmp/defs"
	if [ ! -s "$tmp/defs" ]; then
		fail tapsets/no_duplicate_functions "no function definitions found"
	else
		dups=$(awk '{ n[$1]++; where[$1] = where[$1] " " $2 }
			END { for (k in n) if (n[k] > 1) print k ":" where[k] }' "$tmp/defs" | sort)
		if [ -n "$dups" ]; then
			fail tapsets/no_duplicate_functions "defined more than once" "$dups"
		else
			echo "INFO: tapsets: $(wc -l <"$tmp/defs") functions in ${#files[@]} files"
			pass tapsets/no_duplicate_functions
		fi
	fi
fi

if selected documented "$@"; then
	undoc=$(awk 'FNR == 1 { prev = "" }
		/^[ \t]*(private[ \t]+)?function[ \t]/ && prev !~ /^[ \t]*#/ {
			print FILENAME ":" FNR ": " $0 }
		{ prev = $0 }' "${files[@]}" | sed "s|^$tapsets/||")
	if [ -n "$undoc" ]; then
		fail tapsets/documented "functions without a comment above them" "$undoc"
	else
		pass tapsets/documented
	fi
fi

# The system calls of the test kernel's table, one sys_ name a line.
syscall_table() {
	local rel hdr
	rel=$("$TOP_SRCDIR/testsuite/vm/kernel.sh" --print-release) || return 1
	hdr=/usr/src/linux-headers-$rel/arch/x86/include/generated/asm/syscalls_64.h
	[ -r "$hdr" ] || { echo "no $hdr"; return 1; }
	sed -n 's/^__SYSCALL([0-9]*, sys_\([a-z0-9_]*\))$/\1/p' "$hdr" | grep -vx ni_syscall | sort -u
}
for fam in syscall nd_syscall; do
	selected "syscall_table/$fam" "$@" || continue
	if ! syscall_table >"$tmp/table"; then
		fail "tapsets/syscall_table/$fam" "no system call table" "$(cat "$tmp/table")"
		continue
	fi
	rel=$("$TOP_SRCDIR/testsuite/vm/kernel.sh" --print-release)
	timeout 60 "$STAP" -r "$rel" -p2 -e "global n; probe $fam.*, $fam.*.return { n++ }" >"$tmp/p2" 2>"$tmp/err"
	rc=$?
	sed -n 's/^kprobe\.function("__x64_sys_\([a-z0-9_]*\)")?\{0,1\} .*/\1/p' "$tmp/p2" | sort >"$tmp/entry"
	twice=$(uniq -d "$tmp/entry" | tr '\n' ' ')
	sed -n 's/^kprobe\.function("__x64_sys_\([a-z0-9_]*\)")\.return?\{0,1\} .*/\1/p' "$tmp/p2" |
		sort -u >"$tmp/return"
	missing=$(comm -23 "$tmp/table" <(uniq "$tmp/entry") | tr '\n' ' ')
	# exit and exit_group never return: no .return alias, as upstream
	missing_ret=$(comm -23 "$tmp/table" "$tmp/return" | grep -vxE 'exit|exit_group' | tr '\n' ' ')
	if [ "$rc" -ne 0 ] || sanitizer_report "$tmp/err"; then
		fail "tapsets/syscall_table/$fam" "stap -p2 exited $rc" "$(head -8 "$tmp/err")"
	elif [ -n "$twice" ]; then
		fail "tapsets/syscall_table/$fam" "calls two aliases probe (run scripts/gen-syscall-aliases)" "$twice"
	elif [ -n "$missing$missing_ret" ]; then
		fail "tapsets/syscall_table/$fam" "calls without an alias" \
			"entry: $missing" "return: $missing_ret"
	else
		echo "INFO: tapsets: $fam.* probes all $(wc -l <"$tmp/table") calls of $rel's table"
		pass "tapsets/syscall_table/$fam"
	fi
done

# Calls whose elaboration is checked: one per line, NAME then the call.
# Functions that return nothing are called as statements.
calls='
execname	execname()
pid	pid()
tid	tid()
ppid	ppid()
uid	uid()
euid	euid()
gid	gid()
cpu	cpu()
pp	pp()
ppfunc	ppfunc()
probefunc	probefunc()
target	target()
is_return	is_return()
user_mode	user_mode()
gettimeofday_s	gettimeofday_s()
gettimeofday_ms	gettimeofday_ms()
gettimeofday_us	gettimeofday_us()
gettimeofday_ns	gettimeofday_ns()
get_cycles	get_cycles()
jiffies	jiffies()
HZ	HZ()
local_clock_ns	local_clock_ns()
cpu_clock_us	cpu_clock_us(0)
ktime_get_ns	ktime_get_ns()
strlen	strlen("abc")
substr	substr("abcdef", 1, 3)
stringat	stringat("abc", 1)
isinstr	isinstr("abc", "b")
strpos	strpos("abc", "c")
isdigit	isdigit("1x")
str_replace	str_replace("a-b", "-", "+")
strtol	strtol("ff", 16)
tokenize	tokenize("a b", " ")
text_str	text_str("a\nb")
text_strn	text_strn("abc", 2, 1)
string_quoted	string_quoted("x")
kernel_string	kernel_string(0)
kernel_string_n	kernel_string_n(0, 4)
kernel_long	kernel_long(0)
kernel_int	kernel_int(0)
kernel_pointer	kernel_pointer(0)
user_string	user_string(0)
user_string_n	user_string_n(0, 8)
user_string_quoted	user_string_quoted(0)
user_long	user_long(0)
user_int	user_int(0)
user_char	user_char(0)
errno_str	errno_str(2)
return_str	return_str(1, -2)
signal_str	signal_str(9)
ctime	ctime(0)
htonl	htonl(1)
ntohs	ntohs(256)
ip_ntop	ip_ntop(16777343)
task_current	task_current()
task_pid	task_pid(task_current())
task_execname	task_execname(task_current())
pid2execname	pid2execname(1)
msecs_to_string	msecs_to_string(1234)
thread_indent	thread_indent(1)
read_stopwatch_us	read_stopwatch_us("w")
bytes_to_string	bytes_to_string(4096)
MKDEV	MKDEV(8, 1)
randint	randint(10)
cmdline_str	cmdline_str()
symname	symname(0)
int_arg	int_arg(1)
exit	exit()
error	error("e")
warn	warn("w")
log	log("l")
ansi_clear_screen	ansi_clear_screen()
start_stopwatch	start_stopwatch("w")
task_cwd_path	task_cwd_path(task_current())
task_exe_file	task_exe_file(task_current())
current_exe_file	current_exe_file()
task_fd_lookup	task_fd_lookup(task_current(), 0)
task_open_file_handles	task_open_file_handles(task_current())
task_max_file_handles	task_max_file_handles(task_current())
task_ancestry	task_ancestry(task_current(), 1)
task_ns_pid	task_ns_pid(task_current())
task_ns_tid	task_ns_tid(task_current())
task_ns_uid	task_ns_uid(task_current())
task_ns_euid	task_ns_euid(task_current())
task_ns_gid	task_ns_gid(task_current())
task_ns_egid	task_ns_egid(task_current())
ns_pid	ns_pid()
ns_tid	ns_tid()
ns_ppid	ns_ppid()
ns_pgrp	ns_pgrp()
ns_sid	ns_sid()
ns_uid	ns_uid()
ns_euid	ns_euid()
ns_gid	ns_gid()
ns_egid	ns_egid()
proc_mem_size	proc_mem_size(1)
proc_mem_rss	proc_mem_rss()
proc_mem_shr	proc_mem_shr()
proc_mem_txt	proc_mem_txt()
proc_mem_data	proc_mem_data()
proc_mem_string	proc_mem_string(1)
vm_fault_contains	vm_fault_contains(4, 3)
addr_to_node	addr_to_node(0)
sigset_mask_str	sigset_mask_str(3)
is_sig_blocked	is_sig_blocked(task_current(), 9)
sa_flags_str	sa_flags_str(4)
sa_handler_str	sa_handler_str(1)
get_loadavg_index	get_loadavg_index(0)
sprint_loadavg	sprint_loadavg()
'

elab_selected=false
while IFS=$'\t' read -r name call; do
	[ -n "$name" ] || continue
	selected "elaborate/$name" "$@" && elab_selected=true
done <<<"$calls"

if $elab_selected; then
	if ! timeout 20 "$STAP" -p2 -e 'probe begin { exit() }' >/dev/null 2>&1; then
		while IFS=$'\t' read -r name call; do
			[ -n "$name" ] || continue
			selected "elaborate/$name" "$@" || continue
			skip "tapsets/elaborate/$name" "pass 2 not built"
		done <<<"$calls"
	else
		while IFS=$'\t' read -r name call; do
			[ -n "$name" ] || continue
			selected "elaborate/$name" "$@" || continue
			case $name in
			exit | error | warn | log | ansi_* | start_stopwatch)
				script="probe begin { $call }" ;;
			*)
				script="probe begin { println($call) }" ;;
			esac
			timeout 20 "$STAP" -p2 -e "$script" >"$tmp/out" 2>"$tmp/err"
			rc=$?
			if sanitizer_report "$tmp/err"; then
				fail "tapsets/elaborate/$name" "sanitizer report" "$(head -20 "$tmp/err")"
			elif [ "$rc" -ne 0 ]; then
				fail "tapsets/elaborate/$name" "stap -p2 exited $rc" \
					"$script" "$(head -8 "$tmp/err")"
			else
				pass "tapsets/elaborate/$name"
			fi
		done <<<"$calls"
	fi
fi
exit 0
