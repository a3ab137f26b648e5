/* ksyms.c - which kernel functions a kprobe can take, for a kernel that
 * need not be the running one: ti_function_status, ti_probeable_functions
 * and ti_ksyms_source of typeinfo.h.
 *
 * A function is PROBEABLE when it has a text symbol whose code stays
 * after boot, no part of the kprobe blacklist covers it, and it is an
 * ftrace call site.  kprobes could also take a function built `notrace`
 * (an int3 instead of the fentry nop), but notrace marks code the kernel
 * thinks fragile, so we refuse it too.  What 6.1's kprobes refuse
 * (kernel/kprobes.c populate_kprobe_blacklist, arch/x86/kernel/kprobes/
 * core.c arch_populate_kprobe_blacklist): every function named by
 * NOKPROBE_SYMBOL (the _kprobe_blacklist section), and every function in
 * .kprobes.text, .noinstr.text and .entry.text (which holds .irqentry.text
 * on x86).  Measured in the test VM, that rebuilds the 375 distinct ranges
 * of /sys/kernel/debug/kprobes/blacklist exactly; .softirqentry.text
 * (__do_softirq) is not refused.
 *
 * Where the facts come from (load_vmlinux), first that works:
 *   1. the running kernel (ti->running), when all three files below are
 *      readable with addresses (root): /proc/kallsyms, tracefs's
 *      available_filter_functions, debugfs's kprobes/blacklist;
 *   2. a real System.map-REL (Debian's is an 83-byte stub), the ftrace
 *      sites and the NOKPROBE list read from the image's vmlinux at the
 *      addresses it gives;
 *   3. the image /boot/vmlinuz-REL: its vmlinux ELF has no .symtab, but
 *      with CONFIG_KALLSYMS_ALL its .rodata holds the kernel's own
 *      compressed symbol table, data symbols included (find_kallsyms), so
 *      __start_mcount_loc.. (every ftrace call site) and
 *      __start_kprobe_blacklist.. can be read as well;
 *   4. the running kernel's files, whatever of them could be read.
 * 2 and 3 cost a 66 MB decompression, so their result is cached under
 * CACHE/typeinfo/REL/ksyms: one "LETTER NAME" line per text symbol name,
 * sorted, after a stamp line naming the files it came from with their
 * sizes and mtimes.
 *
 * A name stands for its lowest-addressed text symbol: the one
 * kallsyms_lookup_name, and so register_kprobe's symbol_name, finds.
 * A module's functions come from its .ko (module_table): every FUNC
 * symbol of an executable section, whose name tells __init and
 * blacklisted code; the relocations of __mcount_loc and _kprobe_blacklist
 * give the ftrace sites and the NOKPROBE_SYMBOL list.  A .ko says the
 * same whether its release runs or not, and reads in milliseconds: no
 * cache.
 */
#include "config.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "strmap.h"
#include "typeinfo/ti_int.h"

/* ---- what a symbol's status is and why ---- */

enum why {
	W_PROBEABLE,
	W_INIT,                     /* [_sinittext,_einittext) or [__init_begin,__init_end) */
	W_NOKPROBE,                 /* NOKPROBE_SYMBOL */
	W_ENTRY,                    /* .entry.text */
	W_NOINSTR,                  /* .noinstr.text */
	W_KPROBES,                  /* .kprobes.text (__kprobes) */
	W_BLACKLIST,                /* the running kernel's blacklist says so */
	W_NOTRACE,                  /* not an ftrace call site */
	W_COUNT
};

static const struct {
	char letter;                /* in the cache file */
	enum ti_fn_status status;
	const char *detail;
} whys[] = {
	[W_PROBEABLE] = { 'P', TI_FN_PROBEABLE, "a traceable text symbol" },
	[W_INIT] = { 'I', TI_FN_INIT, "__init or __exit code, freed after boot" },
	[W_NOKPROBE] = { 'K', TI_FN_BLACKLISTED, "NOKPROBE_SYMBOL: on the kprobe blacklist" },
	[W_ENTRY] = { 'E', TI_FN_BLACKLISTED, "entry code (.entry.text): kprobes refuse it" },
	[W_NOINSTR] = { 'X', TI_FN_BLACKLISTED, "noinstr code (.noinstr.text): kprobes refuse it" },
	[W_KPROBES] = { 'R', TI_FN_BLACKLISTED, "__kprobes code (.kprobes.text): kprobes refuse it" },
	[W_BLACKLIST] = { 'B', TI_FN_BLACKLISTED, "on the kernel's kprobe blacklist" },
	[W_NOTRACE] = { 'N', TI_FN_NOTRACE,
			"not an ftrace call site (notrace or no fentry): refused to be safe" },
};
_Static_assert(sizeof(whys) / sizeof(whys[0]) == W_COUNT, "every why needs a row in whys[]");

/* The function names of vmlinux or one module, sorted by strcmp, each
 * with why its lowest-addressed text symbol has its status. */
struct ti_ksyms {
	const char *module;         /* NULL: vmlinux */
	const char *source;         /* ti_ksyms_source; NULL when unknown */
	const char *error;          /* why there is no table (names NULL) */
	const char **names;
	unsigned char *why;
	int n;
	const char **probeable;     /* ti_probeable_functions, made once */
	int nprobeable;
	bool probeable_done;
};

/* ---- one source's symbols, before they become a table ---- */

