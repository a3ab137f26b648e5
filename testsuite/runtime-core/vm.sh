#!/bin/bash
# vm.sh [BATCHDIR] - build the runtime-core test modules, run them in the
# test VM (one boot), and check the records each run produced.
# Prints "PASS: runtime-core/<test>" or "FAIL: ..." per test and a
# "N passed, N failed" line; exits non-zero if anything failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
batch=${1:-$(mktemp -d /tmp/rtcore.XXXXXX)}
passed=0
failed=0

rm -rf "$batch/tests" "$batch/bin"
mkdir -p "$batch/bin" "$batch/ko"
if ! "$here/build.sh" "$batch/ko" >"$batch/build.log" 2>&1; then
	echo "FAIL: runtime-core/build: the test modules do not build"
	sed 's/^/    /' "$batch/build.log" | tail -n 30
	exit 1
fi
gcc -O2 -static -Wall -o "$batch/bin/recs" "$here/recs.c"

# add_test NAME SCRIPT MODULE...: a test dir with run.sh, the helpers and modules.
add_test() {
	local dir=$batch/tests/$1 m
	mkdir -p "$dir"
	{ cat "$here/vm-lib.sh"; printf '%s\n' "$2"; } >"$dir/run.sh"
	shift 2
	for m in "$@"; do cp "$batch/ko/$m.ko" "$dir/"; done
}

add_test basic 'session stp_rc_basic 1; session stp_rc_basic 1; session stp_rc_basic 1' stp_rc_basic
add_test error 'session stp_rc_error 1' stp_rc_error
add_test beginexit 'session stp_rc_beginexit 1' stp_rc_beginexit
add_test beginerror 'session stp_rc_beginerror 1' stp_rc_beginerror
add_test skip 'session stp_rc_skip 2' stp_rc_skip
add_test maxskip 'session stp_rc_maxskip 2' stp_rc_maxskip
add_test lifecycle '
m=stp_rc_skip; d=/sys/kernel/debug/systemtap/$m
insmod ./$m.ko || exit 1
echo stop > $d/ctl && echo "stop before start ok"
recs < $d/data
rmmod $m
insmod ./$m.ko || exit 1
echo "start 0" > $d/ctl && echo "started"
echo "start 0" > $d/ctl 2>/dev/null || echo "second start refused"
sleep 1
rmmod $m && echo "unloaded while running"
grep -q "^$m " /proc/modules && echo "still loaded"
insmod ./$m.ko && rmmod $m && echo "reloaded"' stp_rc_skip

"$here/../vm/run-batch" "$batch" >"$batch/run-batch.log" 2>&1 ||
	echo "FAIL: runtime-core/vm: the VM did not run every test: $(tail -n 5 "$batch/run-batch.log" | tr '\n' ' ')"
r=$batch/results

pass() { echo "PASS: runtime-core/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL: runtime-core/$1: $2"; failed=$((failed + 1)); }

# check TEST: the kernel log is clean, then each "want" line below is in
# the output (fixed strings, in order), each "never" line is not.
check() {
	local t=$1 out=$r/$1.out why=
	shift
	[ "$(cat "$r/$t.kernel" 2>/dev/null)" = clean ] || why="kernel: $(cat "$r/$t.kernel" 2>/dev/null || echo none)"
	[ -z "$why" ] && why=$(python3 "$here/match.py" "$out" "$@") || true
	[ -z "$why" ] && pass "$t" || fail "$t" "$why"
}

check basic \
	'want:| first' 'want:| begin begin' 'want:| 000000000' 'want:| 000000999' \
	'want:ERR' 'want:| WARNING: a warning 42' \
	'want:| kstr 11 kernel text' 'want:| kstr4 3 ker' 'want:| kstr-bad -14 []' \
	'want:| kread-bad -14' 'want:| uread-bad -14' 'want:| ustr 1' 'want:| ustr2 1 1' 'want:| sym kfree' 'want:| sym0 NULL' \
	'want:| usym NULL' 'want:| compat 0' 'want:| time 1' 'want:| target 0' \
	'want:| q0 a\"b\\c\n\t\001\377' 'want:| q1 "a\"b\\c\n\t\001\377"' \
	'want:| q2 11 "abcdef"...' 'want:| q3 7 ab\001c' 'want:| q4 4 "ab"' \
	'want:| m1 9 "x\0y\"z"' 'want:| m2 -14 []' 'want:| m3 9 "0123"...' \
	'want:| twice(21)' 'want:| fn 42 hey! (empty)' 'want:| fn-err [negative: -1]' \
	'want:| last begin' 'want:| tick 4' 'want:EXIT' 'want:| tick 5' 'never:| tick 6' \
	'want:| end ticks=5 jiffies>0=1 profile>0=1 profile_regs>0=1' 'want:DONE 0' \
	'want:| first' 'want:DONE 0' 'want:| first' 'want:DONE 0' 'never:ERROR'
check error \
	'want:| tick 2' 'want:| ERROR: division by zero near operator '"'"'/'"'"' at t.stp:3:9' \
	'want:| tick 3' 'want:| tick 4' 'want:ERR' \
	'want:| ERROR: MAXACTION exceeded near keyword at t.stp:5:1' 'want:EXIT' \
	'never:| tick 5' 'want:| error probe ticks=4' 'never:| end' \
	'want:| WARNING: Number of errors: 2, skipped probes: 0' 'want:DONE 1'
check beginexit \
	'want:| first' 'want:EXIT' 'want:| begin begin' 'want:| after exit' \
	'never:| last begin' 'never:| tick ' 'want:| end ticks=0' 'want:DONE 0'
check beginerror \
	'want:| begin begin' 'want:| ERROR: begin failed' 'never:near' 'never:| last begin' \
	'want:| error probe ticks=0' 'never:| end' 'want:DONE 1'
check skip \
	'want:| lock_all with profile held: 0' 'want:| ticks lock free again: 1' 'want:| lock_all: 1' \
	'want:| tick 10' 'want:| end ticks=' 'want:| WARNING: Number of errors: 0, skipped probes: ' \
	'want:DONE 0' 'never:ERROR' 'never:EXIT'
check maxskip \
	'want:| tick 1' 'want:| tick 2' 'want:EXIT' 'want:| tick 3' 'never:| tick 4' \
	'want:| error probe ticks=3' 'never:| end' 'want:| WARNING: too many probe hits skipped' \
	'want:| WARNING: Number of errors: 0, skipped probes: 6' 'want:DONE 1'
check lifecycle \
	'want:stop before start ok' 'want:DONE 0' 'never:| end' 'want:started' \
	'want:second start refused' 'want:unloaded while running' 'never:still loaded' 'want:reloaded'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "${VM_KEEP:-}" ] && rm -rf "$batch"
[ "$failed" -eq 0 ]
