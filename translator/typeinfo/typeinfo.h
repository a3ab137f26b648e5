/* typeinfo.h - what the translator knows of a kernel's types, functions
 * and tracepoints, whatever the source.
 *
 * One interface, several backends: BTF now (typeinfo/btf.c: the kernel's
 * own type information, shipped by every modern distro kernel, no
 * debuginfo package), DWARF through libdw later for what BTF cannot say
 * (locals, lines, inlines).  Probe families and target-variable
 * resolution ask only through here.
 *
 * Where the BTF comes from (ti_open): the running kernel's
 * /sys/kernel/btf/vmlinux when the target release is the running one,
 * else the .BTF section of the release's image (/boot/vmlinuz-REL: a
 * bzImage whose xz payload is the whole vmlinux ELF), extracted once and
 * cached per kernel under the cache directory.  Modules carry split BTF
 * against vmlinux in their .ko files (/lib/modules/REL/kernel/...).
 *
 * Which kernel functions a kprobe can take (ti_function_status) comes
 * from the kernel's symbols, not its types (typeinfo/ksyms.c): the running
 * kernel's /proc/kallsyms, tracefs and debugfs, else System.map-REL, else
 * the compressed kallsyms tables inside the image, cached per kernel; a
 * module's from its .ko.
 *
 * Loading is lazy: ti_open() reads nothing; the first question loads
 * what it needs and remembers a failure (ti_error says why).
 *
 * Types are values: a struct ti_type names one type of one unit (vmlinux
 * or a module), and is valid for the life of the struct ti.
 */
#ifndef STAP_TYPEINFO_H
#define STAP_TYPEINFO_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct ti;
struct ti_unit;                 /* vmlinux or one module's types */

struct ti_type {
	const struct ti_unit *unit;
	uint32_t id;                /* 0: void (or no type) */
};

enum ti_kind {
	TI_VOID,
	TI_INT,                     /* also bool and char; ti_int_signed */
	TI_PTR,
	TI_ARRAY,
	TI_STRUCT,
	TI_UNION,
	TI_ENUM,
	TI_FUNC,                    /* a function prototype (pointer target) */
	TI_FLOAT,
	TI_OTHER,
};

/* One named parameter (a function's, a tracepoint's). */
struct ti_param {
	const char *name;
	struct ti_type type;        /* unit NULL: not loaded yet (a module's
				       tracepoint from the cache: ti_tracepoint_typed) */
	const char *type_name;      /* as -L prints it, when known without type */
	bool absent;                /* no value here (DWARF: optimized out):
				       $$vars prints it as name=? */
};

/* One tracepoint of the kernel or a module. */
struct ti_tracepoint {
	const char *name;           /* "sched_switch" */
	const char *system;         /* "sched"; NULL for a bare tracepoint (no
				       trace event, not in tracefs) */
	const char *module;         /* NULL: vmlinux */
	const char *file;           /* the module's .ko file (NULL: vmlinux) */
	int nargs;
	const struct ti_param *args;  /* the prototype, without __data */
};

/* One function of the kernel or a module, as BTF describes it. */
struct ti_function {
	const char *name;           /* "vfs_read" */
	const char *module;         /* NULL: vmlinux */
	struct ti_type ret;         /* id 0: void */
	int nparams;
	const struct ti_param *params;   /* unnamed ones are "argN" */
	bool varargs;               /* ends in "..." */
	int copies;                 /* FUNCs of this name (a static function
				       defined in several files): a probe by
				       name reaches one of them */
};

/* A member found by name, anonymous structs and unions looked through. */
struct ti_member {
	const char *name;
	struct ti_type type;
	uint64_t bit_offset;        /* from the start of the outer struct */
	uint32_t bit_size;          /* a bitfield's width; 0 for a whole member */
};

/* The type information of kernel release `release`; running: it is the
 * kernel this machine runs.  cache_dir may be NULL (no cache). */
struct ti *ti_open(struct arena *a, const char *release, bool running, const char *cache_dir);
/* Why the last load failed ("no BTF for 6.1.0-9-amd64: ..."), or NULL. */
const char *ti_error(const struct ti *ti);

