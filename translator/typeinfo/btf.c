/* btf.c - the BTF backend of typeinfo.h: finding and loading a kernel's
 * BTF, and answering type questions from it.
 *
 * Sources, in order (ti_load):
 *   1. the running kernel (ti->running): /sys/kernel/btf/vmlinux; trace
 *      event systems from tracefs (events/SYSTEM/NAME directories);
 *   2. the cache: CACHE/typeinfo/REL/{vmlinux.btf,events,stamp}, valid
 *      while the image it was taken from keeps its size and mtime;
 *   3. the image, /boot/vmlinuz-REL (or /lib/modules/REL/vmlinuz): its
 *      vmlinux is decompressed (~1.5 s for 66 MB), its .BTF and its event
 *      systems (kimage.c) written to the cache for next time.
 * A raw BTF file parses in ~60 ms (100,000 types); nothing else is read
 * until asked for.  Modules' split BTF is read from their .ko files on
 * demand (ti_module_unit).
 */
#include "config.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "typeinfo/ti_int.h"

/* libbpf's own notes ("failed to find '.BTF' ELF section" for a module
 * built without BTF) are not errors here: a caller that needs the types
 * says what is missing in its own words. */
static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

struct ti *ti_open(struct arena *a, const char *release, bool running, const char *cache_dir)
{
	libbpf_set_print(quiet_libbpf);
	struct ti *ti = arena_alloc(a, sizeof(*ti));
	ti->arena = a;
	ti->release = arena_strdup(a, release);
	ti->running = running;
	ti->cache_dir = cache_dir ? arena_strdup(a, cache_dir) : NULL;
	ti->vmlinux.ti = ti;
	return ti;
}

const char *ti_error(const struct ti *ti)
{
	return ti->error;
}

/* ---- the systems table ---- */

static void add_system(void *arg, const char *system, const char *name)
{
	struct ti *ti = arg;
	if (ti->nsys % 256 == 0) {
		size_t old = (size_t)ti->nsys * sizeof(char *), new = old + 256 * sizeof(char *);
		ti->sys_names = arena_realloc(ti->arena, ti->sys_names, old, new);
		ti->sys_systems = arena_realloc(ti->arena, ti->sys_systems, old, new);
	}
	ti->sys_names[ti->nsys] = arena_strdup(ti->arena, name);
	ti->sys_systems[ti->nsys] = arena_strdup(ti->arena, system);
	ti->nsys++;
}

/* "system name" lines, as the cache's events file holds them. */
static void parse_events(struct ti *ti, char *text)
{
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		add_system(ti, line, sp + 1);
	}
}

/* The running kernel's events, from tracefs. */
static bool tracefs_events(struct ti *ti)
{
	static const char *const roots[] = { "/sys/kernel/tracing/events",
					     "/sys/kernel/debug/tracing/events" };
	for (size_t r = 0; r < sizeof(roots) / sizeof(roots[0]); r++) {
		DIR *d = opendir(roots[r]);
		struct dirent *s;
		if (!d)
			continue;
		while ((s = readdir(d))) {
			if (s->d_name[0] == '.' || strcmp(s->d_name, "ftrace") == 0)
				continue;
			char *sub = arena_printf(ti->arena, "%s/%s", roots[r], s->d_name);
			DIR *e = opendir(sub);
			struct dirent *n;
			if (!e)
				continue;
			while ((n = readdir(e)))
				if (n->d_name[0] != '.' && n->d_type == DT_DIR)
					add_system(ti, s->d_name, n->d_name);
			closedir(e);
		}
		closedir(d);
		if (ti->nsys)
			return true;
	}
	return false;
}

/* ---- loading ---- */

