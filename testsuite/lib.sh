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
