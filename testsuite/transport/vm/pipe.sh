# Output reaches a pipe while the session runs, and a reader that goes
# away (EPIPE) ends the session cleanly instead of killing staprun.
. /batch/bin/trlib.sh
{ staprun "$KO/tr_a.ko" no_exit=1 lines=-1 2>/tmp/e; echo "rc=$?" >/tmp/rc; } |
	head -n 3 | sed 's/cpu [0-9]*$/cpu C/'
cat /tmp/rc /tmp/e
leftovers