enum {
	F_TEXT = 1,                 /* t, T, w or W */
	F_TRACED = 2,               /* an ftrace call site */
	F_NOKPROBE = 4,             /* NOKPROBE_SYMBOL's */
	F_BLACK = 8,                /* the running kernel's blacklist */
	/* a module's, from the section its symbol is in */
	F_INIT = 16,
	F_ENTRY = 32,
	F_NOINSTR = 64,
	F_KPROBES = 128,
};

struct sym {
	const char *name;
	uint64_t addr;
	unsigned flags;
};

/* Symbols in address order (kallsyms and System.map both are; a module's
 * in its symbol table's order, the order its lookups take), with the
 * facts the source could give.  Everything lives in `a`, a scratch arena
 * freed once the table is made. */
struct syms {
	struct arena *a;
	struct sym *v;
	int n, cap;
	bool have_sites;            /* F_TRACED was decided for every symbol */
	bool have_blacklist;        /* F_NOKPROBE or F_BLACK was */
	const char *unchecked;      /* a note for the source string, or NULL */
};

static void add_sym(struct syms *s, const char *name, uint64_t addr, char type)
{
	if (s->n == s->cap) {
		size_t old = (size_t)s->cap * sizeof(*s->v);
		s->cap = s->cap ? 2 * s->cap : 65536;
		s->v = arena_realloc(s->a, s->v, old, (size_t)s->cap * sizeof(*s->v));
	}
	bool text = type == 't' || type == 'T' || type == 'w' || type == 'W';
	s->v[s->n++] = (struct sym){ name, addr, text ? F_TEXT : 0 };
}

/* The address of the first symbol called name, or 0. */
static uint64_t addr_of(const struct syms *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (s->v[i].name[0] == name[0] && strcmp(s->v[i].name, name) == 0)
			return s->v[i].addr;
	return 0;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool has_u64(const uint64_t *v, size_t n, uint64_t x)
{
	return n && bsearch(&x, v, n, sizeof(*v), u64_cmp) != NULL;
}

/* ---- from symbols to a table ---- */

struct range {
	uint64_t lo, hi;
};

static struct range range_of(const struct syms *s, const char *lo, const char *hi)
{
	return (struct range){ addr_of(s, lo), addr_of(s, hi) };
}

static bool in(struct range r, uint64_t addr)
{
	return addr >= r.lo && addr < r.hi;
}

/* Why symbol y has its status.  With zero addresses (a running kernel
 * read without root) every range is empty, and the flags decide alone. */
static enum why why_of(const struct syms *s, const struct sym *y, const struct range *r)
{
	if ((y->flags & F_INIT) || in(r[0], y->addr) || in(r[1], y->addr))
		return W_INIT;
	if (y->flags & F_NOKPROBE)
		return W_NOKPROBE;
	if ((y->flags & F_ENTRY) || in(r[2], y->addr))
		return W_ENTRY;
	if ((y->flags & F_NOINSTR) || in(r[3], y->addr))
		return W_NOINSTR;
	if ((y->flags & F_KPROBES) || in(r[4], y->addr))
		return W_KPROBES;
	if (y->flags & F_BLACK)
		return W_BLACKLIST;
	if (s->have_sites && !(y->flags & F_TRACED))
		return W_NOTRACE;
	return W_PROBEABLE;
}

struct named {
	const char *name;
	unsigned char why;
};

static int named_cmp(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* The table of s's text symbols, each name for its first (lowest)
 * symbol, in ti's arena. */
static struct ti_ksyms *make_table(struct ti *ti, const struct syms *s, const char *module)
{
	const struct range r[] = {
		range_of(s, "_sinittext", "_einittext"),
		range_of(s, "__init_begin", "__init_end"),
		range_of(s, "__entry_text_start", "__entry_text_end"),
		range_of(s, "__noinstr_text_start", "__noinstr_text_end"),
		range_of(s, "__kprobes_text_start", "__kprobes_text_end"),
	};
	struct named *v = arena_alloc(s->a, (size_t)(s->n ? s->n : 1) * sizeof(*v));
	struct strmap seen;
	int n = 0;
	size_t bytes = 0;
	strmap_init(&seen, s->a);
	for (int i = 0; i < s->n; i++) {
		const struct sym *y = &s->v[i];
		if (!(y->flags & F_TEXT))
			continue;
		void **slot = strmap_put(&seen, y->name);
		if (*slot)
			continue;
		*slot = (void *)y;
		v[n++] = (struct named){ y->name, (unsigned char)why_of(s, y, r) };
		bytes += strlen(y->name) + 1;
	}
	qsort(v, (size_t)n, sizeof(*v), named_cmp);
	struct ti_ksyms *t = arena_alloc(ti->arena, sizeof(*t));
	char *pool = arena_alloc(ti->arena, bytes ? bytes : 1);
	t->module = module;
	t->names = arena_alloc(ti->arena, (size_t)(n ? n : 1) * sizeof(*t->names));
	t->why = arena_alloc(ti->arena, (size_t)(n ? n : 1));
	t->n = n;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(v[i].name) + 1;
		memcpy(pool, v[i].name, len);
		t->names[i] = pool;
		t->why[i] = v[i].why;
		pool += len;
	}
	return t;
}

/* ---- the running kernel ---- */

/* Calls line(arg, text) for each line of a file (no size needed: /proc
 * and tracefs files say 0); false when it cannot be opened. */
static bool each_line(const char *path, void (*line)(void *arg, char *text), void *arg)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	if (!f)
		return false;
	while ((len = getline(&buf, &cap, f)) > 0) {
		if (buf[len - 1] == '\n')
			buf[len - 1] = '\0';
		line(arg, buf);
	}
	free(buf);
	fclose(f);
	return true;
}

