/* target.c - the target kernel's release, architecture and configuration.
 *
 * Release: -r RELEASE, or the release a -r build directory was made for
 * (include/generated/utsrelease.h, then include/config/kernel.release), or
 * uname -r.  Config: BUILD/.config, then /boot/config-RELEASE, parsed once
 * into a hash table on the first CONFIG_ lookup.  An unreadable config is
 * reported once as a warning; its options then read as unset.
 */
#include "config.h"

#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "arena.h"
#include "diag.h"
#include "session.h"

struct config_entry {
	const char *name;
	const char *value;
};

struct target {
	struct arena *arena;
	bool read_files;
	const char *release;
	const char *version;
	const char *arch;
	const char *build_dir;
	bool config_loaded;
	struct config_entry *cfg;
	size_t cfg_cap;          /* power of two */
};

/* The whole file as an arena string, or NULL. */
static char *slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	if (!buf)
		return NULL;
	char *out = arena_strndup(a, buf, n);
	free(buf);
	if (len)
		*len = n;
	return out;
}

/* The release a build tree was configured for, or NULL. */
static const char *release_of_build_dir(struct arena *a, const char *dir)
{
	char *path = arena_printf(a, "%s/include/generated/utsrelease.h", dir);
	char *text = slurp(a, path, NULL);
	if (text) {
		char *q = strstr(text, "UTS_RELEASE");
		q = q ? strchr(q, '"') : NULL;
		char *e = q ? strchr(q + 1, '"') : NULL;
		if (e)
			return arena_strndup(a, q + 1, (size_t)(e - q - 1));
	}
	path = arena_printf(a, "%s/include/config/kernel.release", dir);
	text = slurp(a, path, NULL);
	if (text) {
		text[strcspn(text, "\r\n")] = '\0';
		if (*text)
			return text;
	}
	return NULL;
}

static const char *normalize_arch(const char *m)
{
	if (m[0] == 'i' && m[1] && strcmp(m + 2, "86") == 0)
		return "i386";
	if (strcmp(m, "aarch64") == 0)
		return "arm64";
	if (strncmp(m, "arm", 3) == 0)
		return "arm";
	if (strncmp(m, "ppc", 3) == 0 || strncmp(m, "powerpc", 7) == 0)
		return "powerpc";
	if (strncmp(m, "s390", 4) == 0)
		return "s390";
	if (strncmp(m, "mips", 4) == 0)
		return "mips";
	if (strncmp(m, "riscv", 5) == 0)
		return "riscv";
	return m;
}

struct target *target_new(struct arena *a, const struct session *s, bool read_files)
{
	struct target *t = arena_alloc(a, sizeof(*t));
	struct utsname u;
	t->arena = a;
	t->read_files = read_files;
	bool have_uname = uname(&u) == 0;
	const char *r = s ? s->kernel : NULL;
	if (r && strchr(r, '/')) {
		t->build_dir = r;
		t->release = read_files ? release_of_build_dir(a, r) : NULL;
		if (!t->release)
			t->release = have_uname ? arena_strdup(a, u.release) : "0.0.0";
	} else {
		t->release = r ? r : have_uname ? arena_strdup(a, u.release) : "0.0.0";
		t->build_dir = arena_printf(a, "/lib/modules/%s/build", t->release);
	}
	size_t vlen = strcspn(t->release, "-");
	t->version = arena_strndup(a, t->release, vlen);
	t->arch = have_uname ? arena_strdup(a, normalize_arch(u.machine)) : "x86_64";
	if (s && s->arch)
		t->arch = s->arch;
	return t;
}

bool target_running(struct target *t)
{
	struct utsname u;
	return uname(&u) == 0 && strcmp(u.release, t->release) == 0;
}

const char *target_kernel_vr(struct target *t)
{
	return t->release;
}

const char *target_kernel_v(struct target *t)
{
	return t->version;
}

const char *target_arch(struct target *t)
{
	return t->arch;
}

const char *target_build_dir(struct target *t)
{
	return t->build_dir;
}

static size_t name_hash(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void config_put(struct target *t, const char *name, const char *value)
{
	size_t j = name_hash(name) & (t->cfg_cap - 1);
	while (t->cfg[j].name) {
		if (strcmp(t->cfg[j].name, name) == 0)
			break;
		j = (j + 1) & (t->cfg_cap - 1);
	}
	t->cfg[j].name = name;
	t->cfg[j].value = value;
}

/* Parse CONFIG_X=value lines; "# CONFIG_X is not set" leaves X unset. */
static void config_parse(struct target *t, char *text)
{
	size_t lines = 1;
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	t->cfg_cap = 16;
	while (t->cfg_cap < lines * 2)
		t->cfg_cap *= 2;
	t->cfg = arena_alloc(t->arena, t->cfg_cap * sizeof(*t->cfg));
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *eq = strchr(line, '=');
		if (strncmp(line, "CONFIG_", 7) == 0 && eq) {
			*eq = '\0';
			char *v = eq + 1;
			size_t vl = strlen(v);
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v[vl - 1] = '\0';
				v++;
			}
			config_put(t, line, v);
		}
		line = nl ? nl + 1 : NULL;
	}
}

static void config_load(struct target *t)
{
	t->config_loaded = true;
	if (!t->read_files)
		return;
	char *path = arena_printf(t->arena, "%s/.config", t->build_dir);
	char *text = slurp(t->arena, path, NULL);
	if (!text) {
		path = arena_printf(t->arena, "/boot/config-%s", t->release);
		text = slurp(t->arena, path, NULL);
	}
	if (!text) {
		diag_warning(D_IO, NULL,
			     "cannot read the kernel configuration of %s (%s/.config or "
			     "/boot/config-%s); CONFIG_ options read as unset",
			     t->release, t->build_dir, t->release);
		return;
	}
	config_parse(t, text);
}

const char *target_config(struct target *t, const char *name)
{
	if (!t->config_loaded)
		config_load(t);
	if (!t->cfg)
		return "";
	size_t j = name_hash(name) & (t->cfg_cap - 1);
	while (t->cfg[j].name) {
		if (strcmp(t->cfg[j].name, name) == 0)
			return t->cfg[j].value;
		j = (j + 1) & (t->cfg_cap - 1);
	}
	return "";
}
