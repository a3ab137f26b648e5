/* uelf.c - what a program's ELF file says, for probes on programs and
 * shared libraries: its functions (the symbol table), where their code
 * lies in the file, and its SDT markers.
 *
 * A uprobe names a place by (inode, offset in the file), so every address
 * the file's symbols and notes give is turned into a file offset through
 * the PT_LOAD segment that holds it.  That is the same for an executable
 * at a fixed address, a PIE and a shared library: where the program is
 * loaded does not matter.
 *
 * Functions: STT_FUNC and STT_GNU_IFUNC symbols with code (defined, size
 * or not) from .symtab, else .dynsym (a stripped file keeps only that),
 * one per name (the first, global before local, wins), sorted.
 *
 * SDT markers (<sys/sdt.h>): each note of type 3 owned by "stapsdt" in
 * .note.stapsdt holds the marker's address, the link-time address of
 * .stapsdt.base, its semaphore's address (0: none), then provider, name
 * and the argument string ("-4@%edi 8@-16(%rbp)").  When the file was
 * prelinked or its sections moved, the marker's address moves with
 * .stapsdt.base: pc += (base's address now) - (base's address noted).
 * The semaphore is a 2-byte counter in .probes (a data section): its file
 * offset, as the kernel's uprobe reference counters want it.
 *
 * PLT entries: each entry of .plt, .plt.sec and .plt.got that starts
 * with an indirect jump through the GOT (`jmp *disp(%rip)`, maybe after
 * endbr64 and a bnd prefix) calls the function whose relocation
 * (R_X86_64_JUMP_SLOT or GLOB_DAT) fills that GOT slot.  Decoding the
 * jump covers the lazy, the IBT and the non-lazy layouts alike.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "typeinfo/ti_int.h"

struct ti_ufile_memo {
	struct ti_ufile f;
	struct ti_ufile_memo *next;
};

/* The file offset of address addr, through the PT_LOAD segment holding
 * it; false if none does (or only in its zero-filled tail). */
static bool offset_of(Elf *elf, size_t nph, uint64_t addr, uint64_t *off)
{
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr < ph.p_vaddr + ph.p_filesz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return true;
		}
	}
	return false;
}

static int usym_cmp(const void *a, const void *b)
{
	const struct ti_usym *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	/* global before local, then by address */
	if (x->global != y->global)
		return x->global ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Sorted, one per name: *n of them. */
static void sort_unique(struct ti_usym *syms, int *n)
{
	qsort(syms, (size_t)*n, sizeof(*syms), usym_cmp);
	int m = 0;
	for (int i = 0; i < *n; i++)
		if (!m || strcmp(syms[m - 1].name, syms[i].name) != 0)
			syms[m++] = syms[i];
	*n = m;
}

/* The functions (and, for the SDT arguments that name them, the data
 * objects) of one symbol table. */
static void read_symbols(struct arena *a, Elf *elf, size_t nph, Elf_Scn *scn, GElf_Shdr *sh,
			 struct ti_ufile *f)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data || !sh->sh_entsize)
		return;
	size_t n = sh->sh_size / sh->sh_entsize;
	struct ti_usym *syms = arena_alloc(a, (n + 1) * sizeof(*syms));
	struct ti_usym *objs = arena_alloc(a, (n + 1) * sizeof(*objs));
	int k = 0, o = 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		if (!gelf_getsym(data, (int)i, &s))
			continue;
		int type = GELF_ST_TYPE(s.st_info);
		bool fn = type == STT_FUNC || type == STT_GNU_IFUNC;
		if ((!fn && type != STT_OBJECT) || s.st_shndx == SHN_UNDEF || !s.st_value)
			continue;
		const char *name = elf_strptr(elf, sh->sh_link, s.st_name);
		uint64_t off = 0;
		if (!name || !*name || (fn && !offset_of(elf, nph, s.st_value, &off)))
			continue;
		struct ti_usym u = { arena_strdup(a, name), s.st_value, s.st_size, off,
				     GELF_ST_BIND(s.st_info) != STB_LOCAL };
		if (fn)
			syms[k++] = u;
		else
			objs[o++] = u;
	}
	sort_unique(syms, &k);
	sort_unique(objs, &o);
	f->syms = syms;
	f->nsyms = k;
	f->objs = objs;
	f->nobjs = o;
}

