/* funcvars.c - the target variables of a probe at a function's entry or
 * return, shared by the families that probe functions (kprobe.c for the
 * kernel, uprobe.c for programs): see funcvars.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "pass3.h"
#include "probes/funcvars.h"
#include "tvar.h"
#include "typeinfo/typeinfo.h"

static const char *const arg_reg[] = { "di", "si", "dx", "cx", "r8", "r9" };

/* Where the calling convention puts a parameter at function entry. */
struct kp_loc {
	enum { LOC_REG, LOC_REG_PAIR, LOC_STACK, LOC_NONE } kind;
	int reg;                     /* LOC_REG, LOC_REG_PAIR: the first */
	int stack;                   /* LOC_STACK: bytes after the return address */
};

static struct kp_loc locate(const struct ti_function *fn, int want)
{
	/* a struct returned in memory: the caller passes its address first,
	 * in rdi, and the parameters follow */
	enum ti_kind rk = ti_kind_of(fn->ret);
	int reg = (rk == TI_STRUCT || rk == TI_UNION) && ti_size(fn->ret) > 16 ? 1 : 0;
	int stack = 0;
	for (int i = 0; i < fn->nparams; i++) {
		struct ti_type t = fn->params[i].type;
		enum ti_kind k = ti_kind_of(t);
		uint64_t size = ti_size(t);
		int words = (int)((size + 7) / 8);
		struct kp_loc loc = { LOC_NONE, 0, 0 };
		if (!size || k == TI_FLOAT || k == TI_OTHER || k == TI_FUNC) {
			/* unreadable; takes a register like an integer would */
			reg++;
		} else if (size <= 16 && reg + words <= 6) {
			loc.kind = words == 2 ? LOC_REG_PAIR : LOC_REG;
			loc.reg = reg;
			reg += words;
		} else {
			loc.kind = LOC_STACK;
			loc.stack = stack;
			stack += 8 * words;
		}
		if (i == want)
			return loc;
	}
	return (struct kp_loc){ LOC_NONE, 0, 0 };
}

/* The access path of a value of type t held in a register (or two). */
static struct tv_access *in_regs(struct arena *a, struct ti_type t, const char *r1,
				 const char *r2, int spill, const struct node *n, const char **why)
{
	enum ti_kind k = ti_kind_of(t);
	if (r2)
		return tv_build(a, arena_printf(a, "_stp_kspill(c, %d, c->regs->%s, c->regs->%s)",
						spill, r1, r2),
				t, true, n->u.tgt.comps, n->u.tgt.addr_of, why);
	if (k == TI_STRUCT || k == TI_UNION)
		return tv_build(a, arena_printf(a, "(int64_t)c->regs->%s", r1), t, false,
				n->u.tgt.comps, n->u.tgt.addr_of, why);
	return tv_build(a, arena_printf(a, "%sc->regs->%s", tv_widen(t), r1), t, false,
			n->u.tgt.comps, n->u.tgt.addr_of, why);
}

static struct tv_access *param_access(struct arena *a, const struct ti_function *fn, int i,
				      const struct node *n, const char **why)
{
	struct ti_type t = fn->params[i].type;
	struct kp_loc loc = locate(fn, i);
	switch (loc.kind) {
	case LOC_REG:
		return in_regs(a, t, arg_reg[loc.reg], NULL, 0, n, why);
	case LOC_REG_PAIR:
		return in_regs(a, t, arg_reg[loc.reg], arg_reg[loc.reg + 1], loc.reg, n, why);
	case LOC_STACK:
		/* at entry, sp points at the return address */
		return tv_build(a, arena_printf(a, "(int64_t)(c->regs->sp + %d)", 8 + loc.stack),
				t, true, n->u.tgt.comps, n->u.tgt.addr_of, why);
	case LOC_NONE:
		break;
	}
	*why = arena_printf(a, "parameter '%s' of %s has type %s, which cannot be read",
			    fn->params[i].name, fn->name, ti_type_name(a, t));
	return NULL;
}

/* $return: rax, rax:rdx for 9 to 16 bytes, and for a bigger struct the
 * address of the caller's copy, which the callee returns in rax. */
static struct tv_access *return_access(struct arena *a, const struct ti_function *fn,
				       const struct node *n, const char **why)
{
	struct ti_type t = fn->ret;
	uint64_t size = ti_size(t);
	if (!t.id || !size) {
		*why = arena_printf(a, "%s returns nothing", fn->name);
		return NULL;
	}
	if (size > 16)
		return tv_build(a, "(int64_t)c->regs->ax", t, true, n->u.tgt.comps,
				n->u.tgt.addr_of, why);
	return in_regs(a, t, "ax", size > 8 ? "dx" : NULL, 0, n, why);
}

