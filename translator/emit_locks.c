/* emit_locks.c - pass 3: the globals each probe locks, and how.
 *
 * A probe's handler takes the locks of every global its body, its
 * condition and the functions it calls (transitively) touch, in the
 * order of E->globals (one fixed order: no deadlock).  Exclusive for
 * writes (assignment, ++/--, delete), sorted foreach and reading
 * statistics (extractors, @hist, foreach or `in` over a statistics array:
 * they merge the per-CPU data); shared for reads and <<<
 * (doc/module-layout.md, "Locks").
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "emit_int.h"

enum { USE_NONE, USE_READ, USE_WRITE };

struct uses {
	struct emit *E;
	unsigned char *mode;    /* [nglobals] */
	bool *calls;            /* [nfuncs] */
};

static void walk(struct uses *u, const struct node *n);

static void use(struct uses *u, const struct symbol *sym, bool write)
{
	if (!sym || sym->kind != SYM_GLOBAL)
		return;
	const struct emit_global *g = emit_global_of(u->E, sym);
	if (!g)
		return;
	int i = (int)(g - u->E->globals);
	unsigned char m = write ? USE_WRITE : USE_READ;
	if (u->mode[i] < m)
		u->mode[i] = m;
}

static void walk_cb(struct node **slot, void *ctx)
{
	walk(ctx, *slot);
}

static void walk_list(struct uses *u, const struct node *n)
{
	for (; n; n = n->next)
		walk(u, n);
}

/* The target of an assignment, ++/--, delete or <<<. */
static void target(struct uses *u, const struct node *lv, bool write)
{
	if (lv->kind == ND_VAR) {
		use(u, lv->sym, write);
	} else if (lv->kind == ND_INDEX && lv->u.index.base->kind == ND_VAR) {
		use(u, lv->u.index.base->sym, write);
		walk_list(u, lv->u.index.keys);
	} else {
		walk(u, lv);
	}
}

static void foreach_uses(struct uses *u, const struct node *n)
{
	const struct node *a = n->u.fe.array;
	if (a->kind == ND_VAR)
		use(u, a->sym, n->u.fe.sort_dir != 0 || (a->sym && a->sym->type == TYPE_STATS));
	else
		walk(u, a);
	walk_list(u, n->u.fe.slice);
	walk(u, n->u.fe.limit);
	walk(u, n->u.fe.body);
}

static void walk(struct uses *u, const struct node *n)
{
	if (!n)
		return;
	switch (n->kind) {
	case ND_VAR:
		/* a statistic named outside <<< is being read: merged */
		use(u, n->sym, n->sym && n->sym->type == TYPE_STATS);
		return;
	case ND_ASSIGN:
		target(u, n->u.bin.lhs, n->op != OP_AGGREGATE);
		walk(u, n->u.bin.rhs);
		return;
	case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_DELETE:
		target(u, n->u.expr.e, true);
		return;
	case ND_FOREACH:
		foreach_uses(u, n);
		return;
	case ND_CALL: {
		const struct stap_function *fn = n->u.call.func;
		const struct emit_func *f = fn ? emit_func_of(u->E, fn->elab) : NULL;
		if (f)
			u->calls[f - u->E->funcs] = true;
		walk_list(u, n->u.call.args);
		return;
	}
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_TARGET: case ND_CAST:
	case ND_ATVAR: case ND_AUTOCAST: case ND_ENTRY: case ND_DEFINED: case ND_PROBEWRITE:
	case ND_PERF: case ND_CONST: case ND_REGISTER: case ND_DEREF: case ND_UNARY:
	case ND_BINARY: case ND_LOGICAL: case ND_COMPARE: case ND_REGEX: case ND_TERNARY:
	case ND_IN: case ND_INDEX: case ND_WILDCARD: case ND_PRINT: case ND_STAT_OP: case ND_HIST_OP:
	case ND_BLOCK: case ND_EXPR_STMT: case ND_EMPTY: case ND_IF: case ND_FOR:
	case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_RETURN: case ND_TRY:
	case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		break;
	}
	/* ND_IN / ND_INDEX reach their array base as an ND_VAR child */
	ast_each_child((struct node *)n, walk_cb, u);
}

static void uses_init(struct emit *E, struct uses *u)
{
	u->E = E;
	u->mode = arena_alloc(E->arena, (size_t)E->nglobals + 1);
	u->calls = arena_alloc(E->arena, ((size_t)E->nfuncs + 1) * sizeof(bool));
}

/* Merge what function f uses (closed over its callees) into u. */
static void merge(struct emit *E, struct uses *u, const struct uses *f)
{
	for (int g = 0; g < E->nglobals; g++)
		if (u->mode[g] < f->mode[g])
			u->mode[g] = f->mode[g];
}

/* Close each function's uses over the functions it calls. */
static struct uses *function_uses(struct emit *E)
{
	struct uses *fu = arena_alloc(E->arena, ((size_t)E->nfuncs + 1) * sizeof(*fu));
	for (int i = 0; i < E->nfuncs; i++) {
		uses_init(E, &fu[i]);
		walk(&fu[i], E->funcs[i].f->fn->body);
	}
	for (bool changed = true; changed;) {
		changed = false;
		for (int i = 0; i < E->nfuncs; i++) {
			for (int j = 0; j < E->nfuncs; j++) {
				if (!fu[i].calls[j])
					continue;
				for (int g = 0; g < E->nglobals; g++) {
					if (fu[i].mode[g] < fu[j].mode[g]) {
						fu[i].mode[g] = fu[j].mode[g];
						changed = true;
					}
				}
				for (int k = 0; k < E->nfuncs; k++) {
					if (fu[j].calls[k] && !fu[i].calls[k]) {
						fu[i].calls[k] = true;
						changed = true;
					}
				}
			}
		}
	}
	return fu;
}

struct emit_lockset *emit_locks(struct emit *E)
{
	const struct elab_program *ep = E->ep;
	struct emit_lockset *ls = arena_alloc(E->arena,
					      ((size_t)ep->nprobes + 1) * sizeof(*ls));
	struct uses *fu = function_uses(E);
	int i = 0;
	for (const struct elab_probe *p = ep->probes; p; p = p->next, i++) {
		struct uses u;
		uses_init(E, &u);
		walk(&u, p->cond);
		walk(&u, p->body);
		for (int j = 0; j < E->nfuncs; j++)
			if (u.calls[j])
				merge(E, &u, &fu[j]);
		ls[i].global = arena_alloc(E->arena, ((size_t)E->nglobals + 1) * sizeof(int));
		ls[i].write = arena_alloc(E->arena, ((size_t)E->nglobals + 1) * sizeof(bool));
		for (int g = 0; g < E->nglobals; g++) {
			if (u.mode[g] == USE_NONE)
				continue;
			ls[i].global[ls[i].n] = g;
			ls[i].write[ls[i].n] = u.mode[g] == USE_WRITE;
			ls[i].n++;
		}
	}
	return ls;
}
