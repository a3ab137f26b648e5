# lib.sh - helpers shared by the suites (sourced, not run).

# pass NAME
pass() { echo "PASS: $1"; }

# fail NAME REASON [DETAIL...]: detail lines are indented under the result.
fail() {
	local name=$1 reason=$2
	shift 2
	echo "FAIL: $name ($reason)"
	local d
	for d in "$@"; do
		[ -n "$d" ] && sed 's/^/    /' <<<"$d"
	done
	return 0
}

# skip NAME REASON
skip() { echo "SKIP: $1 ($2)"; }

# sanitizer_report FILE: true when FILE holds an ASan/UBSan/LSan report.
sanitizer_report() {
	grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer' "$1"
}

# selected NAME [SUBSTRING...]: true when no substring is given or NAME
# contains one of them (suites that take case names as arguments).
selected()
{
	local name=$1 f
	shift
	[ $# -eq 0 ] && return 0
	for f in "$@"; do
		case $name in *"$f"*) return 0 ;; esac
	done
	return 1
}

# strict: true under CI or scripts/test-all (STAP_TEST_STRICT=1), where a
# test that cannot run must fail: a green tally must never hide tests that
# did not run.
strict() { truthy "${CI:-}" || truthy "${STAP_TEST_STRICT:-}"; }
truthy() { case ${1:-} in '' | 0 | false | no) return 1 ;; esac; }

# cannot_run NAME REASON: NAME cannot run on this machine (no qemu, no
# headers for the test kernel, a setup step failed).  A failure when
# strict, a skip (with its reason) by hand.
cannot_run() {
	if strict; then
		fail "$1" "cannot run: $2"
	else
		skip "$1" "$2"
	fi
}

# test_krel: the release of the kernel the tests build for and boot, from
# the one source of truth (testsuite/vm/kernel.sh: Debian's
# linux-image-amd64, or env VM_KREL).  Empty, with kernel.sh's complaint
# on stderr, when it cannot be resolved.
test_krel() {
	"$TOP_SRCDIR/testsuite/vm/kernel.sh" --print-release
}

# plan_of SUITEFILE: the least number of results the tree defines for it
# (run-tests: a suite's "# plan:" lines); 0 when it declares none.
plan_of() {
	local n=0 term m terms
	# read, not an unquoted $(...): the globs must not expand in the cwd.
	read -ra terms <<<"$(sed -n 's/^# plan:\(.*\)/\1/p' "$1" | tr '\n' ' ')"
	for term in "${terms[@]}"; do
		if [[ $term =~ ^[0-9]+$ ]]; then
			n=$((n + term))
		else
			for m in "$TOP_SRCDIR"/$term; do
				[ -e "$m" ] && n=$((n + 1))
			done
		fi
	done
	echo "$n"
}
