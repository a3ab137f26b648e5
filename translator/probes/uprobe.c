/* uprobe.c - probes on programs and shared libraries:
 * process("PATH").function("PATTERN[@FILE[:LINE]]")[.call|.return|.inline],
 * process("PATH").statement("FUNC@FILE:LINE"), the same after
 * .library("LIB"), process("PATH")[.library("LIB")][.provider("P")]
 * .mark("NAME") for SDT markers, and .plt("NAME").  `process` without a
 * path means the program -c runs; process(PID) the program PID runs.
 *
 * The program: a name with a '/' is taken as it is (a relative one from
 * the current directory; with *?[ a pattern, each file it matches once);
 * a bare name is looked for in $PATH, as a shell would; a script stands
 * for its interpreter (the "#!" line, through /usr/bin/env), which is
 * what runs.  A library: a path (or pattern), or a file name (a glob
 * allowed) in the directories the dynamic linker searches.  With
 * --sysroot DIR the files are read under DIR, and the module probes them
 * by the names the script gives (a program built here to run in another
 * root, as the VM tests do).  A library probe fires only in the
 * processes of its program.
 *
 * Where: the ELF symbol table gives each function's place in the file
 * (typeinfo/uelf.c); with DWARF (the file's own, or the debug file its
 * build-id names), functions are those the DWARF describes, with @FILE
 * and :LINE, and each parameter and local is a $variable where its
 * location says (funcvars.h; reads of the program's memory are safe user
 * reads, a fault a script error).  Without DWARF a function probe has
 * only $return (a long) and the register tapset (int_arg(N) ...).
 *
 * SDT markers: each note's arguments ("-4@%edi 8@16(%rbp)": size, signed
 * when negative, then an operand) become $arg1..$argN, long values read
 * from the registers or the program's memory at the marker; $$name and
 * $$provider name it.  A marker's semaphore is raised while it is probed
 * (the kernel's uprobe reference counters), which is what makes
 * CPython's markers fire.
 *
 * In a .return probe a parameter is its value at entry, and @entry(expr)
 * works as in the kernel's: an entry half saves the values at the
 * function's entry, keyed by the task and the stack pointer of the call
 * (runtime/probes/uprobe.c keeps them).
 *
 * .inline probes the instances the compiler inlined (DWARF only);
 * .function both those and the out-of-line code, .call the latter only.
 *
 * .plt("NAME") (.plt alone: every entry) probes the program's (or
 * library's) linkage-table entries that call function NAME of another
 * file, with $$name; .plt(...).return those calls' returns.
 *
 * process(PID) probes the program that process runs (its /proc/PID/exe
 * when the script is built), in that process only.
 *
 * Pass 3: the table runtime/probes/uprobe.c reads, one entry per probe:
 * the file, the program a library probe is limited to, the process
 * (process(PID)), the offset, the semaphore's offset, and a .return
 * probe's entry half with the size of its @entry values.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "ast.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/funcvars.h"
#include "probes/registry.h"
#include "probes/uprobe.h"
#include "session.h"
#include "tvar.h"
#include "typeinfo/typeinfo.h"

static const struct pp_family_pattern patterns[] = {
	{ "process(string).function(string)", 0 },
	{ "process(string).function(string).call", 0 },
	{ "process(string).function(string).return", 0 },
	{ "process(string).function(string).inline", 0 },
	{ "process(string).statement(string)", 0 },
	{ "process(string).library(string).function(string)", 0 },
	{ "process(string).library(string).function(string).call", 0 },
	{ "process(string).library(string).function(string).return", 0 },
	{ "process(string).library(string).function(string).inline", 0 },
	{ "process(string).library(string).statement(string)", 0 },
	{ "process(string).plt(string)", 0 },
	{ "process(string).plt(string).return", 0 },
	{ "process(string).plt", 0 },
	{ "process(string).plt.return", 0 },
	{ "process(string).library(string).plt(string)", 0 },
	{ "process(string).library(string).plt(string).return", 0 },
	{ "process(string).library(string).plt", 0 },
	{ "process.plt(string)", 0 },
	{ "process.plt(string).return", 0 },
	{ "process(string).mark(string)", 0 },
	{ "process(string).provider(string).mark(string)", 0 },
	{ "process(string).library(string).mark(string)", 0 },
	{ "process(string).library(string).provider(string).mark(string)", 0 },
	{ "process(number).function(string)", 0 },
	{ "process(number).function(string).call", 0 },
	{ "process(number).function(string).return", 0 },
	{ "process(number).function(string).inline", 0 },
	{ "process(number).statement(string)", 0 },
	{ "process(number).library(string).function(string)", 0 },
	{ "process(number).library(string).function(string).return", 0 },
	{ "process(number).mark(string)", 0 },
	{ "process(number).provider(string).mark(string)", 0 },
	{ "process(number).plt(string)", 0 },
	{ "process(number).plt(string).return", 0 },
	{ "process.function(string)", 0 },
	{ "process.function(string).call", 0 },
	{ "process.function(string).return", 0 },
	{ "process.function(string).inline", 0 },
	{ "process.statement(string)", 0 },
	{ "process.mark(string)", 0 },
	{ "process.provider(string).mark(string)", 0 },
	{ NULL, 0 },
};

/* One SDT argument: "SIZE@OPERAND". */
struct up_sdt_arg {
	int size;                   /* 1, 2, 4, 8 */
	bool sign;
	bool mem;                   /* the operand is memory: load from base_c */
	const char *base_c;         /* the value, or the memory's address */
};

