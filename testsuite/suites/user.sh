#!/bin/bash
# user.sh - probes on programs (testsuite/user/): uprobes on functions and
# returns with their DWARF variables, SDT markers, statements, libraries,
# the programs run by -c, in ONE boot of the test VM.
#
# Each case's program (NAME.c, built with NAME.cflags, and a library
# NAME.lib.c) is built on the host into a sysroot laid out as the VM's
# batch (batch.sh rt_program), the script is built with --sysroot so that
# it names the program by its path in the VM, /batch/tests/NAME/NAME, and
# the VM runs the very files the module was built against.  The checks
# are the run corpus's (run.sh): NAME.out byte-exact, NAME.err regexes,
# NAME.rc, and a clean kernel log.  The expected outputs are written by
# hand from what each program does (how often it calls a function, with
# which arguments), not recorded from our output.
set -u
# plan: testsuite/user/*.stp
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
export VM_TCG_THREAD=single
RT_SYSROOT=${TEST_RESULTS:-/tmp}/user/sysroot
rm -rf "$RT_SYSROOT"
mkdir -p "$RT_SYSROOT/usr/bin"
# The python cases install the interpreter as /usr/bin/python3 in the VM,
# where the python tapset looks for it.
cp /usr/bin/python3.11 "$RT_SYSROOT/usr/bin/python3"
export RT_SYSROOT
RUN_SUITE=user RUN_DIR=$TOP_SRCDIR/testsuite/user bash "$here/run.sh"
