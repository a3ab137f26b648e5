/* dwarf.c - what only DWARF says: a function's source file and lines, its
 * local variables, and where each variable lives at a given address, for
 * a kernel module (or vmlinux) whose debug information can be found.
 *
 * Where it comes from (find_file): the module's own .ko when it carries
 * .debug_info (an out-of-tree module kbuild built for a kernel configured
 * with DEBUG_INFO, as Debian's is), else the distro's separate debug file:
 * /usr/lib/debug/lib/modules/REL/<the .ko's path> (Debian's
 * linux-image-REL-dbg), and for vmlinux /usr/lib/debug/boot/vmlinux-REL.
 * The kernel's own is 858 MB on Debian 6.1: nothing here needs it.
 *
 * libdwfl opens the file offline.  A .ko is a relocatable object whose
 * DWARF reaches its code and strings through relocations; libdwfl applies
 * them, placing the sections at addresses of its own choosing.  So only
 * offsets from a function's start leave this file.
 *
 * Types: each DWARF type a variable needs is converted once into BTF built
 * in memory (libbpf's btf__add_*), in a unit of its own, so target
 * variables, @cast and -L go through the one type interface whatever the
 * source.  A type graph has cycles (a list node points at its own kind),
 * and BTF wants a struct's members right after it, so conversion plans
 * first (every reachable DIE gets its id, depth first) and then emits in
 * that order.
 *
 * Locations: a variable's location at the probe address becomes a struct
 * ti_dw_loc: a register, a register plus an offset as its address or as
 * its value, or a constant.  The frame base GCC emits for x86-64
 * (DW_OP_call_frame_cfa) is the CFA the call frame information gives at
 * that address, itself a register plus an offset.  Other location
 * programs (pieces, entry values, computed values, static storage) are
 * refused per variable, the operation named.
 */
#include "config.h"

#include <bpf/btf.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "typeinfo/ti_int.h"

/* One unit's debug information (vmlinux or a module), opened once. */
struct ti_dwarf {
	const char *module;         /* NULL: vmlinux */
	const char *path;           /* the file with the DWARF; NULL: none */
	const char *error;          /* why there is none */
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr bias;
	Dwarf_CFI *cfi;
	struct ti_dw_function *fns;
	int nfns;
	bool fns_done;
	/* the converted types: DIE offset -> BTF id (open addressing) */
	struct ti_unit unit;
	uint64_t *memo_key;
	uint32_t *memo_id;
	size_t memo_cap, memo_n;
	uint32_t index_type;        /* the int BTF arrays are indexed by */
	struct ti_dwarf *next;
};

static void end_dwfl(void *dwfl)
{
	dwfl_end(dwfl);
}

static void free_btf(void *btf)
{
	btf__free(btf);
}

static void free_memo(void *d)
{
	struct ti_dwarf *dw = d;
	free(dw->memo_key);
	free(dw->memo_id);
}

/* ---- finding and opening the file ---- */

/* Candidate files for the unit, in order; the first whose DWARF opens
 * wins. */
static const char *const *candidates(struct ti *ti, const char *module, int *n)
{
	const char **c = arena_alloc(ti->arena, 2 * sizeof(*c));
	*n = 0;
	if (!module) {
		c[(*n)++] = arena_printf(ti->arena, "/usr/lib/debug/boot/vmlinux-%s", ti->release);
		c[(*n)++] = arena_printf(ti->arena, "/usr/lib/debug/lib/modules/%s/vmlinux",
					 ti->release);
		return c;
	}
	if (module[0] == '/') {
		/* a program or library: libdwfl follows its build-id or
		 * debuglink to a separate debug file when it has no DWARF */
		c[(*n)++] = module;
		return c;
	}
	const char *ko = ti_module_file(ti, module);
	if (!ko)
		return c;
	c[(*n)++] = ko;
	const char *base = arena_printf(ti->arena, "/lib/modules/%s/", ti->release);
	if (strncmp(ko, base, strlen(base)) == 0)
		c[(*n)++] = arena_printf(ti->arena, "/usr/lib/debug/lib/modules/%s/%s", ti->release,
					 ko + strlen(base));
	return c;
}

