/* tracepoint.c - kernel tracepoints: kernel.trace("NAME") and
 * kernel.trace("SYSTEM:NAME"), `*` wildcards in either part.
 *
 * Everything comes from the target's type information (typeinfo.h):
 * names and argument names and types from BTF, systems from tracefs or
 * the kernel image.  No kernel header is compiled to know a tracepoint.
 * A derived probe's point names its system when it has one
 * (kernel.trace("sched:sched_switch")); a bare tracepoint (no trace
 * event) is kernel.trace("NAME").
 *
 * Module tracepoints (ext4, xfs, kvm ... are modules on Debian) are
 * listed from the cached scan of /lib/modules/REL (typeinfo/modules.c);
 * a probe on one reads that module's BTF for its argument types, and the
 * runtime attaches it whenever the module is loaded, before or during the
 * session.
 *
 * Target variables: each argument as $NAME (with ->member, [index], &),
 * $$name and $$system (strings), $$parms / $$vars ("a=0x1 b=0x2"), and
 * the pretty forms $x$ and $$parms$ (integers in decimal, pointers in
 * hex; a struct a pointer points to is not expanded into its members).
 * @cast and @defined are resolve.c's.
 * An argument must fit a register (an integer, enum, pointer or a struct
 * of at most 8 bytes such as pte_t); a tracepoint with a larger struct
 * passed by value cannot be probed (none in Debian's 6.1 vmlinux).
 *
 * Pass 3: for each probe a glue function with the tracepoint's
 * prototype, every argument declared as unsigned long (the calling
 * convention passes each in its own register or stack slot) and then
 * narrowed and widened to int64_t as its BTF type says (a bool's upper
 * register bits are garbage); the table is runtime/probes/tracepoint.c's
 * struct stp_tp_probe[].
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "compat.h"
#include "elab_int.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/registry.h"
#include "session.h"
#include "tvar.h"
#include "typeinfo/typeinfo.h"

static const struct pp_family_pattern patterns[] = {
	{ "kernel.trace(string)", 0 },
	{ NULL, 0 },
};

/* What a tracepoint probe resolved to: the elab_probe's data. */
struct tp_data {
	const struct ti_tracepoint *tp;
};

/* Every argument fits one 64-bit register slot: integers, enums,
 * pointers, and structs of at most 8 bytes (pte_t, pfn_t), which x86-64
 * passes in one register too. */
static const char *unprobeable(struct arena *a, const struct ti_tracepoint *tp)
{
	for (int i = 0; i < tp->nargs; i++) {
		enum ti_kind k = ti_kind_of(tp->args[i].type);
		uint64_t size = ti_size(tp->args[i].type);
		if (k == TI_FLOAT || k == TI_FUNC || k == TI_OTHER || k == TI_ARRAY || !size ||
		    size > 8)
			return arena_printf(a, "argument '%s' (%s) does not fit a register",
					    tp->args[i].name, ti_type_name(a, tp->args[i].type));
	}
	return NULL;
}

/* The derived point, as pn() shows it: with its system since 2.7. */
static struct probe_point *point_for(struct pp_request *req, const struct ti_tracepoint *tp)
{
	bool sys = tp->system && !compat_before(req->sess ? req->sess->compatible : NULL,
						COMPAT_PN_SYSTEM);
	const char *text = sys
		? arena_printf(req->arena, "%s:%s", tp->system, tp->name) : tp->name;
	return pp_with_string(req->arena, req->point, 1, text);
}

static void resolve(struct pp_request *req)
{
	const struct node *arg = req->args[1];
	const char *spec = arg->u.str.s, *colon = strchr(spec, ':');
	const char *sys_pat = colon ? arena_strndup(req->arena, spec, (size_t)(colon - spec)) : NULL;
	const char *name_pat = colon ? colon + 1 : spec;
	bool wild = strchr(spec, '*') || strchr(spec, '?');
	int n;
	/* A name without wildcards that vmlinux has needs no scan of the
	 * modules (the first time for a kernel, that scan takes seconds). */
	const struct ti_tracepoint *tps = ti_vmlinux_tracepoints(req->ti, &n);
	bool in_vmlinux = false;
	for (int i = 0; !wild && i < n && !in_vmlinux; i++)
		in_vmlinux = strcmp(tps[i].name, name_pat) == 0 &&
			     (!sys_pat || (tps[i].system && strcmp(tps[i].system, sys_pat) == 0));
	if (!in_vmlinux)
		tps = ti_tracepoints(req->ti, &n);
	if (!n) {
		pp_error(req, "no tracepoints known for this kernel: %s",
			 ti_error(req->ti) ? ti_error(req->ti) : "BTF has no __traceiter_ functions");
		return;
	}
	int found = 0, near = -1, near_dist = 0;
	for (int i = 0; i < n; i++) {
		const struct ti_tracepoint *tp = &tps[i];
		if (!pp_glob(name_pat, tp->name) ||
		    (sys_pat && !(tp->system && pp_glob(sys_pat, tp->system)))) {
			int dist = wild ? 0 : elab_distance(name_pat, tp->name);
			if (!wild && (near < 0 || dist < near_dist)) {
				near = i;
				near_dist = dist;
			}
			continue;
		}
		found++;
		/* A module's argument types are read from its .ko only when a
		 * probe will use them: listing needs just the cached names. */
		const char *why = NULL;
		if (!req->listing && !ti_tracepoint_typed(req->ti, tp, &why)) {
			if (!wild)
				pp_error(req, "tracepoint %s cannot be probed: %s", tp->name, why);
			continue;
		}
		why = tp->module && req->listing ? NULL : unprobeable(req->arena, tp);
		if (why) {
			/* A wildcard takes what it can; a name asks for this one. */
			if (!wild)
				pp_error(req, "tracepoint %s cannot be probed: %s", tp->name, why);
			continue;
		}
		struct tp_data *d = arena_alloc(req->arena, sizeof(*d));
		d->tp = tp;
		pp_emit(req, point_for(req, tp), d);
	}
	if (!found) {
		bool close = near >= 0 && !wild && near_dist <= (int)strlen(name_pat) / 3 + 1;
		pp_no_match(req, "no tracepoint matches '%s'%s%s%s", spec,
			    close ? " (did you mean '" : "", close ? tps[near].name : "",
			    close ? "'?)" : "");
	}
}

