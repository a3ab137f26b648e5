/* tracepoints.c - the kernel's tracepoints: names and arguments from BTF,
 * systems from the table btf.c loaded (tracefs, or the image's events).
 *
 * Every tracepoint has a `__traceiter_NAME(void *__data, ARGS...)`
 * function in BTF whose parameters after __data are the tracepoint's
 * prototype, names included (639 of 639 in Debian's 6.1 vmlinux).  The
 * system is not in BTF; a tracepoint with no trace event (a bare
 * DECLARE_TRACE such as sched_update_nr_running_tp, 11 of them here) has
 * none and is not in tracefs, but can still be probed.
 */
#include "config.h"

#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "typeinfo/ti_int.h"

static int tp_cmp(const void *a, const void *b)
{
	const struct ti_tracepoint *x = a, *y = b;
	int m = strcmp(x->module ? x->module : "", y->module ? y->module : "");
	return m ? m : strcmp(x->name, y->name);
}

static const char *system_of(const struct ti *ti, const char *name)
{
	for (int i = 0; i < ti->nsys; i++)
		if (strcmp(ti->sys_names[i], name) == 0)
			return ti->sys_systems[i];
	return NULL;
}

/* The tracepoints of one unit (its own types only, for a module's split
 * BTF), appended to ti->tps. */
static void collect(struct ti *ti, const struct ti_unit *u, uint32_t first_id)
{
	const struct btf *btf = u->btf;
	uint32_t n = btf__type_cnt(btf);
	int start = ti->ntps;
	for (uint32_t id = first_id; id < n; id++) {
		const struct btf_type *f = btf__type_by_id(btf, id);
		if (!btf_is_func(f))
			continue;
		const char *fn = btf__name_by_offset(btf, f->name_off);
		if (strncmp(fn, "__traceiter_", 12) != 0)
			continue;
		const struct btf_type *proto = btf__type_by_id(btf, f->type);
		if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) < 1)
			continue;
		if (ti->ntps % 256 == 0) {
			size_t old = (size_t)ti->ntps * sizeof(*ti->tps);
			ti->tps = arena_realloc(ti->arena, ti->tps, old, old + 256 * sizeof(*ti->tps));
		}
		struct ti_tracepoint *tp = &ti->tps[ti->ntps++];
		const struct btf_param *p = btf_params(proto);
		struct ti_param *args = arena_alloc(ti->arena, (size_t)btf_vlen(proto) *
						    sizeof(*args));
		tp->name = fn + 12;
		tp->module = u->module;
		tp->file = NULL;
		tp->system = system_of(ti, tp->name);
		tp->nargs = btf_vlen(proto) - 1;      /* without __data */
		for (int i = 0; i < tp->nargs; i++) {
			args[i].name = btf__name_by_offset(btf, p[i + 1].name_off);
			args[i].type = (struct ti_type){ u, p[i + 1].type };
		}
		tp->args = args;
	}
	if (ti->ntps > start)
		qsort(ti->tps + start, (size_t)(ti->ntps - start), sizeof(*ti->tps), tp_cmp);
}

const struct ti_tracepoint *ti_vmlinux_tracepoints(struct ti *ti, int *n)
{
	if (!ti->vmlinux_tps_done) {
		ti->vmlinux_tps_done = true;
		if (ti_load(ti))
			collect(ti, &ti->vmlinux, 1);
		ti->nvmlinux_tps = ti->ntps;
	}
	*n = ti->nvmlinux_tps;
	return ti->tps;
}

/* The modules' tracepoints after vmlinux's (none when the release has
 * no module tree, e.g. a host kernel without /lib/modules/REL). */
static void add_modules(struct ti *ti)
{
	struct ti_tracepoint *mods;
	int nm = ti_module_tracepoints(ti, &mods);
	if (nm <= 0)
		return;
	size_t old = (size_t)ti->ntps * sizeof(*ti->tps);
	ti->tps = arena_realloc(ti->arena, ti->tps, old, old + (size_t)nm * sizeof(*ti->tps));
	memcpy(ti->tps + ti->ntps, mods, (size_t)nm * sizeof(*mods));
	qsort(ti->tps + ti->ntps, (size_t)nm, sizeof(*ti->tps), tp_cmp);
	ti->ntps += nm;
}

const struct ti_tracepoint *ti_tracepoints(struct ti *ti, int *n)
{
	int nv;
	ti_vmlinux_tracepoints(ti, &nv);
	if (!ti->tps_done) {
		ti->tps_done = true;
		if (ti->vmlinux.btf)
			add_modules(ti);
	}
	*n = ti->ntps;
	return ti->tps;
}

bool ti_tracepoint_typed(struct ti *ti, const struct ti_tracepoint *tp, const char **why)
{
	if (!tp->module || !tp->nargs || tp->args[0].type.unit)
		return true;
	const struct ti_unit *u = ti_module_unit(ti, tp->module, tp->file);
	char fn[160];
	snprintf(fn, sizeof(fn), "__traceiter_%s", tp->name);
	int id = u ? btf__find_by_name_kind(u->btf, fn, BTF_KIND_FUNC) : -1;
	const struct btf_type *f = id > 0 ? btf__type_by_id(u->btf, (uint32_t)id) : NULL;
	const struct btf_type *proto = f ? btf__type_by_id(u->btf, f->type) : NULL;
	if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) != tp->nargs + 1) {
		*why = arena_printf(ti->arena, "cannot read the types of module %s (%s)",
				    tp->module, tp->file);
		return false;
	}
	const struct btf_param *p = btf_params(proto);
	struct ti_param *args = (struct ti_param *)tp->args;
	for (int i = 0; i < tp->nargs; i++)
		args[i].type = (struct ti_type){ u, p[i + 1].type };
	return true;
}

const char *ti_param_type_name(struct arena *a, const struct ti_param *p)
{
	return p->type.unit || !p->type_name ? ti_type_name(a, p->type) : p->type_name;
}
