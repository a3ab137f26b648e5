# A session that ends itself (EXIT record): stdout, stderr, DONE status 3.
. /batch/bin/trlib.sh
staprun "$KO/tr_a.ko" status=3 >o 2>e
echo "rc=$?"
cat o
echo "-- stderr"
cat e
leftovers