struct proc_read {
	struct syms *s;
	struct strmap names;        /* blacklisted names */
	struct strmap addrs;        /* blacklisted range starts */
	int lines;
	int cursor;                 /* traced_line's place in s->v */
	bool zero;                  /* no text symbol has an address (not root) */
};

/* "ffffffff813669e0 T vfs_read", module symbols ("... [ext4]") aside. */
static void kallsyms_line(void *arg, char *text)
{
	struct proc_read *p = arg;
	char type, name[512];
	unsigned long long addr;
	int end = 0;
	if (sscanf(text, "%llx %c %511s%n", &addr, &type, name, &end) != 3 || text[end] != '\0')
		return;
	add_sym(p->s, arena_strdup(p->s->a, name), addr, type);
	/* Per-CPU symbols are at 0 even for root. */
	if (p->s->v[p->s->n - 1].flags & F_TEXT)
		p->zero &= addr == 0;
}

/* available_filter_functions: "vfs_read", or "name [module]".  ftrace
 * lists each call site once, in address order, under the name kallsyms
 * gives its address: walked along the text symbols (in address order as
 * well), each line is the next symbol of that name, which tells apart
 * the 477 static functions that share a name. */
static void traced_line(void *arg, char *text)
{
	struct proc_read *p = arg;
	struct syms *s = p->s;
	int k = p->cursor;
	p->lines++;
	if (strchr(text, ' ') || strncmp(text, "__ftrace_invalid_address__", 26) == 0)
		return;             /* a module's, or a site at no symbol */
	while (k < s->n && (!(s->v[k].flags & F_TEXT) || strcmp(s->v[k].name, text) != 0))
		k++;
	/* Not found ahead (not seen on 6.1): left untraced, to be safe. */
	if (k < s->n) {
		s->v[k].flags |= F_TRACED;
		p->cursor = k + 1;
	}
}

/* kprobes/blacklist: "0xffffffff81032980-0xffffffff810329d0\tdo_int3" */
static void blacklist_line(void *arg, char *text)
{
	struct proc_read *p = arg;
	unsigned long long lo, hi;
	char name[512];
	if (sscanf(text, "0x%llx-0x%llx %511s", &lo, &hi, name) != 3)
		return;
	char key[32];
	snprintf(key, sizeof(key), "%llx", lo);
	*strmap_put(&p->names, arena_strdup(p->s->a, name)) = p;
	*strmap_put(&p->addrs, arena_strdup(p->s->a, key)) = p;
	p->lines++;
}

static bool read_traced(struct proc_read *p)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/available_filter_functions",
		"/sys/kernel/debug/tracing/available_filter_functions",
	};
	p->lines = 0;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && !p->lines; i++) {
		p->cursor = 0;
		each_line(paths[i], traced_line, p);
	}
	if (!p->lines)
		return false;
	/* The call site of __x64_sys_getpid is listed as __ia32_sys_getpid's,
	 * its alias: what one name at an address has, all have. */
	struct syms *s = p->s;
	for (int i = 0, j; !p->zero && i < s->n; i = j) {
		unsigned all = 0;
		for (j = i; j < s->n && s->v[j].addr == s->v[i].addr; j++)
			all |= s->v[j].flags & F_TRACED;
		for (int k = i; k < j; k++)
			s->v[k].flags |= all;
	}
	return true;
}

static bool read_blacklist(struct proc_read *p)
{
	strmap_init(&p->names, p->s->a);
	strmap_init(&p->addrs, p->s->a);
	p->lines = 0;
	if (!each_line("/sys/kernel/debug/kprobes/blacklist", blacklist_line, p) || !p->lines)
		return false;
	struct syms *s = p->s;
	for (int i = 0; i < s->n; i++) {
		char key[32];
		snprintf(key, sizeof(key), "%llx", (unsigned long long)s->v[i].addr);
		if (p->zero ? strmap_get(&p->names, s->v[i].name) != NULL
			    : strmap_get(&p->addrs, key) != NULL)
			s->v[i].flags |= F_BLACK;
	}
	return true;
}

/* The running kernel's symbols and facts; false when kallsyms cannot be
 * read.  *complete: all of them, with addresses. */
static bool read_running(struct syms *s, bool *complete)
{
	struct proc_read p = { .s = s, .zero = true };
	if (!each_line("/proc/kallsyms", kallsyms_line, &p) || !s->n)
		return false;
	s->have_sites = read_traced(&p);
	s->have_blacklist = read_blacklist(&p);
	*complete = s->have_sites && s->have_blacklist && !p.zero;
	if (!s->have_sites && !s->have_blacklist)
		s->unchecked = "no tracefs or debugfs: ftrace sites and the blacklist unchecked";
	else if (!s->have_sites)
		s->unchecked = "no tracefs: ftrace sites unchecked";
	else if (!s->have_blacklist)
		s->unchecked = "no debugfs: the kprobe blacklist unchecked";
	else if (p.zero)
		s->unchecked = "no addresses: __init code unchecked";
	return true;
}

/* ---- the image's vmlinux ---- */

