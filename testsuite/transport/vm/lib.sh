# lib.sh - sourced by every transport VM case (installed as bin/trlib.sh).
KO=/batch/bin
DBG=/sys/kernel/debug/systemtap

# What a finished session must not leave behind: the module, its files.
leftovers() {
	echo "loaded: $(grep -c '^tr_[ab] ' /proc/modules)"
	if [ -e "$DBG" ]; then
		echo "debugfs: $(ls "$DBG" | tr '\n' ' ')"
	else
		echo "debugfs: none"
	fi
}

# wait_seq FILE: wait (up to 20 s) until the session has printed its first
# "seq" line into FILE, so a signal sent next finds stapio relaying, not
# still loading (a fixed sleep races with a slow boot under TCG).  FILE
# must exist before the backgrounded staprun's redirection creates it.
wait_seq() {
	i=0
	while ! grep -q '^seq ' "$1" && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
}

# seq_check FILE: the "seq N cpu C" lines run 0, 1, 2, ... without a gap.
seq_check() {
	awk '/^seq / { if ($2 != n) bad++; n++ }
	     END { print "seq lines in order: " (bad ? "no (" bad " out of place)" : "yes") }' "$1"
}

# end_matches FILE: the last line is "end seq=N" with N the seq lines seen.
end_matches() {
	n=$(grep -c '^seq ' "$1")
	if [ "$(tail -n 1 "$1")" = "end seq=$n" ]; then
		echo "ends with end seq=<lines>"
	else
		echo "last line '$(tail -n 1 "$1")', $n seq lines"
	fi
}
