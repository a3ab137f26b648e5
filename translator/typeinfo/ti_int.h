/* ti_int.h - what the typeinfo files share among themselves (not for the
 * rest of the translator: typeinfo.h is the interface). */
#ifndef STAP_TI_INT_H
#define STAP_TI_INT_H

#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "typeinfo/typeinfo.h"

struct btf;
struct ti_ksyms;                /* ksyms.c */
struct ti_dwarf;                /* dwarf.c */

struct ti_unit {
	struct ti *ti;
	struct btf *btf;
	const char *module;         /* NULL: vmlinux */
};

/* A module's functions, once asked for (functions.c). */
struct ti_module_fns {
	const char *module;
	struct ti_function *fns;
	int n;
	const char *error;          /* why there are none */
	struct ti_module_fns *next;
};

struct ti {
	struct arena *arena;
	const char *release;
	const char *cache_dir;      /* NULL: no cache */
	bool running;
	bool loaded;                /* vmlinux load tried (error says how it went) */
	const char *error;
	struct ti_unit vmlinux;
	/* tracepoint systems of vmlinux, "system name" pairs (tracepoints.c) */
	const char **sys_names, **sys_systems;
	int nsys;
	/* tracepoints.c: vmlinux's first (nvmlinux_tps of them), then the
	 * modules' once they are asked for */
	bool vmlinux_tps_done, tps_done;
	int nvmlinux_tps;
	struct ti_tracepoint *tps;
	int ntps;
	/* functions.c: vmlinux's, then modules' as asked for */
	bool fns_done;
	struct ti_function *fns;
	int nfns;
	struct ti_module_fns *module_fns;
	bool symvers_done;
	const char *symvers;        /* Module.symvers, or NULL (symvers_error) */
	const char *symvers_error;
	/* module units loaded so far (btf.c) */
	struct ti_unit **modules;
	int nmodules;
	/* BTF's function names, sorted (btf.c: ti_btf_functions) */
	const char **btf_funcs;
	int nbtf_funcs;
	/* vmlinux's function symbols (ksyms.c), loaded on the first question,
	 * and the modules' asked about so far */
	struct ti_ksyms *ksyms;
	struct ti_ksyms **mod_ksyms;
	int nmod_ksyms;
	/* debug information opened so far (dwarf.c) */
	struct ti_dwarf *dwarf;
	/* programs' and libraries' ELF files read so far (uelf.c) */
	struct ti_ufile_memo *ufiles;
	/* modules given by path (ti_set_module_file) */
	const char **file_modules, **file_paths;
	int nfile_modules;
};

/* ---- btf.c ---- */
/* Load vmlinux's BTF (and the systems table) once; false after setting
 * ti->error. */
bool ti_load(struct ti *ti);
/* A module's unit, its split BTF loaded from path on first use; NULL when
 * it cannot be read. */
struct ti_unit *ti_module_unit(struct ti *ti, const char *module, const char *path);
/* Byte offset of member `member` of struct `st` (looking into anonymous
 * unions), or -1. */
long ti_btf_member_offset(const struct btf *btf, const char *st, const char *member);
/* The value of enumerator `name` in any enum, or -1. */
int ti_btf_enum_value(const struct btf *btf, const char *name);

/* ---- kimage.c ---- */
/* The vmlinux ELF inside a bzImage file, malloc'd; NULL with *why. */
unsigned char *ti_image_vmlinux(const char *path, size_t *len, const char **why);
/* A malloc'd copy of the .BTF section of an ELF image in memory, or NULL. */
void *ti_image_btf(const unsigned char *elf, size_t len, size_t *btf_len);
/* Walk the image's trace events (see kimage.c): found() for each one
 * whose tracepoint BTF knows.  The count, or -1 when the image or the
 * BTF lacks what the walk needs. */
int ti_image_event_systems(const unsigned char *elf, size_t len, const struct btf *btf,
			   void (*found)(void *arg, const char *system, const char *name),
			   void *arg);

/* ---- modules.c ---- */
/* Every module's tracepoints (the cached scan): *n of them in *out, each
 * with type names only. */
int ti_module_tracepoints(struct ti *ti, struct ti_tracepoint **out);

/* A .ko file open with libelf, its relocations sorted per section, so a
 * pointer stored in one section can be followed to what it points to. */
struct ti_ko_reloc {
	uint64_t offset;            /* in the section it applies to */
	size_t sym;
	int64_t addend;
};

struct ti_ko_relsec {
	struct ti_ko_reloc *r;
	size_t n;
};

struct ti_ko {
	Elf *e;
	Elf_Data *symtab;
	size_t nsec;
	struct ti_ko_relsec *rel;   /* rel[i]: the relocations of section i */
};

/* Read k->e's symbol table and relocations; false when it has no symbol
 * table (ti_ko_free in both cases). */
bool ti_ko_load(struct ti_ko *k);
void ti_ko_free(struct ti_ko *k);
/* Follow the pointer stored at (sec, off): the section and offset it
 * points to, through the relocation there. */
bool ti_ko_ptr(const struct ti_ko *k, size_t sec, uint64_t off, size_t *tsec, uint64_t *toff);
/* The index of the section named want, or 0. */
size_t ti_ko_section(Elf *e, const char *want);

/* ---- util ---- */
/* The whole file, malloc'd (NULL with errno set). */
unsigned char *ti_read_file(const char *path, size_t *len);
/* Write data to path atomically (a temporary file renamed); 0 or -1. */
int ti_write_file(const char *path, const void *data, size_t len);

#endif
