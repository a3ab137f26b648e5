/* modules.c - the tracepoints of a kernel's modules, from their .ko files.
 *
 * A module with tracepoints has a __tracepoints_strings section; its
 * split BTF (against vmlinux) has the __traceiter_NAME functions, as
 * vmlinux's does.  The systems are in its trace_event_call objects
 * (_ftrace_events holds pointers to them), which in a .ko are all
 * relocations: each pointer followed here is the RELA entry at that
 * offset (symbol + addend), with the member offsets taken from vmlinux's
 * BTF, as kimage.c does for the image.
 *
 * Scanning /lib/modules/REL/kernel (4,023 files on Debian 6.1, ~250 with
 * tracepoints) takes a second or two, so the result is cached per kernel
 * as text, one tracepoint a line:
 *     MODULE \t PATH \t SYSTEM \t NAME \t ARG:TYPE \t ARG:TYPE ...
 * (SYSTEM "-" when none); listing reads only that, and a probe on a
 * module tracepoint loads that one module's BTF for its argument types.
 */
#include "config.h"

#include <bpf/btf.h>
#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "typeinfo/ti_int.h"

/* ---- relocations ---- */

static int reloc_cmp(const void *a, const void *b)
{
	const struct ti_ko_reloc *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

bool ti_ko_load(struct ti_ko *k)
{
	Elf_Scn *s = NULL;
	if (elf_getshdrnum(k->e, &k->nsec) != 0)
		return false;
	k->rel = calloc(k->nsec, sizeof(*k->rel));
	if (!k->rel)
		return false;
	while ((s = elf_nextscn(k->e, s))) {
		GElf_Shdr sh;
		Elf_Data *d;
		if (!gelf_getshdr(s, &sh) || !(d = elf_getdata(s, NULL)))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			k->symtab = d;
		if (sh.sh_type != SHT_RELA || sh.sh_info >= k->nsec || !sh.sh_entsize)
			continue;
		struct ti_ko_relsec *rs = &k->rel[sh.sh_info];
		size_t n = sh.sh_size / sh.sh_entsize;
		rs->r = malloc(n * sizeof(*rs->r));
		if (!rs->r)
			return false;
		for (size_t i = 0; i < n; i++) {
			GElf_Rela ra;
			if (!gelf_getrela(d, (int)i, &ra))
				continue;
			rs->r[rs->n++] = (struct ti_ko_reloc){ ra.r_offset, GELF_R_SYM(ra.r_info),
							       ra.r_addend };
		}
		qsort(rs->r, rs->n, sizeof(*rs->r), reloc_cmp);
	}
	return k->symtab != NULL;
}

void ti_ko_free(struct ti_ko *k)
{
	for (size_t i = 0; k->rel && i < k->nsec; i++)
		free(k->rel[i].r);
	free(k->rel);
}

bool ti_ko_ptr(const struct ti_ko *k, size_t sec, uint64_t off, size_t *tsec, uint64_t *toff)
{
	if (sec >= k->nsec || !k->rel[sec].n)
		return false;
	const struct ti_ko_relsec *rs = &k->rel[sec];
	struct ti_ko_reloc key = { .offset = off };
	const struct ti_ko_reloc *r = bsearch(&key, rs->r, rs->n, sizeof(*rs->r), reloc_cmp);
	GElf_Sym sym;
	if (!r || !gelf_getsym(k->symtab, (int)r->sym, &sym) || sym.st_shndx == SHN_UNDEF ||
	    sym.st_shndx >= k->nsec)
		return false;
	*tsec = sym.st_shndx;
	*toff = sym.st_value + (uint64_t)r->addend;
	return true;
}

/* The NUL-terminated string at (sec, off), or NULL. */
static const char *ko_str(const struct ti_ko *k, size_t sec, uint64_t off)
{
	Elf_Scn *s = elf_getscn(k->e, sec);
	Elf_Data *d = s ? elf_getdata(s, NULL) : NULL;
	if (!d || !d->d_buf || off >= d->d_size)
		return NULL;
	const char *p = (const char *)d->d_buf + off;
	return memchr(p, '\0', d->d_size - off) ? p : NULL;
}

size_t ti_ko_section(Elf *e, const char *want)
{
	size_t shstr;
	Elf_Scn *s = NULL;
	if (elf_getshdrstrndx(e, &shstr) != 0)
		return 0;
	while ((s = elf_nextscn(e, s))) {
		GElf_Shdr sh;
		const char *name;
		if (gelf_getshdr(s, &sh) && (name = elf_strptr(e, shstr, sh.sh_name)) &&
		    strcmp(name, want) == 0)
			return elf_ndxscn(s);
	}
	return 0;
}

struct offsets {
	long c_class, c_tp, k_system, t_name;
};

/* The system of tracepoint `name` in this module, or NULL. */
static const char *ko_system(struct ti_ko *k, const struct offsets *o, const char *name)
{
	size_t ev = ti_ko_section(k->e, "_ftrace_events");
	GElf_Shdr sh;
	if (!ev || !gelf_getshdr(elf_getscn(k->e, ev), &sh))
		return NULL;
	for (uint64_t off = 0; off + 8 <= sh.sh_size; off += 8) {
		size_t cs, ks, ts, ss, ns;
		uint64_t co, ko, to, so, no;
		if (!ti_ko_ptr(k, ev, off, &cs, &co) ||
		    !ti_ko_ptr(k, cs, co + (uint64_t)o->c_class, &ks, &ko) ||
		    !ti_ko_ptr(k, cs, co + (uint64_t)o->c_tp, &ts, &to) ||
		    !ti_ko_ptr(k, ks, ko + (uint64_t)o->k_system, &ss, &so) ||
		    !ti_ko_ptr(k, ts, to + (uint64_t)o->t_name, &ns, &no))
			continue;
		const char *n = ko_str(k, ns, no);
		if (n && strcmp(n, name) == 0)
			return ko_str(k, ss, so);
	}
	return NULL;
}

/* ---- the scan ---- */

struct scan {
	struct ti *ti;
	struct offsets o;
	uint32_t base_types;        /* vmlinux's type count: a module's own start here */
	FILE *out;                  /* the cache text being written */
};

static void scan_module(struct scan *sc, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL;
	if (!e || !ti_ko_section(e, "__tracepoints_strings"))
		goto out;
	struct btf *btf = btf__parse_elf_split(path, sc->ti->vmlinux.btf);
	if (!btf)
		goto out;
	struct ti_ko k = { .e = e };
	bool relocs = ti_ko_load(&k);
	const char *slash = strrchr(path, '/');
	char module[256];
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	if (blen >= sizeof(module))
		blen = sizeof(module) - 1;
	memcpy(module, base, blen);
	module[blen] = '\0';
	char *dot = strstr(module, ".ko");
	if (dot)
		*dot = '\0';
	/* The kernel names a module with '_' where its file has '-'. */
	for (char *p = module; *p; p++)
		if (*p == '-')
			*p = '_';
	uint32_t n = btf__type_cnt(btf);
	struct arena *a = arena_new();
	struct ti_unit u = { .ti = sc->ti, .btf = btf, .module = module };
	for (uint32_t id = sc->base_types; id < n; id++) {
		const struct btf_type *f = btf__type_by_id(btf, id);
		const char *fn = btf_is_func(f) ? btf__name_by_offset(btf, f->name_off) : "";
		if (strncmp(fn, "__traceiter_", 12) != 0)
			continue;
		const struct btf_type *proto = btf__type_by_id(btf, f->type);
		if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) < 1)
			continue;
		const char *sys = relocs ? ko_system(&k, &sc->o, fn + 12) : NULL;
		fprintf(sc->out, "%s\t%s\t%s\t%s", module, path, sys ? sys : "-", fn + 12);
		const struct btf_param *p = btf_params(proto);
		for (int i = 1; i < btf_vlen(proto); i++)
			fprintf(sc->out, "\t%s:%s", btf__name_by_offset(btf, p[i].name_off),
				ti_type_name(a, (struct ti_type){ &u, p[i].type }));
		fputc('\n', sc->out);
	}
	arena_free(a);
	ti_ko_free(&k);
	btf__free(btf);