/* What a probe resolved to: the elab_probe's data. */
struct up_data {
	const char *path;           /* the file probed, as the module names it */
	bool plt;                   /* a PLT entry: func is the function it calls */
	const char *program;        /* a library probe: its program; else NULL */
	const char *func;           /* the function, or the marker */
	int64_t pid;                /* only in this process (process(PID)); 0: any */
	uint64_t offset;            /* in the file */
	uint64_t sem_offset;        /* a marker's semaphore in the file, 0: none */
	bool ret;
	bool optional;
	bool mark;
	struct fv_func fv;          /* fv.fn NULL: no DWARF */
	const struct ti_sdt *sdt;
	int nargs;
	const struct up_sdt_arg *args;
};

/* What the concrete point says. */
struct up_point {
	int process_arg, library_arg, provider_arg, name_arg;
	int64_t pid;                /* process(PID) */
	bool ret, statement, mark, call, inline_, plt;
};

static void read_point(const struct pp_request *req, struct up_point *up)
{
	memset(up, 0, sizeof(*up));
	up->process_arg = up->library_arg = up->provider_arg = up->name_arg = -1;
	int j = 0;
	for (const struct pp_comp *c = req->point->comps; c; c = c->next, j++) {
		if (strcmp(c->name, "process") == 0 && c->arg && c->arg->kind == ND_NUM)
			up->pid = c->arg->u.num;
		else if (strcmp(c->name, "process") == 0 && c->arg)
			up->process_arg = j;
		else if (strcmp(c->name, "library") == 0)
			up->library_arg = j;
		else if (strcmp(c->name, "provider") == 0)
			up->provider_arg = j;
		else if (strcmp(c->name, "function") == 0)
			up->name_arg = j;
		else if (strcmp(c->name, "statement") == 0) {
			up->name_arg = j;
			up->statement = true;
		} else if (strcmp(c->name, "mark") == 0) {
			up->name_arg = j;
			up->mark = true;
		} else if (strcmp(c->name, "plt") == 0) {
			up->name_arg = c->arg ? j : -1;
			up->plt = true;
		} else if (strcmp(c->name, "return") == 0)
			up->ret = true;
		else if (strcmp(c->name, "call") == 0)
			up->call = true;
		else if (strcmp(c->name, "inline") == 0)
			up->inline_ = true;
	}
}

static const char *str_arg(const struct pp_request *req, int j)
{
	return j >= 0 && req->args[j] && req->args[j]->kind == ND_STR ? req->args[j]->u.str.s
									: NULL;
}

/* ---- finding the files ---- */

/* The file the translator reads for target path `path`. */
static const char *host_path(struct pp_request *req, const char *path)
{
	return req->sess->sysroot ? arena_printf(req->arena, "%s%s", req->sess->sysroot, path)
				  : path;
}

