# vm-lib.sh - prepended to each runtime-core run.sh (busybox sh in the VM).
# session MODULE SECONDS: load, start, wait, stop, print the records, unload.
session() {
	d=/sys/kernel/debug/systemtap/$1
	insmod ./$1.ko || { echo "insmod $1 failed"; return 1; }
	echo "start 0" > $d/ctl || echo "start failed"
	sleep $2
	echo stop > $d/ctl || echo "stop failed"
	recs < $d/data
	rmmod $1 || echo "rmmod $1 failed"
}