out:
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
}

static int name_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	return strcmp(x ? x : "", y ? y : "");
}

static void scan_dir(struct scan *sc, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	if (!d)
		return;
	/* Sorted, so the cache (and so -l) comes out the same every time. */
	char **names = NULL;
	size_t n = 0, cap = 0;
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **bigger = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));
			if (!bigger)
				break;
			names = bigger;
		}
		names[n++] = strdup(ent->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!names[i])
			continue;
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			scan_dir(sc, path);
		else if (strstr(names[i], ".ko") && S_ISREG(st.st_mode))
			scan_module(sc, path);
		free(names[i]);
	}
	free(names);
}

/* Write the modules' tracepoint table (the cache text) to out. */
static void scan_all(struct ti *ti, FILE *out)
{
	const struct btf *v = ti->vmlinux.btf;
	struct scan sc = {
		.ti = ti,
		.o = { ti_btf_member_offset(v, "trace_event_call", "class"),
		       ti_btf_member_offset(v, "trace_event_call", "tp"),
		       ti_btf_member_offset(v, "trace_event_class", "system"),
		       ti_btf_member_offset(v, "tracepoint", "name") },
		.base_types = btf__type_cnt(v),
		.out = out,
	};
	elf_version(EV_CURRENT);
	static const char *const subdirs[] = { "kernel", "updates", "extra" };
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++)
		scan_dir(&sc, arena_printf(ti->arena, "/lib/modules/%s/%s", ti->release, subdirs[i]));
}