/* Every tracepoint: vmlinux's sorted by name, then the modules' (from
 * /lib/modules/REL, whether loaded or not) sorted by module and name;
 * NULL with *n 0 when none can be known (ti_error).  A module's
 * tracepoint has its argument types only after ti_tracepoint_typed. */
const struct ti_tracepoint *ti_tracepoints(struct ti *ti, int *n);
/* vmlinux's tracepoints only (no scan of the modules): *n of them. */
const struct ti_tracepoint *ti_vmlinux_tracepoints(struct ti *ti, int *n);
/* Load a module tracepoint's argument types from its module's BTF (no-op
 * for vmlinux's); false with *why when that BTF cannot be read. */
bool ti_tracepoint_typed(struct ti *ti, const struct ti_tracepoint *tp, const char **why);
/* An argument's type as -L prints it. */
const char *ti_param_type_name(struct arena *a, const struct ti_param *p);

/* The functions of vmlinux (module NULL) or of a module (by its lsmod
 * name; its .ko under /lib/modules/REL), sorted by name, one per name;
 * NULL with *n 0 and *why (may be NULL) when none can be known. */
const struct ti_function *ti_functions(struct ti *ti, const char *module, int *n,
				       const char **why);
/* The function of that name, or NULL. */
const struct ti_function *ti_function(struct ti *ti, const char *module, const char *name);

/* Whether vmlinux (module NULL) or that module exports function `name`
 * (the target's Module.symvers); false with *why set when that file
 * cannot be read. */
bool ti_function_exported(struct ti *ti, const char *module, const char *name, const char **why);

/* Whether a kernel function can carry a kprobe (ti_function_status). */
enum ti_fn_status {
	TI_FN_PROBEABLE,     /* a text symbol, traceable, not blacklisted */
	TI_FN_UNKNOWN,       /* no symbol information for this kernel: the runtime decides */
	TI_FN_NO_SYMBOL,     /* no text symbol: inlined everywhere, or not built in */
	TI_FN_CLONE_ONLY,    /* only compiler clones exist: NAME.isra.0, NAME.constprop.0, NAME.part.0, NAME.cold ... */
	TI_FN_INIT,          /* __init code: freed after boot */
	TI_FN_BLACKLISTED,   /* the kprobe blacklist: NOKPROBE_SYMBOL, or a section kprobes refuse */
	TI_FN_NOTRACE,       /* not an ftrace call site (notrace / no fentry): refused to be safe */
};
/* The status of kernel function `name` (module NULL: vmlinux; else a module
 * by its lsmod name, from its .ko's symbol table).  *detail (may be NULL) gets
 * a short human reason or the clone names ("only finish_task_switch.isra.0"). */
enum ti_fn_status ti_function_status(struct ti *ti, const char *module, const char *name,
				     const char **detail);
/* Where the symbol facts came from ("/proc/kallsyms", "the kernel image /boot/vmlinuz-REL",
 * "System.map-REL"), or NULL when there are none. */
const char *ti_ksyms_source(struct ti *ti);
/* Every text symbol name of vmlinux that is probeable (TI_FN_PROBEABLE), sorted; *n of them;
 * NULL with *n 0 when unknown. (For wildcards: the families intersect it with BTF's functions.) */
const char *const *ti_probeable_functions(struct ti *ti, int *n);
/* Every function symbol name of module `module`'s .ko (lsmod's name),
 * sorted; NULL with *n 0 when the module or its file is not found.  Ask
 * ti_function_status about each. */
const char *const *ti_module_functions(struct ti *ti, const char *module, int *n);
/* Every function BTF knows in vmlinux (BTF_KIND_FUNC), sorted, each name
 * once; NULL with *n 0 when there is no BTF (ti_error). */
const char *const *ti_btf_functions(struct ti *ti, int *n);

/* ---- DWARF (typeinfo/dwarf.c): what BTF cannot say ---- */

/* Where a variable is at one address (x86-64 DWARF register numbers:
 * 0 ax, 1 dx, 2 cx, 3 bx, 4 si, 5 di, 6 bp, 7 sp, 8-15 r8-r15). */
