/* build.h - pass 4: the generated C becomes a kernel module through the
 * target kernel's kbuild.
 *
 * Input: the C file pass 3 wrote into the run's temporary directory, the
 * target's build tree, the runtime directory and the kernel-features
 * header (kfeatures.h).  Output: TMPDIR/<module>.ko.
 *
 * The temporary directory holds <module>.c and a Kbuild file:
 *
 *	obj-m := <module>.o
 *	ccflags-y := -I<runtime> -include <kfeatures header>
 *
 * and `make -C BUILD M=TMPDIR modules` (plus each -B NAME=VAL) builds it.
 * make's output is shown with -vvv (pass-4 verbosity 3) and on failure,
 * otherwise kept quiet.  The -D macros are not repeated here: pass 3
 * writes them into the C file itself.
 */
#ifndef STAP_BUILD_H
#define STAP_BUILD_H

#include <stdbool.h>

struct arena;
struct session;

/* Names how build.c turns C into a module (flags, Kbuild layout); part of
 * the cache key, so changing the recipe must change this string. */
#define BUILD_RECIPE "kbuild: CFLAGS_MODULE=-g0, --strip-debug, -I runtime, -include kfeatures (2)"

/* Check that build_dir is a kernel build tree (it has a Makefile).  When
 * not, explain which package provides it and return 1; else 0. */
int build_check_tree(const char *release, const char *build_dir, bool dir_given);

/* The run's temporary directory: --tmpdir DIR (created if needed, kept),
 * else a fresh $TMPDIR/stapXXXXXX (or /tmp).  NULL after an error. */
const char *build_tmpdir(struct arena *a, const struct session *s);

/* Remove the temporary directory unless -k or --tmpdir asked to keep it;
 * when kept, say so as upstream does.  While the directory exists,
 * SIGINT, SIGTERM and SIGHUP stop make and end the run here instead of
 * killing stap and leaving the directory behind. */
void build_tmpdir_done(const struct session *s, const char *dir);

/* The signal that interrupted passes 3-4, or 0. */
int build_interrupted(void);

/* Run `make -C build_dir M=dir [-B opts] targets...` in the background of
 * the user's terminal: output into dir/LOG (shown on the terminal instead
 * when show).  extra: further make arguments (NULL-terminated, may be
 * NULL).  Returns make's exit status, or -1 if it could not run. */
int build_make(const struct session *s, const char *build_dir, const char *dir,
	       const char *log, bool show, const char *const *extra);

/* Compile dir/<module>.c into dir/<module>.ko, the fast way when
 * env_file (see build_env_file) holds a recorded environment, else the
 * full way, recording one into env_file when it is not NULL.  Prints the
 * compiler's output on failure.  Returns 0 or 1. */
int build_module(struct arena *a, const struct session *s, const char *build_dir,
		 const char *runtime_dir, const char *kfeatures_header, const char *env_file,
		 const char *dir, const char *module);

/* Where the recorded kbuild environment for this build tree and this
 * process's environment lives (in the cache's kfeatures/ directory), or
 * NULL when the fast path is off (no cache, -B options, -vvv). */
const char *build_env_file(struct arena *a, const struct session *s, const char *build_dir,
			   const char *cache_dir);

/* The Kbuild line that makes a full kbuild run dump its environment into
 * dir/kbuild.env. */
const char *build_env_capture_line(struct arena *a, const char *dir);

/* Turn dir/kbuild.env into the record env_file.  Returns 0, or -1 when
 * there is no dump or its layout is not one the fast path knows. */
int build_env_save(struct arena *a, const char *dir, const char *env_file);

/* Write text to path (whole file).  Returns 0 or -errno. */
int build_write_file(const char *path, const char *text);

#endif
