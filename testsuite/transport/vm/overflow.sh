# 20 MB of 1 KB records queued at once into a 1 MB ring (-s 1): what does
# not fit is dropped whole and counted, what arrives is intact.
. /batch/bin/trlib.sh
staprun -s 1 "$KO/tr_a.ko" burst=20000 >o 2>e
echo "rc=$?"
n=$(grep -c '^burst ' o)
lost=$(sed -n 's/^WARNING: There were \([0-9]*\) transport failures.*/\1/p' e)
[ "${lost:-0}" -gt 0 ] && echo "lost records are counted"
if [ $((n + ${lost:-0})) -eq 20000 ]; then
	echo "relayed + lost = 20000"
else
	echo "relayed $n, lost ${lost:-?}"
fi
echo "broken burst lines: $(awk '/^burst / && length($0) != 1023' o | wc -l)"
tail -n 1 o
grep -c 'a stderr line' e
leftovers