static bool open_file(struct ti_dwarf *d, const char *path)
{
	static const Dwfl_Callbacks cb = {
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
	if (access(path, R_OK) != 0)
		return false;
	Dwfl *dwfl = dwfl_begin(&cb);
	if (!dwfl)
		return false;
	Dwfl_Module *mod = dwfl_report_offline(dwfl, d->module ? d->module : "kernel", path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	Dwarf_Addr bias = 0;
	Dwarf *dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	Dwarf_Off next;
	size_t hsize;
	/* a file with symbols but no .debug_info opens with no units */
	if (!dw || dwarf_nextcu(dw, 0, &next, &hsize, NULL, NULL, NULL) != 0) {
		dwfl_end(dwfl);
		return false;
	}
	d->dwfl = dwfl;
	d->mod = mod;
	d->dw = dw;
	d->bias = bias;
	Dwarf_Addr cfi_bias;
	d->cfi = dwfl_module_dwarf_cfi(mod, &cfi_bias);
	if (!d->cfi)
		d->cfi = dwfl_module_eh_cfi(mod, &cfi_bias);
	d->path = path;
	return true;
}

static struct ti_dwarf *get(struct ti *ti, const char *module)
{
	for (struct ti_dwarf *d = ti->dwarf; d; d = d->next)
		if ((!d->module && !module) || (d->module && module && !strcmp(d->module, module)))
			return d;
	struct ti_dwarf *d = arena_alloc(ti->arena, sizeof(*d));
	d->module = module ? arena_strdup(ti->arena, module) : NULL;
	d->next = ti->dwarf;
	ti->dwarf = d;
	int n;
	const char *const *c = candidates(ti, module, &n);
	const char *tried = "";
	for (int i = 0; i < n && !d->path; i++) {
		if (open_file(d, c[i]))
			break;
		tried = arena_printf(ti->arena, "%s%s%s", tried, i ? ", " : "", c[i]);
	}
	if (!d->path) {
		if (module && module[0] == '/')
			d->error = arena_printf(ti->arena, "no DWARF debug information for %s (build "
						"it with -g, or install its debug symbols package)",
						module);
		else if (module && !n)
			d->error = arena_printf(ti->arena, "no module '%s' in /lib/modules/%s", module,
						ti->release);
		else
			d->error = arena_printf(ti->arena, "no DWARF debug information for %s (looked "
						"in %s; Debian's package is linux-image-%s-dbg)",
						module ? module : "the kernel", tried, ti->release);
		return d;
	}
	arena_on_free(ti->arena, end_dwfl, d->dwfl);
	d->unit.ti = ti;
	d->unit.module = d->module;
	d->unit.btf = btf__new_empty();
	if (!d->unit.btf) {
		d->path = NULL;
		d->error = "cannot create a type table";
		return d;
	}
	arena_on_free(ti->arena, free_btf, d->unit.btf);
	arena_on_free(ti->arena, free_memo, d);
	d->index_type = (uint32_t)btf__add_int(d->unit.btf, "unsigned int", 4, 0);
	return d;
}

const char *ti_dwarf_path(struct ti *ti, const char *module, const char **why)
{
	struct ti_dwarf *d = get(ti, module);
	if (!d->path && why)
		*why = d->error;
	return d->path;
}

/* ---- functions ---- */

static const char *attr_string(Dwarf_Die *die, int name)
{
	Dwarf_Attribute a;
	return dwarf_formstring(dwarf_attr_integrate(die, name, &a));
}

struct fn_walk {
	struct ti *ti;
	struct ti_dwarf *d;
	size_t cap;
};

static struct ti_dw_function *new_function(struct fn_walk *w, Dwarf_Die *die, const char *name)
{
	struct ti_dwarf *d = w->d;
	if ((size_t)d->nfns == w->cap) {
		size_t old = w->cap * sizeof(*d->fns);
		w->cap = w->cap ? 2 * w->cap : 64;
		d->fns = arena_realloc(w->ti->arena, d->fns, old, w->cap * sizeof(*d->fns));
	}
	struct ti_dw_function *f = &d->fns[d->nfns++];
	memset(f, 0, sizeof(*f));
	f->name = arena_strdup(w->ti->arena, name);
	const char *file = dwarf_decl_file(die);
	f->file = arena_strdup(w->ti->arena, file ? file : "??");
	int line = 0;
	dwarf_decl_line(die, &line);
	f->line = line;
	f->die = dwarf_dieoffset(die);
	return f;
}

/* The instances inlined anywhere inside DIE `scope` of the out-of-line
 * function `outer` (a copy: new_function may move the table). */
static void add_inlined(struct fn_walk *w, Dwarf_Die *scope, struct ti_dw_function outer)
{
	Dwarf_Die c;
	if (dwarf_child(scope, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);
		Dwarf_Addr entry;
		const char *name;
		if (tag == DW_TAG_inlined_subroutine && (name = attr_string(&c, DW_AT_name)) &&
		    dwarf_entrypc(&c, &entry) == 0) {
			struct ti_dw_function *f = new_function(w, &c, name);
			f->low = entry;
			f->high = entry + 1;
			f->inlined = true;
			f->symbol = outer.symbol;
			f->base = outer.low;
			f->container = outer.die;
		}
		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block)
			add_inlined(w, &c, outer);
	} while (dwarf_siblingof(&c, &c) == 0);
}

static int add_function(Dwarf_Die *die, void *arg)
{
	struct fn_walk *w = arg;
	struct ti_dwarf *d = w->d;
	Dwarf_Addr low, high;
	const char *name = attr_string(die, DW_AT_name);
	/* out-of-line code only: an abstract instance has no address */
	if (!name || dwarf_lowpc(die, &low) != 0 || dwarf_highpc(die, &high) != 0)
		return DWARF_CB_OK;
	struct ti_dw_function *f = new_function(w, die, name);
	f->low = f->base = low;
	f->high = high;
	f->container = f->die;
	/* The symbol at the code: NAME, or the clone the compiler made of it
	 * (NAME.constprop.0), whose own DIE says where its arguments are. */
	GElf_Sym sym;
	const char *s = dwfl_module_addrsym(d->mod, low + d->bias, &sym, NULL);
	f->symbol = s && sym.st_value == low + d->bias ? arena_strdup(w->ti->arena, s) : f->name;
	add_inlined(w, die, *f);
	return DWARF_CB_OK;
}

static int fn_cmp(const void *a, const void *b)
{
	const struct ti_dw_function *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->low > y->low) - (x->low < y->low);
}

