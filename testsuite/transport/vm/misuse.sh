# One reader at a time; a bad ctl command fails with EINVAL; staprun
# killed with SIGKILL leaves the module loaded but -d unloads it cleanly.
. /batch/bin/trlib.sh
staprun -L "$KO/tr_a.ko"
exec 3<"$DBG/tr_a/data"
staprun -A tr_a
echo "second reader rc=$?"
echo bogus >"$DBG/tr_a/ctl" || echo "bogus command refused"
exec 3<&-
staprun -d tr_a
echo "unload rc=$?"
leftovers
: >o
staprun "$KO/tr_a.ko" no_exit=1 lines=-1 >o 2>&1 &
p=$!
wait_seq o
kill -KILL $p
wait $p 2>/dev/null
echo "loaded after kill -9: $(grep -c '^tr_a ' /proc/modules)"
staprun -d tr_a
echo "unload rc=$?"
leftovers
