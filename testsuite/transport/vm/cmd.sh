# -c CMD: target() is its pid, it starts once probes are live, and its
# exit ends the session.
. /batch/bin/trlib.sh
staprun -c 'echo $$ >/tmp/cmd.pid; sleep 1; echo cmd-done' "$KO/tr_a.ko" no_exit=1 lines=-1 >o 2>e
echo "rc=$?"
if [ "$(head -n 1 o)" = "target=$(cat /tmp/cmd.pid)" ]; then
	echo "target is the command's pid"
else
	echo "first line '$(head -n 1 o)', command pid $(cat /tmp/cmd.pid)"
fi
echo "cmd-done lines: $(grep -c '^cmd-done$' o)"
[ "$(grep -c '^seq ' o)" -ge 20 ] && echo "probes ran while it ran"
seq_check o
end_matches o
cat e
leftovers
