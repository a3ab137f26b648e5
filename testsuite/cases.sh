# cases.sh - helpers for suites of one-file-per-case scripts (parse, elab);
# sources lib.sh.  The caller sets $tmp (a scratch dir) and
# filters=(...) (name substrings to run, empty for all).
#
# Case header lines (leading '#' comments, all optional):
#   # stap-opts: -g          extra options for stap; @KREL@ stands for the
#                            test kernel's release (testsuite/vm/kernel.sh),
#                            for cases that need its type information
#   # args: foo 42           script arguments after the file
#   # expect: D_TAG          must-fail: the diagnostic tag in stderr
#   # expect-text: TEXT      must-fail: a substring of stderr (repeatable)
#   # expect-pos: L:C        must-fail: "NAME.stp:L:C:" in stderr
#   # expect-note: L:C       must-fail: "NAME.stp:L:C: note:" in stderr

. "$TOP_SRCDIR/testsuite/lib.sh"

# Read the header of case $1 into opts, args, expect, texts, pos, note.
read_header()
{
	opts=() args=() expect= texts=() pos= note=
	local line
	while IFS= read -r line; do
		case $line in
		'# stap-opts: '*) read -r -a opts <<<"${line#*: }"
			[[ " ${opts[*]} " != *" @KREL@ "* ]] ||
				opts=("${opts[@]/#@KREL@/$(test_krel)}") ;;
		'# args: '*) read -r -a args <<<"${line#*: }" ;;
		'# expect: '*) expect=${line#*: } ;;
		'# expect-text: '*) texts+=("${line#*: }") ;;
		'# expect-pos: '*) pos=${line#*: } ;;
		'# expect-note: '*) note=${line#*: } ;;
		'#'* | '') ;;
		*) break ;;
		esac
	done <"$1"
}

# Print the first lines of file $1 indented, as failure detail.
detail()
{
	head -n "${2:-12}" "$1" | sed 's/^/    /'
}

# Run stap from directory $1 with arguments $2...; output to $tmp/out,
# errors to $tmp/err; sets rc.
run_stap()
{
	local dir=$1
	shift
	# The subshell waits for the command itself (no exec), so bash's notice
	# of a crash ("Segmentation fault") goes to its /dev/null stderr.
	(
		cd "$dir" || exit 125
		timeout 10 "$STAP" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
		exit $?
	) 2>/dev/null
	rc=$?
}

# True when case name $1 matches one of the filters (or there are none).
wanted()
{
	[ ${#filters[@]} -eq 0 ] && return 0
	local f
	for f in "${filters[@]}"; do
		case $1 in *"$f"*) return 0 ;; esac
	done
	return 1
}

# Why the run just made is not a clean exit: prints a reason, or nothing.
bad_exit()
{
	if [ "$rc" -eq 124 ]; then
		echo "timed out after 10 s"
	elif [ "$rc" -ge 125 ]; then
		echo "crashed (exit $rc)"
	elif sanitizer_report "$tmp/err"; then
		echo "sanitizer report"
	fi
}

# A must-fail case: run stap with PASS (-p1, -p2) on $kodir/NAME.stp;
# it must exit 1 and print the header's tag, texts, position and note.
# LABEL prefixes the result line (parse/ko, elab/ko).
check_ko()
{
	local label=$1 pass=$2 name=$3 why t miss=()
	read_header "$kodir/$name.stp"
	run_stap "$kodir" "$pass" "${opts[@]}" "$name.stp" "${args[@]}"
	why=$(bad_exit)
	if [ -z "$why" ] && [ "$rc" -ne 1 ]; then
		why="exit $rc, not 1"
		[ "$rc" -eq 0 ] && why="accepted (exit 0)"
	fi
	if [ -z "$expect" ]; then
		miss+=("the case has no '# expect:' header")
	elif ! grep -qF -- "[$expect]" "$tmp/err"; then
		miss+=("no [$expect]")
	fi
	for t in "${texts[@]}"; do
		grep -qF -- "$t" "$tmp/err" || miss+=("no text '$t'")
	done
	if [ -n "$pos" ] && ! grep -qF -- "$name.stp:$pos:" "$tmp/err"; then
		miss+=("no position $name.stp:$pos")
	fi
	if [ -n "$note" ] && ! grep -qF -- "$name.stp:$note: note:" "$tmp/err"; then
		miss+=("no note at $name.stp:$note")
	fi
	if [ -n "$why" ] || [ ${#miss[@]} -gt 0 ]; then
		echo "FAIL: $label/$name"
		[ -n "$why" ] && echo "    $why"
		for t in "${miss[@]}"; do echo "    $t"; done
		echo "    stderr:"
		detail "$tmp/err"
		return
	fi
	echo "PASS: $label/$name"
}
