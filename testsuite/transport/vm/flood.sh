# 100000 numbered lines from hrtimers on both CPUs, to -o FILE: all of
# them, in queue order, none on stdout.
. /batch/bin/trlib.sh
t0=$(cut -d ' ' -f 1 /proc/uptime)
staprun -o /tmp/flood.out "$KO/tr_a.ko" lines=100000 >o 2>e
echo "rc=$?"
t1=$(cut -d ' ' -f 1 /proc/uptime)
# The time goes to the kernel log, not into the compared output.
echo "transport-flood: 100000 lines in $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s" >/dev/kmsg
echo "stdout bytes: $(wc -c <o)"
cat e
grep -v '^seq ' /tmp/flood.out
echo "seq lines: $(grep -c '^seq ' /tmp/flood.out)"
seq_check /tmp/flood.out
echo "cpus: $(awk '/^seq / { c[$4] = 1 } END { n = 0; for (k in c) n++; print (n >= 2 ? "2+" : n) }' /tmp/flood.out)"
leftovers
