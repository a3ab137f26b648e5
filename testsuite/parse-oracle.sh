#!/bin/bash
# parse-oracle.sh - check the pass-1 corpus against upstream SystemTap.
#
# For developers; `make check` does not run it.  Runs the real stap
# (default /usr/bin/stap, Debian's 4.8) with -p1 over testsuite/parseok and
# testsuite/parseko, honouring each case's `# stap-opts:` and `# args:`
# headers (see suites/parse.sh), and reports:
#   DISAGREE  a parseok case upstream rejects, or a parseko case it accepts
#             (unless the case carries a `# upstream:` note saying why)
#   NOTE      a parseko case whose `# expect-pos:` is not the first position
#             upstream reports (informational: upstream reports some errors,
#             e.g. at end of file, elsewhere or not at all)
# and exits 1 if anything disagrees.
#
# With -f it also checks that our canonical -p1 output is faithful: upstream's
# parse of our output ($STAP -p1 on each parseok case) must equal upstream's
# parse of the case itself (upstream's dump brackets every subexpression, so
# a precedence or grouping slip shows).  Differences print as UNFAITHFUL and
# count as disagreements; cases that test the target kernel (kernel_v, CONFIG_
# ...) may differ when our stap and upstream look at different kernels; a
# case whose header says `# oracle: REASON` reports such a difference as an
# EXCEPTION instead.
#
# Upstream refuses to run without a kernel build tree, so -r names one:
# $ORACLE_KREL, else the running kernel if its build tree exists, else the
# first /lib/modules/*/build with a .config.
#
# Usage: parse-oracle.sh [-q] [-f] [SUBSTRING...]   (-q: no NOTE lines)
set -u

here=$(cd "$(dirname "$0")" && pwd)
ORACLE=${ORACLE:-/usr/bin/stap}
quiet= faithful=
while [ $# -gt 0 ]; do
	case $1 in
	-q) quiet=1 ;;
	-f) faithful=1 ;;
	*) break ;;
	esac
	shift
done
STAP=${STAP:-$(dirname "$here")/translator/stap}
filters=("$@")

krel=${ORACLE_KREL:-}
if [ -z "$krel" ]; then
	if [ -f "/lib/modules/$(uname -r)/build/.config" ]; then
		krel=$(uname -r)
	else
		for d in /lib/modules/*/build/.config; do
			[ -f "$d" ] || continue
			krel=${d#/lib/modules/}; krel=${krel%%/*}; break
		done
	fi
fi
if [ -z "$krel" ]; then
	echo "parse-oracle: no kernel build tree for $ORACLE -r; set ORACLE_KREL" >&2
	exit 2
fi

ulimit -c 0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/oracle.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

read_header()
{
	opts=() args=() pos= note= fnote=
	local line
	while IFS= read -r line; do
		case $line in
		'# stap-opts: '*) read -r -a opts <<<"${line#*: }" ;;
		'# args: '*) read -r -a args <<<"${line#*: }" ;;
		'# expect-pos: '*) pos=${line#*: } ;;
		'# upstream: '*) note=${line#*: } ;;
		'# oracle: '*) fnote=${line#*: } ;;
		'#'* | '') ;;
		*) break ;;
		esac
	done <"$1"
}

wanted()
{
	[ ${#filters[@]} -eq 0 ] && return 0
	local f
	for f in "${filters[@]}"; do
		case $1 in *"$f"*) return 0 ;; esac
	done
	return 1
}

run_oracle()
{
	# The subshell waits for the command itself (no exec), so bash's notice
	# of a crash ("Segmentation fault") goes to its /dev/null stderr.
	(
		cd "$1" || exit 125
		timeout 30 "$ORACLE" -r "$krel" -p1 "${opts[@]}" "$2" "${args[@]}" \
			>/dev/null 2>"$tmp/err" </dev/null
		exit $?
	) 2>/dev/null
	rc=$?
}

# Upstream's dump of file $2 in directory $1, without its "# file" line.
oracle_dump()
{
	(cd "$1" && timeout 30 "$ORACLE" -r "$krel" -p1 "${opts[@]}" "$2" "${args[@]}" \
		2>/dev/null </dev/null; exit $?) 2>/dev/null | grep -av '^# file '
}

# -f: does upstream read our canonical output as it reads the case?
check_faithful()
{
	local name=$1
	mkdir -p "$tmp/f"
	if ! (cd "$here/parseok" && timeout 10 "$STAP" -p1 "${opts[@]}" "$name.stp" "${args[@]}" \
		>"$tmp/f/$name.stp" 2>/dev/null </dev/null); then
		echo "UNFAITHFUL: ok/$name: our stap rejects it"
		bad=$((bad + 1))
		return
	fi
	oracle_dump "$here/parseok" "$name.stp" >"$tmp/f/want"
	oracle_dump "$tmp/f" "$name.stp" >"$tmp/f/got"
	if ! cmp -s "$tmp/f/want" "$tmp/f/got"; then
		if [ -n "$fnote" ]; then
			echo "EXCEPTION: ok/$name (-f differs): $fnote"
			return
		fi
		echo "UNFAITHFUL: ok/$name: upstream reads our -p1 output differently:"
		diff -a "$tmp/f/want" "$tmp/f/got" | head -12 | sed 's/^/    /'
		bad=$((bad + 1))
	fi
}

bad=0 n=0
for f in "$here"/parseok/*.stp; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .stp)
	wanted "$name" || continue
	n=$((n + 1))
	read_header "$f"
	run_oracle "$here/parseok" "$name.stp"
	if [ "$rc" -ne 0 ]; then
		if [ -n "$note" ]; then
			echo "EXCEPTION: ok/$name (upstream exit $rc): $note"
			continue
		fi
		echo "DISAGREE: ok/$name: upstream rejects it (exit $rc)"
		grep -v '^Tip:\|symbol table missing' "$tmp/err" | head -8 | sed 's/^/    /'
		bad=$((bad + 1))
		continue
	fi
	[ -n "$faithful" ] && check_faithful "$name"
done
for f in "$here"/parseko/*.stp; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .stp)
	wanted "$name" || continue
	n=$((n + 1))
	read_header "$f"
	run_oracle "$here/parseko" "$name.stp"
	if [ -n "$note" ]; then
		echo "EXCEPTION: ko/$name (upstream exit $rc): $note"
		continue
	fi
	if [ "$rc" -eq 0 ]; then
		echo "DISAGREE: ko/$name: upstream accepts it"
		bad=$((bad + 1))
		continue
	fi
	if [ "$rc" -ne 1 ]; then
		echo "DISAGREE: ko/$name: upstream exit $rc (a crash or hang?)"
		bad=$((bad + 1))
		continue
	fi
	if [ -n "$pos" ] && [ -z "$quiet" ]; then
		first=$(grep -o "$name\.stp:[0-9]*:[0-9]*" "$tmp/err" | head -1)
		first=${first#"$name.stp:"}
		if [ "$first" != "$pos" ]; then
			echo "NOTE: ko/$name: expect-pos $pos, upstream first reports ${first:-no position}"
		fi
	fi
done
echo "parse-oracle: $n cases, $bad disagreements (upstream $ORACLE -r $krel)"
[ "$bad" -eq 0 ]