const struct ti_dw_function *ti_dwarf_functions(struct ti *ti, const char *module, int *n,
						const char **why)
{
	struct ti_dwarf *d = get(ti, module);
	*n = 0;
	if (!d->path) {
		if (why)
			*why = d->error;
		return NULL;
	}
	if (!d->fns_done) {
		d->fns_done = true;
		struct fn_walk w = { ti, d, 0 };
		Dwarf_Off off = 0, next;
		size_t hsize;
		while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
			Dwarf_Die cu;
			if (dwarf_offdie(d->dw, off + hsize, &cu))
				dwarf_getfuncs(&cu, add_function, &w, 0);
			off = next;
		}
		if (d->nfns)
			qsort(d->fns, (size_t)d->nfns, sizeof(*d->fns), fn_cmp);
	}
	*n = d->nfns;
	if (!*n && why)
		*why = arena_printf(ti->arena, "%s has no functions in its DWARF", d->path);
	return d->fns;
}

/* ---- types: DWARF to BTF ---- */

static uint64_t hash64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

/* The id planned for DIE offset `off`, or 0. */
static uint32_t memo_get(const struct ti_dwarf *d, uint64_t off)
{
	if (!d->memo_cap)
		return 0;
	for (size_t i = hash64(off) & (d->memo_cap - 1);; i = (i + 1) & (d->memo_cap - 1)) {
		if (!d->memo_id[i])
			return 0;
		if (d->memo_key[i] == off)
			return d->memo_id[i];
	}
}

static void memo_put(struct ti_dwarf *d, uint64_t off, uint32_t id)
{
	if (2 * (d->memo_n + 1) > d->memo_cap) {
		size_t cap = d->memo_cap ? 2 * d->memo_cap : 256;
		uint64_t *keys = calloc(cap, sizeof(*keys));
		uint32_t *ids = calloc(cap, sizeof(*ids));
		if (!keys || !ids) {
			fprintf(stderr, "stap: out of memory\n");
			exit(1);
		}
		for (size_t i = 0; i < d->memo_cap; i++) {
			if (!d->memo_id[i])
				continue;
			size_t j = hash64(d->memo_key[i]) & (cap - 1);
			while (ids[j])
				j = (j + 1) & (cap - 1);
			keys[j] = d->memo_key[i];
			ids[j] = d->memo_id[i];
		}
		free(d->memo_key);
		free(d->memo_id);
		d->memo_key = keys;
		d->memo_id = ids;
		d->memo_cap = cap;
	}
	size_t i = hash64(off) & (d->memo_cap - 1);
	while (d->memo_id[i])
		i = (i + 1) & (d->memo_cap - 1);
	d->memo_key[i] = off;
	d->memo_id[i] = id;
	d->memo_n++;
}

/* The DIE's DW_AT_type, false when it has none (void). */
static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

static int array_dims(Dwarf_Die *die)
{
	Dwarf_Die c;
	int n = 0;
	if (dwarf_child(die, &c) == 0)
		do
			n += dwarf_tag(&c) == DW_TAG_subrange_type;
		while (dwarf_siblingof(&c, &c) == 0);
	return n ? n : 1;
}

/* The types planned but not yet emitted, in id order. */
struct plan {
	Dwarf_Die *dies;
	size_t n, cap;
};

static uint32_t plan_type(struct ti_dwarf *d, struct plan *p, uint32_t *next, Dwarf_Die *die);

static void plan_ref(struct ti_dwarf *d, struct plan *p, uint32_t *next, Dwarf_Die *die)
{
	Dwarf_Die t;
	if (type_of(die, &t))
		plan_type(d, p, next, &t);
}