static bool is_program(const char *host)
{
	struct stat st;
	return stat(host, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* "./a/../b" -> "/cwd/b": an absolute path with no "." or ".." parts
 * (the kernel finds the file by it; symlinks are its to follow). */
static const char *absolute(struct arena *a, const char *path)
{
	char cwd[PATH_MAX];
	const char *full = path;
	if (path[0] != '/')
		full = arena_printf(a, "%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : "", path);
	char *out = arena_alloc(a, strlen(full) + 2);
	size_t n = 0;
	for (const char *p = full; *p;) {
		while (*p == '/')
			p++;
		size_t len = strcspn(p, "/");
		if (!len)
			break;
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else {
			out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	if (!n)
		out[n++] = '/';
	out[n] = '\0';
	return out;
}

/* The program's path as the module will name it: a path made
 * absolute, or a name found in $PATH; NULL after an error. */
static const char *find_program(struct pp_request *req, const char *name)
{
	if (strchr(name, '/'))
		return absolute(req->arena, name);
	const char *env = getenv("PATH");
	char *dirs = arena_strdup(req->arena, env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (d[0] != '/')
			continue;
		const char *path = arena_printf(req->arena, "%s/%s", d, name);
		if (is_program(host_path(req, path)))
			return absolute(req->arena, path);
	}
	pp_error(req, "process(\"%s\"): no program of that name in $PATH%s%s", name,
		 req->sess->sysroot ? " under " : "",
		 req->sess->sysroot ? req->sess->sysroot : "");
	return NULL;
}

/* A script's interpreter, from its "#!" line (through /usr/bin/env):
 * the program that really runs; NULL when path is no script. */
static const char *interpreter(struct pp_request *req, const char *path)
{
	FILE *f = fopen(host_path(req, path), "r");
	char line[256];
	bool script = f && fgets(line, sizeof(line), f) && line[0] == '#' && line[1] == '!';
	if (f)
		fclose(f);
	if (!script)
		return NULL;
	char *save = NULL;
	char *prog = strtok_r(line + 2, " \t\r\n", &save);
	if (prog && !strcmp(prog, "/usr/bin/env") ) {
		prog = strtok_r(NULL, " \t\r\n", &save);
		while (prog && prog[0] == '-')
			prog = strtok_r(NULL, " \t\r\n", &save);
	}
	return prog ? arena_strdup(req->arena, prog) : "";
}

const char *uprobe_program_path(struct pp_request *req, const char *name)
{
	const char *path = find_program(req, name);
	/* a script runs its interpreter, which is what is probed (twice at
	 * most: a script may name another script) */
	for (int i = 0; path && i < 2; i++) {
		const char *interp = interpreter(req, path);
		if (!interp)
			return path;
		if (!*interp) {
			pp_error(req, "%s is a script whose #! line names no interpreter", path);
			return NULL;
		}
		path = find_program(req, interp);
	}
	return path;
}

/* The directories the dynamic linker searches on Debian's x86-64. */
static const char *const lib_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
	"/lib", "/usr/lib", "/usr/local/lib",
};

const char *uprobe_library_path(struct arena *a, const struct session *sess,
				const char *program, const char *name)
{
	if (strchr(name, '/'))
		return absolute(a, name);
	char *progdir = arena_strdup(a, program);
	char *slash = strrchr(progdir, '/');
	if (slash)
		*slash = '\0';
	const char *root = sess->sysroot ? sess->sysroot : "";
	size_t nd = sizeof(lib_dirs) / sizeof(lib_dirs[0]);
	for (size_t i = 0; i <= nd; i++) {
		const char *dir = i < nd ? lib_dirs[i] : (*progdir ? progdir : "/");
		if (!strpbrk(name, "*?[")) {
			const char *path = arena_printf(a, "%s/%s", dir, name);
			if (access(arena_printf(a, "%s%s", root, path), R_OK) == 0)
				return path;
			continue;
		}
		DIR *dp = opendir(arena_printf(a, "%s%s", root, dir));
		const char *best = NULL;
		for (struct dirent *de; dp && (de = readdir(dp));)
			if (pp_glob(name, de->d_name) && (!best || strcmp(de->d_name, best) < 0))
				best = arena_strdup(a, de->d_name);
		if (dp)
			closedir(dp);
		if (best)
			return arena_printf(a, "%s/%s", dir, best);
	}
	return NULL;
}

/* A library by path, or by file name (a glob: the first match in name
 * order) in lib_dirs or the program's own directory. */
static const char *find_library(struct pp_request *req, const char *program, const char *name)
{
	const char *path = uprobe_library_path(req->arena, req->sess, program, name);
	if (!path)
		pp_error(req, "library(\"%s\"): no such library in the linker's directories", name);
	return path;
}

/* process(PID): the program that process runs now, as this machine's
 * /proc says (the script is built where it runs). */
static const char *pid_program(struct pp_request *req, int64_t pid)
{
	char buf[PATH_MAX];
	ssize_t n = pid > 0 && pid < 4194304
		? readlink(arena_printf(req->arena, "/proc/%lld/exe", (long long)pid), buf,
			   sizeof(buf) - 1) : -1;
	if (n <= 0) {
		pp_error(req, "process(%lld): no such process here (its program is read from "
			 "/proc/PID/exe when the script is built)", (long long)pid);
		return NULL;
	}
	buf[n] = '\0';
	return arena_strdup(req->arena, buf);
}

/* `process` with no path: the program -c runs (its first word). */
static const char *target_program(struct pp_request *req)
{
	const char *cmd = req->sess->target_cmd;
	if (!cmd) {
		pp_error(req, "process with no path probes the program of -c CMD: give one, or "
			 "write process(\"PATH\")");
		return NULL;
	}
	while (isspace((unsigned char)*cmd))
		cmd++;
	size_t n = strcspn(cmd, " \t\n");
	return uprobe_program_path(req, arena_strndup(req->arena, cmd, n));
}

/* ---- resolution ---- */

static struct up_data *data_for(struct pp_request *req, const struct up_point *up,
				const char *path, const char *program)
{
	struct up_data *d = arena_alloc(req->arena, sizeof(*d));
	d->path = path;
	d->program = program;
	d->ret = up->ret;
	d->optional = req->point->optional;
	d->fv.ret = up->ret;
	d->fv.user = true;
	d->pid = up->pid;
	return d;
}

/* The concrete point: the program's (and library's) full path, and
 * for a wildcard the name matched. */
static const struct probe_point *concrete(struct pp_request *req, const struct up_point *up,
					  const char *program, const char *library,
					  const char *name, bool wild)
{
	const struct probe_point *pt = req->point;
	if (up->process_arg >= 0)
		pt = pp_with_string(req->arena, pt, up->process_arg, program);
	if (up->library_arg >= 0)
		pt = pp_with_string(req->arena, pt, up->library_arg, library);
	if (wild)
		pt = pp_with_string(req->arena, pt, up->name_arg, name);
	return pt;
}

/* One function the DWARF describes, probed at its entry (line 0; a
 * :LINE of .function: only if it has code there) or at the line itself
 * (.statement); false with *why. */
static bool emit_dwarf_fn(struct pp_request *req, const struct up_point *up,
			  const struct ti_ufile *uf, const char *host, const char *path,
			  const char *program, const char *library, const struct ti_dw_function *f,
			  const char *name, int line, bool wild, const char **why)
{
	struct ti_dw_site *site = arena_alloc(req->arena, sizeof(*site));
	if (!ti_dwarf_site(req->ti, host, f, up->statement ? line : 0, site, why))
		return false;
	struct ti_dw_site at_line;
	if (line && !up->statement && !ti_dwarf_site(req->ti, host, f, line, &at_line, why))
		return false;
	uint64_t offset;
	if (!ti_user_offset(uf, f->base + site->offset, &offset)) {
		*why = arena_printf(req->arena, "%s's code is not in a loaded segment of %s", name,
				    path);
		return false;
	}
	struct up_data *d = data_for(req, up, path, library ? program : NULL);
	d->func = name;
	d->offset = offset;
	d->fv.fn = &site->fn;
	d->fv.site = site;
	d->optional |= wild;
	const char *where = arena_printf(req->arena, "%s@%s:%d", name, site->file, site->line);
	pp_emit(req, concrete(req, up, program, library, where, wild), d);
	return true;
}

static int by_base(const void *a, const void *b)
{
	const struct ti_dw_function *x = *(const struct ti_dw_function *const *)a;
	const struct ti_dw_function *y = *(const struct ti_dw_function *const *)b;
	return (x->base > y->base) - (x->base < y->base);
}

/* The out-of-line function whose code starts at addr, or NULL. */
static const struct ti_dw_function *at_address(const struct ti_dw_function *const *sorted, int n,
					       uint64_t addr)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (sorted[mid]->base < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sorted[lo]->base == addr ? sorted[lo] : NULL;
}

/* Functions from the DWARF: each out-of-line function matching, at its
 * entry (a :LINE: the functions with code on that line), or the line
 * itself for .statement.  Then the symbol table's names the DWARF does
 * not use (glibc's malloc is the DWARF's __libc_malloc): each at the
 * function whose code it names, with its variables, or bare. */
static void resolve_dwarf(struct pp_request *req, const struct up_point *up,
			  const struct ti_ufile *uf, const char *host, const char *path,
			  const char *program, const char *library, const char *pattern)
{
	const char *fn_pat, *file_pat, *why = NULL;
	int line;
	if (!pp_split_function(req, up->statement ? "statement" : "function", pattern, &fn_pat,
			       &file_pat, &line))
		return;
	if (up->statement && !line) {
		pp_error(req, ".statement(\"%s\"): name the line, FUNCTION@FILE:LINE", pattern);
		return;
	}
	int n;
	const struct ti_dw_function *fns = ti_dwarf_functions(req->ti, host, &n, &why);
	bool wild = strpbrk(fn_pat, "*?[") || (file_pat && strpbrk(file_pat, "*?["));
	int found = 0, nout = 0;
	const char *last_why = NULL;
	const struct ti_dw_function **out = arena_alloc(req->arena, (size_t)(n + 1) * sizeof(*out));
	uint64_t *done = arena_alloc(req->arena, (size_t)(n + 1) * sizeof(*done));
	int ndone = 0;
	for (int i = 0; i < n; i++) {
		const struct ti_dw_function *f = &fns[i];
		if (!f->inlined)
			out[nout++] = f;
		if (!pp_glob(fn_pat, f->name) || (file_pat && !ti_file_matches(file_pat, f->file)))
			continue;
		/* .function is both, .call the out-of-line code, .inline the
		 * inlined instances; a return or a line needs out-of-line code */
		if (f->inlined ? up->call || up->ret || up->statement : up->inline_)
			continue;
		if (!emit_dwarf_fn(req, up, uf, host, path, program, library, f, f->name, line,
				   wild, &why)) {
			last_why = why;
			continue;
		}
		found++;
		if (!f->inlined)
			done[ndone++] = f->base;
	}
	if (!file_pat && !up->statement && !up->inline_) {
		qsort(out, (size_t)nout, sizeof(*out), by_base);
		for (int i = 0; i < uf->nsyms; i++) {
			const struct ti_usym *s = &uf->syms[i];
			if (!pp_glob(fn_pat, s->name))
				continue;
			bool seen = false;
			for (int k = 0; k < ndone && !seen; k++)
				seen = done[k] == s->addr;
			if (seen)
				continue;
			const struct ti_dw_function *f = at_address(out, nout, s->addr);
			if (f && !emit_dwarf_fn(req, up, uf, host, path, program, library, f, s->name,
						line, wild, &why)) {
				last_why = why;
				continue;
			}
			if (!f) {
				struct up_data *d = data_for(req, up, path, library ? program : NULL);
				d->func = s->name;
				d->offset = s->offset;
				d->optional |= wild;
				pp_emit(req, concrete(req, up, program, library, s->name, wild), d);
			}
			found++;
		}
	}
	if (found)
		return;
	if (last_why && !wild) {
		pp_error(req, "\"%s\" in %s: %s", pattern, path, last_why);
		return;
	}
	pp_no_match(req, "no function matches \"%s\" in %s%s%s", pattern, path,
		    last_why ? ": " : "", last_why ? last_why : "");
}

/* Functions from the symbol table alone. */
static void resolve_symbols(struct pp_request *req, const struct up_point *up,
			    const struct ti_ufile *uf, const char *path, const char *program,
			    const char *library, const char *pattern, const char *no_dwarf)
{
	const char *fn_pat, *file_pat;
	int line;
	if (!pp_split_function(req, up->statement ? "statement" : "function", pattern, &fn_pat,
			       &file_pat, &line))
		return;
	if (file_pat || up->statement) {
		pp_error(req, "\"%s\": source files and lines need DWARF: %s", pattern, no_dwarf);
		return;
	}
	if (!uf->nsyms) {
		pp_error(req, "%s has no function symbols (stripped of both symbol tables)", path);
		return;
	}
	bool wild = strpbrk(pattern, "*?[") != NULL;
	int found = 0;
	for (int i = 0; i < uf->nsyms; i++) {
		const struct ti_usym *s = &uf->syms[i];
		if (!pp_glob(pattern, s->name))
			continue;
		found++;
		struct up_data *d = data_for(req, up, path, library ? program : NULL);
		d->func = s->name;
		d->offset = s->offset;
		d->optional |= wild;
		pp_emit(req, concrete(req, up, program, library, s->name, wild), d);
	}
	if (!found)
		pp_no_match(req, "no function matches \"%s\" in %s's symbol table", pattern, path);
}

/* PLT entries: a call through the program's linkage table to a function
 * of another file, by that function's name (typeinfo/uelf.c). */
static void resolve_plt(struct pp_request *req, const struct up_point *up,
			const struct ti_ufile *uf, const char *path, const char *program,
			const char *library, const char *pattern)
{
	bool wild = strpbrk(pattern, "*?[") != NULL || up->name_arg < 0;
	int found = 0;
	for (int i = 0; i < uf->nplt; i++) {
		const struct ti_usym *s = &uf->plt[i];
		if (!pp_glob(pattern, s->name))
			continue;
		found++;
		struct up_data *d = data_for(req, up, path, library ? program : NULL);
		d->plt = true;
		d->func = s->name;
		d->offset = s->offset;
		d->optional |= wild;
		const struct probe_point *pt = up->name_arg >= 0
			? concrete(req, up, program, library, s->name, wild)
			: concrete(req, up, program, library, NULL, false);
		pp_emit(req, pt, d);
	}
	if (!found)
		pp_no_match(req, "no PLT entry matches \"%s\" in %s (it has %d)", pattern, path,
			    uf->nplt);
}

/* ---- SDT arguments ---- */

/* x86-64 register names as AT&T writes them: the pt_regs member, the
 * width, and a shift for the high byte ones. */
struct up_reg {
	const char *name, *regs;
	int size, shift;
};

static const struct up_reg regs_table[] = {
	{ "rax", "ax", 8, 0 }, { "eax", "ax", 4, 0 }, { "ax", "ax", 2, 0 }, { "al", "ax", 1, 0 },
	{ "ah", "ax", 1, 8 },
	{ "rbx", "bx", 8, 0 }, { "ebx", "bx", 4, 0 }, { "bx", "bx", 2, 0 }, { "bl", "bx", 1, 0 },
	{ "bh", "bx", 1, 8 },
	{ "rcx", "cx", 8, 0 }, { "ecx", "cx", 4, 0 }, { "cx", "cx", 2, 0 }, { "cl", "cx", 1, 0 },
	{ "ch", "cx", 1, 8 },
	{ "rdx", "dx", 8, 0 }, { "edx", "dx", 4, 0 }, { "dx", "dx", 2, 0 }, { "dl", "dx", 1, 0 },
	{ "dh", "dx", 1, 8 },
	{ "rsi", "si", 8, 0 }, { "esi", "si", 4, 0 }, { "si", "si", 2, 0 }, { "sil", "si", 1, 0 },
	{ "rdi", "di", 8, 0 }, { "edi", "di", 4, 0 }, { "di", "di", 2, 0 }, { "dil", "di", 1, 0 },
	{ "rbp", "bp", 8, 0 }, { "ebp", "bp", 4, 0 }, { "bp", "bp", 2, 0 }, { "bpl", "bp", 1, 0 },
	{ "rsp", "sp", 8, 0 }, { "esp", "sp", 4, 0 }, { "sp", "sp", 2, 0 }, { "spl", "sp", 1, 0 },
	{ "rip", "ip", 8, 0 },
};

static const struct up_reg *find_reg(const char *name, size_t len, char *numbered, size_t cap)
{
	for (size_t i = 0; i < sizeof(regs_table) / sizeof(regs_table[0]); i++)
		if (strlen(regs_table[i].name) == len && !strncmp(regs_table[i].name, name, len))
			return &regs_table[i];
	/* r8 .. r15 and their d, w, b forms */
	static struct up_reg r;
	if (len < 2 || name[0] != 'r' || !isdigit((unsigned char)name[1]))
		return NULL;
	int num = 0;
	size_t k = 1;
	while (k < len && isdigit((unsigned char)name[k]))
		num = num * 10 + name[k++] - '0';
	if (num < 8 || num > 15)
		return NULL;
	int size = k == len ? 8 : name[k] == 'd' ? 4 : name[k] == 'w' ? 2 : name[k] == 'b' ? 1 : 0;
	if (!size || (k < len && k + 1 != len))
		return NULL;
	snprintf(numbered, cap, "r%d", num);
	r = (struct up_reg){ NULL, numbered, size, 0 };
	return &r;
}

static const char *widen(int size, bool sign)
{
	static const char *const s[] = { "(int64_t)(int8_t)", "(int64_t)(int16_t)",
					 "(int64_t)(int32_t)", "(int64_t)" };
	static const char *const u[] = { "(int64_t)(uint8_t)", "(int64_t)(uint16_t)",
					 "(int64_t)(uint32_t)", "(int64_t)" };
	int i = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
	return sign ? s[i] : u[i];
}

/* One operand: "%reg", "$imm", "[disp](%base[,%index[,scale]])",
 * "sym[+-N](%rip)".  NULL with *why. */
static bool parse_operand(struct arena *a, const struct ti_ufile *uf, const struct ti_sdt *sdt,
			  const char *op, struct up_sdt_arg *arg, const char **why)
{
	char buf[8];
	if (op[0] == '%') {
		const struct up_reg *r = find_reg(op + 1, strlen(op + 1), buf, sizeof(buf));
		if (!r) {
			*why = arena_printf(a, "unknown register in \"%s\"", op);
			return false;
		}
		arg->base_c = r->shift
			? arena_printf(a, "%s(c->regs->%s >> %d)", widen(arg->size, arg->sign),
				       r->regs, r->shift)
			: arena_printf(a, "%sc->regs->%s", widen(arg->size < r->size ? arg->size
								   : r->size, arg->sign),
				       r->regs);
		return true;
	}
	if (op[0] == '$') {
		char *end;
		long long v = strtoll(op + 1, &end, 0);
		if (*end || end == op + 1) {
			*why = arena_printf(a, "a constant that is not a number: \"%s\"", op);
			return false;
		}
		arg->base_c = arena_printf(a, "%s%lldLL", widen(arg->size, arg->sign), v);
		return true;
	}
	/* memory: displacement, then the registers in parentheses */
	const char *paren = strchr(op, '(');
	const char *close = paren ? strchr(paren, ')') : NULL;
	if (!paren || !close || close[1]) {
		*why = arena_printf(a, "an operand not understood: \"%s\"", op);
		return false;
	}
	char *disp = arena_strndup(a, op, (size_t)(paren - op));
	char *inner = arena_strndup(a, paren + 1, (size_t)(close - paren - 1));
	const char *addr = NULL;
	char *save = NULL;
	char *base = strtok_r(inner, ",", &save);
	char *index = strtok_r(NULL, ",", &save);
	char *scale = strtok_r(NULL, ",", &save);
	if (base && !strcmp(base, "%rip")) {
		/* sym[+N]: the marker is at ip now, and at sdt->addr in the file */
		char *plus = strpbrk(disp + 1, "+-");
		long long off = plus ? strtoll(plus, NULL, 0) : 0;
		if (plus)
			*plus = '\0';
		uint64_t at = 0;
		if (!*disp || isdigit((unsigned char)disp[0]) || disp[0] == '-') {
			*why = arena_printf(a, "a %%rip offset without a symbol: \"%s\"", op);
			return false;
		}
		if (!ti_user_object(uf, disp, &at)) {
			*why = arena_printf(a, "no symbol %s in the file (\"%s\")", disp, op);
			return false;
		}
		addr = arena_printf(a, "(c->regs->ip - 0x%" PRIx64 "ULL + 0x%" PRIx64 "ULL + %lld)",
				    sdt->addr, at, off);
	} else {
		char *end;
		long long d = *disp ? strtoll(disp, &end, 0) : 0;
		if (*disp && *end) {
			*why = arena_printf(a, "a displacement not understood: \"%s\"", op);
			return false;
		}
		addr = arena_printf(a, "(%lldLL", d);
		const char *parts[2] = { base, index };
		for (int i = 0; i < 2; i++) {
			if (!parts[i] || !*parts[i])
				continue;
			const struct up_reg *r = parts[i][0] == '%'
				? find_reg(parts[i] + 1, strlen(parts[i] + 1), buf, sizeof(buf)) : NULL;
			if (!r || r->size != 8) {
				*why = arena_printf(a, "an address register not understood: \"%s\"", op);
				return false;
			}
			long mul = i == 1 && scale ? strtol(scale, NULL, 10) : 1;
			addr = arena_printf(a, "%s + (int64_t)c->regs->%s * %ld", addr, r->regs, mul);
		}
		addr = arena_printf(a, "%s)", addr);
	}
	arg->mem = true;
	arg->base_c = addr;
	return true;
}

/* The marker's arguments; false with *why. */
static bool parse_sdt_args(struct arena *a, const struct ti_ufile *uf, struct up_data *d,
			   const char **why)
{
	const struct ti_sdt *sdt = d->sdt;
	struct up_sdt_arg *args = arena_alloc(a, 16 * sizeof(*args));
	char *s = arena_strdup(a, sdt->args);
	int n = 0;
	for (char *save = NULL, *w = strtok_r(s, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (n == 16) {
			*why = "more than 16 arguments";
			return false;
		}
		struct up_sdt_arg *arg = &args[n];
		char *at = strchr(w, '@');
		arg->size = 8;
		arg->sign = true;
		if (at && (at == w || isdigit((unsigned char)at[-1]))) {
			int size = atoi(w);
			arg->sign = size < 0;
			arg->size = abs(size);
			if (arg->size != 1 && arg->size != 2 && arg->size != 4 && arg->size != 8) {
				*why = arena_printf(a, "argument %d has size %d", n + 1, size);
				return false;
			}
			w = at + 1;
		}
		if (!parse_operand(a, uf, sdt, w, arg, why))
			return false;
		n++;
	}
	d->args = args;
	d->nargs = n;
	return true;
}

/* SDT names match as written or with each "-" a "__" (upstream's
 * function-entry is the note's function__entry). */
static bool mark_matches(struct arena *a, const char *pattern, const char *name)
{
	if (pp_glob(pattern, name))
		return true;
	if (!strchr(pattern, '-'))
		return false;
	char *p = arena_alloc(a, 2 * strlen(pattern) + 1), *o = p;
	for (const char *c = pattern; *c; c++) {
		if (*c == '-') {
			*o++ = '_';
			*o++ = '_';
		} else {
			*o++ = *c;
		}
	}
	return pp_glob(p, name);
}

static void resolve_mark(struct pp_request *req, const struct up_point *up,
			 const struct ti_ufile *uf, const char *path, const char *program,
			 const char *library, const char *pattern)
{
	const char *provider = str_arg(req, up->provider_arg);
	bool wild = strpbrk(pattern, "*?[") != NULL;
	int found = 0;
	for (int i = 0; i < uf->nnotes; i++) {
		const struct ti_sdt *sdt = &uf->notes[i];
		if ((provider && !pp_glob(provider, sdt->provider)) ||
		    !mark_matches(req->arena, pattern, sdt->name))
			continue;
		struct up_data *d = data_for(req, up, path, library ? program : NULL);
		d->mark = true;
		d->sdt = sdt;
		d->func = sdt->name;
		d->offset = sdt->offset;
		d->sem_offset = sdt->sem_offset;
		d->optional |= wild;
		const char *why = NULL;
		if (!parse_sdt_args(req->arena, uf, d, &why)) {
			pp_error(req, "marker %s:%s in %s: %s", sdt->provider, sdt->name, path, why);
			return;
		}
		found++;
		pp_emit(req, concrete(req, up, program, library, sdt->name, wild), d);
	}
	if (!found)
		pp_no_match(req, "no SDT marker matches \"%s\"%s%s in %s (it has %d)", pattern,
			    provider ? " of provider " : "", provider ? provider : "", path,
			    uf->nnotes);
}

/* Files matching path pattern `pattern` (an absolute path with *?[ in
 * it; under --sysroot, looked for there): sorted, as the target names
 * them, each file once; executables only when `programs`.  *n of them. */
static const char **glob_files(struct pp_request *req, const char *pattern, bool programs,
			       int *n)
{
	const char *root = req->sess->sysroot ? req->sess->sysroot : "";
	glob_t g;
	const char **out = NULL;
	*n = 0;
	if (glob(arena_printf(req->arena, "%s%s", root, pattern), 0, NULL, &g) != 0)
		return NULL;
	out = arena_alloc(req->arena, (g.gl_pathc + 1) * sizeof(*out));
	dev_t *dev = arena_alloc(req->arena, (g.gl_pathc + 1) * sizeof(*dev));
	ino_t *ino = arena_alloc(req->arena, (g.gl_pathc + 1) * sizeof(*ino));
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat st;
		const char *host = g.gl_pathv[i];
		if (stat(host, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (programs && !(st.st_mode & 0111)))
			continue;
		/* a file by two names (python3 -> python3.11) is probed once */
		bool seen = false;
		for (int k = 0; k < *n && !seen; k++)
			seen = dev[k] == st.st_dev && ino[k] == st.st_ino;
		if (seen)
			continue;
		dev[*n] = st.st_dev;
		ino[*n] = st.st_ino;
		out[(*n)++] = arena_strdup(req->arena, host + strlen(root));
	}
	globfree(&g);
	return out;
}

const char **uprobe_program_paths(struct pp_request *req, const char *name, int *n)
{
	*n = 0;
	if (strchr(name, '/') && strpbrk(name, "*?[")) {
		/* a library may be the process probed (process("libc.so.6")) */
		const char **paths = glob_files(req, absolute(req->arena, name), false, n);
		if (!*n)
			pp_error(req, "process(\"%s\"): no file matches", name);
		return paths;
	}
	const char **one = arena_alloc(req->arena, sizeof(*one));
	one[0] = uprobe_program_path(req, name);
	*n = one[0] != NULL;
	return one;
}

/* The probes of one file: the program, or its library. */
static void resolve_file(struct pp_request *req, const struct up_point *up, const char *program,
			 const char *library)
{
	const char *path = library ? library : program;
	const char *host = host_path(req, path);
	const char *why = NULL;
	const struct ti_ufile *uf = ti_user_file(req->ti, host, &why);
	if (!uf) {
		pp_error(req, "%s", why);
		return;
	}
	const char *name = up->plt && up->name_arg < 0 ? "*" : str_arg(req, up->name_arg);
	if (!name || !*name) {
		pp_error(req, "name a function or marker");
		return;
	}
	if (up->plt) {
		resolve_plt(req, up, uf, path, program, library, name);
		return;
	}
	if (up->mark) {
		resolve_mark(req, up, uf, path, program, library, name);
		return;
	}
	const char *no_dwarf = NULL;
	if (ti_dwarf_path(req->ti, host, &no_dwarf))
		resolve_dwarf(req, up, uf, host, path, program, library, name);
	else
		resolve_symbols(req, up, uf, path, program, library, name, no_dwarf);
}

/* Emitted probes are counted on their way to the caller's sink. */
struct counting {
	void (*emit)(struct pp_request *req, const struct probe_point *point, void *data);
	void *sink;
	int n;
};

static void count_emit(struct pp_request *req, const struct probe_point *point, void *data)
{
	struct counting *c = req->sink;
	req->sink = c->sink;
	c->emit(req, point, data);
	req->sink = c;
	c->n++;
}

static void resolve(struct pp_request *req)
{
	struct up_point up;
	read_point(req, &up);
	const char *given = str_arg(req, up.process_arg);
	if (given && !*given) {
		pp_error(req, "process(\"\"): name a program");
		return;
	}
	int nprog = 0;
	const char **programs = given ? uprobe_program_paths(req, given, &nprog) : NULL;
	if (!given) {
		programs = arena_alloc(req->arena, sizeof(*programs));
		programs[0] = up.pid ? pid_program(req, up.pid) : target_program(req);
		nprog = programs[0] != NULL;
	}
	/* the files: each program, or each program's library (a library's
	 * path may be a pattern too) */
	struct { const char *program, *library; } *files = NULL;
	int nfiles = 0;
	const char *lib = up.library_arg >= 0 ? str_arg(req, up.library_arg) : NULL;
	bool pattern = (given && strchr(given, '/') && strpbrk(given, "*?[")) ||
		       (lib && strchr(lib, '/') && strpbrk(lib, "*?["));
	for (int i = 0; i < nprog; i++) {
		const char **libs = NULL;
		int nlibs = 1;
		if (lib && strchr(lib, '/') && strpbrk(lib, "*?[")) {
			libs = glob_files(req, absolute(req->arena, lib), false, &nlibs);
			if (!nlibs) {
				pp_error(req, "library(\"%s\"): no file matches", lib);
				return;
			}
		} else if (lib) {
			libs = arena_alloc(req->arena, sizeof(*libs));
			libs[0] = find_library(req, programs[i], lib);
			if (!libs[0])
				return;
		}
		void *grown = arena_alloc(req->arena, (size_t)(nfiles + nlibs) * sizeof(*files));
		if (nfiles)
			memcpy(grown, files, (size_t)nfiles * sizeof(*files));
		files = grown;
		for (int k = 0; k < nlibs; k++) {
			files[nfiles].program = programs[i];
			files[nfiles++].library = libs ? libs[k] : NULL;
		}
	}
	if (!pattern) {
		if (nfiles)
			resolve_file(req, &up, files[0].program, files[0].library);
		return;
	}
	/* a path pattern is a wildcard: files that have no match (or are no
	 * x86-64 ELF file) are skipped */
	struct counting c = { req->emit, req->sink, 0 };
	bool quiet = req->quiet;
	req->emit = count_emit;
	req->sink = &c;
	req->quiet = true;
	for (int i = 0; i < nfiles; i++) {
		resolve_file(req, &up, files[i].program, files[i].library);
		req->failed = false;
	}
	req->emit = c.emit;
	req->sink = c.sink;
	req->quiet = quiet;
	const char *what = arena_printf(req->arena, "%s%s%s", given ? given : "",
					lib ? " and " : "", lib ? lib : "");
	if (nfiles == 1 && !c.n)
		pp_no_match(req, "the one file matching %s has no match", what);
	else if (nfiles && !c.n)
		pp_no_match(req, "none of the %d files matching %s has a match", nfiles, what);
}

/* ---- target variables ---- */

static void list_vars(FILE *out, const struct elab_probe *p)
{
	const struct up_data *d = p->data;
	for (int i = 0; d->mark && i < d->nargs; i++)
		fprintf(out, " $arg%d:long", i + 1);
	if (d->fv.fn)
		fv_list_vars(out, &d->fv);
	else if (d->ret)
		fputs(" $return:long", out);
}

static enum stap_type mark_var(struct arena *a, const struct up_data *d, struct node *n,
			       const char **why)
{
	const char *name = n->u.tgt.name;
	struct tv_access *acc = arena_alloc(a, sizeof(*acc));
	if (!strcmp(name, "$$name") || !strcmp(name, "$$provider")) {
		const char *v = name[2] == 'n' ? d->sdt->name : d->sdt->provider;
		acc->str_c = emit_cstr(a, v, strlen(v));
		n->u.tgt.access = acc;
		return TYPE_STRING;
	}
	char *end;
	long k = strncmp(name, "$arg", 4) == 0 ? strtol(name + 4, &end, 10) : 0;
	if (k < 1 || *end) {
		*why = arena_printf(a, "markers have $arg1..$argN, $$name and $$provider, not %s",
				    name);
		return TYPE_UNKNOWN;
	}
	if (k > d->nargs) {
		*why = arena_printf(a, "marker %s has %d argument%s", d->sdt->name, d->nargs,
				    d->nargs == 1 ? "" : "s");
		return TYPE_UNKNOWN;
	}
	if (n->u.tgt.comps || n->u.tgt.addr_of) {
		*why = arena_printf(a, "%s is a long: it has no members (use @cast)", name);
		return TYPE_UNKNOWN;
	}
	const struct up_sdt_arg *arg = &d->args[k - 1];
	acc->base_c = arg->base_c;
	acc->user = true;
	if (arg->mem) {
		struct tv_step *s = arena_alloc(a, sizeof(*s));
		s->kind = TV_LOAD;
		s->n = arg->size;
		s->sign = arg->sign;
		acc->steps = s;
	}
	n->u.tgt.access = acc;
	return TYPE_LONG;
}

static enum stap_type target_var(struct arena *a, const struct elab_probe *p, struct node *n,
				 const char **why)
{
	const struct up_data *d = p->data;
	if (n->kind != ND_TARGET)
		return TYPE_UNKNOWN;
	if (d->mark)
		return mark_var(a, d, n, why);
	if (d->fv.fn)
		return fv_target_var(a, &d->fv, n, why);
	const char *name = n->u.tgt.name;
	if (d->plt && !strcmp(name, "$$name") && !n->u.tgt.comps && !n->u.tgt.addr_of) {
		struct tv_access *acc = arena_alloc(a, sizeof(*acc));
		acc->str_c = emit_cstr(a, d->func, strlen(d->func));
		n->u.tgt.access = acc;
		return TYPE_STRING;
	}
	if (d->ret && !strcmp(name, "$return") && !n->u.tgt.comps && !n->u.tgt.addr_of) {
		struct tv_access *acc = arena_alloc(a, sizeof(*acc));
		acc->base_c = "(int64_t)regs_return_value(c->regs)";
		n->u.tgt.access = acc;
		return TYPE_LONG;
	}
	if (d->plt) {
		*why = arena_printf(a, "a PLT probe has $$name%s and no other variables: its "
				    "arguments are the register tapset's (int_arg(N) ...)",
				    d->ret ? " and $return" : "");
		return TYPE_UNKNOWN;
	}
	*why = arena_printf(a, "%s has no DWARF debug information, so %s is unknown (build it "
			    "with -g, or use int_arg(N), pointer_arg(N) ...)", d->path, name);
	return TYPE_UNKNOWN;
}

static void *entry_half(struct arena *a, const struct elab_probe *p, const char **why)
{
	const struct up_data *d = p->data;
	if (!d->ret) {
		*why = "@entry is only valid in a .return probe";
		return NULL;
	}
	struct up_data *h = arena_alloc(a, sizeof(*h));
	*h = *d;
	h->ret = false;
	h->fv.ret = false;
	return h;
}

/* ---- pass 3 ---- */

const char *uprobe_probe_file(const struct elab_probe *p)
{
	const struct up_data *d = p->data;
	return p->family == &probe_family_uprobe ? d->path : NULL;
}

static const char *emit(struct pp_table_req *e)
{
	fputs("static const struct stp_uprobe_probe stp_uprobe_probe[] = {\n", e->out);
	e->entries = 0;
	for (int k = 0; k < e->n; k++) {
		const struct elab_probe *p = e->probes[k];
		const struct up_data *d = p->data;
		if (p->entry_of)
			continue;      /* an entry half runs from its .return probe's entry */
		int half = pp_table_probe_and_half(e, k);
		fprintf(e->out, "%s, %s, %lld, 0x%" PRIx64 "ULL, 0x%" PRIx64 "ULL, %s, %s, %s },\n",
			emit_cstr(e->arena, d->path, strlen(d->path)),
			d->program ? emit_cstr(e->arena, d->program, strlen(d->program)) : "NULL",
			(long long)d->pid, d->offset, d->sem_offset, d->ret ? "true" : "false",
			d->optional ? "true" : "false",
			half >= 0 && p->entry_size ? p->entry_size : "0");
		e->entries++;
	}
	fputs("};\n", e->out);
	return "stp_uprobe_probe";
}

const struct probe_family probe_family_uprobe = {
	.name = "uprobe",
	.patterns = patterns,
	.target_vars = true,
	.resolve = resolve,
	.list_vars = list_vars,
	.target_var = target_var,
	.entry_half = entry_half,
	.runtime = "probes/uprobe.c",
	.ops = "_stp_uprobe_ops",
	.emit = emit,
};
