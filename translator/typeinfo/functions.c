/* functions.c - the kernel's functions and their prototypes, from BTF.
 *
 * Every BTF_KIND_FUNC of a unit (vmlinux, or one module's split BTF) is a
 * function the compiler kept out of line, with its parameters' names and
 * types and its return type.  A static function defined in several files
 * has one FUNC per file under one name: the table has one entry per name
 * (the first), with the count in `copies`, since a probe by name reaches
 * only one of them (kallsyms_lookup_name's).
 *
 * A module's functions come from its .ko, found through modules.dep (or
 * from /sys/kernel/btf/MODULE on the running kernel, btf.c).
 */
#include "config.h"

#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "typeinfo/ti_int.h"

static int fn_cmp(const void *a, const void *b)
{
	const struct ti_function *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/* The functions of unit u (its own types only: first_id skips vmlinux's
 * in a module's split BTF), sorted, one per name. */
static struct ti_function *collect(struct ti *ti, const struct ti_unit *u, uint32_t first_id,
				   int *count)
{
	const struct btf *btf = u->btf;
	uint32_t ntypes = btf__type_cnt(btf);
	int n = 0;
	for (uint32_t id = first_id; id < ntypes; id++)
		n += btf_is_func(btf__type_by_id(btf, id));
	struct ti_function *fns = arena_alloc(ti->arena, (size_t)(n ? n : 1) * sizeof(*fns));
	n = 0;
	for (uint32_t id = first_id; id < ntypes; id++) {
		const struct btf_type *f = btf__type_by_id(btf, id);
		if (!btf_is_func(f))
			continue;
		const struct btf_type *proto = btf__type_by_id(btf, f->type);
		if (!proto || !btf_is_func_proto(proto))
			continue;
		struct ti_function *fn = &fns[n++];
		const struct btf_param *p = btf_params(proto);
		int np = btf_vlen(proto);
		fn->name = btf__name_by_offset(btf, f->name_off);
		fn->module = u->module;
		fn->ret = (struct ti_type){ u, proto->type };
		fn->copies = 1;
		/* A last parameter with neither name nor type is the "..." */
		fn->varargs = np > 0 && !p[np - 1].name_off && !p[np - 1].type;
		fn->nparams = fn->varargs ? np - 1 : np;
		struct ti_param *params = arena_alloc(ti->arena, (size_t)(np ? np : 1) *
						      sizeof(*params));
		for (int i = 0; i < fn->nparams; i++) {
			const char *name = btf__name_by_offset(btf, p[i].name_off);
			params[i].name = name && *name ? name : arena_printf(ti->arena, "arg%d", i + 1);
			params[i].type = (struct ti_type){ u, p[i].type };
			params[i].type_name = NULL;
		}
		fn->params = params;
	}
	if (n)
		qsort(fns, (size_t)n, sizeof(*fns), fn_cmp);
	/* One per name: the first keeps the count of the others. */
	int kept = 0;
	for (int i = 0; i < n; i++) {
		if (kept && strcmp(fns[kept - 1].name, fns[i].name) == 0) {
			fns[kept - 1].copies++;
			continue;
		}
		fns[kept++] = fns[i];
	}
	*count = kept;
	return fns;
}

const struct ti_function *ti_functions(struct ti *ti, const char *module, int *n,
					const char **why)
{
	*n = 0;
	if (!module) {
		if (!ti->fns_done) {
			ti->fns_done = true;
			if (ti_load(ti))
				ti->fns = collect(ti, &ti->vmlinux, 1, &ti->nfns);
		}
		*n = ti->nfns;
		if (!*n && why)
			*why = ti->error ? ti->error : "the kernel's BTF has no functions";
		return ti->fns;
	}
	for (struct ti_module_fns *m = ti->module_fns; m; m = m->next)
		if (strcmp(m->module, module) == 0) {
			*n = m->n;
			if (!*n && why)
				*why = m->error;
			return m->fns;
		}
	struct ti_module_fns *m = arena_alloc(ti->arena, sizeof(*m));
	m->module = arena_strdup(ti->arena, module);
	m->next = ti->module_fns;
	ti->module_fns = m;
	const char *path = ti_module_file(ti, module);
	const struct ti_unit *u = ti_load(ti) ? ti_module_unit(ti, module, path) : NULL;
	if (u)
		m->fns = collect(ti, u, btf__type_cnt(ti->vmlinux.btf), &m->n);
	else if (ti->error)
		m->error = ti->error;
	else if (path)
		m->error = arena_printf(ti->arena, "cannot read the types of module %s (%s)",
					module, path);
	else
		m->error = arena_printf(ti->arena, "no module '%s' in /lib/modules/%s",
					module, ti->release);
	if (!m->n && !m->error)
		m->error = arena_printf(ti->arena, "module %s has no functions in its BTF", module);
	*n = m->n;
	if (!*n && why)
		*why = m->error;
	return m->fns;
}

const struct ti_function *ti_function(struct ti *ti, const char *module, const char *name)
{
	int n;
	const struct ti_function *fns = ti_functions(ti, module, &n, NULL);
	struct ti_function key = { .name = name };
	return n ? bsearch(&key, fns, (size_t)n, sizeof(*fns), fn_cmp) : NULL;
}

/* Module.symvers: "0xCRC <TAB> name <TAB> vmlinux|path/of/module <TAB>
 * EXPORT_SYMBOL[_GPL] ...", one export a line. */
bool ti_function_exported(struct ti *ti, const char *module, const char *name, const char **why)
{
	if (!ti->symvers_done) {
		ti->symvers_done = true;
		const char *path = arena_printf(ti->arena, "/lib/modules/%s/build/Module.symvers",
						ti->release);
		size_t len;
		unsigned char *text = ti_read_file(path, &len);
		if (text) {
			ti->symvers = arena_strndup(ti->arena, (const char *)text, len);
			free(text);
		} else {
			ti->symvers_error = arena_printf(ti->arena, "cannot read %s (the exported "
							 "functions): install linux-headers-%s",
							 path, ti->release);
		}
	}
	if (!ti->symvers) {
		*why = ti->symvers_error;
		return false;
	}
	size_t len = strlen(name);
	for (const char *p = ti->symvers; (p = strstr(p, name)); p += len) {
		if (p == ti->symvers || p[-1] != '\t' || p[len] != '\t')
			continue;
		const char *owner = p + len + 1, *end = strchr(owner, '\t');
		if (!end)
			continue;
		if (!module) {
			if (end - owner == 7 && strncmp(owner, "vmlinux", 7) == 0)
				return true;
			continue;
		}
		const char *base = end;
		while (base > owner && base[-1] != '/')
			base--;
		size_t i = 0;
		for (; module[i] && base + i < end; i++)
			if ((base[i] == '-' ? '_' : base[i]) != (module[i] == '-' ? '_' : module[i]))
				break;
		if (!module[i] && base + i == end)
			return true;
	}
	return false;
}
