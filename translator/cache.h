/* cache.h - the module cache: a built module is named by a hash of
 * everything that shapes it, and reused while that hash stays the same.
 *
 * Layout (upstream's): DIR/<2 hex>/<module>.c and DIR/<2 hex>/<module>.ko,
 * where DIR is $SYSTEMTAP_DIR/cache, else $HOME/.systemtap/cache, and the
 * two hex digits are the start of the module's hash.  Kernel feature
 * headers live in DIR/kfeatures/ (kfeatures.c).
 *
 * The key is computed after pass 2 and before pass 3, so a hit skips both
 * translation and compilation.  It covers:
 *   - the elaborated program as `stap -p2 -vv` prints it, the embedded C of
 *     every function (which that print leaves out), and the text of every
 *     source file a declaration came from (the module's error messages
 *     quote file:line:col, which the print does not show);
 *   - every file under the runtime directory (relative path and contents);
 *   - the options that change the module (-D -B -g -u -m -T, --privilege,
 *     --modinfo, --suppress-handler-errors, --suppress-time-limits ...);
 *   - the kernel: release, architecture, build tree, its
 *     include/generated/autoconf.h and .config (which also name the
 *     compiler: CONFIG_CC_VERSION_TEXT), and Module.symvers' size and time;
 *   - this translator's version.
 * Files are written atomically (a temporary name, then rename), so a
 * reader never sees half a module and concurrent runs are safe.
 */
#ifndef STAP_CACHE_H
#define STAP_CACHE_H

#include <stdbool.h>

#include "hash.h"

struct arena;
struct session;
struct elab_program;

/* The cache directory (not created here), or NULL when neither
 * SYSTEMTAP_DIR nor HOME is set. */
const char *cache_dir(struct arena *a);

/* The key of the module for this program, as HASH_HEX_LEN hex digits.
 * Unreadable kernel files hash as absent (pass 4 reports them). */
void cache_module_key(const struct session *s, const struct elab_program *ep,
		      const char *release, const char *arch, const char *build_dir,
		      const char *runtime_dir, char hex[HASH_HEX_LEN + 1]);

/* Feed every regular file under dir (sorted by relative path) into h:
 * path and contents.  Returns the number of files. */
int cache_hash_tree(struct hash *h, const char *dir);

/* Feed a file's contents (or a marker for a missing file) into h. */
void cache_hash_file(struct hash *h, const char *path);

/* DIR/<first two chars of name's hash part>/ + name + ext, e.g.
 * cache_path(a, dir, "ab", "stap_ab12", ".ko"). */
char *cache_path(struct arena *a, const char *dir, const char *hex, const char *name,
		 const char *ext);

/* mkdir -p for the directory part of path.  Returns 0 or -errno. */
int cache_mkdirs_for(const char *path);

/* Copy src to dst through a temporary file in dst's directory and a
 * rename.  Returns 0 or -errno. */
int cache_copy_atomic(const char *src, const char *dst);

/* True when path names a readable regular file. */
bool cache_exists(const char *path);

#endif
