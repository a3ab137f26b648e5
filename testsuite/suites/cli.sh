#!/bin/bash
# cli.sh - the stap and staprun command lines: help, version, bad options,
# options whose feature is not built yet.
set -u
# plan: 56
. "$(dirname "$0")/../lib.sh"

# expect_run NAME WANT_RC PATTERN STREAM -- CMD...
#   run CMD; PASS when it exits WANT_RC and STREAM (out|err) matches PATTERN.
expect_run() {
	local name=$1 want_rc=$2 pattern=$3 stream=$4
	shift 5
	local out err rc
	out=$(mktemp) err=$(mktemp)
	timeout 20 "$@" >"$out" 2>"$err"
	rc=$?
	local text
	if [ "$stream" = out ]; then text=$(cat "$out"); else text=$(cat "$err"); fi
	if [ "$rc" -ne "$want_rc" ]; then
		fail "cli/$name" "exit status $rc, expected $want_rc" "$(head -5 "$err")"
	elif ! grep -qE -- "$pattern" <<<"$text"; then
		fail "cli/$name" "std$stream does not match /$pattern/" "$(head -5 "$out" "$err")"
	elif sanitizer_report "$err"; then
		fail "cli/$name" "sanitizer report" "$(head -5 "$err")"
	else
		pass "cli/$name"
	fi
	rm -f "$out" "$err"
}