/* ---- the table ---- */

/* One cache line into a tracepoint (arguments typed by name only: unit
 * NULL, type_name set). */
static bool parse_line(struct ti *ti, char *line, struct ti_tracepoint *tp)
{
	char *f[64];
	int n = 0;
	for (char *s = strtok(line, "\t"); s && n < 64; s = strtok(NULL, "\t"))
		f[n++] = s;
	if (n < 4)
		return false;
	struct ti_param *args = arena_alloc(ti->arena, (size_t)(n - 4 + 1) * sizeof(*args));
	tp->module = arena_strdup(ti->arena, f[0]);
	tp->file = arena_strdup(ti->arena, f[1]);
	tp->system = strcmp(f[2], "-") ? arena_strdup(ti->arena, f[2]) : NULL;
	tp->name = arena_strdup(ti->arena, f[3]);
	tp->nargs = n - 4;
	for (int i = 0; i < tp->nargs; i++) {
		char *colon = strchr(f[4 + i], ':');
		if (!colon)
			return false;
		*colon = '\0';
		args[i].name = arena_strdup(ti->arena, f[4 + i]);
		args[i].type_name = arena_strdup(ti->arena, colon + 1);
	}
	tp->args = args;
	return true;
}

/* The cache text of the modules' tracepoints, scanned once per kernel
 * (the stamp: the modules directory's mtime, which package installs and
 * removals change). */
static char *module_table(struct ti *ti, size_t *len)
{
	struct stat st;
	const char *mods = arena_printf(ti->arena, "/lib/modules/%s/kernel", ti->release);
	if (stat(mods, &st) != 0)
		return NULL;
	const char *stamp = arena_printf(ti->arena, "%s %lld\n", mods, (long long)st.st_mtime);
	const char *dir = ti->cache_dir ? arena_printf(ti->arena, "%s/typeinfo/%s", ti->cache_dir,
						       ti->release) : NULL;
	if (dir) {
		size_t n;
		char *have = (char *)ti_read_file(arena_printf(ti->arena, "%s/modules.stamp", dir),
						  &n);
		bool ok = have && n == strlen(stamp) && memcmp(have, stamp, n) == 0;
		free(have);
		char *text = ok ? (char *)ti_read_file(arena_printf(ti->arena, "%s/modules", dir),
						       len) : NULL;
		if (text)
			return text;
	}
	char *text = NULL;
	FILE *out = open_memstream(&text, len);
	if (!out)
		return NULL;
	scan_all(ti, out);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	if (dir && ti_write_file(arena_printf(ti->arena, "%s/modules", dir), text, *len) == 0)
		ti_write_file(arena_printf(ti->arena, "%s/modules.stamp", dir), stamp,
			      strlen(stamp));
	return text;
}

int ti_module_tracepoints(struct ti *ti, struct ti_tracepoint **out)
{
	size_t len;
	char *text = module_table(ti, &len);
	int n = 0, cap = 0;
	*out = NULL;
	if (!text)
		return 0;
	for (char *line = text, *next; line < text + len; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : text + len;
		if (next > line && next[-1] == '\n')
			next[-1] = '\0';
		if (n == cap) {
			size_t old = (size_t)cap;
			cap = cap ? 2 * cap : 256;
			*out = arena_realloc(ti->arena, *out, old * sizeof(**out),
					     (size_t)cap * sizeof(**out));
		}
		if (parse_line(ti, line, &(*out)[n]))
			n++;
	}
	free(text);
	return n;
}