static uint32_t plan_type(struct ti_dwarf *d, struct plan *p, uint32_t *next, Dwarf_Die *die)
{
	uint64_t off = dwarf_dieoffset(die);
	uint32_t id = memo_get(d, off);
	if (id)
		return id;
	int tag = dwarf_tag(die);
	id = *next;
	*next += tag == DW_TAG_array_type ? (uint32_t)array_dims(die) : 1;
	memo_put(d, off, id);
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->dies = realloc(p->dies, p->cap * sizeof(*p->dies));
		if (!p->dies) {
			fprintf(stderr, "stap: out of memory\n");
			exit(1);
		}
	}
	p->dies[p->n++] = *die;
	/* what it refers to; a subroutine type's parameters are not needed
	 * (a function pointer is read as a value) */
	if (tag != DW_TAG_subroutine_type)
		plan_ref(d, p, next, die);
	if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type) {
		Dwarf_Die m;
		if (dwarf_child(die, &m) == 0)
			do
				if (dwarf_tag(&m) == DW_TAG_member)
					plan_ref(d, p, next, &m);
			while (dwarf_siblingof(&m, &m) == 0);
	}
	return id;
}

static uint32_t ref_id(struct ti_dwarf *d, Dwarf_Die *die)
{
	Dwarf_Die t;
	return type_of(die, &t) ? memo_get(d, dwarf_dieoffset(&t)) : 0;
}

static uint64_t udata(Dwarf_Die *die, int name, uint64_t dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	if (!dwarf_attr_integrate(die, name, &a) || dwarf_formudata(&a, &w) != 0)
		return dflt;
	return w;
}

static void emit_members(struct ti_dwarf *d, Dwarf_Die *die)
{
	Dwarf_Die m;
	if (dwarf_child(die, &m) != 0)
		return;
	do {
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		uint64_t bits = udata(&m, DW_AT_bit_size, 0);
		uint64_t where = udata(&m, DW_AT_data_member_location, 0) * 8;
		Dwarf_Attribute a;
		if (dwarf_attr(&m, DW_AT_data_bit_offset, &a))
			where = udata(&m, DW_AT_data_bit_offset, 0);
		else if (bits && dwarf_attr(&m, DW_AT_bit_offset, &a)) {
			/* DWARF 4 counts from the storage unit's most
			 * significant bit */
			Dwarf_Die t;
			uint64_t unit = udata(&m, DW_AT_byte_size, 0);
			if (!unit && type_of(&m, &t))
				unit = (uint64_t)dwarf_bytesize(&t);
			where += unit * 8 - udata(&m, DW_AT_bit_offset, 0) - bits;
		}
		btf__add_field(d->unit.btf, attr_string(&m, DW_AT_name), (int)ref_id(d, &m),
			       (uint32_t)where, (uint32_t)bits);
	} while (dwarf_siblingof(&m, &m) == 0);
}

static void emit_enum(struct ti_dwarf *d, Dwarf_Die *die, const char *name)
{
	uint64_t size = udata(die, DW_AT_byte_size, 4);
	bool wide = size > 4;
	Dwarf_Die e;
	if (!wide && dwarf_child(die, &e) == 0)
		do {
			Dwarf_Attribute a;
			Dwarf_Sword v;
			if (dwarf_tag(&e) == DW_TAG_enumerator &&
			    dwarf_formsdata(dwarf_attr(&e, DW_AT_const_value, &a), &v) == 0 &&
			    (v < INT32_MIN || v > (Dwarf_Sword)UINT32_MAX))
				wide = true;
		} while (dwarf_siblingof(&e, &e) == 0);
	if (wide)
		btf__add_enum64(d->unit.btf, name, (uint32_t)size, true);
	else
		btf__add_enum(d->unit.btf, name, (uint32_t)size);
	if (dwarf_child(die, &e) != 0)
		return;
	do {
		Dwarf_Attribute a;
		Dwarf_Sword v;
		if (dwarf_tag(&e) != DW_TAG_enumerator ||
		    dwarf_formsdata(dwarf_attr(&e, DW_AT_const_value, &a), &v) != 0)
			continue;
		if (wide)
			btf__add_enum64_value(d->unit.btf, attr_string(&e, DW_AT_name), (uint64_t)v);
		else
			btf__add_enum_value(d->unit.btf, attr_string(&e, DW_AT_name), v);
	} while (dwarf_siblingof(&e, &e) == 0);
}

static void emit_array(struct ti_dwarf *d, Dwarf_Die *die, uint32_t id)
{
	uint32_t elem = ref_id(d, die);
	int dims = array_dims(die), k = 0;
	Dwarf_Die s;
	bool any = dwarf_child(die, &s) == 0;
	for (; k < dims; k++) {
		while (any && dwarf_tag(&s) != DW_TAG_subrange_type)
			any = dwarf_siblingof(&s, &s) == 0;
		uint64_t count = 0;
		if (any) {
			Dwarf_Attribute a;
			if (dwarf_attr(&s, DW_AT_count, &a))
				count = udata(&s, DW_AT_count, 0);
			else if (dwarf_attr(&s, DW_AT_upper_bound, &a))
				count = udata(&s, DW_AT_upper_bound, 0) + 1;
			any = dwarf_siblingof(&s, &s) == 0;
		}
		btf__add_array(d->unit.btf, (int)d->index_type,
			       k + 1 < dims ? (int)(id + (uint32_t)k + 1) : (int)elem, (uint32_t)count);
	}
}