static const char *image_path(struct ti *ti, struct stat *st)
{
	const char *c[] = {
		arena_printf(ti->arena, "/boot/vmlinuz-%s", ti->release),
		arena_printf(ti->arena, "/lib/modules/%s/vmlinuz", ti->release),
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (stat(c[i], st) == 0)
			return c[i];
	return NULL;
}

static bool load_cache(struct ti *ti, const char *dir, const char *stamp)
{
	size_t n;
	char *have = (char *)ti_read_file(arena_printf(ti->arena, "%s/stamp", dir), &n);
	bool ok = have && n == strlen(stamp) && memcmp(have, stamp, n) == 0;
	free(have);
	if (!ok)
		return false;
	struct btf *btf = btf__parse_raw(arena_printf(ti->arena, "%s/vmlinux.btf", dir));
	char *events = (char *)ti_read_file(arena_printf(ti->arena, "%s/events", dir), &n);
	if (!btf || !events) {
		btf__free(btf);
		free(events);
		return false;
	}
	char *text = arena_strndup(ti->arena, events, n);
	free(events);
	ti->vmlinux.btf = btf;
	parse_events(ti, text);
	return true;
}

/* From the image; writes the cache when there is one. */
static bool load_image(struct ti *ti, const char *image, const char *dir, const char *stamp)
{
	const char *why = NULL;
	size_t elf_len, btf_len;
	unsigned char *elf = ti_image_vmlinux(image, &elf_len, &why);
	if (!elf) {
		ti->error = arena_printf(ti->arena, "cannot read the kernel image %s: %s", image, why);
		return false;
	}
	void *raw = ti_image_btf(elf, elf_len, &btf_len);
	struct btf *btf = raw ? btf__new(raw, (uint32_t)btf_len) : NULL;
	if (!btf) {
		ti->error = arena_printf(ti->arena, "the kernel image %s has no usable .BTF section "
					 "(CONFIG_DEBUG_INFO_BTF)", image);
		free(raw);
		free(elf);
		return false;
	}
	ti->vmlinux.btf = btf;
	ti_image_event_systems(elf, elf_len, btf, add_system, ti);
	free(elf);
	if (dir) {
		size_t cap = 64, len = 0;
		char *events = malloc(cap);
		for (int i = 0; events && i < ti->nsys; i++) {
			size_t need = strlen(ti->sys_systems[i]) + strlen(ti->sys_names[i]) + 2;
			if (len + need + 1 > cap) {
				char *bigger = realloc(events, (cap = 2 * (len + need + 1)));
				if (!bigger) {
					free(events);
					events = NULL;
					break;
				}
				events = bigger;
			}
			len += (size_t)sprintf(events + len, "%s %s\n", ti->sys_systems[i],
					       ti->sys_names[i]);
		}
		/* A cache we cannot write only costs the next run time. */
		if (events &&
		    ti_write_file(arena_printf(ti->arena, "%s/vmlinux.btf", dir), raw, btf_len) == 0 &&
		    ti_write_file(arena_printf(ti->arena, "%s/events", dir), events, len) == 0)
			ti_write_file(arena_printf(ti->arena, "%s/stamp", dir), stamp, strlen(stamp));
		free(events);
	}
	free(raw);
	return true;
}

static void free_btf(void *btf)
{
	btf__free(btf);
}

static bool load_vmlinux(struct ti *ti)
{
	struct btf *btf = NULL;
	if (ti->running) {
		btf = btf__parse_raw("/sys/kernel/btf/vmlinux");
		if (btf) {
			ti->vmlinux.btf = btf;
			if (tracefs_events(ti))
				return true;
			/* No tracefs: the systems come from the image below. */
			ti->vmlinux.btf = NULL;
		}
	}
	struct stat st;
	const char *image = image_path(ti, &st);
	if (!image && btf) {
		/* Types and tracepoints without their systems: every
		 * tracepoint is then known by its bare name. */
		ti->vmlinux.btf = btf;
		return true;
	}
	btf__free(btf);
	if (!image) {
		ti->error = arena_printf(ti->arena, "no BTF for kernel %s: no /boot/vmlinuz-%s "
					 "(apt-get install linux-image-%s)", ti->release,
					 ti->release, ti->release);
		return false;
	}
	const char *stamp = arena_printf(ti->arena, "%s %lld %lld\n", image, (long long)st.st_size,
					 (long long)st.st_mtime);
	const char *dir = ti->cache_dir ? arena_printf(ti->arena, "%s/typeinfo/%s", ti->cache_dir,
						       ti->release) : NULL;
	if (dir && load_cache(ti, dir, stamp))
		return true;
	return load_image(ti, image, dir, stamp);
}

bool ti_load(struct ti *ti)
{
	if (ti->loaded)
		return ti->vmlinux.btf != NULL;
	ti->loaded = true;
	if (!load_vmlinux(ti))
		return false;
	arena_on_free(ti->arena, free_btf, ti->vmlinux.btf);
	return true;
}

struct ti_unit *ti_module_unit(struct ti *ti, const char *module, const char *path)
{
	for (int i = 0; i < ti->nmodules; i++)
		if (strcmp(ti->modules[i]->module, module) == 0)
			return ti->modules[i]->btf ? ti->modules[i] : NULL;
	if (!ti_load(ti))
		return NULL;
	struct ti_unit *u = arena_alloc(ti->arena, sizeof(*u));
	u->ti = ti;
	u->module = arena_strdup(ti->arena, module);
	/* The running kernel exports a loaded module's BTF; any other comes
	 * from its .ko. */
	const char *sys = arena_printf(ti->arena, "/sys/kernel/btf/%s", module);
	if (ti->running && access(sys, R_OK) == 0)
		u->btf = btf__parse_raw_split(sys, ti->vmlinux.btf);
	if (!u->btf && path)
		u->btf = btf__parse_elf_split(path, ti->vmlinux.btf);
	if (u->btf)
		arena_on_free(ti->arena, free_btf, u->btf);
	size_t old = (size_t)ti->nmodules * sizeof(*ti->modules);
	ti->modules = arena_realloc(ti->arena, ti->modules, old, old + sizeof(*ti->modules));
	ti->modules[ti->nmodules++] = u;
	return u->btf ? u : NULL;
}

/* ---- types ---- */

static const struct btf_type *bt(struct ti_type t)
{
	return t.unit && t.id ? btf__type_by_id(t.unit->btf, t.id) : NULL;
}

struct ti_type ti_resolve(struct ti_type t)
{
	for (const struct btf_type *b = bt(t); b; b = bt(t)) {
		if (!btf_is_typedef(b) && !btf_is_mod(b))
			break;
		t.id = b->type;
	}
	return t;
}

enum ti_kind ti_kind_of(struct ti_type t)
{
	const struct btf_type *b = bt(ti_resolve(t));
	if (!b)
		return TI_VOID;
	switch (btf_kind(b)) {
	case BTF_KIND_INT: return TI_INT;
	case BTF_KIND_PTR: return TI_PTR;
	case BTF_KIND_ARRAY: return TI_ARRAY;
	case BTF_KIND_STRUCT: return TI_STRUCT;
	case BTF_KIND_UNION: return TI_UNION;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return TI_ENUM;
	case BTF_KIND_FUNC_PROTO: return TI_FUNC;
	case BTF_KIND_FLOAT: return TI_FLOAT;
	case BTF_KIND_FWD: return TI_STRUCT;   /* incomplete: size 0 */
	default: return TI_OTHER;
	}
}

uint64_t ti_size(struct ti_type t)
{
	t = ti_resolve(t);
	const struct btf_type *b = bt(t);
	if (!b || btf_is_fwd(b) || btf_is_func_proto(b))
		return 0;
	long long n = btf__resolve_size(t.unit->btf, t.id);
	return n > 0 ? (uint64_t)n : 0;
}

bool ti_int_signed(struct ti_type t)
{
	const struct btf_type *b = bt(ti_resolve(t));
	if (!b)
		return false;
	if (btf_is_int(b))
		return (btf_int_encoding(b) & BTF_INT_SIGNED) != 0;
	/* An enum's values are ints unless BTF says they are unsigned. */
	return btf_is_any_enum(b) && btf_kflag(b);
}

struct ti_type ti_target(struct ti_type t)
{
	t = ti_resolve(t);
	const struct btf_type *b = bt(t);
	struct ti_type r = { t.unit, 0 };
	if (b && btf_is_ptr(b))
		r.id = b->type;
	else if (b && btf_is_array(b))
		r.id = btf_array(b)->type;
	return r;
}

uint32_t ti_array_len(struct ti_type t)
{
	const struct btf_type *b = bt(ti_resolve(t));
	return b && btf_is_array(b) ? btf_array(b)->nelems : 0;
}

/* Members of a struct/union, anonymous members expanded in place. */
static bool walk_members(struct ti_type t, uint64_t base,
			 bool (*fn)(const struct ti_member *m, void *arg), void *arg)
{
	t = ti_resolve(t);
	const struct btf_type *b = bt(t);
	if (!b || !btf_is_composite(b))
		return false;
	const struct btf_member *m = btf_members(b);
	for (int i = 0; i < btf_vlen(b); i++) {
		struct ti_member tm = {
			.name = btf__name_by_offset(t.unit->btf, m[i].name_off),
			.type = { t.unit, m[i].type },
			.bit_offset = base + btf_member_bit_offset(b, (uint32_t)i),
			.bit_size = btf_member_bitfield_size(b, (uint32_t)i),
		};
		if (!*tm.name) {
			if (walk_members(tm.type, tm.bit_offset, fn, arg))
				return true;
			continue;
		}
		if (fn(&tm, arg))
			return true;
	}
	return false;
}

struct find_member {
	const char *name;
	struct ti_member *out;
};

static bool match_member(const struct ti_member *m, void *arg)
{
	struct find_member *f = arg;
	if (strcmp(m->name, f->name) != 0)
		return false;
	*f->out = *m;
	return true;
}

bool ti_member(struct ti_type t, const char *name, struct ti_member *out)
{
	struct find_member f = { name, out };
	return walk_members(t, 0, match_member, &f);
}

struct each_member {
	void (*fn)(const struct ti_member *m, void *arg);
	void *arg;
};

static bool call_each(const struct ti_member *m, void *arg)
{
	struct each_member *e = arg;
	e->fn(m, e->arg);
	return false;
}

void ti_each_member(struct ti_type t, void (*fn)(const struct ti_member *m, void *arg), void *arg)
{
	struct each_member e = { fn, arg };
	walk_members(t, 0, call_each, &e);
}

/* The spelling stap -L uses: the base type, then qualifiers after it
 * ("char const*"), pointers as '*' with no space, arrays as "[N]". */
const char *ti_type_name(struct arena *a, struct ti_type t)
{
	const struct btf_type *b = bt(t);
	if (!b)
		return "void";
	const struct btf *btf = t.unit->btf;
	const char *name = btf__name_by_offset(btf, b->name_off);
	struct ti_type inner = { t.unit, b->type };
	switch (btf_kind(b)) {
	case BTF_KIND_PTR: {
		const struct btf_type *p = bt(inner);
		if (p && btf_is_func_proto(p))
			return arena_printf(a, "%s(*)()", ti_type_name(a, (struct ti_type){
							t.unit, p->type }));
		return arena_printf(a, "%s*", ti_type_name(a, inner));
	}
	case BTF_KIND_CONST: return arena_printf(a, "%s const", ti_type_name(a, inner));
	case BTF_KIND_VOLATILE: return arena_printf(a, "%s volatile", ti_type_name(a, inner));
	case BTF_KIND_RESTRICT: return arena_printf(a, "%s restrict", ti_type_name(a, inner));
	case BTF_KIND_TYPE_TAG: return ti_type_name(a, inner);
	case BTF_KIND_ARRAY:
		return arena_printf(a, "%s[%u]", ti_type_name(a, (struct ti_type){
						t.unit, btf_array(b)->type }), btf_array(b)->nelems);
	case BTF_KIND_STRUCT: return arena_printf(a, "struct %s", *name ? name : "{...}");
	case BTF_KIND_UNION: return arena_printf(a, "union %s", *name ? name : "{...}");
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		return arena_printf(a, "enum %s", *name ? name : "{...}");
	case BTF_KIND_FWD:
		return arena_printf(a, "%s %s", btf_kflag(b) ? "union" : "struct", name);
	case BTF_KIND_FUNC_PROTO: return "void";
	default:
		return *name ? name : "void";
	}
}

bool ti_find_type(struct ti *ti, const char *module, const char *name, struct ti_type *out)
{
	static const struct { const char *prefix; int kind; } kinds[] = {
		{ "struct ", BTF_KIND_STRUCT }, { "union ", BTF_KIND_UNION },
		{ "enum ", BTF_KIND_ENUM },
	};
	const struct ti_unit *u = &ti->vmlinux;
	if (!ti_load(ti))
		return false;
	if (module && strcmp(module, "kernel") != 0) {
		u = ti_module_unit(ti, module, NULL);
		if (!u)
			return false;
	}
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t n = strlen(kinds[k].prefix);
		if (strncmp(name, kinds[k].prefix, n) != 0)
			continue;
		int id = btf__find_by_name_kind(u->btf, name + n, kinds[k].kind);
		*out = (struct ti_type){ u, id > 0 ? (uint32_t)id : 0 };
		return id > 0;
	}
	static const int bare[] = { BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_TYPEDEF,
				    BTF_KIND_INT };
	for (size_t k = 0; k < sizeof(bare) / sizeof(bare[0]); k++) {
		int id = btf__find_by_name_kind(u->btf, name, bare[k]);
		if (id > 0) {
			*out = (struct ti_type){ u, (uint32_t)id };
			return true;
		}
	}
	return false;
}