static uint64_t read_u64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static void read_sdt(struct arena *a, Elf *elf, size_t nph, Elf_Scn *scn, uint64_t base_now,
		     bool have_base, Elf_Scn *probes, struct ti_ufile *f)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	GElf_Shdr psh;
	bool have_probes = probes && gelf_getshdr(probes, &psh);
	size_t pos = 0, name_off, desc_off;
	GElf_Nhdr nh;
	int cap = 16;
	struct ti_sdt *notes = arena_alloc(a, (size_t)cap * sizeof(*notes));
	while (data && (pos = gelf_getnote(data, pos, &nh, &name_off, &desc_off)) > 0) {
		const char *owner = (const char *)data->d_buf + name_off;
		const unsigned char *desc = (const unsigned char *)data->d_buf + desc_off;
		if (nh.n_type != 3 || nh.n_namesz != 8 || memcmp(owner, "stapsdt", 8) != 0 ||
		    nh.n_descsz < 3 * 8 + 3)
			continue;
		const char *end = (const char *)desc + nh.n_descsz;
		const char *provider = (const char *)desc + 24;
		const char *name = memchr(provider, 0, (size_t)(end - provider));
		const char *args = name ? memchr(name + 1, 0, (size_t)(end - name - 1)) : NULL;
		if (!name || !args)
			continue;
		name++;
		args++;
		if (!memchr(args, 0, (size_t)(end - args)))
			continue;
		uint64_t pc = read_u64(desc), base = read_u64(desc + 8), sem = read_u64(desc + 16);
		if (have_base)
			pc += base_now - base;
		struct ti_sdt s = { arena_strdup(a, provider), arena_strdup(a, name),
				    arena_strdup(a, args), pc, 0, 0 };
		if (!offset_of(elf, nph, pc, &s.offset))
			continue;
		if (sem && have_probes && sem >= psh.sh_addr && sem < psh.sh_addr + psh.sh_size)
			s.sem_offset = sem - psh.sh_addr + psh.sh_offset;
		else if (sem && !offset_of(elf, nph, sem, &s.sem_offset))
			s.sem_offset = 0;
		if (f->nnotes == cap) {
			struct ti_sdt *more = arena_alloc(a, (size_t)cap * 2 * sizeof(*more));
			memcpy(more, notes, (size_t)cap * sizeof(*notes));
			notes = more;
			cap *= 2;
		}
		notes[f->nnotes++] = s;
	}
	f->notes = notes;
}

/* The libraries the file names in DT_NEEDED. */
static void read_needed(struct arena *a, Elf *elf, Elf_Scn *scn, GElf_Shdr *sh,
			struct ti_ufile *f)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = data && sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	const char **needed = arena_alloc(a, (n + 1) * sizeof(*needed));
	for (size_t i = 0; i < n; i++) {
		GElf_Dyn dyn;
		if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag == DT_NULL)
			break;
		const char *lib = dyn.d_tag == DT_NEEDED
			? elf_strptr(elf, sh->sh_link, dyn.d_un.d_val) : NULL;
		if (lib)
			needed[f->nneeded++] = arena_strdup(a, lib);
	}
	f->needed = needed;
}

/* Each GOT slot's symbol: r_offset -> name (JUMP_SLOT, GLOB_DAT). */
struct got_names {
	uint64_t *slot;
	const char **name;
	int n;
};