static void emit_type(struct ti_dwarf *d, Dwarf_Die *die, uint32_t id)
{
	struct btf *b = d->unit.btf;
	const char *name = attr_string(die, DW_AT_name);
	int ref = (int)ref_id(d, die);
	Dwarf_Attribute a;
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type: {
		uint64_t size = udata(die, DW_AT_byte_size, 0);
		uint64_t enc = udata(die, DW_AT_encoding, DW_ATE_signed);
		if (enc == DW_ATE_float && (size == 2 || size == 4 || size == 8 || size == 12 ||
					    size == 16)) {
			btf__add_float(b, name ? name : "float", (size_t)size);
			return;
		}
		int flags = enc == DW_ATE_boolean ? BTF_INT_BOOL
			: enc == DW_ATE_signed || enc == DW_ATE_signed_char ? BTF_INT_SIGNED : 0;
		if (size != 1 && size != 2 && size != 4 && size != 8 && size != 16)
			size = 8;
		btf__add_int(b, name ? name : "int", (size_t)size, flags);
		return;
	}
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		btf__add_ptr(b, ref);
		return;
	case DW_TAG_const_type:
		btf__add_const(b, ref);
		return;
	case DW_TAG_volatile_type:
	case DW_TAG_atomic_type:
		btf__add_volatile(b, ref);
		return;
	case DW_TAG_restrict_type:
		btf__add_restrict(b, ref);
		return;
	case DW_TAG_typedef:
		btf__add_typedef(b, name ? name : "?", ref);
		return;
	case DW_TAG_structure_type:
	case DW_TAG_union_type: {
		bool is_union = dwarf_tag(die) == DW_TAG_union_type;
		if (dwarf_attr(die, DW_AT_declaration, &a)) {
			btf__add_fwd(b, name ? name : "?", is_union ? BTF_FWD_UNION : BTF_FWD_STRUCT);
			return;
		}
		uint32_t size = (uint32_t)udata(die, DW_AT_byte_size, 0);
		if (is_union)
			btf__add_union(b, name, size);
		else
			btf__add_struct(b, name, size);
		emit_members(d, die);
		return;
	}
	case DW_TAG_enumeration_type:
		emit_enum(d, die, name);
		return;
	case DW_TAG_array_type:
		emit_array(d, die, id);
		return;
	case DW_TAG_subroutine_type:
		btf__add_func_proto(b, ref);
		return;
	default:
		/* unspecified types and the like: something with no size */
		btf__add_fwd(b, name ? name : "?", BTF_FWD_STRUCT);
		return;
	}
}

/* The BTF type of DWARF type DIE `die` (NULL: void), converting what is
 * new. */
static struct ti_type convert(struct ti_dwarf *d, Dwarf_Die *die)
{
	if (!die)
		return (struct ti_type){ &d->unit, 0 };
	struct plan p = { NULL, 0, 0 };
	uint32_t next = btf__type_cnt(d->unit.btf);
	uint32_t id = plan_type(d, &p, &next, die);
	for (size_t i = 0; i < p.n; i++)
		emit_type(d, &p.dies[i], memo_get(d, dwarf_dieoffset(&p.dies[i])));
	free(p.dies);
	/* a failed btf__add_* would shift every later id: refuse the lot */
	if (btf__type_cnt(d->unit.btf) != next) {
		fprintf(stderr, "stap: internal error: DWARF type conversion of %s went wrong\n",
			d->path);
		exit(1);
	}
	return (struct ti_type){ &d->unit, id };
}

static struct ti_type type_of_var(struct ti_dwarf *d, Dwarf_Die *var)
{
	Dwarf_Die t;
	return convert(d, type_of(var, &t) ? &t : NULL);
}

/* ---- locations ---- */

static struct ti_dw_loc no_loc(const char *why)
{
	return (struct ti_dw_loc){ TI_LOC_NONE, 0, 0, why };
}

/* Register r (DWARF numbering) plus offset, from a DW_OP_breg/bregx. */
static bool breg(const Dwarf_Op *op, int *reg, int64_t *off)
{
	if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
		*reg = op->atom - DW_OP_breg0;
		*off = (int64_t)op->number;
		return true;
	}
	if (op->atom == DW_OP_bregx) {
		*reg = (int)op->number;
		*off = (int64_t)op->number2;
		return true;
	}
	return false;
}