/* DWARF register numbers 0-15 as pt_regs names them. */
static const char *const dw_reg[] = { "ax", "dx", "cx", "bx", "si", "di", "bp", "sp",
				       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };

/* The access path of a variable DWARF locates at the probe's address. */
static struct tv_access *dwarf_access(struct arena *a, const struct ti_dw_var *v,
				      const struct node *n, const char **why)
{
	const struct ti_dw_loc *l = &v->loc;
	const struct target_comp *comps = n->u.tgt.comps;
	if (l->kind == TI_LOC_NONE) {
		*why = arena_printf(a, "'%s' cannot be read here: %s", v->name, l->why);
		return NULL;
	}
	if (l->kind == TI_LOC_CONST)
		return tv_build(a, arena_printf(a, "%s%lldLL", tv_widen(v->type),
						(long long)l->offset),
				v->type, false, comps, n->u.tgt.addr_of, why);
	if (l->reg < 0 || l->reg >= (int)(sizeof(dw_reg) / sizeof(dw_reg[0]))) {
		*why = arena_printf(a, "'%s' is in DWARF register %d, which a probe cannot read",
				    v->name, l->reg);
		return NULL;
	}
	const char *r = dw_reg[l->reg];
	if (l->kind == TI_LOC_MEM)
		return tv_build(a, arena_printf(a, "(int64_t)(c->regs->%s + %lld)", r,
						(long long)l->offset),
				v->type, true, comps, n->u.tgt.addr_of, why);
	if (l->offset)
		return tv_build(a, arena_printf(a, "%s(c->regs->%s + %lld)", tv_widen(v->type), r,
						(long long)l->offset),
				v->type, false, comps, n->u.tgt.addr_of, why);
	return in_regs(a, v->type, r, NULL, 0, n, why);
}

/* A site's parameters (which 0), locals (1) or both (2) for $$parms,
 * $$locals and $$vars; *n of them. */
static const struct ti_param *site_params(struct arena *a, const struct ti_dw_site *site,
					  int which, int *n)
{
	struct ti_param *ps = arena_alloc(a, (size_t)(site->nvars + 1) * sizeof(*ps));
	*n = 0;
	for (int i = 0; i < site->nvars; i++) {
		const struct ti_dw_var *v = &site->vars[i];
		if ((which == 0 && !v->param) || (which == 1 && v->param))
			continue;
		ps[*n] = (struct ti_param){ v->name, v->type, NULL, v->loc.kind == TI_LOC_NONE };
		(*n)++;
	}
	return ps;
}

static enum stap_type as_entry(struct arena *a, struct node *n)
{
	struct node *copy = ast_clone(a, n);
	struct node *at = ast_node_new(a, ND_ENTRY, &n->pos);
	copy->next = NULL;
	at->u.expr.e = copy;
	n->u.tgt.expansion = at;
	return TYPE_LONG;
}

static enum stap_type string_var(struct arena *a, struct node *n, const char *value)
{
	struct tv_access *acc = arena_alloc(a, sizeof(*acc));
	acc->str_c = emit_cstr(a, value, strlen(value));
	n->u.tgt.access = acc;
	return TYPE_STRING;
}