struct ti_dw_loc {
	enum {
		TI_LOC_NONE,     /* not readable here: why says so */
		TI_LOC_REG,      /* its value is register reg + offset */
		TI_LOC_MEM,      /* it lives at address register reg + offset */
		TI_LOC_CONST,    /* its value is offset */
	} kind;
	int reg;
	int64_t offset;
	const char *why;
};

/* A parameter or local variable in scope at a site. */
struct ti_dw_var {
	const char *name;
	struct ti_type type;
	bool param;
	struct ti_dw_loc loc;
};

/* A function with code, as the DWARF describes it. */
struct ti_dw_function {
	const char *name;           /* as the source names it */
	const char *symbol;         /* the symbol at its code: the name, or a
				       clone's (NAME.constprop.0) */
	const char *file;           /* the source file, as the compiler was given it */
	int line;                   /* where it is declared */
	uint64_t low, high;         /* its code, in the DWARF file's addresses;
				       an inlined instance: low is its entry */
	uint64_t die;               /* its DIE */
	/* An instance inlined into another function: symbol, base and
	 * container are that function's. */
	bool inlined;
	uint64_t base;              /* the address `symbol` stands for */
	uint64_t container;         /* the out-of-line function's DIE */
};

/* A probe address in a function, and what is visible there. */
struct ti_dw_site {
	struct ti_function fn;      /* name, return type, parameters */
	const char *file;
	int line;                   /* the statement's, or the declaration's */
	uint64_t offset;            /* from the symbol's address */
	bool inlined;               /* an inlined instance's entry: its
				       parameters are where DWARF says */
	int nvars;
	const struct ti_dw_var *vars;   /* parameters first, then the locals in
					   scope there, innermost first */
};

/* The file with vmlinux's (module NULL) or a module's DWARF, or NULL with
 * *why (may be NULL). */
const char *ti_dwarf_path(struct ti *ti, const char *module, const char **why);
/* Every function with code, out of line and inlined instances, sorted by
 * name; NULL with *n 0 and *why. */
const struct ti_dw_function *ti_dwarf_functions(struct ti *ti, const char *module, int *n,
						const char **why);
/* The site at f's entry (line 0) or at the first statement of `line` in
 * f; false with *why (no code at that line: the nearest lines that have
 * some). */
bool ti_dwarf_site(struct ti *ti, const char *module, const struct ti_dw_function *f, int line,
		   struct ti_dw_site *out, const char **why);

/* The global or file-static variable `name` (in a source file matching
 * `file`, NULL: any) that vmlinux's or a module's DWARF describes: its
 * type; false with *why. */
bool ti_dwarf_global(struct ti *ti, const char *module, const char *name, const char *file,
		     struct ti_type *type, const char **why);
/* The struct, union, enum or typedef (or base type) of that name that
 * the DWARF of vmlinux, a module or a program (a path) defines; false
 * when none does. */
bool ti_dwarf_type(struct ti *ti, const char *module, const char *name, struct ti_type *out);
/* A source file pattern matches the file's whole name or any tail of it
 * after a '/' ("fs/open.c" matches "/build/linux/fs/open.c"), `*` as the
 * shell's. */
bool ti_file_matches(const char *pattern, const char *file);

/* Module `module` is the file at `path` (module("/path/to/x.ko")), not
 * the one in /lib/modules. */
void ti_set_module_file(struct ti *ti, const char *module, const char *path);
/* module("/path/to/m-x.ko"): the module that file is, named as the kernel
 * will name it ("m_x"), remembered with ti_set_module_file; NULL with *why
 * when the file cannot be read or is not a .ko. */
const char *ti_module_from_path(struct ti *ti, const char *path, const char **why);
/* The .ko of a module: as set, else from /lib/modules/REL/modules.dep
 * (dashes and underscores alike); NULL when not found. */
const char *ti_module_file(struct ti *ti, const char *module);

/* ---- programs and shared libraries (typeinfo/uelf.c) ---- */

/* A function of a program's symbol table. */
struct ti_usym {
	const char *name;
	uint64_t addr;              /* its address in the file's layout */
	uint64_t size;
	uint64_t offset;            /* where its code is in the file */
	bool global;
};