/* The CFA at pc as register + offset. */
static bool cfa_at(struct ti_dwarf *d, Dwarf_Addr pc, int *reg, int64_t *off)
{
	Dwarf_Frame *frame;
	Dwarf_Op *ops;
	size_t n;
	if (!d->cfi || dwarf_cfi_addrframe(d->cfi, pc, &frame) != 0)
		return false;
	bool ok = dwarf_frame_cfa(frame, &ops, &n) == 0 && n == 1 && breg(&ops[0], reg, off);
	free(frame);
	return ok;
}

static struct ti_dw_loc decode(struct ti *ti, struct ti_dwarf *d, const Dwarf_Op *ops, size_t n,
			       Dwarf_Addr pc, Dwarf_Die *fn)
{
	struct arena *a = ti->arena;
	struct ti_dw_loc l = { TI_LOC_NONE, 0, 0, NULL };
	/* one piece covering the whole variable is the variable */
	if (n >= 2 && ops[n - 1].atom == DW_OP_piece)
		n--;
	if (!n)
		return no_loc("it has no location here (optimized out)");
	bool value = n >= 2 && ops[n - 1].atom == DW_OP_stack_value;
	if (value)
		n--;
	const Dwarf_Op *op = &ops[0];
	if (n == 1 && !value && op->atom >= DW_OP_reg0 && op->atom <= DW_OP_reg31)
		return (struct ti_dw_loc){ TI_LOC_REG, op->atom - DW_OP_reg0, 0, NULL };
	if (n == 1 && !value && op->atom == DW_OP_regx)
		return (struct ti_dw_loc){ TI_LOC_REG, (int)op->number, 0, NULL };
	if (n == 1 && breg(op, &l.reg, &l.offset)) {
		l.kind = value ? TI_LOC_REG : TI_LOC_MEM;
		return l;
	}
	if (n == 1 && value && op->atom >= DW_OP_lit0 && op->atom <= DW_OP_lit31)
		return (struct ti_dw_loc){ TI_LOC_CONST, 0, op->atom - DW_OP_lit0, NULL };
	if (n == 1 && value && (op->atom == DW_OP_constu || op->atom == DW_OP_consts ||
				op->atom == DW_OP_const1u || op->atom == DW_OP_const1s ||
				op->atom == DW_OP_const2u || op->atom == DW_OP_const2s ||
				op->atom == DW_OP_const4u || op->atom == DW_OP_const4s ||
				op->atom == DW_OP_const8u || op->atom == DW_OP_const8s))
		return (struct ti_dw_loc){ TI_LOC_CONST, 0, (int64_t)op->number, NULL };
	if (n == 1 && op->atom == DW_OP_fbreg) {
		/* the frame base: the CFA, or a register + offset */
		Dwarf_Attribute fa;
		Dwarf_Op *fb;
		size_t nfb;
		if (!dwarf_attr_integrate(fn, DW_AT_frame_base, &fa) ||
		    dwarf_getlocation_addr(&fa, pc, &fb, &nfb, 1) != 1 || nfb != 1)
			return no_loc("its frame base is not known here");
		if (fb[0].atom == DW_OP_call_frame_cfa) {
			if (!cfa_at(d, pc, &l.reg, &l.offset))
				return no_loc("the frame's CFA is not known here");
		} else if (!breg(&fb[0], &l.reg, &l.offset)) {
			return no_loc(arena_printf(a, "its frame base is DWARF operation %#x, not "
						   "supported", fb[0].atom));
		}
		l.offset += (int64_t)op->number;
		l.kind = value ? TI_LOC_REG : TI_LOC_MEM;
		return l;
	}
	if (op->atom == DW_OP_entry_value || op->atom == DW_OP_GNU_entry_value)
		return no_loc("only its value at the function's entry is known here "
			      "(DW_OP_entry_value)");
	if (op->atom == DW_OP_addr)
		return no_loc("it has static storage (DW_OP_addr), not supported yet");
	return no_loc(arena_printf(a, "its location is DWARF operation %#x, not supported",
				   op->atom));
}

static struct ti_dw_loc locate(struct ti *ti, struct ti_dwarf *d, Dwarf_Die *var,
			       Dwarf_Addr pc, Dwarf_Die *fn)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;
	if (dwarf_attr_integrate(var, DW_AT_const_value, &a)) {
		Dwarf_Sword v;
		if (dwarf_formsdata(&a, &v) == 0)
			return (struct ti_dw_loc){ TI_LOC_CONST, 0, v, NULL };
		return no_loc("it is a constant DWARF gives as a block");
	}
	if (!dwarf_attr(var, DW_AT_location, &a))
		return no_loc("it has no location (optimized out)");
	/* The range holding pc; else an empty range starting at pc, which is
	 * how GCC's location views say "here, between these two views" (an
	 * inlined instance's arguments at its entry). */
	Dwarf_Addr base, start, end;
	Dwarf_Op *at_pc = NULL;
	size_t n_at_pc = 0;
	ptrdiff_t off = 0;
	while ((off = dwarf_getlocations(&a, off, &base, &start, &end, &ops, &n)) > 0) {
		if (start <= pc && pc < end)
			return decode(ti, d, ops, n, pc, fn);
		if (start == pc && end == pc && !at_pc) {
			at_pc = ops;
			n_at_pc = n;
		}
	}
	if (off < 0)
		return no_loc("its location cannot be read");
	if (at_pc)
		return decode(ti, d, at_pc, n_at_pc, pc, fn);
	return no_loc("it has no location at this address (optimized out here)");
}

