/* usyms.c - pass 3: the user-space symbol tables a module carries, for
 * the tapset functions that name user addresses (usymname, usymdata,
 * umodname, ubacktrace and the rest: their C bodies say
 * "pragma:usyms").  Only a module whose script calls one of them gets
 * tables.
 *
 * Which files: those of the script's process probes, each -d FILE, and
 * with --ldd the libraries each of those names in DT_NEEDED, found where
 * the dynamic linker looks (through the uprobe family's lookup, under
 * --sysroot when given).  -d with a kernel module's name adds nothing:
 * kernel symbols come from the kernel.
 *
 * Each file's functions (typeinfo/uelf.c) by their place in the file,
 * sorted by it, one per place (an alias's first name): the runtime
 * (runtime/usyms.c) names an address through the mapping that holds it,
 * wherever the file was loaded.  When the script walks user stacks
 * ("pragma:uunwind"), each file's call frame rows too
 * (typeinfo/uunwind.c), by place the same way.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "emit_int.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/uprobe.h"
#include "session.h"
#include "typeinfo/typeinfo.h"

struct ufiles {
	const char **paths;
	int n, cap;
};

static void add_file(struct arena *a, struct ufiles *u, const char *path)
{
	for (int i = 0; i < u->n; i++)
		if (!strcmp(u->paths[i], path))
			return;
	if (u->n == u->cap) {
		int cap = u->cap ? 2 * u->cap : 8;
		const char **p = arena_alloc(a, (size_t)cap * sizeof(*p));
		if (u->n)
			memcpy(p, u->paths, (size_t)u->n * sizeof(*p));
		u->paths = p;
		u->cap = cap;
	}
	u->paths[u->n++] = path;
}

/* Whether a function the script calls says `pragma`. */
static bool wants(const struct emit *E, const char *pragma)
{
	for (int i = 0; i < E->nfuncs; i++) {
		const struct stap_function *fn = E->funcs[i].f->fn;
		if (fn->embedded && memmem(fn->embedded, fn->embedded_len, pragma, strlen(pragma)))
			return true;
	}
	return false;
}

static const char *host_of(struct arena *a, const struct session *s, const char *path)
{
	return s->sysroot ? arena_printf(a, "%s%s", s->sysroot, path) : path;
}

static int by_offset(const void *x, const void *y)
{
	const struct ti_usym *a = *(const struct ti_usym *const *)x;
	const struct ti_usym *b = *(const struct ti_usym *const *)y;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	if (a->global != b->global)
		return a->global ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Write the tables; the stp_module fields naming them go to *fields
 * ("" when there are none). */
void emit_usyms(struct emit *E, FILE *out, const char **fields)
{
	*fields = "";
	if (!wants(E, "pragma:usyms"))
		return;
	bool unwind = wants(E, "pragma:uunwind");
	struct arena *a = E->arena;
	/* the files pass 2 read are memoized there */
	struct ti *ti = E->ep->ti;
	const struct session *s = E->sess;
	struct ufiles u = { 0 };
	for (const struct elab_probe *p = E->ep->probes; p; p = p->next) {
		const char *f = uprobe_probe_file(p);
		if (f)
			add_file(a, &u, f);
	}
	/* a path, made absolute as process probes' are */
	for (int i = 0; i < s->objects.count; i++) {
		const char *o = s->objects.items[i];
		if (strchr(o, '/'))
			add_file(a, &u, uprobe_library_path(a, s, "", o));
	}
	for (int i = 0; s->ldd && i < u.n; i++) {
		const struct ti_ufile *uf = ti_user_file(ti, host_of(a, s, u.paths[i]), NULL);
		for (int k = 0; uf && k < uf->nneeded; k++) {
			const char *lib = uprobe_library_path(a, s, u.paths[i], uf->needed[k]);
			if (lib)
				add_file(a, &u, lib);
		}
	}
	int nfiles = 0;
	for (int i = 0; i < u.n; i++) {
		const struct ti_ufile *uf = ti_user_file(ti, host_of(a, s, u.paths[i]), NULL);
		if (!uf)
			continue;
		const struct ti_usym **sorted =
			arena_alloc(a, (size_t)(uf->nsyms + 1) * sizeof(*sorted));
		for (int k = 0; k < uf->nsyms; k++)
			sorted[k] = &uf->syms[k];
		qsort(sorted, (size_t)uf->nsyms, sizeof(*sorted), by_offset);
		fprintf(out, "\nstatic const struct stp_usym stp_usyms_%d[] = {\n", nfiles);
		int n = 0;
		for (int k = 0; k < uf->nsyms; k++) {
			if (k && sorted[k]->offset == sorted[k - 1]->offset)
				continue;
			fprintf(out, "\t{ 0x%llxULL, 0x%llxULL, %s },\n",
				(unsigned long long)sorted[k]->offset,
				(unsigned long long)sorted[k]->size,
				emit_cstr(a, sorted[k]->name, strlen(sorted[k]->name)));
			n++;
		}
		if (!n)
			fputs("\t{ 0, 0, \"\" },\n", out);
		fputs("};\n", out);
		u.paths[nfiles] = u.paths[i];
		fprintf(out, "#define STP_USYMS_%d_N %d\n", nfiles, n);
		const struct ti_urow *rows = NULL;
		int nrows = 0;
		if (unwind)
			ti_user_unwind(ti, uf, &rows, &nrows);
		fprintf(out, "static const struct stp_urow stp_urows_%d[] = {\n", nfiles);
		for (int k = 0; k < nrows; k++)
			fprintf(out, "\t{ 0x%llxULL, %u, %d, %d, %d },\n",
				(unsigned long long)rows[k].offset, rows[k].len, rows[k].cfa_off,
				rows[k].rbp_off, rows[k].cfa_rbp);
		if (!nrows)
			fputs("\t{ 0, 0, 0, 0, 0 },\n", out);
		fprintf(out, "};\n#define STP_UROWS_%d_N %d\n", nfiles, nrows);
		nfiles++;
	}
	if (!nfiles)
		return;
	fputs("\nstatic const struct stp_ufile stp_ufiles[] = {\n", out);
	for (int i = 0; i < nfiles; i++)
		fprintf(out, "\t{ %s, stp_usyms_%d, STP_USYMS_%d_N, stp_urows_%d, STP_UROWS_%d_N },\n",
			emit_cstr(a, u.paths[i], strlen(u.paths[i])), i, i, i, i);
	fputs("};\n", out);
	*fields = arena_printf(a, "\t.ufiles = stp_ufiles,\n\t.nufiles = %d,\n", nfiles);
}
