# Two modules share systemtap/: each removes only its own directory, the
# last one removes systemtap/ too.  stapio and staprun -A run the session
# of a module loaded with -L.
. /batch/bin/trlib.sh
staprun -L "$KO/tr_a.ko" status=1 && staprun -L "$KO/tr_b.ko" status=2
echo "dirs: $(ls "$DBG" | tr '\n' ' ')"
stapio tr_b >o 2>e
echo "stapio rc=$?"
cat o e
echo "dirs: $(ls "$DBG" | tr '\n' ' ')"
staprun -A tr_a >o 2>e
echo "staprun -A rc=$?"
cat o e
leftovers