static void list_vars(FILE *out, const struct elab_probe *p)
{
	const struct tp_data *d = p->data;
	struct arena *a = arena_new();
	for (int i = 0; i < d->tp->nargs; i++)
		fprintf(out, " $%s:%s", d->tp->args[i].name, ti_param_type_name(a, &d->tp->args[i]));
	arena_free(a);
}

/* The string a $$name-like variable stands for, or NULL. */
static const char *context_string(const struct tp_data *d, const char *name)
{
	if (strcmp(name, "$$name") == 0)
		return d->tp->name;
	if (strcmp(name, "$$system") == 0)
		return d->tp->system ? d->tp->system : "";
	return NULL;
}

static enum stap_type target_var(struct arena *a, const struct elab_probe *p, struct node *n,
				 const char **why)
{
	const struct tp_data *d = p->data;
	const struct node *expr = n;
	if (expr->kind != ND_TARGET)
		return TYPE_UNKNOWN;
	const char *name = expr->u.tgt.name;
	if (strcmp(name, "$$parms") == 0 || strcmp(name, "$$vars") == 0 ||
	    strcmp(name, "$$locals") == 0) {
		const struct target_comp *c = expr->u.tgt.comps;
		if ((c && (c->kind != COMP_PRETTY || c->next)) || expr->u.tgt.addr_of) {
			*why = arena_printf(a, "%s is a string: it has no members", name);
			return TYPE_UNKNOWN;
		}
		n->u.tgt.expansion = tv_vars_string(a, &n->pos, d->tp->args,
						    strcmp(name, "$$locals") == 0 ? 0 : d->tp->nargs,
						    c != NULL);
		return TYPE_STRING;
	}
	const char *s = context_string(d, name);
	if (s) {
		if (expr->u.tgt.comps || expr->u.tgt.addr_of) {
			*why = arena_printf(a, "%s is a string: it has no members", name);
			return TYPE_UNKNOWN;
		}
		struct tv_access *acc = arena_alloc(a, sizeof(*acc));
		acc->str_c = emit_cstr(a, s, strlen(s));
		n->u.tgt.access = acc;
		return TYPE_STRING;
	}
	for (int i = 0; i < d->tp->nargs; i++) {
		if (strcmp(name + 1, d->tp->args[i].name) != 0)
			continue;
		if (tv_is_pretty(expr))
			return tv_pretty(a, d->tp->args[i].type, n, why);
		struct tv_access *acc = tv_build(a, arena_printf(a, "c->args[%d]", i),
						 d->tp->args[i].type, false, expr->u.tgt.comps,
						 expr->u.tgt.addr_of, why);
		if (!acc)
			return TYPE_UNKNOWN;
		n->u.tgt.access = acc;
		return TYPE_LONG;
	}
	*why = arena_printf(a, "tracepoint %s has no argument '%s'", d->tp->name, name + 1);
	return TYPE_UNKNOWN;
}

/* ---- pass 3 ---- */

static void glue(struct pp_table_req *e, int k)
{
	const struct ti_tracepoint *tp = ((const struct tp_data *)e->probes[k]->data)->tp;
	fprintf(e->out, "static void stp_tp_glue_%d(void *data", k);
	for (int i = 0; i < tp->nargs; i++)
		fprintf(e->out, ", unsigned long a%d", i);
	fputs(")\n{\n", e->out);
	if (tp->nargs) {
		fputs("\tconst int64_t args[] = {", e->out);
		for (int i = 0; i < tp->nargs; i++)
			fprintf(e->out, "%s %sa%d", i ? "," : "", tv_widen(tp->args[i].type), i);
		fputs(" };\n\n", e->out);
	}
	fprintf(e->out, "\t_stp_probe_run_args(((const struct stp_tp_probe *)data)->probe, "
		"NULL, %s);\n}\n\n", tp->nargs ? "args" : "NULL");
}

static const char *emit(struct pp_table_req *e)
{
	fprintf(e->out, "static struct tracepoint *stp_tp_slot[%d];\n\n", e->n);
	for (int k = 0; k < e->n; k++)
		glue(e, k);
	fputs("static const struct stp_tp_probe stp_tp_probe[] = {\n", e->out);
	for (int k = 0; k < e->n; k++) {
		const struct ti_tracepoint *tp = ((const struct tp_data *)e->probes[k]->data)->tp;
		fprintf(e->out, "\t{ &stp_probes[%d], \"%s\", %s%s%s, (void *)stp_tp_glue_%d, "
			"&stp_tp_slot[%d] },\n", e->index[k], tp->name, tp->module ? "\"" : "",
			tp->module ? tp->module : "NULL", tp->module ? "\"" : "", k, k);
	}
	fputs("};\n", e->out);
	return "stp_tp_probe";
}

const struct probe_family probe_family_tracepoint = {
	.name = "tracepoint",
	.patterns = patterns,
	.target_vars = true,
	.resolve = resolve,
	.list_vars = list_vars,
	.target_var = target_var,
	.runtime = "probes/tracepoint.c",
	.ops = "_stp_tracepoint_ops",
	.emit = emit,
};