static void read_got_relocs(struct arena *a, Elf *elf, Elf_Scn *scn, GElf_Shdr *sh,
			    struct got_names *g)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	Elf_Scn *symscn = elf_getscn(elf, sh->sh_link);
	GElf_Shdr symsh;
	Elf_Data *syms = symscn ? elf_getdata(symscn, NULL) : NULL;
	if (!data || !syms || !sh->sh_entsize || !gelf_getshdr(symscn, &symsh))
		return;
	size_t n = sh->sh_size / sh->sh_entsize;
	uint64_t *slot = arena_alloc(a, (size_t)(g->n + n + 1) * sizeof(*slot));
	const char **name = arena_alloc(a, (size_t)(g->n + n + 1) * sizeof(*name));
	if (g->n) {
		memcpy(slot, g->slot, (size_t)g->n * sizeof(*slot));
		memcpy(name, g->name, (size_t)g->n * sizeof(*name));
	}
	for (size_t i = 0; i < n; i++) {
		GElf_Rela r;
		GElf_Sym sym;
		int type = gelf_getrela(data, (int)i, &r) ? (int)GELF_R_TYPE(r.r_info) : 0;
		if ((type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT) ||
		    !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym))
			continue;
		const char *nm = elf_strptr(elf, symsh.sh_link, sym.st_name);
		if (!nm || !*nm)
			continue;
		slot[g->n] = r.r_offset;
		name[g->n++] = arena_strdup(a, nm);
	}
	g->slot = slot;
	g->name = name;
}

/* The PLT entries of one section: each 8-byte aligned place that starts
 * (after endbr64 and bnd, if any) with jmp *disp(%rip) into a named GOT
 * slot. */
static void read_plt(struct arena *a, Elf *elf, size_t nph, Elf_Scn *scn, GElf_Shdr *sh,
		     const struct got_names *g, struct ti_ufile *f)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf || data->d_size != sh->sh_size)
		return;
	const unsigned char *code = data->d_buf;
	size_t cap = sh->sh_size / 8 + 1;
	struct ti_usym *plt = arena_alloc(a, (size_t)(f->nplt + cap) * sizeof(*plt));
	if (f->nplt)
		memcpy(plt, f->plt, (size_t)f->nplt * sizeof(*plt));
	for (size_t at = 0; at + 6 <= sh->sh_size; at += 8) {
		size_t k = at;
		if (k + 4 <= sh->sh_size && !memcmp(code + k, "\xf3\x0f\x1e\xfa", 4))
			k += 4;
		if (k < sh->sh_size && code[k] == 0xf2)
			k++;
		if (k + 6 > sh->sh_size || code[k] != 0xff || code[k + 1] != 0x25)
			continue;
		int32_t disp;
		memcpy(&disp, code + k + 2, 4);
		uint64_t got = sh->sh_addr + k + 6 + (int64_t)disp;
		for (int i = 0; i < g->n; i++) {
			uint64_t addr = sh->sh_addr + at, off;
			if (g->slot[i] != got || !offset_of(elf, nph, addr, &off))
				continue;
			plt[f->nplt++] = (struct ti_usym){ g->name[i], addr, 8, off, true };
			break;
		}
	}
	f->plt = plt;
}

