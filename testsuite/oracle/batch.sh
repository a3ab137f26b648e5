# batch.sh - the run-time corpus (testsuite/run/) in one boot of the test VM;
# shared by testsuite/oracle/make-goldens.sh (the peer, Debian's SystemTap
# 4.8, writes the goldens) and testsuite/suites/run.sh (our pipeline is
# compared with them).  Sourced, not run.
#
# A case is testsuite/run/NAME.stp plus optional files:
#   NAME.opts   extra stap options (one line, word-split: -DMAXACTION=100)
#   NAME.guest  busybox-sh fragment run in the VM instead of `staprun "$KO"`
#               (cwd = the case's dir, $KO = the module file); its stdout,
#               stderr and exit status are the case's
#   NAME.out    golden stdout, byte-exact
#   NAME.err    golden stderr: one ERE per line, each matching the whole
#               line of stderr at that position; absent = stderr empty
#   NAME.rc     golden exit status when it is not 0
#   NAME.files  host files the guest needs in its directory, one path a
#               line; ${KREL} stands for the test kernel's release (e.g. a
#               module of the image: /lib/modules/${KREL}/kernel/...)
#   NAME.c      a workload program: built on the host with gcc -static
#               (the guest has no libc) as ./NAME in the case's directory
#               (it may include a header of the case directory, as the
#               network cases do loopback.h)
#   NAME.timeout  seconds the case may take in the VM, when more than
#               RT_CASE_TIMEOUT (a stress case)
#   NAME.cflags the gcc options NAME.c is built with, instead of
#               `-static -O2` (-g for DWARF, -static-pie, a dynamic
#               program with the loader given by path ...)
#   NAME.lib.c  a shared library the case's program uses: built with -g
#               -shared -fPIC as libNAME.so next to it
#   NAME.kmod.c a kernel module the case probes: built by kbuild for the
#               test kernel (with the DWARF its config asks for) as
#               NAME_kmod.ko, in the directory the script is built in (so
#               the script names it module("./NAME_kmod.ko")) and in the
#               case's directory in the VM
#
# In the VM each case prints one header line
#   @@case rc=<status> out=<bytes> err=<bytes>
# followed by its stdout and stderr bytes, so binary output (%b) and output
# without a final newline survive: rt_split cuts them apart again.

# The release the cases are built for: the test VM's kernel, resolved by
# testsuite/vm/kernel.sh (Debian's linux-image-amd64) unless RT_KREL is set.
RT_KREL=${RT_KREL:-$("$TOP_SRCDIR/testsuite/vm/kernel.sh" --print-release)}
RT_CASE_TIMEOUT=${RT_CASE_TIMEOUT:-20}