/* An SDT marker (<sys/sdt.h>: STAP_PROBE, DTRACE_PROBE). */
struct ti_sdt {
	const char *provider;       /* "python" */
	const char *name;           /* "function__entry" */
	const char *args;           /* "8@%rbx -4@-12(%rbp)": size@operand each */
	uint64_t addr;
	uint64_t offset;            /* the marker's place in the file */
	uint64_t sem_offset;        /* its semaphore's place in the file, 0: none */
};

/* A loaded segment (PT_LOAD) of a program's file. */
struct ti_useg {
	uint64_t vaddr, filesz, offset;
};

/* One program or shared library file. */
struct ti_ufile {
	const char *path;           /* as opened (on this machine) */
	const char *error;
	bool pie;                   /* ET_DYN: a PIE or a shared library */
	bool stripped;              /* no .symtab: functions from .dynsym */
	int nsyms;
	const struct ti_usym *syms; /* sorted by name, one per name */
	int nobjs;
	const struct ti_usym *objs; /* data objects, the same way */
	int nnotes;
	const struct ti_sdt *notes; /* in the file's order */
	int nsegs;
	const struct ti_useg *segs;
	int nneeded;
	const char *const *needed; /* DT_NEEDED: "libc.so.6" ... */
	int nplt;
	const struct ti_usym *plt; /* PLT entries, by the function each calls */
};

/* The ELF facts of the program or library at path (read once); NULL with
 * *why when it cannot be read or is no x86-64 ELF program. */
const struct ti_ufile *ti_user_file(struct ti *ti, const char *path, const char **why);
/* The function symbol of that name, or NULL. */
const struct ti_usym *ti_user_symbol(const struct ti_ufile *f, const char *name);
/* Where address addr of the file's layout is in the file; false when no
 * loaded segment holds it. */
bool ti_user_offset(const struct ti_ufile *f, uint64_t addr, uint64_t *offset);
/* The address of data object `name` in the file's layout; false if none. */
bool ti_user_object(const struct ti_ufile *f, const char *name, uint64_t *addr);

/* A row of a program's call frame information, as the runtime unwinds
 * with it: for the code at [offset, offset + len) in the file, the CFA
 * is rbp (cfa_rbp) or rsp plus cfa_off, the return address at CFA - 8,
 * and rbp saved at CFA + rbp_off (0: unchanged). */
struct ti_urow {
	uint64_t offset;
	uint32_t len;
	int32_t cfa_off;
	int32_t rbp_off;
	bool cfa_rbp;
};

/* The rows of the file's functions (typeinfo/uunwind.c: its .eh_frame),
 * sorted by offset; false when it has no CFI. */
bool ti_user_unwind(struct ti *ti, const struct ti_ufile *uf, const struct ti_urow **rows,
		    int *n);

/* A program's DWARF: the ti_dwarf_* calls above take its path (starting
 * with '/') where they take a module's name; its own file, or the
 * separate debug file its build-id or debuglink names. */

/* The struct, union or typedef of that name in vmlinux ("struct
 * task_struct", "union x", "pid_t", or a bare name looked up in that
 * order) or, with module non-NULL, in that module.  found false: none. */
bool ti_find_type(struct ti *ti, const char *module, const char *name, struct ti_type *out);

/* typedefs, const, volatile and restrict stripped */
struct ti_type ti_resolve(struct ti_type t);
enum ti_kind ti_kind_of(struct ti_type t);
/* Size in bytes (0 for void, functions, incomplete types). */
uint64_t ti_size(struct ti_type t);
bool ti_int_signed(struct ti_type t);
/* TI_PTR: what it points to; TI_ARRAY: the element type. */
struct ti_type ti_target(struct ti_type t);
/* TI_ARRAY: number of elements. */
uint32_t ti_array_len(struct ti_type t);
/* Member `name` of a struct or union type (resolved first). */
bool ti_member(struct ti_type t, const char *name, struct ti_member *out);
/* Members in order, anonymous ones expanded: calls fn for each. */
void ti_each_member(struct ti_type t, void (*fn)(const struct ti_member *m, void *arg), void *arg);
/* The type as C spells it, the way stap -L prints it: "struct
 * task_struct*", "long int", "char const*", "unsigned int[16]". */
const char *ti_type_name(struct arena *a, struct ti_type t);

#endif