/* ---- helpers for kimage.c and tracepoints.c ---- */

long ti_btf_member_offset(const struct btf *btf, const char *st, const char *member)
{
	int id = btf__find_by_name_kind(btf, st, BTF_KIND_STRUCT);
	struct ti_unit u = { .btf = (struct btf *)btf };
	struct ti_member m;
	if (id <= 0 || !ti_member((struct ti_type){ &u, (uint32_t)id }, member, &m))
		return -1;
	return (long)(m.bit_offset / 8);
}

int ti_btf_enum_value(const struct btf *btf, const char *name)
{
	uint32_t n = btf__type_cnt(btf);
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *b = btf__type_by_id(btf, id);
		if (!btf_is_enum(b))
			continue;
		const struct btf_enum *e = btf_enum(b);
		for (int i = 0; i < btf_vlen(b); i++)
			if (strcmp(btf__name_by_offset(btf, e[i].name_off), name) == 0)
				return e[i].val;
	}
	return -1;
}

/* ---- functions ---- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char *const *ti_btf_functions(struct ti *ti, int *n)
{
	if (!ti->btf_funcs && ti_load(ti)) {
		const struct btf *btf = ti->vmlinux.btf;
		uint32_t count = btf__type_cnt(btf);
		const char **v = arena_alloc(ti->arena, count * sizeof(*v));
		int k = 0;
		for (uint32_t id = 1; id < count; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);
			if (btf_is_func(t))
				v[k++] = btf__name_by_offset(btf, t->name_off);
		}
		qsort(v, (size_t)k, sizeof(*v), str_cmp);
		/* 477 static names are defined twice */
		int u = 0;
		for (int i = 0; i < k; i++)
			if (!u || strcmp(v[u - 1], v[i]) != 0)
				v[u++] = v[i];
		ti->btf_funcs = v;
		ti->nbtf_funcs = u;
	}
	*n = ti->nbtf_funcs;
	return ti->btf_funcs;
}