/* ---- sites ---- */

struct vars {
	struct ti_dw_var *v;
	int n, cap;
	struct ti_param *params;
	int nparams, pcap;
};

static void add_var(struct ti *ti, struct ti_dwarf *d, struct vars *vs, Dwarf_Die *var,
		    Dwarf_Addr pc, Dwarf_Die *fn, bool param)
{
	const char *name = attr_string(var, DW_AT_name);
	if (!name)
		return;
	for (int i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0)
			return;        /* an inner scope's variable hides it */
	if (vs->n == vs->cap) {
		size_t old = (size_t)vs->cap * sizeof(*vs->v);
		vs->cap = vs->cap ? 2 * vs->cap : 16;
		vs->v = arena_realloc(ti->arena, vs->v, old, (size_t)vs->cap * sizeof(*vs->v));
	}
	struct ti_dw_var *v = &vs->v[vs->n++];
	v->name = arena_strdup(ti->arena, name);
	v->type = type_of_var(d, var);
	v->param = param;
	v->loc = locate(ti, d, var, pc, fn);
	if (!param)
		return;
	if (vs->nparams == vs->pcap) {
		size_t old = (size_t)vs->pcap * sizeof(*vs->params);
		vs->pcap = vs->pcap ? 2 * vs->pcap : 8;
		vs->params = arena_realloc(ti->arena, vs->params, old,
					   (size_t)vs->pcap * sizeof(*vs->params));
	}
	vs->params[vs->nparams++] = (struct ti_param){ v->name, v->type, NULL,
							 v->loc.kind == TI_LOC_NONE };
}

/* The variables DIE `scope` declares directly; params: its formal
 * parameters are the function's. */
static void scope_vars(struct ti *ti, struct ti_dwarf *d, struct vars *vs, Dwarf_Die *scope,
		       Dwarf_Addr pc, Dwarf_Die *fn, bool params)
{
	Dwarf_Die c;
	if (dwarf_child(scope, &c) != 0)
		return;
	do {
		int tag = dwarf_tag(&c);
		if (tag == DW_TAG_formal_parameter)
			add_var(ti, d, vs, &c, pc, fn, params);
		else if (tag == DW_TAG_variable)
			add_var(ti, d, vs, &c, pc, fn, false);
	} while (dwarf_siblingof(&c, &c) == 0);
}

/* The lowest address of a statement at `line` of f's file within f, or 0
 * with *near the closest lines before and after that have one. */
static Dwarf_Addr line_addr(struct ti_dwarf *d, const struct ti_dw_function *f, Dwarf_Die *cu,
			    int line, int near[2])
{
	Dwarf_Lines *lines;
	size_t n;
	Dwarf_Addr best = 0;
	near[0] = near[1] = 0;
	if (dwarf_getsrclines(cu, &lines, &n) != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr addr;
		int ln;
		bool stmt;
		const char *file = dwarf_linesrc(l, NULL, NULL);
		if (dwarf_lineaddr(l, &addr) != 0 || dwarf_lineno(l, &ln) != 0 ||
		    dwarf_linebeginstatement(l, &stmt) != 0 || !stmt || !file ||
		    strcmp(file, f->file) != 0 || addr < f->low || addr >= f->high)
			continue;
		(void)d;
		if (ln == line && (!best || addr < best))
			best = addr;
		else if (ln < line && ln > near[0])
			near[0] = ln;
		else if (ln > line && (!near[1] || ln < near[1]))
			near[1] = ln;
	}
	return best;
}

