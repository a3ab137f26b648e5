#!/bin/bash
# elaborate.sh - pass-2 speed and memory: `stap -p2` on (a) a one-line
# begin probe and (b) a script calling 30 tapset functions, ours against
# Debian's systemtap 4.8 in the same run.
#
# Usage: bench/elaborate.sh          (RUNS=N sets the runs per median)
# Targets (issue 4): at least 10x faster; our peak RSS at most 20 MB.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"

ours=$(find_stap "$top")
peer=$(peer_stap || true)
rel=$(vm_release "$top" || true)
peer_opts=()
[ -n "$rel" ] && peer_opts=(-r "$rel")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo 'probe begin { printf("hello world\n"); exit() }' >"$work/hello.stp"
# 30 functions both libraries define, each called once.
cat >"$work/thirty.stp" <<'STP'
probe begin {
	printf("%s %d %d %d %d %d %d %d\n", execname(), pid(), tid(), ppid(), uid(),
	       euid(), gid(), egid())
	printf("%d %d %d %d %d\n", cpu(), gettimeofday_s(), gettimeofday_ms(),
	       gettimeofday_us(), gettimeofday_ns())
	printf("%d %d %d\n", jiffies(), HZ(), get_cycles())
	s = "a,b,c"
	printf("%d %s %d %s %d\n", strlen(s), substr(s, 1, 2), isinstr(s, "b"),
	       str_replace(s, ",", ";"), strtol("42", 10))
	printf("%s %s %d\n", tokenize(s, ","), text_str(s), stringat(s, 0))
	printf("%s %s %d\n", errno_str(2), ctime(0), randint(10))
	printf("%s %d\n", pp(), target())
	printf("%d %s\n", task_pid(task_current()), task_execname(task_current()))
	exit()
}
STP

row() { printf '  %-9s %8.1f  %8.1f  %7d KB\n' "$@"; }
for script in hello thirty; do
	echo "== stap -p2 $script.stp (median of $RUNS runs)"
	echo "             wall ms    CPU ms   peak RSS"
	read -r w_o c_o r_o < <(python3 "$top/bench/runtime.py" "$RUNS" "$ours" -p2 "$work/$script.stp")
	row ours "$w_o" "$c_o" "$r_o"
	if [ -n "$peer" ]; then
		read -r w_p c_p r_p < <(python3 "$top/bench/runtime.py" "$RUNS" "$peer" "${peer_opts[@]}" -p2 "$work/$script.stp")
		row "stap 4.8" "$w_p" "$c_p" "$r_p"
		echo "  ratio (stap 4.8 / ours): wall $(ratio "$w_p" "$w_o")x, CPU $(ratio "$c_p" "$c_o")x, RSS $(ratio "$r_p" "$r_o")x"
	fi
	if [ "$r_o" -gt 20480 ]; then
		echo "  over the 20 MB peak-RSS target"
	fi
done