# rt_cases RUNDIR [NAME...]: the case names, sorted; the given ones only
# when names are given (a name may also be a path or end in .stp).
rt_cases() {
	local dir=$1 n
	shift
	if [ $# -gt 0 ]; then
		for n in "$@"; do
			n=${n##*/}
			echo "${n%.stp}"
		done
	else
		for n in "$dir"/*.stp; do
			n=${n##*/}
			echo "${n%.stp}"
		done
	fi | LC_ALL=C sort -u
}

# rt_opts RUNDIR NAME: the case's extra stap options (may be empty).
rt_opts() {
	[ ! -f "$1/$2.opts" ] || tr '\n' ' ' <"$1/$2.opts"
}

# rt_args RUNDIR NAME: the script's arguments ($1, @1 ...), from
# NAME.args (words, one line or several), for after the script's name.
rt_args() {
	[ ! -f "$1/$2.args" ] || tr '\n' ' ' <"$1/$2.args"
}

# rt_key RUNDIR NAME: a key of the script, its options and arguments,
# naming the peer's cached module for them.
rt_key() {
	cat "$1/$2.stp" "$1/$2.opts" "$1/$2.args" 2>/dev/null | cksum | tr ' ' -
}

# rt_program RUNDIR NAME DEST: the case's program (and library, and
# .files) built into DEST, the directory that becomes the case's in the
# VM.  With RT_SYSROOT set, rt_build does this first into
# RT_SYSROOT/batch/tests/NAME and builds the script with
# --sysroot=RT_SYSROOT: a script probing process("/batch/tests/NAME/NAME")
# reads the very file the VM will run (user-space probes: testsuite/user/).
rt_program() {
	local dir=$1 name=$2 dest=$3 f cflags="-static -O2"
	mkdir -p "$dest"
	if [ -f "$dir/$name.files" ]; then
		while read -r f; do
			[ -n "$f" ] || continue
			cp "${f//'${KREL}'/$RT_KREL}" "$dest/" || return 1
		done <"$dir/$name.files"
	fi
	[ ! -f "$dir/$name.cflags" ] || cflags=$(tr '\n' ' ' <"$dir/$name.cflags")
	if [ -f "$dir/$name.lib.c" ]; then
		gcc -g -O2 -Wall -shared -fPIC -I "$dir" -o "$dest/lib$name.so" "$dir/$name.lib.c" ||
			return 1
	fi
	[ -f "$dir/$name.c" ] || return 0
	# shellcheck disable=SC2086 # cflags is a word list
	gcc $cflags -Wall -I "$dir" -o "$dest/$name" "$dir/$name.c" \
		$([ ! -f "$dir/$name.lib.c" ] || echo "-L$dest -l$name")
}

# rt_build STAPCMD RUNDIR NAME WORKDIR: build NAME.ko into WORKDIR with
# `STAPCMD -p4 -r KREL -m NAME OPTS NAME.stp ARGS`, run from WORKDIR on a copy
# of the script so that error messages name "NAME.stp" exactly as the
# goldens do.  STAPCMD is word-split (it may carry -R DIR).  The build log
# goes to WORKDIR/NAME.log.  Returns the stap status (non-zero if no .ko).
rt_build() {
	local stapcmd=$1 dir=$2 name=$3 work=$4 rc sysroot=
	mkdir -p "$work"
	cp "$dir/$name.stp" "$work/$name.stp"
	rm -f "$work/$name.ko"
	: >"$work/$name.log"
	if [ -f "$dir/$name.kmod.c" ]; then
		rt_kmod "$dir" "$name" "$work" >"$work/$name.log" 2>&1 || return 98
	fi
	if [ -n "${RT_SYSROOT:-}" ]; then
		rm -rf "$RT_SYSROOT/batch/tests/$name"
		rt_program "$dir" "$name" "$RT_SYSROOT/batch/tests/$name" >"$work/$name.log" 2>&1 ||
			return 97
		sysroot=--sysroot=$RT_SYSROOT
	fi
	# shellcheck disable=SC2086 # both are word lists on purpose
	(cd "$work" && $stapcmd -p4 -r "$RT_KREL" -m "$name" $sysroot $(rt_opts "$dir" "$name") \
		"$name.stp" $(rt_args "$dir" "$name")) >>"$work/$name.log" 2>&1
	rc=$?
	[ "$rc" -ne 0 ] || [ -f "$work/$name.ko" ] || rc=99
	return "$rc"
}

# rt_kmod RUNDIR NAME WORKDIR: build NAME.kmod.c into WORKDIR/NAME_kmod.ko.
rt_kmod() {
	local dir=$1 name=$2 work=$3 src=$3/$2-kmod
	rm -rf "$src"
	mkdir -p "$src"
	cp "$dir/$name.kmod.c" "$src/${name}_kmod.c"
	echo "obj-m := ${name}_kmod.o" >"$src/Kbuild"
	make -s -C "/lib/modules/$RT_KREL/build" M="$src" modules &&
		cp "$src/${name}_kmod.ko" "$work/"
}

# rt_batch_init BATCH PREP: an empty batch whose bin/prep.sh (sourced by
# every case before it starts) holds the shell text PREP.
rt_batch_init() {
	rm -rf "$1"
	mkdir -p "$1/tests" "$1/bin"
	printf '%s\n' "$2" >"$1/bin/prep.sh"
}

# rt_batch_add BATCH RUNDIR NAME KO: NAME as a test of the batch, running
# module file KO (copied in as NAME.ko).
rt_batch_add() {
	local batch=$1 dir=$2 name=$3 ko=$4 t=$1/tests/$3
	mkdir -p "$t"
	cp "$ko" "$t/$name.ko"
	if [ -f "$dir/$name.timeout" ]; then
		cp "$dir/$name.timeout" "$t/timeout"
	else
		echo "$RT_CASE_TIMEOUT" >"$t/timeout"
	fi
	if [ -n "${RT_SYSROOT:-}" ] && [ -d "$RT_SYSROOT/batch/tests/$name" ]; then
		# the very files the module was built against
		cp -a "$RT_SYSROOT/batch/tests/$name/." "$t/" || return 1
	else
		# the .files, and the program if there is one
		rt_program "$dir" "$name" "$t" || return 1
	fi
	# the case's kernel module lies next to its script's module
	if [ -f "$dir/$name.kmod.c" ]; then
		cp "${ko%/*}/${name}_kmod.ko" "$t/" || return 1
	fi
	if [ -f "$dir/$name.guest" ]; then
		cp "$dir/$name.guest" "$t/guest.sh"
	else
		echo 'staprun "$KO"' >"$t/guest.sh"
	fi
	cat >"$t/run.sh" <<EOF
. /batch/bin/prep.sh
KO=$name.ko
(. ./guest.sh) >case.stdout 2>case.stderr
rc=\$?
echo "@@case rc=\$rc out=\$(wc -c <case.stdout) err=\$(wc -c <case.stderr)"
cat case.stdout case.stderr
EOF
}

# rt_batch_run SUITE BATCH RUNDIR KODIR NAME...: each NAME whose module
# KODIR/NAME.ko was built, as a test of BATCH, and one boot of the VM for
# them all (its lines prefixed "SUITE: ").
rt_batch_run() {
	local suite=$1 batch=$2 dir=$3 kodir=$4 name t0 built=()
	shift 4
	for name in "$@"; do
		[ -f "$kodir/$name.ko" ] || continue
		rt_batch_add "$batch" "$dir" "$name" "$kodir/$name.ko" || return 1
		built+=("$name")
	done
	[ ${#built[@]} -gt 0 ] || return 0
	t0=$(date +%s)
	rt_run_batch "$batch" "${#built[@]}" 2>&1 | sed "s/^/$suite: /"
	echo "$suite: VM ran ${#built[@]} cases in $(($(date +%s) - t0)) s"
}

# rt_run_batch BATCH NCASES: boot the VM once for the whole batch, with a
# VM time limit that grows with the number of cases (and with the time
# of the stress cases that asked for more: NAME.timeout).
rt_run_batch() {
	local extra=0 t
	for t in "$1"/tests/*/timeout; do
		[ -f "$t" ] || continue
		t=$(cat "$t")
		[ "$t" -le "$RT_CASE_TIMEOUT" ] || extra=$((extra + t))
	done
	VM_TIMEOUT=${VM_TIMEOUT:-$((120 + 4 * $2 + extra))} \
		"$TOP_SRCDIR/testsuite/vm/run-batch" "$1"
}

# rt_split BATCH NAME OUT: cut results/NAME.out into OUT.stdout,
# OUT.stderr and OUT.rc.  Without a header (the case timed out or the VM
# died) OUT.rc holds the VM's verdict and OUT.stdout the raw output;
# returns 1 then.
rt_split() {
	local res=$1/results/$2 out=$3 head rc o e
	head=$(head -n 1 "$res.out" 2>/dev/null)
	if [[ ! $head =~ ^@@case\ rc=([0-9]+)\ out=\ *([0-9]+)\ err=\ *([0-9]+)$ ]]; then
		cat "$res.rc" >"$out.rc" 2>/dev/null || echo noresult >"$out.rc"
		cp "$res.out" "$out.stdout" 2>/dev/null || : >"$out.stdout"
		: >"$out.stderr"
		return 1
	fi
	rc=${BASH_REMATCH[1]} o=${BASH_REMATCH[2]} e=${BASH_REMATCH[3]}
	echo "$rc" >"$out.rc"
	tail -c +$((${#head} + 2)) "$res.out" | head -c "$o" >"$out.stdout"
	tail -c +$((${#head} + 2 + o)) "$res.out" | head -c "$e" >"$out.stderr"
	return 0
}

# rt_err_match STDERR ERRFILE: true when each line of STDERR matches, as a
# whole, the ERE on the same line of ERRFILE, and the line counts agree.
# A missing ERRFILE means stderr must be empty.
rt_err_match() {
	local -a got want
	local i
	if [ ! -f "$2" ]; then
		[ ! -s "$1" ]
		return
	fi
	mapfile -t got <"$1"
	mapfile -t want <"$2"
	[ "${#got[@]}" -eq "${#want[@]}" ] || return 1
	for ((i = 0; i < ${#want[@]}; i++)); do
		[[ ${got[i]} =~ ^(${want[i]})$ ]] || return 1
	done
}

# rt_err_golden STDERR: the stderr as a golden .err: every line with its
# ERE metacharacters escaped, so it matches exactly that line.
rt_err_golden() {
	sed 's/[][\.*^$+?(){}|\\]/\\&/g' "$1"
}