struct vsec {
	uint64_t va, size;
	const unsigned char *data;
	const char *name;
};

/* The loaded sections of a vmlinux ELF held in memory. */
struct vmem {
	struct vsec sec[64];
	int n;
};

static bool vmem_load(Elf *e, struct vmem *m)
{
	size_t shstr;
	Elf_Scn *scn = NULL;
	m->n = 0;
	if (elf_getshdrstrndx(e, &shstr) != 0)
		return false;
	while ((scn = elf_nextscn(e, scn)) && m->n < (int)(sizeof(m->sec) / sizeof(m->sec[0]))) {
		GElf_Shdr sh;
		Elf_Data *d;
		/* Per-CPU data is linked at 0: nothing we read is there. */
		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) ||
		    sh.sh_type != SHT_PROGBITS || !sh.sh_addr)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size < sh.sh_size)
			continue;
		const char *name = elf_strptr(e, shstr, sh.sh_name);
		m->sec[m->n++] = (struct vsec){ sh.sh_addr, sh.sh_size, d->d_buf, name ? name : "" };
	}
	return m->n > 0;
}

static const struct vsec *vmem_section(const struct vmem *m, const char *name)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->sec[i].name, name) == 0)
			return &m->sec[i];
	return NULL;
}

/* n bytes at virtual address va, all in one section, or NULL. */
static const unsigned char *vmem_at(const struct vmem *m, uint64_t va, uint64_t n)
{
	for (int i = 0; i < m->n; i++) {
		const struct vsec *s = &m->sec[i];
		if (va >= s->va && va - s->va < s->size && n <= s->size - (va - s->va))
			return s->data + (va - s->va);
	}
	return NULL;
}

static uint32_t rd16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

