#!/bin/bash
# corpus.sh - real-world scripts through pass 1: every example script and
# every tapset file Debian's systemtap-doc and systemtap-common ship (read
# as input only).  Each must parse without a sanitizer report and its -p1
# output must parse again to the same text.  Pass 2 runs on every example
# too: it may reject one, never crash on it.
#
# Examples that take their probe points from the command line ($1 used as
# a probe point) cannot parse without real arguments: those are skipped.
# Tapset files are parsed with upstream's macro library on the path (-I);
# a tapset file whose conditionals leave nothing in it is not a script.
set -u
# Debian's systemtap-doc and systemtap-common 4.8 ship 988 such files: the
# plan is a floor just under that, so a missing package or a broken file
# walk cannot pass as a short green run.
# plan: 980
. "$(dirname "$0")/../lib.sh"

examples=/usr/share/systemtap/examples
tapsets=/usr/share/systemtap/tapset
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Shipped files that are not valid scripts (upstream 4.8 rejects them
# too): they must be rejected cleanly, with exit status 1.
invalid=(
	security-band-aids/security-bandaid-template.stp  # a template: "probe X.Y.Z ... {...}"
)

# check_parse NAME FILE [STAP ARGS...]: parse, then round-trip.
check_parse() {
	local name=$1 file=$2 rc
	shift 2
	for bad in "${invalid[@]}"; do
		if [ "$file" = "$examples/$bad" ]; then
			timeout 10 "$STAP" "$@" -p1 "$file" >/dev/null 2>"$work/err"
			rc=$?
			if [ "$rc" -eq 1 ] && ! sanitizer_report "$work/err"; then
				pass "$name"
			else
				fail "$name" "an invalid script must be rejected with exit 1, got $rc" "$(head -6 "$work/err")"
			fi
			return
		fi
	done
	if ! timeout 10 "$STAP" "$@" -p1 "$file" 1 2 3 4 5 >"$work/p1" 2>"$work/err"; then
		if grep -q '^<argument \$[0-9]*>:.*D_PARSE_BAD_PROBE_POINT' "$work/err"; then
			skip "$name" "probe points come from the command line"
		elif grep -q 'D_PARSE_EMPTY_SCRIPT' "$work/err" && [ "$file" != "${file#"$tapsets"}" ]; then
			skip "$name" "empty for this kernel"
		else
			fail "$name" "rejected" "$(head -6 "$work/err")"
		fi
		return
	fi
	if sanitizer_report "$work/err"; then
		fail "$name" "sanitizer report" "$(head -10 "$work/err")"
	elif ! timeout 10 "$STAP" "$@" -p1 - 1 2 3 4 5 <"$work/p1" >"$work/p1b" 2>"$work/err2" ||
		! cmp -s "$work/p1" "$work/p1b"; then
		fail "$name" "-p1 output does not round-trip" "$(head -6 "$work/err2")" \
			"$(diff "$work/p1" "$work/p1b" | head -10)"
	else
		pass "$name"
	fi
}

if [ -d "$examples" ]; then
	while IFS= read -r f; do
		opts=()
		grep -q '%{' "$f" && opts=(-g)
		check_parse "corpus/example/${f#"$examples"/}" "$f" "${opts[@]}"
	done < <(find "$examples" -name '*.stp' | sort)
else
	cannot_run corpus/examples "$examples missing: apt-get install systemtap-doc"
fi

if [ -d "$tapsets" ]; then
	while IFS= read -r f; do
		check_parse "corpus/tapset/${f#"$tapsets"/}" "$f" -g -I "$tapsets"
	done < <(find "$tapsets" -name '*.stp' | sort)
else
	cannot_run corpus/tapsets "$tapsets missing: apt-get install systemtap-common"
fi

# Pass 2 on every example script: many need target variables or probe
# families not built yet, so rejection is allowed; a crash, hang or
# sanitizer report is not.
if [ -d "$examples" ]; then
	while IFS= read -r f; do
		name="corpus/p2/${f#"$examples"/}"
		timeout 30 "$STAP" -g -p2 "$f" 1 2 3 4 5 >/dev/null 2>"$work/err"
		rc=$?
		if [ "$rc" -gt 1 ]; then
			fail "$name" "exit status $rc (crash or timeout)" "$(head -6 "$work/err")"
		elif sanitizer_report "$work/err"; then
			fail "$name" "sanitizer report" "$(head -10 "$work/err")"
		else
			pass "$name"
		fi
	done < <(find "$examples" -name '*.stp' | sort)
fi
