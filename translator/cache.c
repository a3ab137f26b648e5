/* cache.c - the module cache key and cache files (see cache.h).
 *
 * Speed: a cached `stap -p4` must finish in about 20 ms, and computing the
 * key is most of it.  Everything is read with plain read(2) in large
 * blocks straight into the hash; no file is read twice.
 */
#include "config.h"

#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "build.h"
#include "pass2.h"
#include "session.h"

const char *cache_dir(struct arena *a)
{
	const char *d = getenv("SYSTEMTAP_DIR");
	char cwd[4096];
	/* Absolute: the kernel-features header is passed to kbuild by path. */
	if (d && *d && d[0] != '/' && getcwd(cwd, sizeof(cwd)))
		return arena_printf(a, "%s/%s/cache", cwd, d);
	if (d && *d)
		return arena_printf(a, "%s/cache", d);
	const char *home = getenv("HOME");
	if (home && *home)
		return arena_printf(a, "%s/.systemtap/cache", home);
	return NULL;
}

void cache_hash_file(struct hash *h, const char *path)
{
	static unsigned char buf[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		hash_str(h, "<missing>");
		return;
	}
	ssize_t n;
	uint64_t total = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		hash_bytes(h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	close(fd);
	hash_u64(h, total);  /* ends the file: contents cannot run into the next field */
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Hash dir/rel (rel "" for the top) recursively; returns files hashed. */
static int hash_tree_at(struct hash *h, const char *top, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s%s", top, *rel ? "/" : "", rel);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;  /* ., .., editor and VCS files: never part of a build */
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	int files = 0;
	for (size_t i = 0; i < n; i++) {
		char sub[2048], full[4096];
		struct stat st;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", names[i]) >=
			    (int)sizeof(sub) ||
		    snprintf(full, sizeof(full), "%s/%s", top, sub) >= (int)sizeof(full) ||
		    stat(full, &st) != 0) {
			/* too deep to matter, or gone meanwhile */
		} else if (S_ISDIR(st.st_mode)) {
			files += hash_tree_at(h, top, sub);
		} else if (S_ISREG(st.st_mode)) {
			hash_str(h, sub);
			cache_hash_file(h, full);
			files++;
		}
		free(names[i]);
	}
	free(names);
	return files;
}

int cache_hash_tree(struct hash *h, const char *dir)
{
	int files = hash_tree_at(h, dir, "");
	hash_u64(h, (uint64_t)files);
	return files;
}

static void hash_list(struct hash *h, const char *what, const struct strlist *l)
{
	hash_str(h, what);
	hash_u64(h, (uint64_t)l->count);
	for (int i = 0; i < l->count; i++)
		hash_str(h, l->items[i]);
}

/* The options that change what the module is or does. */
static void hash_options(struct hash *h, const struct session *s)
{
	hash_list(h, "-D", &s->c_defines);
	hash_list(h, "-B", &s->make_opts);
	hash_list(h, "--modinfo", &s->modinfo);
	hash_str(h, s->module_name);
	hash_str(h, s->privilege);
	hash_str(h, s->compatible);
	hash_u64(h, (uint64_t)s->timeout_s);
	unsigned flags = (unsigned)s->guru | (unsigned)s->unoptimized << 1 |
			 (unsigned)s->suppress_handler_errors << 2 |
			 (unsigned)s->suppress_time_limits << 3 | (unsigned)s->bulk << 4 |
			 (unsigned)s->timing << 5 | (unsigned)s->flight_recorder << 6 |
			 (unsigned)s->skip_badvars << 7 | (unsigned)s->no_global_var_display << 8;
	hash_u64(h, flags);
	hash_u64(h, (uint64_t)s->runtime);
}

/* The source file a declaration came from, or NULL. */
static const struct source *decl_source(const struct decl *d)
{
	switch (d->kind) {
	case DECL_GLOBAL: return d->u.global->pos.src;
	case DECL_FUNCTION: return d->u.function->pos.src;
	case DECL_PROBE: return d->u.probe->pos.src;
	case DECL_ALIAS: return d->u.alias->pos.src;
	case DECL_EMBEDDED: return d->u.embedded->pos.src;
	}
	return NULL;
}

/* Name and text of every source file with a declaration in the program,
 * each once (declarations of one file are adjacent, so remembering the
 * files seen in a small table is enough). */
static void hash_sources(struct hash *h, const struct program *prog)
{
	const struct source *seen[64];
	int nseen = 0, next = 0;
	for (const struct decl *d = prog->decls; d; d = d->next) {
		const struct source *src = decl_source(d);
		if (!src)
			continue;
		bool dup = false;
		for (int i = 0; i < nseen && !dup; i++)
			dup = seen[i] == src;
		if (dup)
			continue;
		seen[next] = src;
		next = (next + 1) % 64;
		if (nseen < 64)
			nseen++;
		hash_str(h, src->name);
		hash_bytes(h, src->text, src->len);
		hash_u64(h, src->len);
	}
}

/* The elaborated program: what -p2 -vv prints, plus function C bodies. */
static void hash_program(struct hash *h, const struct elab_program *ep)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (mem) {
		elab_print(mem, ep, 2);
		fclose(mem);
		hash_bytes(h, text, len);
		hash_u64(h, len);
		free(text);
	}
	for (const struct elab_func *f = ep->functions; f; f = f->next) {
		hash_str(h, f->fn->name);
		if (f->fn->embedded)
			hash_bytes(h, f->fn->embedded, f->fn->embedded_len);
		hash_u64(h, f->fn->embedded ? f->fn->embedded_len : 0);
	}
	hash_sources(h, ep->prog);
}

