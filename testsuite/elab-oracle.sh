#!/bin/bash
# elab-oracle.sh - check the pass-2 corpus against upstream SystemTap.
#
# For developers; `make check` does not run it.  Runs the real stap
# (default /usr/bin/stap, Debian's 4.8) with -p2 over testsuite/elabok and
# testsuite/elabko, honouring each case's `# stap-opts:` and `# args:`
# headers (see suites/elab.sh), and reports:
#   DISAGREE   an elabok case upstream rejects, or an elabko case upstream
#              accepts or rejects in some pass other than 2 (unless the case
#              carries a `# upstream:` note saying why: then EXCEPTION)
#   WARN       an elabok case upstream accepts with a warning (informational;
#              -v shows the warnings)
# and exits 1 if anything disagrees.
#
# Upstream's -W would turn its "Kernel function symbol table missing"
# warning (we run it against a kernel that is not running) into a pass-1
# error, so for a case whose options hold -W the oracle drops -W and asks
# instead that upstream print a pass-2 WARNING.
#
# Upstream refuses to run without a kernel build tree, so -r names one:
# $ORACLE_KREL, else the running kernel if its build tree exists, else the
# first /lib/modules/*/build with a .config.
#
# Usage: elab-oracle.sh [-v] [SUBSTRING...]
set -u

here=$(cd "$(dirname "$0")" && pwd)
ORACLE=${ORACLE:-/usr/bin/stap}
verbose=
if [ "${1:-}" = -v ]; then verbose=1; shift; fi
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
	echo "elab-oracle: no kernel build tree for $ORACLE -r; set ORACLE_KREL" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/elab-oracle.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

read_header()
{
	opts=() args=() upstream=
	local line
	while IFS= read -r line; do
		case $line in
		'# stap-opts: '*) read -r -a opts <<<"${line#*: }" ;;
		'# args: '*) read -r -a args <<<"${line#*: }" ;;
		'# upstream: '*) upstream=${line#*: } ;;
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

# Run upstream on case $2 in directory $1; sets rc, werror; output in $tmp.
run_oracle()
{
	local o=() x
	werror=
	for x in "${opts[@]}"; do
		if [ "$x" = -W ]; then werror=1; else o+=("$x"); fi
	done
	(
		cd "$1" || exit 125
		timeout 60 "$ORACLE" -r "$krel" -p2 "${o[@]}" "$2" "${args[@]}" \
			>"$tmp/out" 2>"$tmp/err" </dev/null
	)
	rc=$?
	grep -v -e 'Kernel function symbol table missing' -e 'README.Debian' \
		"$tmp/err" >"$tmp/err2"
}

show() { [ -n "$verbose" ] && sed 's/^/    /' "$tmp/err2"; return 0; }

bad=0
for f in "$here"/elabok/*.stp; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .stp)
	wanted "$n" || continue
	read_header "$f"
	run_oracle "$here/elabok" "$n.stp"
	if [ "$rc" -ne 0 ]; then
		if [ -n "$upstream" ]; then
			echo "EXCEPTION: ok/$n: $upstream"
		else
			echo "DISAGREE: ok/$n: upstream exits $rc"
			sed 's/^/    /' "$tmp/err2" | head -20
			bad=1
		fi
	elif grep -q '^WARNING' "$tmp/err2"; then
		echo "WARN: ok/$n"
		show
	fi
done
for f in "$here"/elabko/*.stp; do
	[ -e "$f" ] || continue
	n=$(basename "$f" .stp)
	wanted "$n" || continue
	read_header "$f"
	run_oracle "$here/elabko" "$n.stp"
	why=
	if [ -n "$werror" ]; then
		grep -q '^WARNING' "$tmp/err2" ||
			why="upstream prints no warning (exit $rc)"
	elif [ "$rc" -eq 0 ]; then
		why="upstream accepts"
	elif ! grep -q 'Pass 2: analysis failed' "$tmp/err2"; then
		why="upstream fails elsewhere: $(grep -m1 -o 'Pass [0-9]: [a-z ]*failed' "$tmp/err2")"
	fi
	if [ -n "$why" ]; then
		if [ -n "$upstream" ]; then
			echo "EXCEPTION: ko/$n: $upstream"
		else
			echo "DISAGREE: ko/$n: $why"
			sed 's/^/    /' "$tmp/err2" | head -20
			bad=1
		fi
	elif [ -n "$upstream" ]; then
		echo "STALE: ko/$n: upstream agrees, but the case says: $upstream"
	else
		[ -n "$verbose" ] && echo "ok: ko/$n" && show
	fi
done
exit $bad
