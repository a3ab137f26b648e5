/* kfeatures.c - kernel feature tests, compiled once per kernel (see
 * kfeatures.h).
 *
 * Input: runtime/kfeatures/NAME.c (NAME: lower case letters, digits, _).
 * Output: a header of STP_HAVE_NAME macros, cached under the cache dir.
 * The tests are built with -Werror so that a changed signature (an
 * incompatible pointer, not only a missing name) reads as "absent".
 */
#include "config.h"

#include "kfeatures.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "build.h"
#include "cache.h"
#include "hash.h"
#include "session.h"

#define MAX_TESTS 64

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool valid_name(const char *n, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(islower((unsigned char)n[i]) || isdigit((unsigned char)n[i]) || n[i] == '_'))
			return false;
	return true;
}

/* The test names (file names without .c), sorted.  Returns how many. */
static int list_tests(struct arena *a, const char *dir, const char **names)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < MAX_TESTS) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		if (!valid_name(e->d_name, len - 2))
			continue;
		names[n++] = arena_strndup(a, e->d_name, len - 2);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_names);
	return n;
}

static char *copy_file_text(struct arena *a, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	return arena_strndup(a, buf, n);
}

/* Compile every test in work/; write the header at out.  Returns 0 or 1. */
static int run_tests(struct arena *a, const struct session *s, const char *build_dir,
		     const char *src_dir, const char *work, const char **names, int n,
		     const char *out)
{
	if (mkdir(work, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "stap: cannot create %s: %s\n", work, strerror(errno));
		return 1;
	}
	const char *targets[MAX_TESTS + 4];
	int nt = 0;
	targets[nt++] = "-k";
	targets[nt++] = "-j2";
	char *kbuild = arena_strdup(a, "ccflags-y := -Werror\nobj-m :=");
	for (int i = 0; i < n; i++) {
		char *text = copy_file_text(a, arena_printf(a, "%s/%s.c", src_dir, names[i]));
		if (!text || build_write_file(arena_printf(a, "%s/%s.c", work, names[i]), text)) {
			fprintf(stderr, "stap: cannot copy kernel feature test %s\n", names[i]);
			return 1;
		}
		kbuild = arena_printf(a, "%s %s.o", kbuild, names[i]);
		targets[nt++] = arena_printf(a, "%s.o", names[i]);
	}
	targets[nt] = NULL;
	if (build_write_file(arena_printf(a, "%s/Kbuild", work), arena_printf(a, "%s\n", kbuild)))
		return 1;
	bool show = s->verbose[3] >= 3;
	if (n > 0 && build_make(s, build_dir, work, arena_printf(a, "%s/make.log", work), show,
				targets) < 0)
		return 1;
	char *header = arena_strdup(a, "/* kernel features found by stap's compile tests */\n");
	int found = 0;
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (stat(arena_printf(a, "%s/%s.o", work, names[i]), &st) != 0)
			continue;
		char *upper = arena_strdup(a, names[i]);
		for (char *c = upper; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		header = arena_printf(a, "%s#define STP_HAVE_%s 1\n", header, upper);
		found++;
	}
	if (s->verbose[3] >= 2)
		fprintf(stderr, "Pass 4: kernel features: %d of %d tests built\n", found, n);
	char *tmp = arena_printf(a, "%s/kfeatures.h", work);
	if (build_write_file(tmp, header))
		return 1;
	if (strcmp(tmp, out) != 0 && cache_copy_atomic(tmp, out) != 0) {
		fprintf(stderr, "stap: cannot write %s\n", out);
		return 1;
	}
	return 0;
}

const char *kfeatures_header(struct arena *a, const struct session *s, const char *build_dir,
			     const char *runtime_dir, const char *cache_dir, const char *tmpdir)
{
	const char *src_dir = arena_printf(a, "%s/kfeatures", runtime_dir);
	const char *names[MAX_TESTS];
	int n = list_tests(a, src_dir, names);

	struct hash h;
	char hex[HASH_HEX_LEN + 1];
	hash_init(&h);
	hash_str(&h, "kfeatures " PACKAGE_VERSION);
	hash_str(&h, build_dir);
	cache_hash_file(&h, arena_printf(a, "%s/include/generated/autoconf.h", build_dir));
	cache_hash_file(&h, arena_printf(a, "%s/.config", build_dir));
	cache_hash_tree(&h, src_dir);
	/* -B can change the compiler or its flags */
	for (int i = 0; i < s->make_opts.count; i++)
		hash_str(&h, s->make_opts.items[i]);
	hash_hex(&h, hex);

	const char *work = arena_printf(a, "%s/kfeatures", tmpdir);
	const char *out = cache_dir && !s->disable_cache
		? arena_printf(a, "%s/kfeatures/%.32s.h", cache_dir, hex)
		: arena_printf(a, "%s/kfeatures.h", work);
	if (cache_dir && !s->disable_cache && !s->poison_cache && cache_exists(out))
		return out;
	if (run_tests(a, s, build_dir, src_dir, work, names, n, out))
		return NULL;
	return out;
}
