/* files.c - whole-file reads and atomic writes for the typeinfo cache, and
 * where a module's .ko is. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "cache.h"
#include "typeinfo/ti_int.h"

unsigned char *ti_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
		errno = errno ? errno : EIO;
	}
	fclose(f);
	return buf;
}

/* Another stap run may read the file meanwhile: it sees the old one or the
 * whole new one, never half of it. */
int ti_write_file(const char *path, const void *data, size_t len)
{
	char tmp[4096];
	FILE *f;
	if (cache_mkdirs_for(path) != 0 ||
	    snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid()) >= (int)sizeof(tmp) ||
	    !(f = fopen(tmp, "wb")))
		return -1;
	int bad = fwrite(data, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* ---- module files ---- */

void ti_set_module_file(struct ti *ti, const char *module, const char *path)
{
	size_t old = (size_t)ti->nfile_modules * sizeof(char *);
	ti->file_modules = arena_realloc(ti->arena, ti->file_modules, old, old + sizeof(char *));
	ti->file_paths = arena_realloc(ti->arena, ti->file_paths, old, old + sizeof(char *));
	ti->file_modules[ti->nfile_modules] = arena_strdup(ti->arena, module);
	ti->file_paths[ti->nfile_modules++] = arena_strdup(ti->arena, path);
}

const char *ti_module_from_path(struct ti *ti, const char *path, const char **why)
{
	char *real = realpath(path, NULL);
	if (!real) {
		*why = arena_printf(ti->arena, "%s: %s", path, strerror(errno));
		return NULL;
	}
	const char *base = strrchr(real, '/') + 1;
	size_t len = strlen(base);
	if (len <= 3 || strcmp(base + len - 3, ".ko") != 0) {
		*why = arena_printf(ti->arena, "%s: a module file ends in .ko", path);
		free(real);
		return NULL;
	}
	char *name = arena_strdup(ti->arena, base);
	name[len - 3] = '\0';
	for (char *c = name; *c; c++)
		if (*c == '-')
			*c = '_';
	ti_set_module_file(ti, name, real);
	free(real);
	return name;
}

/* A .ko file's name is its module's, but for '-' where lsmod has '_'
 * ("hid-generic.ko" is hid_generic): the two are alike either way. */
static bool names_module(const char *file, size_t len, const char *module)
{
	size_t i = 0;
	for (; i < len && module[i]; i++)
		if (file[i] != module[i] && !(strchr("-_", file[i]) && strchr("-_", module[i])))
			return false;
	return i == len && !module[i];
}

/* From /lib/modules/REL/modules.dep ("kernel/fs/ext4/ext4.ko:
 * kernel/fs/jbd2/jbd2.ko ..."). */
const char *ti_module_file(struct ti *ti, const char *module)
{
	for (int i = 0; i < ti->nfile_modules; i++)
		if (strcmp(ti->file_modules[i], module) == 0)
			return ti->file_paths[i];
	const char *dir = arena_printf(ti->arena, "/lib/modules/%s", ti->release);
	FILE *f = fopen(arena_printf(ti->arena, "%s/modules.dep", dir), "r");
	char *line = NULL, *found = NULL;
	size_t cap = 0;
	if (!f)
		return NULL;
	while (!found && getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':'), *base;
		if (!colon)
			continue;
		*colon = '\0';
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		/* Compressed modules (.ko.xz) libelf cannot read: not found. */
		size_t len = strlen(base);
		if (len > 3 && strcmp(base + len - 3, ".ko") == 0 &&
		    names_module(base, len - 3, module))
			found = arena_printf(ti->arena, "%s/%s", dir, line);
	}
	free(line);
	fclose(f);
	return found;
}