bool ti_dwarf_site(struct ti *ti, const char *module, const struct ti_dw_function *f, int line,
		   struct ti_dw_site *out, const char **why)
{
	struct ti_dwarf *d = get(ti, module);
	Dwarf_Die fn, outer, cu;
	memset(out, 0, sizeof(*out));
	if (!d->path || !dwarf_offdie(d->dw, f->die, &fn) ||
	    !dwarf_offdie(d->dw, f->container, &outer) || !dwarf_diecu(&fn, &cu, NULL, NULL)) {
		*why = d->error ? d->error : "its DWARF cannot be read again";
		return false;
	}
	Dwarf_Addr pc = f->low;
	if (line > 0 && f->inlined) {
		*why = arena_printf(ti->arena, "a line of %s's instance inlined into %s: not "
				    "supported", f->name, f->symbol);
		return false;
	}
	if (line > 0) {
		int near[2];
		pc = line_addr(d, f, &cu, line, near);
		if (!pc) {
			*why = arena_printf(ti->arena, "no statement of %s is at line %d of %s%s", f->name,
					    line, f->file,
					    near[0] || near[1]
					    ? arena_printf(ti->arena, " (nearest lines with code: %s%s%s)",
							   near[0] ? arena_printf(ti->arena, "%d", near[0]) : "",
							   near[0] && near[1] ? ", " : "",
							   near[1] ? arena_printf(ti->arena, "%d", near[1]) : "")
					    : "");
			return false;
		}
	}
	struct vars vs = { 0 };
	/* the function's own parameters first, in order; then the variables
	 * of every scope around pc, innermost first */
	scope_vars(ti, d, &vs, &fn, pc, &outer, true);
	Dwarf_Die *scopes;
	int ns = dwarf_getscopes(&cu, pc, &scopes), first = 0, end = -1;
	/* f's own scopes: those between f and the outermost function inlined
	 * into it at pc (whose variables are that function's, not f's) */
	for (int i = 0; i < ns && end < 0; i++) {
		if (dwarf_dieoffset(&scopes[i]) == f->die)
			end = i;
		else if (dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine)
			first = i + 1;
	}
	for (int i = first; i < end; i++)
		scope_vars(ti, d, &vs, &scopes[i], pc, &outer, false);
	if (ns > 0)
		free(scopes);
	out->fn.name = f->name;
	out->fn.module = module;
	Dwarf_Die rt;
	out->fn.ret = convert(d, type_of(&fn, &rt) ? &rt : NULL);
	out->fn.nparams = vs.nparams;
	out->fn.params = vs.params;
	out->fn.copies = 1;
	out->file = f->file;
	out->line = line > 0 ? line : f->line;
	out->offset = pc - f->base;
	out->inlined = f->inlined;
	out->vars = vs.v;
	out->nvars = vs.n;
	return true;
}

/* ---- global variables ---- */

bool ti_dwarf_global(struct ti *ti, const char *module, const char *name, const char *file,
		     struct ti_type *type, const char **why)
{
	struct ti_dwarf *d = get(ti, module);
	if (!d->path) {
		*why = d->error;
		return false;
	}
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, v;
		bool ok = dwarf_offdie(d->dw, off + hsize, &cu) && dwarf_child(&cu, &v) == 0;
		off = next;
		/* a CU's own variables with storage (not a declaration of
		 * another file's) */
		while (ok) {
			Dwarf_Attribute a;
			const char *vn, *vf;
			if (dwarf_tag(&v) == DW_TAG_variable && (vn = attr_string(&v, DW_AT_name)) &&
			    strcmp(vn, name) == 0 && dwarf_attr(&v, DW_AT_location, &a) &&
			    (!file || ((vf = dwarf_decl_file(&v)) && ti_file_matches(file, vf)))) {
				*type = type_of_var(d, &v);
				return true;
			}
			ok = dwarf_siblingof(&v, &v) == 0;
		}
	}
	*why = arena_printf(ti->arena, "no global variable '%s'%s%s in %s", name,
			    file ? " in " : "", file ? file : "", d->path);
	return false;
}

/* ---- types by name ---- */

bool ti_dwarf_type(struct ti *ti, const char *module, const char *name, struct ti_type *out)
{
	static const struct { const char *prefix; int tag; } kinds[] = {
		{ "struct ", DW_TAG_structure_type }, { "union ", DW_TAG_union_type },
		{ "enum ", DW_TAG_enumeration_type },
	};
	struct ti_dwarf *d = get(ti, module);
	if (!d->path)
		return false;
	int want = 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strncmp(name, kinds[k].prefix, strlen(kinds[k].prefix))) {
			want = kinds[k].tag;
			name += strlen(kinds[k].prefix);
		}
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, t;
		bool ok = dwarf_offdie(d->dw, off + hsize, &cu) && dwarf_child(&cu, &t) == 0;
		off = next;
		for (; ok; ok = dwarf_siblingof(&t, &t) == 0) {
			int tag = dwarf_tag(&t);
			const char *tn = attr_string(&t, DW_AT_name);
			if (!tn || strcmp(tn, name) != 0 || dwarf_hasattr(&t, DW_AT_declaration))
				continue;
			/* a bare name: a struct, union or typedef, or a base type */
			if (want ? tag != want
				 : tag != DW_TAG_structure_type && tag != DW_TAG_union_type &&
				   tag != DW_TAG_typedef && tag != DW_TAG_base_type)
				continue;
			*out = convert(d, &t);
			return true;
		}
	}
	return false;
}

bool ti_file_matches(const char *pattern, const char *file)
{
	if (fnmatch(pattern, file, 0) == 0)
		return true;
	for (const char *s = strchr(file, '/'); s; s = strchr(s + 1, '/'))
		if (fnmatch(pattern, s + 1, 0) == 0)
			return true;
	return false;
}
