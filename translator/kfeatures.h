/* kfeatures.h - which kernel interfaces the target's headers have.
 *
 * Each runtime/kfeatures/NAME.c is a tiny file that compiles only when
 * the interface it uses exists (a stable kernel may have backported a
 * rename, so version numbers cannot tell).  All of them are compiled in
 * one kbuild run, each as its own object with make -k, and the header
 *
 *	#define STP_HAVE_NAME 1        (NAME in upper case)
 *
 * lists those that built.  runtime/compat/ is the only reader of these
 * macros.  The header is cached as CACHE/kfeatures/<hash>.h, the hash
 * covering the build tree, its autoconf.h and .config, and the test
 * files, so it is made once per kernel (and again when a test changes).
 */
#ifndef STAP_KFEATURES_H
#define STAP_KFEATURES_H

struct arena;
struct session;

/* The header's path: the cached one, or a new one built in
 * tmpdir/kfeatures/ (and cached when cache_dir is not NULL).  NULL when
 * the tests could not run at all (make missing, ...), after a message. */
const char *kfeatures_header(struct arena *a, const struct session *s, const char *build_dir,
			     const char *runtime_dir, const char *cache_dir, const char *tmpdir);

#endif
