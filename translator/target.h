/* target.h - facts about the kernel a script is built for.
 *
 * The target is the running kernel, or the release (or build directory)
 * named by -r.  Pass 1 asks for kernel_v, kernel_vr, arch and CONFIG_*
 * values in %( %) conditionals; later passes ask for the build directory.
 * Files are read lazily, on the first question that needs them.
 */
#ifndef STAP_TARGET_H
#define STAP_TARGET_H

#include <stdbool.h>

struct arena;
struct session;
struct target;

/* read_files false: never touch the file system (CONFIG_* are all unset);
 * the release still comes from -r or uname(2). */
struct target *target_new(struct arena *a, const struct session *s, bool read_files);

/* "6.1.0-56-amd64" */
const char *target_kernel_vr(struct target *t);
/* True when the target is the kernel this machine runs. */
bool target_running(struct target *t);
/* "6.1.0": the release up to its first '-' */
const char *target_kernel_v(struct target *t);
/* Kernel architecture name: x86_64, i386, arm64, arm, powerpc, s390, ... */
const char *target_arch(struct target *t);
/* The kernel build tree (/lib/modules/REL/build, or -r DIR), or NULL. */
const char *target_build_dir(struct target *t);
/* CONFIG_X's value in the target's .config ("y", "m", "250", a string
 * without its quotes), or "" when unset or unknown. */
const char *target_config(struct target *t, const char *name);

#endif
