# -c with a command that cannot run: the shell says so, the session ends.
. /batch/bin/trlib.sh
staprun -c /nonexistent/cmd "$KO/tr_a.ko" no_exit=1 status=0 >o 2>e
echo "rc=$?"
sed 's/^target=[0-9][0-9]*$/target=PID/' o
sort e
leftovers
