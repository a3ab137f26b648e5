/* effects.c - which code has side effects, and which functions write
 * which arrays.
 *
 * Input: resolved probes and functions.  A side effect is anything beyond
 * computing a value: writing a global (or, for a statement, any
 * variable), printing, delete, embedded C (unless marked pure), calling a
 * function that has one.  Function impurity grows to a fixpoint over the
 * call graph, so recursion is handled.  Reading memory, dividing and
 * indexing count as pure (as upstream).
 * Output: elab_func.impure; D_SEM_READONLY for a call, inside a foreach,
 * of a function that writes the array being iterated.
 */
#include "config.h"

#include "diag.h"
#include "elab_int.h"

struct fx {
	bool locals_count;   /* writing a local is an effect too */
	bool found;
};

static bool writes_var(const struct node *lhs, bool locals_count)
{
	if (lhs->kind == ND_VAR)
		return locals_count || !lhs->sym || lhs->sym->kind == SYM_GLOBAL;
	return true;  /* array element, target variable: global state */
}

static void visit(struct node **slot, void *ctx)
{
	struct fx *fx = ctx;
	struct node *n = *slot;
	if (fx->found)
		return;
	switch (n->kind) {
	case ND_ASSIGN:
		fx->found = writes_var(n->u.bin.lhs, fx->locals_count);
		break;
	case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_DELETE:
		fx->found = writes_var(n->u.expr.e, fx->locals_count);
		break;
	case ND_CALL:
		fx->found = !n->u.call.func || !n->u.call.func->elab ||
			    n->u.call.func->elab->impure;
		break;
	case ND_PRINT: fx->found = !(n->op & PF_STRING); break;
	case ND_EMBEDDED_EXPR: case ND_EMBEDDED_STMT: case ND_NEXT:
		fx->found = true;
		break;
	case ND_ENTRY:  /* an entry half's save (entry.c) */
		fx->found = n->u.expr.e && n->sym;
		break;
	case ND_NUM: case ND_STR: case ND_VAR: case ND_TARGET: case ND_CAST: case ND_ATVAR:
	case ND_AUTOCAST: case ND_DEFINED: case ND_PROBEWRITE: case ND_PERF:
	case ND_CONST: case ND_REGISTER: case ND_DEREF: case ND_UNARY: case ND_BINARY:
	case ND_LOGICAL:
	case ND_COMPARE: case ND_REGEX: case ND_TERNARY: case ND_IN: case ND_INDEX:
	case ND_WILDCARD: case ND_STAT_OP: case ND_HIST_OP: case ND_BLOCK: case ND_EXPR_STMT:
	case ND_EMPTY: case ND_IF: case ND_FOR: case ND_FOREACH: case ND_BREAK:
	case ND_CONTINUE: case ND_RETURN: case ND_TRY: case ND_KIND_COUNT:
		break;
	}
	if (!fx->found)
		ast_each_child(n, visit, fx);
}

bool elab_has_side_effects(const struct node *n)
{
	if (!n)
		return false;
	struct fx fx = { true, false };
	struct node *copy = (struct node *)n;  /* visit does not modify */
	visit(&copy, &fx);
	return fx.found;
}

static bool function_impure(const struct elab_func *f)
{
	if (f->fn->embedded)
		return !(f->markers & FN_PURE);
	struct fx fx = { false, false };
	struct node *body = f->fn->body;
	if (body)
		visit(&body, &fx);
	return fx.found;
}

/* ---- a call inside foreach writing the iterated array ---- */

struct writes {
	const struct symbol *array;
	int stamp;
	bool found;
};

static bool function_writes(struct elab_func *f, struct writes *w);

static void find_writes(struct node **slot, void *ctx)
{
	struct writes *w = ctx;
	struct node *n = *slot;
	if (w->found)
		return;
	const struct node *target = NULL;
	if (n->kind == ND_ASSIGN)
		target = n->u.bin.lhs;
	else if (n->kind == ND_PRE_INCDEC || n->kind == ND_POST_INCDEC || n->kind == ND_DELETE)
		target = n->u.expr.e;
	if (target && target->kind == ND_INDEX)
		target = target->u.index.base;
	if (target && target->kind == ND_VAR && target->sym == w->array) {
		w->found = true;
		return;
	}
	if (n->kind == ND_CALL && n->u.call.func && n->u.call.func->elab &&
	    function_writes(n->u.call.func->elab, w)) {
		w->found = true;
		return;
	}
	ast_each_child(n, find_writes, w);
}

static bool function_writes(struct elab_func *f, struct writes *w)
{
	if (f->visit == w->stamp || !f->fn->body)
		return false;
	f->visit = w->stamp;
	struct node *body = f->fn->body;
	find_writes(&body, w);
	return w->found;
}

struct guard_walk {
	struct elab *e;
	const struct symbol *guards[64];
	int nguards;
};

static void check_call(struct guard_walk *g, const struct node *call)
{
	struct elab_func *f = call->u.call.func ? call->u.call.func->elab : NULL;
	if (!f)
		return;
	for (int i = 0; i < g->nguards; i++) {
		struct writes w = { g->guards[i], ++g->e->stamp, false };
		if (function_writes(f, &w) && elab_once(g->e, &call->pos, D_SEM_READONLY))
			diag_error(D_SEM_READONLY, &call->pos,
				   "calling '%s' modifies array '%s' during a foreach over it",
				   call->u.call.name, g->guards[i]->name);
	}
}

static void guard_visit(struct node **slot, void *ctx)
{
	struct guard_walk *g = ctx;
	struct node *n = *slot;
	if (n->kind == ND_CALL && g->nguards > 0)
		check_call(g, n);
	bool pushed = false;
	if (n->kind == ND_FOREACH && n->u.fe.array->kind == ND_VAR && n->u.fe.array->sym &&
	    g->nguards < 64) {
		g->guards[g->nguards++] = n->u.fe.array->sym;
		pushed = true;
	}
	ast_each_child(n, guard_visit, g);
	if (pushed)
		g->nguards--;
}

void elab_compute_effects(struct elab *e)
{
	bool changed = true;
	for (struct elab_func *f = e->funcs_head; f; f = f->next)
		f->impure = false;
	while (changed) {
		changed = false;
		for (struct elab_func *f = e->funcs_head; f; f = f->next) {
			if (f->resolved && !f->impure && function_impure(f)) {
				f->impure = true;
				changed = true;
			}
		}
	}
	struct guard_walk g = { .e = e };
	for (struct elab_probe *p = e->probes; p; p = p->next)
		guard_visit(&p->body, &g);
	for (struct elab_func *f = e->funcs_head; f; f = f->next)
		if (f->resolved && f->fn->body)
			guard_visit(&f->fn->body, &g);
}