void cache_module_key(const struct session *s, const struct elab_program *ep,
		      const char *release, const char *arch, const char *build_dir,
		      const char *runtime_dir, char hex[HASH_HEX_LEN + 1])
{
	struct hash h;
	hash_init(&h);
	hash_str(&h, "systemtap-in-c module " PACKAGE_VERSION);
	hash_str(&h, BUILD_RECIPE);
	hash_program(&h, ep);
	hash_str(&h, "runtime");
	cache_hash_tree(&h, runtime_dir);
	hash_options(&h, s);
	hash_str(&h, release);
	hash_str(&h, arch);
	hash_str(&h, build_dir);
	char path[4096];
	snprintf(path, sizeof(path), "%s/include/generated/autoconf.h", build_dir);
	cache_hash_file(&h, path);
	snprintf(path, sizeof(path), "%s/.config", build_dir);
	cache_hash_file(&h, path);
	/* Symbol CRCs end up in the module; a rebuilt kernel of the same
	 * release changes this file.  Its size and time say so without
	 * reading 1.7 MB. */
	struct stat st;
	snprintf(path, sizeof(path), "%s/Module.symvers", build_dir);
	if (stat(path, &st) == 0) {
		hash_u64(&h, (uint64_t)st.st_size);
		hash_u64(&h, (uint64_t)st.st_mtime);
	}
	hash_hex(&h, hex);
}

char *cache_path(struct arena *a, const char *dir, const char *hex, const char *name,
		 const char *ext)
{
	return arena_printf(a, "%s/%.2s/%s%s", dir, hex, name, ext);
}

int cache_mkdirs_for(const char *path)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	char *slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return 0;
	*slash = '\0';
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -errno;
		if (c == '\0')
			break;
		*p = c;
	}
	return 0;
}

static int copy_fd(int in, int out)
{
	static char buf[1 << 16];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			off += w;
		}
	}
	return n < 0 ? -errno : 0;
}

int cache_copy_atomic(const char *src, const char *dst)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", dst) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	int rc = cache_mkdirs_for(dst);
	if (rc)
		return rc;
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	int out = mkstemp(tmp);
	if (out < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	rc = copy_fd(in, out);
	close(in);
	if (rc == 0 && fchmod(out, 0644) != 0)
		rc = -errno;
	if (close(out) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, dst) != 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

bool cache_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