static bool read_file(struct arena *a, const char *path, struct ti_ufile *f)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		f->error = arena_printf(a, "cannot open %s: %s", path, strerror(errno));
		return false;
	}
	char magic[2] = { 0 };
	if (pread(fd, magic, 2, 0) == 2 && magic[0] == '#' && magic[1] == '!') {
		f->error = arena_printf(a, "%s is a script (#!): probe the program that runs it",
					path);
		close(fd);
		return false;
	}
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	size_t nph = 0, shstrndx;
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) || elf_getphdrnum(elf, &nph) != 0 ||
	    elf_getshdrstrndx(elf, &shstrndx) != 0) {
		f->error = arena_printf(a, "%s is not an ELF program or shared library", path);
		if (elf)
			elf_end(elf);
		close(fd);
		return false;
	}
	if (eh.e_machine != EM_X86_64) {
		f->error = arena_printf(a, "%s is not an x86-64 program", path);
		elf_end(elf);
		close(fd);
		return false;
	}
	f->pie = eh.e_type == ET_DYN;
	struct ti_useg *segs = arena_alloc(a, (nph + 1) * sizeof(*segs));
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD)
			segs[f->nsegs++] = (struct ti_useg){ ph.p_vaddr, ph.p_filesz, ph.p_offset };
	}
	f->segs = segs;
	Elf_Scn *symtab = NULL, *dynsym = NULL, *sdt = NULL, *probes = NULL, *scn = NULL;
	Elf_Scn *plts[3] = { NULL, NULL, NULL };
	struct got_names got = { NULL, NULL, 0 };
	GElf_Shdr symtab_sh, dynsym_sh;
	uint64_t base_now = 0;
	bool have_base = false;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB) {
			symtab = scn;
			symtab_sh = sh;
		} else if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dynsym_sh = sh;
		} else if (name && sh.sh_type == SHT_NOTE && !strcmp(name, ".note.stapsdt")) {
			sdt = scn;
		} else if (name && !strcmp(name, ".stapsdt.base")) {
			base_now = sh.sh_addr;
			have_base = true;
		} else if (name && !strcmp(name, ".probes")) {
			probes = scn;
		} else if (sh.sh_type == SHT_DYNAMIC) {
			read_needed(a, elf, scn, &sh, f);
		} else if (sh.sh_type == SHT_RELA && sh.sh_link) {
			read_got_relocs(a, elf, scn, &sh, &got);
		} else if (name && (!strcmp(name, ".plt") || !strcmp(name, ".plt.sec") ||
				    !strcmp(name, ".plt.got"))) {
			plts[!name[4] ? 0 : name[5] == 's' ? 1 : 2] = scn;
		}
	}
	if (symtab)
		read_symbols(a, elf, nph, symtab, &symtab_sh, f);
	f->stripped = !symtab;
	if (!f->nsyms && dynsym)
		read_symbols(a, elf, nph, dynsym, &dynsym_sh, f);
	if (sdt)
		read_sdt(a, elf, nph, sdt, base_now, have_base, probes, f);
	for (int i = 0; i < 3; i++) {
		GElf_Shdr sh;
		if (plts[i] && gelf_getshdr(plts[i], &sh))
			read_plt(a, elf, nph, plts[i], &sh, &got, f);
	}
	elf_end(elf);
	close(fd);
	return true;
}

const struct ti_ufile *ti_user_file(struct ti *ti, const char *path, const char **why)
{
	for (struct ti_ufile_memo *m = ti->ufiles; m; m = m->next)
		if (!strcmp(m->f.path, path)) {
			if (m->f.error && why)
				*why = m->f.error;
			return m->f.error ? NULL : &m->f;
		}
	struct ti_ufile_memo *m = arena_alloc(ti->arena, sizeof(*m));
	m->f.path = arena_strdup(ti->arena, path);
	read_file(ti->arena, path, &m->f);
	m->next = ti->ufiles;
	ti->ufiles = m;
	if (m->f.error && why)
		*why = m->f.error;
	return m->f.error ? NULL : &m->f;
}

static const struct ti_usym *find(const struct ti_usym *syms, int n, const char *name)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(syms[mid].name, name);
		if (!c)
			return &syms[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct ti_usym *ti_user_symbol(const struct ti_ufile *f, const char *name)
{
	return find(f->syms, f->nsyms, name);
}

bool ti_user_object(const struct ti_ufile *f, const char *name, uint64_t *addr)
{
	const struct ti_usym *s = find(f->objs, f->nobjs, name);
	if (s)
		*addr = s->addr;
	return s != NULL;
}

bool ti_user_offset(const struct ti_ufile *f, uint64_t addr, uint64_t *offset)
{
	for (int i = 0; i < f->nsegs; i++)
		if (addr >= f->segs[i].vaddr && addr < f->segs[i].vaddr + f->segs[i].filesz) {
			*offset = addr - f->segs[i].vaddr + f->segs[i].offset;
			return true;
		}
	return false;
}
