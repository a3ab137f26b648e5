# SIGINT, SIGTERM, SIGHUP each stop a session that would run forever; a
# second and third signal while the stop is slow change nothing.
. /batch/bin/trlib.sh
for sig in INT TERM HUP; do
	: >o
	staprun "$KO/tr_a.ko" no_exit=1 lines=-1 status=4 >o 2>e &
	p=$!
	wait_seq o
	kill -$sig $p
	wait $p
	echo "$sig: rc=$?"
	seq_check o
	end_matches o
	cat e
	leftovers
done
: >o
staprun "$KO/tr_a.ko" no_exit=1 lines=-1 stop_delay_ms=1500 >o 2>e &
p=$!
wait_seq o
kill -INT $p
sleep 0.3
kill -INT $p
sleep 0.3
kill -TERM $p
wait $p
echo "INT INT TERM: rc=$?"
end_matches o
cat e
leftovers