static uint64_t rd64(const unsigned char *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* The u64 array [start symbol, stop symbol) of the image, sorted, in s's
 * arena; false when the symbols or the bytes are not there. */
static bool read_array(const struct syms *s, const struct vmem *m, const char *start,
		       const char *stop, uint64_t **out, size_t *n)
{
	uint64_t lo = addr_of(s, start), hi = addr_of(s, stop);
	const unsigned char *p = lo && hi >= lo ? vmem_at(m, lo, hi - lo) : NULL;
	if (!p)
		return false;
	*n = (size_t)(hi - lo) / 8;
	*out = arena_alloc(s->a, (*n ? *n : 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = rd64(p + 8 * i);
	qsort(*out, *n, sizeof(**out), u64_cmp);
	return true;
}

/* Mark the ftrace call sites and the NOKPROBE_SYMBOL functions, read at
 * the addresses the symbols give.  A function is traced when its first
 * instruction is a call site: fentry comes first on x86-64 without IBT
 * (on 6.1 in the test VM, exactly available_filter_functions, aliases
 * aside); the sites not at a symbol are the kernel's
 * __ftrace_invalid_address___N, overridden weak functions. */
static void read_facts(struct syms *s, const struct vmem *m)
{
	uint64_t *sites, *nokprobe;
	size_t nsites, nnokprobe;
	s->have_sites = read_array(s, m, "__start_mcount_loc", "__stop_mcount_loc", &sites, &nsites);
	s->have_blacklist = read_array(s, m, "__start_kprobe_blacklist", "__stop_kprobe_blacklist",
				       &nokprobe, &nnokprobe);
	for (int i = 0; i < s->n; i++) {
		struct sym *y = &s->v[i];
		if (!(y->flags & F_TEXT))
			continue;
		if (s->have_sites && has_u64(sites, nsites, y->addr))
			y->flags |= F_TRACED;
		if (s->have_blacklist && has_u64(nokprobe, nnokprobe, y->addr))
			y->flags |= F_NOKPROBE;
	}
	if (!s->have_sites && !s->have_blacklist)
		s->unchecked = "no __mcount_loc or _kprobe_blacklist: ftrace sites and "
			       "NOKPROBE_SYMBOL unchecked";
	else if (!s->have_sites)
		s->unchecked = "no __mcount_loc: ftrace sites unchecked";
	else if (!s->have_blacklist)
		s->unchecked = "no _kprobe_blacklist: NOKPROBE_SYMBOL unchecked";
}

/* ---- the kernel's compressed symbol table (scripts/kallsyms) ----
 *
 * With CONFIG_KALLSYMS_BASE_RELATIVE (every x86-64 kernel since 4.6),
 * .rodata holds, each table 8-aligned:
 *   kallsyms_offsets        s32 per symbol, in address order
 *   kallsyms_relative_base  u64: the lowest text address (_text)
 *   kallsyms_num_syms       u32
 *   kallsyms_names          per symbol a length (one byte, or two when
 *                           the first has bit 7: low 7 bits, then the
 *                           rest) and that many token numbers; the first
 *                           character decoded is the type letter
 *   kallsyms_markers        u32 per 256 symbols: where its names start
 *   kallsyms_seqs_of_names  3 bytes per symbol (6.2, and Debian's 6.1)
 *   kallsyms_token_table    256 NUL-terminated strings
 *   kallsyms_token_index    u16 per token: its offset in the table
 * With CONFIG_KALLSYMS_ABSOLUTE_PERCPU an offset >= 0 is the absolute
 * address of a per-CPU symbol, and a negative one stands for
 * relative_base - 1 - offset.  No symbol names these tables, so they are
 * found by the relative base (the .text section's address) followed by
 * a plausible count, and accepted only when the names walk to markers
 * that agree every 256 symbols, the token index matches the token table,
 * the addresses are sorted and the well-known symbols are there.
 */

struct ktab {
	const unsigned char *ro;    /* .rodata */
	uint64_t ro_va, size;
	uint64_t rb;                /* offset of kallsyms_relative_base */
	uint32_t n;
	uint64_t names, tokens;
	uint32_t tok[256];          /* the token index */
};

static uint64_t align8(uint64_t x)
{
	return (x + 7) & ~(uint64_t)7;
}

/* The names walk to markers that agree; *end: just after the markers. */
static bool check_markers(const struct ktab *k, uint64_t *end)
{
	uint64_t o = k->names, m;
	uint32_t nmark = (k->n + 255) / 256;
	uint32_t *want = malloc(nmark * sizeof(*want));
	bool ok = want != NULL;
	for (uint32_t i = 0; ok && i < k->n; i++) {
		if (i % 256 == 0)
			want[i / 256] = (uint32_t)(o - k->names);
		if (o + 2 > k->size) {
			ok = false;
			break;
		}
		uint32_t len = k->ro[o++];
		if (len & 0x80)
			len = (len & 0x7f) | (uint32_t)k->ro[o++] << 7;
		o += len;
	}
	m = align8(o);
	ok = ok && m + 4 * (uint64_t)nmark <= k->size;
	for (uint32_t i = 0; ok && i < nmark; i++)
		ok = rd32(k->ro + m + 4 * i) == want[i];
	free(want);
	*end = m + 4 * (uint64_t)nmark;
	return ok;
}

/* A token table at offset t, followed by its index. */
static bool check_tokens(struct ktab *k, uint64_t t)
{
	uint64_t p = t;
	for (int i = 0; i < 256; i++) {
		const unsigned char *nul = p < k->size ? memchr(k->ro + p, 0, k->size - p) : NULL;
		if (!nul || nul == k->ro + p)
			return false;
		k->tok[i] = (uint32_t)(p - t);
		p = (uint64_t)(nul - k->ro) + 1;
	}
	uint64_t idx = align8(p);
	if (idx + 512 > k->size)
		return false;
	for (int i = 0; i < 256; i++)
		if (rd16(k->ro + idx + 2 * i) != k->tok[i])
			return false;
	k->tokens = t;
	return true;
}

/* Decode every symbol into s; false (s unchanged but for its arena)
 * unless the addresses come out sorted. */
static bool decode_all(const struct ktab *k, struct syms *s)
{
	uint64_t offs = (k->rb - 4 * (uint64_t)k->n) & ~(uint64_t)7;
	uint64_t base = rd64(k->ro + k->rb), o = k->names, prev = 0;
	bool percpu = false;
	char buf[1024];
	for (uint32_t i = 0; i < k->n && !percpu; i++)
		percpu = (int32_t)rd32(k->ro + offs + 4 * i) < 0;
	for (uint32_t i = 0; i < k->n; i++) {
		int32_t off = (int32_t)rd32(k->ro + offs + 4 * i);
		uint64_t addr = !percpu ? base + (uint32_t)off
			      : off >= 0 ? (uint64_t)off : base - 1 - (uint64_t)(int64_t)off;
		uint32_t len = k->ro[o++];
		size_t blen = 0;
		if (len & 0x80)
			len = (len & 0x7f) | (uint32_t)k->ro[o++] << 7;
		for (uint32_t j = 0; j < len; j++) {
			const char *tok = (const char *)k->ro + k->tokens + k->tok[k->ro[o + j]];
			size_t tl = strlen(tok);
			if (blen + tl >= sizeof(buf))
				return false;
			memcpy(buf + blen, tok, tl);
			blen += tl;
		}
		o += len;
		if (blen < 2 || addr < prev)
			return false;
		prev = addr;
		add_sym(s, arena_strndup(s->a, buf + 1, blen - 1), addr, buf[0]);
	}
	return true;
}

static bool try_tables(struct ktab *k, struct syms *s)
{
	uint64_t end;
	if (k->rb < 4 * (uint64_t)k->n || !check_markers(k, &end))
		return false;
	/* With or without kallsyms_seqs_of_names between. */
	if (!check_tokens(k, align8(end)) && !check_tokens(k, align8(end + 3 * (uint64_t)k->n)))
		return false;
	s->n = 0;
	if (!decode_all(k, s))
		return false;
	static const char *const must[] = { "_stext", "_etext", "_sinittext", "_einittext",
					    "vfs_read", "schedule" };
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		if (!addr_of(s, must[i]))
			return false;
	return true;
}

/* Find and decode the image's kallsyms tables into s. */
static bool find_kallsyms(const struct vmem *m, struct syms *s)
{
	const struct vsec *ro = vmem_section(m, ".rodata"), *text = vmem_section(m, ".text");
	if (!ro || !text || ro->va % 8)
		return false;
	struct ktab k = { .ro = ro->data, .ro_va = ro->va, .size = ro->size };
	for (uint64_t p = 0; p + 24 <= ro->size; p += 8) {
		if (rd64(ro->data + p) != text->va)
			continue;
		k.rb = p;
		k.n = rd32(ro->data + p + 8);
		k.names = p + 16;
		if (k.n >= 1000 && k.n < (1u << 24) && try_tables(&k, s))
			return true;
	}
	s->n = 0;
	return false;
}

/* ---- System.map ---- */

struct map_read {
	struct syms *s;
	int lines;
};

static void map_line(void *arg, char *text)
{
	struct map_read *r = arg;
	char type, name[512];
	unsigned long long addr;
	r->lines++;
	if (sscanf(text, "%llx %c %511s", &addr, &type, name) == 3)
		add_sym(r->s, arena_strdup(r->s->a, name), addr, type);
}

/* A real System.map-REL into s: Debian's stub ("ffffffffffffffff B The
 * real System.map is in the linux-image-<version>-dbg package") is one
 * line, a real one ~100,000. */
static const char *read_map(struct ti *ti, struct syms *s)
{
	const char *c[] = {
		arena_printf(ti->arena, "/boot/System.map-%s", ti->release),
		arena_printf(ti->arena, "/lib/modules/%s/build/System.map", ti->release),
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct map_read r = { s, 0 };
		s->n = 0;
		if (each_line(c[i], map_line, &r) && r.lines >= 1000 && addr_of(s, "_stext"))
			return c[i];
	}
	s->n = 0;
	return NULL;
}

/* ---- the cache ---- */

/* "PATH SIZE MTIME" of a file, or NULL when it is not there. */
static const char *stamp_of(struct arena *a, const char *path)
{
	struct stat st;
	if (!path || stat(path, &st) != 0)
		return NULL;
	return arena_printf(a, "%s %lld %lld", path, (long long)st.st_size,
			    (long long)st.st_mtime);
}

static bool load_cache(struct ti *ti, const char *path, const char *stamp, struct ti_ksyms **out)
{
	size_t len;
	char *raw = (char *)ti_read_file(path, &len);
	if (!raw)
		return false;
	char *text = arena_strndup(ti->arena, raw, len);
	free(raw);
	char *line = strtok(text, "\n"), *source = strtok(NULL, "\n");
	if (!line || !source || strncmp(line, "ksyms1 ", 7) != 0 || strcmp(line + 7, stamp) != 0 ||
	    strncmp(source, "source ", 7) != 0)
		return false;
	struct ti_ksyms *t = arena_alloc(ti->arena, sizeof(*t));
	int cap = 0;
	t->source = source + 7;
	for (line = strtok(NULL, "\n"); line; line = strtok(NULL, "\n")) {
		int w = 0;
		while (w < W_COUNT && whys[w].letter != line[0])
			w++;
		if (w == W_COUNT || line[1] != ' ')
			return false;
		if (t->n == cap) {
			size_t old = (size_t)cap;
			cap = cap ? 2 * cap : 65536;
			t->names = arena_realloc(ti->arena, t->names, old * sizeof(*t->names),
						 (size_t)cap * sizeof(*t->names));
			t->why = arena_realloc(ti->arena, t->why, old, (size_t)cap);
		}
		t->names[t->n] = line + 2;
		t->why[t->n++] = (unsigned char)w;
	}
	*out = t;
	return true;
}

/* A cache we cannot write costs only the next run's time. */
static void write_cache(const char *path, const char *stamp, const struct ti_ksyms *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return;
	fprintf(f, "ksyms1 %s\nsource %s\n", stamp, t->source);
	for (int i = 0; i < t->n; i++)
		fprintf(f, "%c %s\n", whys[t->why[i]].letter, t->names[i]);
	if (fclose(f) == 0)
		ti_write_file(path, text, len);
	free(text);
}

/* ---- loading vmlinux's table ---- */

static const char *image_of(struct ti *ti)
{
	const char *c[] = {
		arena_printf(ti->arena, "/boot/vmlinuz-%s", ti->release),
		arena_printf(ti->arena, "/lib/modules/%s/vmlinuz", ti->release),
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (access(c[i], R_OK) == 0)
			return c[i];
	return NULL;
}

/* The symbols of System.map or of the image, with the image's facts;
 * the source's name, or NULL with *why. */
static const char *read_files(struct ti *ti, const char *map, const char *image,
			      struct syms *s, const char **why)
{
	size_t len = 0;
	const char *err = NULL, *source;
	unsigned char *elf = image ? ti_image_vmlinux(image, &len, &err) : NULL;
	Elf *e = elf ? elf_memory((char *)elf, len) : NULL;
	struct vmem m = { .n = 0 };
	if (e)
		vmem_load(e, &m);
	if (map) {
		/* The map's symbols are already in s. */
		source = strrchr(map, '/') + 1;
		if (m.n)
			read_facts(s, &m);
		else
			s->unchecked = "no kernel image: ftrace sites and NOKPROBE_SYMBOL unchecked";
	} else if (m.n && find_kallsyms(&m, s)) {
		source = arena_printf(ti->arena, "the kernel image %s", image);
		read_facts(s, &m);
	} else {
		source = NULL;
		*why = !image ? arena_printf(ti->arena, "no System.map-%s and no "
					     "/boot/vmlinuz-%s", ti->release, ti->release)
		     : !elf ? arena_printf(ti->arena, "cannot read the kernel image %s: %s",
					   image, err)
		     : arena_printf(ti->arena, "the kernel image %s has no kallsyms tables "
				    "(CONFIG_KALLSYMS_ALL)", image);
	}
	if (e)
		elf_end(e);
	free(elf);
	return source;
}

static struct ti_ksyms *with_source(struct ti *ti, struct ti_ksyms *t, const char *source,
				    const struct syms *s)
{
	t->source = s->unchecked ? arena_printf(ti->arena, "%s (%s)", source, s->unchecked)
				 : source;
	return t;
}

static struct ti_ksyms *load_vmlinux(struct ti *ti, struct arena *scratch)
{
	struct syms run = { .a = scratch }, files = { .a = scratch };
	bool complete = false;
	if (ti->running && read_running(&run, &complete) && complete)
		return with_source(ti, make_table(ti, &run, NULL), "/proc/kallsyms", &run);

	const char *map = read_map(ti, &files), *image = image_of(ti);
	const char *stamp = map ? stamp_of(scratch, map) : NULL, *why = NULL;
	const char *istamp = stamp_of(scratch, image);
	if (istamp)
		stamp = stamp ? arena_printf(scratch, "%s; %s", stamp, istamp) : istamp;
	const char *cache = ti->cache_dir && stamp ? arena_printf(scratch, "%s/typeinfo/%s/ksyms",
								  ti->cache_dir, ti->release)
						   : NULL;
	struct ti_ksyms *t;
	if (cache && load_cache(ti, cache, stamp, &t))
		return t;
	const char *source = stamp ? read_files(ti, map, image, &files, &why) : NULL;
	if (source) {
		t = with_source(ti, make_table(ti, &files, NULL), source, &files);
		if (cache)
			write_cache(cache, stamp, t);
		return t;
	}
	if (run.n)
		return with_source(ti, make_table(ti, &run, NULL), "/proc/kallsyms", &run);
	t = arena_alloc(ti->arena, sizeof(*t));
	t->error = why ? why : arena_printf(ti->arena, "no symbols for kernel %s: no "
					     "System.map-%s and no /boot/vmlinuz-%s",
					     ti->release, ti->release, ti->release);
	return t;
}

static struct ti_ksyms *vmlinux_table(struct ti *ti)
{
	if (!ti->ksyms) {
		struct arena *scratch = arena_new();
		ti->ksyms = load_vmlinux(ti, scratch);
		arena_free(scratch);
	}
	return ti->ksyms;
}

/* ---- modules ---- */

/* Where each pointer stored in section `sec` points, as a key
 * (section << 40 | offset), sorted, in s's arena; *n of them. */
static uint64_t *pointed_to(const struct ti_ko *k, size_t sec, struct syms *s, size_t *n)
{
	GElf_Shdr sh;
	*n = 0;
	if (!sec || !gelf_getshdr(elf_getscn(k->e, sec), &sh))
		return NULL;
	uint64_t *v = arena_alloc(s->a, (sh.sh_size / 8 + 1) * sizeof(*v));
	for (uint64_t off = 0; off + 8 <= sh.sh_size; off += 8) {
		size_t ts;
		uint64_t to;
		if (ti_ko_ptr(k, sec, off, &ts, &to))
			v[(*n)++] = (uint64_t)ts << 40 | to;
	}
	qsort(v, *n, sizeof(*v), u64_cmp);
	return v;
}

/* The flags a function gets from the section it is in: 0 when it is no
 * text section.  Module init code is freed once the module is up. */
static unsigned section_flags(const char *name)
{
	static const struct { const char *name; unsigned flags; } kinds[] = {
		{ ".init.text", F_TEXT | F_INIT }, { ".entry.text", F_TEXT | F_ENTRY },
		{ ".noinstr.text", F_TEXT | F_NOINSTR }, { ".kprobes.text", F_TEXT | F_KPROBES },
		{ ".exit.text", F_TEXT },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(name, kinds[i].name) == 0)
			return kinds[i].flags;
	return strncmp(name, ".text", 5) == 0 ? F_TEXT : 0;
}

/* The function symbols of an open .ko into s, with their facts. */
static bool read_ko(struct ti_ko *k, struct syms *s)
{
	size_t shstr, nsites, nnokprobe;
	if (!ti_ko_load(k) || elf_getshdrstrndx(k->e, &shstr) != 0)
		return false;
	unsigned *flags = arena_alloc(s->a, (k->nsec + 1) * sizeof(*flags));
	for (size_t i = 1; i < k->nsec; i++) {
		GElf_Shdr sh;
		const char *name;
		if (gelf_getshdr(elf_getscn(k->e, i), &sh) && (sh.sh_flags & SHF_EXECINSTR) &&
		    (name = elf_strptr(k->e, shstr, sh.sh_name)))
			flags[i] = section_flags(name);
	}
	/* With no __mcount_loc the module has no ftrace site at all. */
	uint64_t *sites = pointed_to(k, ti_ko_section(k->e, "__mcount_loc"), s, &nsites);
	uint64_t *nokprobe = pointed_to(k, ti_ko_section(k->e, "_kprobe_blacklist"), s,
					&nnokprobe);
	s->have_sites = s->have_blacklist = true;
	GElf_Shdr symsh;
	Elf_Scn *symscn = NULL;
	while ((symscn = elf_nextscn(k->e, symscn)))
		if (gelf_getshdr(symscn, &symsh) && symsh.sh_type == SHT_SYMTAB)
			break;
	size_t nsyms = symscn && symsh.sh_entsize ? symsh.sh_size / symsh.sh_entsize : 0;
	for (size_t i = 1; i < nsyms; i++) {
		GElf_Sym y;
		const char *name;
		if (!gelf_getsym(k->symtab, (int)i, &y) || GELF_ST_TYPE(y.st_info) != STT_FUNC ||
		    y.st_shndx == SHN_UNDEF || y.st_shndx >= k->nsec || !flags[y.st_shndx] ||
		    !(name = elf_strptr(k->e, symsh.sh_link, y.st_name)) || !*name)
			continue;
		uint64_t key = (uint64_t)y.st_shndx << 40 | y.st_value;
		add_sym(s, arena_strdup(s->a, name), key, 't');
		struct sym *added = &s->v[s->n - 1];
		added->flags |= flags[y.st_shndx];
		if (has_u64(sites, nsites, key))
			added->flags |= F_TRACED;
		if (has_u64(nokprobe, nnokprobe, key))
			added->flags |= F_NOKPROBE;
	}
	return true;
}

static struct ti_ksyms *load_module(struct ti *ti, const char *module, struct arena *scratch)
{
	struct ti_ksyms *t = NULL;
	const char *path = ti_module_file(ti, module), *why = NULL;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	elf_version(EV_CURRENT);
	struct ti_ko k = { .e = fd >= 0 ? elf_begin(fd, ELF_C_READ_MMAP, NULL) : NULL };
	struct syms s = { .a = scratch };
	if (!path)
		why = arena_printf(ti->arena, "no module %s in /lib/modules/%s/modules.dep",
				   module, ti->release);
	else if (!k.e || !read_ko(&k, &s))
		why = arena_printf(ti->arena, "cannot read the symbols of %s", path);
	else
		t = make_table(ti, &s, arena_strdup(ti->arena, module));
	ti_ko_free(&k);
	if (k.e)
		elf_end(k.e);
	if (fd >= 0)
		close(fd);
	if (!t) {
		t = arena_alloc(ti->arena, sizeof(*t));
		t->module = arena_strdup(ti->arena, module);
		t->error = why;
	} else {
		t->source = path;
	}
	return t;
}

/* Module `module`'s table, read once. */
static struct ti_ksyms *module_table(struct ti *ti, const char *module)
{
	for (int i = 0; i < ti->nmod_ksyms; i++)
		if (strcmp(ti->mod_ksyms[i]->module, module) == 0)
			return ti->mod_ksyms[i];
	struct arena *scratch = arena_new();
	struct ti_ksyms *t = load_module(ti, module, scratch);
	arena_free(scratch);
	size_t old = (size_t)ti->nmod_ksyms * sizeof(*ti->mod_ksyms);
	ti->mod_ksyms = arena_realloc(ti->arena, ti->mod_ksyms, old, old + sizeof(*ti->mod_ksyms));
	ti->mod_ksyms[ti->nmod_ksyms++] = t;
	return t;
}

/* ---- the interface ---- */

static int find_name(const struct ti_ksyms *t, const char *name)
{
	int lo = 0, hi = t->n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (strcmp(t->names[mid], name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* NAME has no symbol of its own: its compiler clones (NAME.isra.0,
 * NAME.constprop.0, NAME.part.0, NAME.cold ...), sorted right after
 * "NAME.", as "only a, b", or NULL when there are none. */
static const char *clones_of(struct ti *ti, const struct ti_ksyms *t, const char *name)
{
	const char *prefix = arena_printf(ti->arena, "%s.", name), *list = NULL;
	size_t len = strlen(prefix);
	for (int i = find_name(t, prefix); i < t->n && strncmp(t->names[i], prefix, len) == 0;
	     i++)
		list = list ? arena_printf(ti->arena, "%s, %s", list, t->names[i])
			    : arena_printf(ti->arena, "only %s", t->names[i]);
	return list;
}

enum ti_fn_status ti_function_status(struct ti *ti, const char *module, const char *name,
				     const char **detail)
{
	const char *d;
	enum ti_fn_status st;
	const struct ti_ksyms *t = module ? module_table(ti, module) : vmlinux_table(ti);
	if (!t->names) {
		d = t->error;
		st = TI_FN_UNKNOWN;
	} else {
		int i = find_name(t, name);
		if (i < t->n && strcmp(t->names[i], name) == 0) {
			st = whys[t->why[i]].status;
			d = whys[t->why[i]].detail;
		} else if ((d = clones_of(ti, t, name))) {
			st = TI_FN_CLONE_ONLY;
		} else {
			st = TI_FN_NO_SYMBOL;
			d = module ? "no text symbol in the module: inlined everywhere"
				   : "no text symbol: inlined everywhere, or not built in";
		}
	}
	if (detail)
		*detail = d;
	return st;
}

const char *ti_ksyms_source(struct ti *ti)
{
	return vmlinux_table(ti)->source;
}

const char *const *ti_probeable_functions(struct ti *ti, int *n)
{
	struct ti_ksyms *t = vmlinux_table(ti);
	if (!t->probeable_done) {
		t->probeable_done = true;
		t->probeable = arena_alloc(ti->arena, (size_t)(t->n ? t->n : 1) * sizeof(char *));
		for (int i = 0; i < t->n; i++)
			if (t->why[i] == W_PROBEABLE)
				t->probeable[t->nprobeable++] = t->names[i];
	}
	*n = t->nprobeable;
	return t->names ? t->probeable : NULL;
}

const char *const *ti_module_functions(struct ti *ti, const char *module, int *n)
{
	const struct ti_ksyms *t = module_table(ti, module);
	*n = t->n;
	return t->names;
}
