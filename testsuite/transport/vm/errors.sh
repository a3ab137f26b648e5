# The module refuses "start" (EBUSY): staprun says so, still stops and
# unloads it, exits 1.  It refuses "stop" (EIO) and never sends DONE:
# staprun says so, gives up after a grace period, unloads, exits 1.
. /batch/bin/trlib.sh
staprun "$KO/tr_a.ko" start_err=16
echo "rc=$?"
leftovers
staprun "$KO/tr_a.ko" stop_err=5
echo "rc=$?"
leftovers
