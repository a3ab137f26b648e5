#!/bin/bash
# make-goldens.sh [CASE...] - (re)write the goldens of testsuite/run/ (all
# cases, or the named ones) from the peer: Debian's SystemTap 4.8 builds
# each case on the host, its own staprun/stapio run them all in one boot of
# the test VM, and whatever they print becomes NAME.out / NAME.err / NAME.rc.
# Goldens are never typed by hand.
#
# The peer cannot build for the current Debian kernel as shipped: its
# runtime calls task_work_cancel, since renamed task_work_cancel_func, so it
# builds against a patched copy of /usr/share/systemtap/runtime (-R).
# A case the peer cannot build gets no golden and is listed at the end.
#
# Environment: ORACLE_WORK (work dir, /tmp/oracle-work: patched runtime,
# built modules kept by content so reruns only build what changed, logs,
# the batch), ORACLE_JOBS (parallel builds, 1), SYSTEMTAP_DIR (the peer's
# cache, /tmp/oracle-cache), plus run-batch's VM_* variables.
# Needs: apt-get install systemtap systemtap-runtime.
set -u

here=$(cd "$(dirname "$0")" && pwd)
export TOP_SRCDIR=${TOP_SRCDIR:-$(dirname "$(dirname "$here")")}
# shellcheck source=batch.sh
. "$here/batch.sh"

rundir=$TOP_SRCDIR/testsuite/run
work=${ORACLE_WORK:-/tmp/oracle-work}
export SYSTEMTAP_DIR=${SYSTEMTAP_DIR:-/tmp/oracle-cache}
export SYSTEMTAP_NOSIGN=1

die() { echo "make-goldens: $*" >&2; exit 2; }

for f in /usr/bin/stap /usr/bin/staprun /usr/lib/systemtap/stapio; do
	[ -x "$f" ] || die "$f missing: apt-get install systemtap systemtap-runtime"
done
[ -d "/lib/modules/$RT_KREL/build" ] || die "no headers for $RT_KREL"

# The peer's runtime with the one renamed kernel function.
patch_runtime() {
	local rt=$work/runtime
	[ -f "$rt/.patched" ] && return 0
	rm -rf "$rt"
	mkdir -p "$work"
	cp -r /usr/share/systemtap/runtime "$rt" || die "cannot copy the runtime"
	sed -i 's/\btask_work_cancel\b/task_work_cancel_func/g' "$rt/stp_task_work.c"
	: >"$rt/.patched"
}

# build_one NAME: NAME's peer module, cached under a key of the script, its
# options and its name; prints nothing, returns non-zero on failure.
build_one() {
	local name=$1 key ko
	key=$(rt_key "$rundir" "$name")
	ko=$work/ko/$name-$key.ko
	[ -f "$ko" ] && return 0
	if rt_build "stap -R $work/runtime" "$rundir" "$name" "$work/build/$name"; then
		strip --strip-debug "$work/build/$name/$name.ko"
		mv "$work/build/$name/$name.ko" "$ko"
		rm -rf "$work/build/$name"
		return 0
	fi
	cp "$work/build/$name/$name.log" "$work/log/$name.log"
	return 1
}

main() {
	local names name n=0 failed=() key
	mapfile -t names < <(rt_cases "$rundir" "$@")
	patch_runtime
	mkdir -p "$work/ko" "$work/build" "$work/log"
	export -f build_one rt_build rt_opts rt_args rt_key
	export work rundir RT_KREL
	printf '%s\n' "${names[@]}" |
		xargs -P "${ORACLE_JOBS:-1}" -I{} bash -c \
			'build_one {} && echo "built {}" || echo "BUILD FAILED {} (see $work/log/{}.log)"'

	# Upstream staprun execs /usr/lib/systemtap/stapio, and stapio runs
	# /usr/bin/staprun to unload: put both where they expect to be.
	rt_batch_init "$work/batch" 'if [ ! -e /usr/lib/systemtap/stapio ]; then
	mkdir -p /usr/lib/systemtap /usr/bin
	cp /batch/bin/stapio /usr/lib/systemtap/stapio
	cp /batch/bin/staprun /usr/bin/staprun
fi'
	cp /usr/bin/staprun /usr/lib/systemtap/stapio "$work/batch/bin/"
	for name in "${names[@]}"; do
		key=$(rt_key "$rundir" "$name")
		if [ -f "$work/ko/$name-$key.ko" ]; then
			rt_batch_add "$work/batch" "$rundir" "$name" "$work/ko/$name-$key.ko"
			n=$((n + 1))
		else
			failed+=("$name")
		fi
	done
	[ "$n" -gt 0 ] || die "nothing built"
	rt_run_batch "$work/batch" "$n" || echo "make-goldens: the VM did not run every case" >&2

	mkdir -p "$work/split"
	for name in "${names[@]}"; do
		[ -d "$work/batch/tests/$name" ] || continue
		if ! rt_split "$work/batch" "$name" "$work/split/$name" ||
			[ "$(cat "$work/batch/results/$name.kernel")" != clean ]; then
			failed+=("$name")
			echo "NO GOLDEN $name: rc $(cat "$work/split/$name.rc"), kernel $(cat "$work/batch/results/$name.kernel")"
			continue
		fi
		cp "$work/split/$name.stdout" "$rundir/$name.out"
		if [ -s "$work/split/$name.stderr" ]; then
			rt_err_golden "$work/split/$name.stderr" >"$rundir/$name.err"
		else
			rm -f "$rundir/$name.err"
		fi
		if [ "$(cat "$work/split/$name.rc")" != 0 ]; then
			cp "$work/split/$name.rc" "$rundir/$name.rc"
		else
			rm -f "$rundir/$name.rc"
		fi
		echo "golden $name"
	done
	if [ ${#failed[@]} -gt 0 ]; then
		echo "make-goldens: no golden for: ${failed[*]}" >&2
		return 1
	fi
}

main "$@"
