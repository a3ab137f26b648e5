# -x PID: target() is PID and the session ends when PID exits; a PID that
# does not exist is refused before loading.
. /batch/bin/trlib.sh
sleep 2 &
sp=$!
staprun -x $sp "$KO/tr_a.ko" no_exit=1 lines=-1 >o 2>e
echo "rc=$?"
[ "$(head -n 1 o)" = "target=$sp" ] && echo "target is the -x pid"
end_matches o
cat e
staprun -x 999999 "$KO/tr_a.ko"
echo "rc=$?"
leftovers