expect_run help_long 0 '^Usage: stap' out -- "$STAP" --help
expect_run help_short 0 '^Usage: stap' out -- "$STAP" -h
expect_run help_lists_every_letter 0 ' -e SCRIPT.* -E SCRIPT|-e SCRIPT' out -- "$STAP" --help
expect_run version_long 0 'SystemTap in C.*version [0-9]' out -- "$STAP" --version
expect_run version_short 0 'SystemTap in C.*version [0-9]' out -- "$STAP" -V
expect_run unknown_long_option 1 "unknown option '--no-such-option'" err -- "$STAP" --no-such-option
expect_run unknown_option_prints_usage 1 '^Usage: stap' err -- "$STAP" --no-such-option
expect_run unknown_short_option 1 "unknown option '-j'" err -- "$STAP" -j
expect_run missing_argument 1 "requires an argument" err -- "$STAP" -e
expect_run bad_pass_number 1 "invalid pass number '9'" err -- "$STAP" -p9 -e 'probe begin {}'
expect_run no_script 1 "no script given" err -- "$STAP"
expect_run bad_module_name 1 "invalid module name" err -- "$STAP" -m 'a-b' -e 'probe begin {}'
expect_run bad_runtime 1 "invalid runtime 'wasm'" err -- "$STAP" --runtime=wasm -e 'probe begin {}'
expect_run bad_privilege 1 "invalid privilege level" err -- "$STAP" --privilege=root -e 'probe begin {}'
expect_run bad_vp 1 "invalid --vp" err -- "$STAP" --vp=9x -e 'probe begin {}'
expect_run verbose_pass1_line 0 '^Pass 1: parsed user script and [0-9]+ library scripts using [0-9]+virt/[0-9]+res/[0-9]+shr/[0-9]+data kb, in [0-9]+usr/[0-9]+sys/[0-9]+real ms\.$' err -- "$STAP" -v -p1 -e 'probe begin {}'
expect_run parse_failed_line 1 '^Pass 1: parse failed\.  \[man error::pass1\]$' err -- "$STAP" -p1 -e 'probe begin {'
expect_run verbose_pass2_line 0 '^Pass 2: analyzed script: 1 probe, 0 functions, 0 embeds, 0 globals using [0-9]+virt/[0-9]+res/[0-9]+shr/[0-9]+data kb, in [0-9]+usr/[0-9]+sys/[0-9]+real ms\.$' err -- "$STAP" -v -p2 -e 'probe begin { println(1) }'
expect_run analysis_failed_line 1 '^Pass 2: analysis failed\.  \[man error::pass2\]$' err -- "$STAP" -p2 -e 'probe begin { no_such_function() }'
expect_run script_from_stdin 0 '^probe begin' out -- sh -c "echo 'probe begin { exit() }' | \"\$1\" -p1 -" sh "$STAP"
expect_run script_args 0 'x = 42;' out -- "$STAP" -p1 -e 'probe begin { x = $1; s = @2 }' 42 foo
expect_run suppress_time_limits_needs_guru 1 "suppress-time-limits requires guru mode" err -- "$STAP" -p2 --suppress-time-limits -e 'probe begin { println(1) }'
expect_run suppress_time_limits_define 0 '^#define STP_SUPPRESS_TIME_LIMITS 1$' out -- "$STAP" -p3 -g --suppress-time-limits -e 'probe begin { println(1) }'
expect_run empty_module_name 1 "-m needs a module name" err -- "$STAP" -m '' -p1 -e 'probe begin {}'
expect_run cmd_and_pid 1 "-c and -x cannot be used together" err -- "$STAP" -c true -x 1 -p1 -e 'probe begin {}'
expect_run tmpdir_missing 1 "^stap: TMPDIR '/nonexistent/dir': No such file or directory$" err -- env TMPDIR=/nonexistent/dir "$STAP" -p1 -e 'probe begin {}'
expect_run tmpdir_not_dir 1 "TMPDIR '/etc/passwd': is not a directory" err -- env TMPDIR=/etc/passwd "$STAP" -p1 -e 'probe begin {}'
expect_run tmpdir_bad_chars 1 "TMPDIR '/tmp/a b': has characters" err -- env 'TMPDIR=/tmp/a b' "$STAP" -p1 -e 'probe begin {}'
expect_run prologue_searching 0 '^probe begin' out -- "$STAP" --prologue-searching=never -P -p1 -e 'probe begin {}'
expect_run compatible_future 1 "^stap: --compatible 4.9: a future version" err -- "$STAP" --compatible=4.9 -p1 -e 'probe begin {}'
expect_run compatible_older 0 '^probe begin' out -- "$STAP" --compatible=1.0 -p1 -e 'probe begin {}'
expect_run size_without_output 1 "^stap: -S rotates output files: it needs -o FILE$" err -- "$STAP" -S 2 -p1 -e 'probe begin {}'
expect_run size_bad 1 "^stap: -S 2,x: expected SIZE\[,N\]" err -- "$STAP" -S 2,x -o /dev/null -p1 -e 'probe begin {}'
expect_run size_with_output 0 '^probe begin' out -- "$STAP" -S 2,3 -o /dev/null -p1 -e 'probe begin {}'
expect_run prologue_searching_bad 1 "invalid --prologue-searching 'sometimes'" err -- "$STAP" --prologue-searching=sometimes -p1 -e 'probe begin {}'
# -T: the module ends itself, by a timer probe as upstream adds it.
expect_run timeout_probe 0 '^timer\.ms\(3000\) /\* <- timer\.ms\(3000\) \*/$' out -- "$STAP" -p2 -T 3 -e 'probe begin { println(1) }'
# A fifth hardware watchpoint: x86-64 has four debug registers.
expect_run watchpoints_over_debug_registers 0 'warning: 5 hardware watchpoints: this machine has 4 debug registers' err -- "$STAP" -p3 -e 'global n probe kernel.data(0xffffffff81000000).write, kernel.data(0xffffffff81000008).write, kernel.data(0xffffffff81000010).write, kernel.data(0xffffffff81000018).write, kernel.data(0xffffffff81000020).write { n++ }'
# User symbols: a module carries the symbol tables of the probed
# program and, with --ldd, of each library it needs (found where the
# dynamic linker looks); -d adds a file.  None without a function that
# names user addresses.
expect_run usyms_ldd 0 '^	\{ "/lib/x86_64-linux-gnu/libexpat\.so\.1", stp_usyms_[0-9]+, STP_USYMS_[0-9]+_N, stp_urows_[0-9]+, STP_UROWS_[0-9]+_N \},$' out -- "$STAP" -p3 --ldd -e 'probe process("/usr/bin/python3.11").mark("gc__done") { println(usymname(uaddr())) }'
expect_run usyms_d_file 0 '^	\{ "/bin/true", stp_usyms_1, STP_USYMS_1_N, stp_urows_1, STP_UROWS_1_N \},$' out -- "$STAP" -p3 -d /bin/true -e 'probe process("/usr/bin/python3.11").mark("gc__done") { println(usymdata(uaddr())) }'
if "$STAP" -p3 --ldd -e 'probe process("/usr/bin/python3.11").mark("gc__done") { println(uaddr()) }' \
	>"${TEST_RESULTS:-/tmp}/cli-usyms.c" 2>&1 && ! grep -q stp_ufiles "${TEST_RESULTS:-/tmp}/cli-usyms.c"; then
	pass cli/usyms_only_when_named