static enum stap_type resolve_var(struct arena *a, const struct fv_func *f, struct node *n,
				  const char **why)
{
	const struct ti_function *fn = f->fn;
	const char *name = n->u.tgt.name;
	bool members = n->u.tgt.comps && !(tv_is_pretty(n) && !n->u.tgt.comps->next);
	bool is_parms = strcmp(name, "$$parms") == 0 || strcmp(name, "$$vars") == 0;
	if (is_parms || strcmp(name, "$$locals") == 0 || strcmp(name, "$$return") == 0) {
		if (members || n->u.tgt.addr_of) {
			*why = arena_printf(a, "%s is a string: it has no members", name);
			return TYPE_UNKNOWN;
		}
		bool pretty = n->u.tgt.comps != NULL;
		if (strcmp(name, "$$return") == 0) {
			if (!f->ret) {
				*why = "$$return is only valid in a .return probe";
				return TYPE_UNKNOWN;
			}
			if (!fn->ret.id)
				return string_var(a, n, "");
			struct ti_param r = { "return", fn->ret, NULL, false };
			n->u.tgt.expansion = tv_vars_string(a, &n->pos, &r, 1, pretty);
			return TYPE_STRING;
		}
		if (f->site) {
			/* in a .return probe only parameters have values (at entry) */
			int which = strcmp(name, "$$parms") == 0 || f->ret ? 0
				: strcmp(name, "$$locals") == 0 ? 1 : 2, k = 0;
			const struct ti_param *ps = site_params(a, f->site, which, &k);
			if (f->ret && strcmp(name, "$$locals") == 0)
				k = 0;
			n->u.tgt.expansion = tv_vars_string(a, &n->pos, ps, k, pretty);
			return TYPE_STRING;
		}
		n->u.tgt.expansion = tv_vars_string(a, &n->pos, fn->params,
						    is_parms ? fn->nparams : 0, pretty);
		return TYPE_STRING;
	}
	if (strcmp(name, "$$name") == 0)
		return string_var(a, n, fn->name);
	if (strcmp(name, "$return") == 0) {
		if (!f->ret) {
			*why = "$return is only valid in a .return probe";
			return TYPE_UNKNOWN;
		}
		if (tv_is_pretty(n))
			return tv_pretty(a, fn->ret, n, why);
		struct tv_access *acc = return_access(a, fn, n, why);
		if (!acc)
			return TYPE_UNKNOWN;
		n->u.tgt.access = acc;
		return TYPE_LONG;
	}
	for (int i = 0; f->site && i < f->site->nvars; i++) {
		const struct ti_dw_var *v = &f->site->vars[i];
		if (strcmp(name + 1, v->name) != 0)
			continue;
		if (f->ret && v->param)
			return as_entry(a, n);
		if (f->ret) {
			*why = arena_printf(a, "local '%s' has no value at the return of %s", v->name,
					    fn->name);
			return TYPE_UNKNOWN;
		}
		if (tv_is_pretty(n))
			return tv_pretty(a, v->type, n, why);
		/* At entry, before the prologue, unoptimized code's parameters are
		 * not yet where DWARF says (their stack slots): the calling
		 * convention says where they are. */
		int k = 0;
		while (k < fn->nparams && strcmp(fn->params[k].name, v->name) != 0)
			k++;
		struct tv_access *acc = f->site->offset == 0 && !f->site->inlined && v->param &&
			k < fn->nparams && v->loc.kind == TI_LOC_MEM ? param_access(a, fn, k, n, why)
								     : dwarf_access(a, v, n, why);
		if (!acc)
			return TYPE_UNKNOWN;
		n->u.tgt.access = acc;
		return TYPE_LONG;
	}
	if (f->site) {
		*why = arena_printf(a, "%s has no parameter or local '%s' in scope at %s:%d",
				    fn->name, name + 1, f->site->file, f->site->line);
		return TYPE_UNKNOWN;
	}
	for (int i = 0; i < fn->nparams; i++) {
		if (strcmp(name + 1, fn->params[i].name) != 0)
			continue;
		if (f->ret)
			return as_entry(a, n);
		if (tv_is_pretty(n))
			return tv_pretty(a, fn->params[i].type, n, why);
		struct tv_access *acc = param_access(a, fn, i, n, why);
		if (!acc)
			return TYPE_UNKNOWN;
		n->u.tgt.access = acc;
		return TYPE_LONG;
	}
	*why = arena_printf(a, "%s has no parameter '%s'%s", fn->name, name + 1,
			    fn->nparams ? "" : " (it takes none)");
	return TYPE_UNKNOWN;
}

enum stap_type fv_target_var(struct arena *a, const struct fv_func *f, struct node *n,
			     const char **why)
{
	enum stap_type t = resolve_var(a, f, n, why);
	/* every load of a program's variable reads the probed task's memory */
	if (t != TYPE_UNKNOWN && f->user && n->u.tgt.access)
		n->u.tgt.access->user = true;
	return t;
}

void fv_list_vars(FILE *out, const struct fv_func *f)
{
	struct arena *a = arena_new();
	for (int i = 0; f->site && i < f->site->nvars; i++)
		fprintf(out, " $%s:%s", f->site->vars[i].name,
			ti_type_name(a, f->site->vars[i].type));
	for (int i = 0; !f->site && i < f->fn->nparams; i++)
		fprintf(out, " $%s:%s", f->fn->params[i].name,
			ti_type_name(a, f->fn->params[i].type));
	if (f->ret && f->fn->ret.id)
		fprintf(out, " $return:%s", ti_type_name(a, f->fn->ret));
	arena_free(a);
}