else
	fail cli/usyms_only_when_named "a module without user-symbol functions carries tables (or -p3 failed)"
fi
# process(PID) probes the program that process runs, read from /proc.
sleep 30 &
sleeper=$!
expect_run uprobe_pid_program 0 "^process\\($sleeper\\)\\.plt\\(\"nanosleep\"\\)\$" out -- "$STAP" -l "process($sleeper).plt(\"nanosleep\")"
kill "$sleeper" 2>/dev/null
wait "$sleeper" 2>/dev/null
expect_run uprobe_pid_gone 1 'process\(4194303\): no such process here' err -- "$STAP" -p2 -e 'probe process(4194303).function("main") { }'
# A script named in a process probe stands for its interpreter.
expect_run uprobe_script_interpreter 0 '^process\("/bin/bash"\)\.function\("main"\) /\* <- process\("/usr/bin/ldd"\)' out -- "$STAP" -p2 -e 'probe process("/usr/bin/ldd").function("main") { println(1) }'
# --example: the shipped examples by name, and alone their list.
expect_run example_list 0 '^hello\.stp +begin +the smallest complete script' out -- "$STAP" --example
expect_run example_by_name 0 'printf\("hello world\\n"\)' out -- "$STAP" -p1 --example hello.stp
expect_run example_bare_name 0 'printf\("hello world\\n"\)' out -- "$STAP" -p1 --example hello
expect_run example_missing 1 "no example script named 'nope.stp'" err -- "$STAP" -p1 --example nope.stp
# Options whose features are not built: refused, never ignored.
expect_run future_remote 1 "option --remote is not implemented yet" err -- "$STAP" --remote=host -e 'probe begin {}'
expect_run future_bulk 1 "option -b is not implemented yet" err -- "$STAP" -b -e 'probe begin {}'
expect_run future_server 1 "option --use-server is not implemented yet" err -- "$STAP" --use-server -e 'probe begin {}'
expect_run future_bpf 1 "not implemented yet" err -- "$STAP" --bpf -e 'probe begin {}'
# --help marks exactly the options that are refused.
expect_run help_marks_unbuilt 0 '^  -b +bulk mode.*\(not implemented yet\)$' out -- "$STAP" --help
expect_run help_pass5_unmarked 0 '^  -c CMD +start probes, run CMD, stop when it exits$' out -- "$STAP" --help
expect_run module_name_too_long 1 "too long \(at most 55 characters\)" err -- "$STAP" -p4 -m "$(printf 'm%.0s' $(seq 56))" -e 'probe begin {}'
expect_run help_built_unmarked 0 '^  -e SCRIPT +run SCRIPT given on the command line$' out -- "$STAP" --help
# Every option the help lists is accepted by the parser (a refusal, if
# any, is "not implemented yet", never "unknown option").
while read -r opt; do
	out=$("$STAP" "$opt" 2>&1 </dev/null)
	if grep -q "unknown option" <<<"$out"; then
		fail "cli/help_option_known$opt" "$opt listed in --help but unknown" "$out"
	fi
done < <("$STAP" --help | grep -oE '^  (-[A-Za-z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+')
pass "cli/every_help_option_is_parsed"

expect_run staprun_help 0 '^Usage: staprun' out -- "$STAPRUN" -h
expect_run staprun_version 0 'staprun .*version' out -- "$STAPRUN" -V
expect_run staprun_no_module 1 'no module given' err -- "$STAPRUN"
expect_run staprun_missing_file 1 'cannot open module /nonexistent.ko' err -- "$STAPRUN" -L /nonexistent.ko
expect_run staprun_bad_param 1 "is not global=value" err -- "$STAPRUN" -L /dev/null junk
