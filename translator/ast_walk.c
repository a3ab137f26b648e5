/* ast_walk.c - generic walks over statement and expression trees
 * (ast.h): the child slots of a node, and deep copies.
 *
 * Contract: ast_each_child visits every child slot of one node (not
 * n->next) in source order, so a caller may replace a child in place.
 * A copy shares nothing mutable with the original: every node, target
 * component and list is new; strings and names (immutable) are shared.
 * Pass-2 annotations (sym, type, call.func) are copied as they are.
 * Recursion follows the tree's depth, which pass 1 bounds.
 */
#include "config.h"

#include "ast.h"

#include <string.h>

#include "arena.h"

static struct target_comp *clone_comps(struct arena *a, const struct target_comp *c)
{
	struct target_comp *head = NULL, **tail = &head;
	for (; c; c = c->next) {
		struct target_comp *k = arena_alloc(a, sizeof(*k));
		*k = *c;
		k->index = ast_clone(a, c->index);
		k->next = NULL;
		*tail = k;
		tail = &k->next;
	}
	return head;
}

/* Copy the children of n (already shallow-copied into k). */
static void clone_children(struct arena *a, struct node *k, const struct node *n)
{
	switch (n->kind) {
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_PERF:
	case ND_CONST: case ND_REGISTER: case ND_WILDCARD: case ND_EMPTY: case ND_BREAK:
	case ND_CONTINUE: case ND_NEXT: case ND_EMBEDDED_STMT:
		break;
	case ND_TARGET: case ND_CAST: case ND_ATVAR: case ND_AUTOCAST:
		k->u.tgt.base = ast_clone(a, n->u.tgt.base);
		k->u.tgt.comps = clone_comps(a, n->u.tgt.comps);
		break;
	case ND_ENTRY: case ND_DEFINED: case ND_PROBEWRITE: case ND_UNARY:
	case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_EXPR_STMT: case ND_RETURN:
	case ND_DELETE:
		k->u.expr.e = ast_clone(a, n->u.expr.e);
		break;
	case ND_DEREF:
		k->u.deref.e = ast_clone(a, n->u.deref.e);
		break;
	case ND_BINARY: case ND_LOGICAL: case ND_COMPARE: case ND_REGEX: case ND_ASSIGN:
		k->u.bin.lhs = ast_clone(a, n->u.bin.lhs);
		k->u.bin.rhs = ast_clone(a, n->u.bin.rhs);
		break;
	case ND_TERNARY: case ND_IF:
		k->u.cond.cond = ast_clone(a, n->u.cond.cond);
		k->u.cond.then = ast_clone(a, n->u.cond.then);
		k->u.cond.els = ast_clone(a, n->u.cond.els);
		break;
	case ND_IN: case ND_INDEX:
		k->u.index.base = ast_clone(a, n->u.index.base);
		k->u.index.keys = ast_clone_list(a, n->u.index.keys);
		break;
	case ND_CALL: case ND_PRINT:
		k->u.call.args = ast_clone_list(a, n->u.call.args);
		break;
	case ND_STAT_OP: case ND_HIST_OP:
		k->u.stat.operand = ast_clone(a, n->u.stat.operand);
		k->u.stat.params = ast_clone_list(a, n->u.stat.params);
		break;
	case ND_BLOCK:
		k->u.block.stmts = ast_clone_list(a, n->u.block.stmts);
		break;
	case ND_FOR:
		k->u.loop.init = ast_clone(a, n->u.loop.init);
		k->u.loop.cond = ast_clone(a, n->u.loop.cond);
		k->u.loop.incr = ast_clone(a, n->u.loop.incr);
		k->u.loop.body = ast_clone(a, n->u.loop.body);
		break;
	case ND_FOREACH:
		k->u.fe.value = ast_clone(a, n->u.fe.value);
		k->u.fe.keys = ast_clone_list(a, n->u.fe.keys);
		k->u.fe.array = ast_clone(a, n->u.fe.array);
		k->u.fe.slice = ast_clone_list(a, n->u.fe.slice);
		k->u.fe.limit = ast_clone(a, n->u.fe.limit);
		k->u.fe.body = ast_clone(a, n->u.fe.body);
		break;
	case ND_TRY:
		k->u.try_.body = ast_clone(a, n->u.try_.body);
		k->u.try_.var = ast_clone(a, n->u.try_.var);
		k->u.try_.handler = ast_clone(a, n->u.try_.handler);
		break;
	case ND_KIND_COUNT:
		break;
	}
}

struct node *ast_clone(struct arena *a, const struct node *n)
{
	if (!n)
		return NULL;
	struct node *k = arena_alloc(a, n->size);
	memcpy(k, n, n->size);
	k->next = NULL;
	clone_children(a, k, n);
	return k;
}

struct node *ast_clone_list(struct arena *a, const struct node *n)
{
	struct node *head = NULL, **tail = &head;
	for (; n; n = n->next) {
		*tail = ast_clone(a, n);
		tail = &(*tail)->next;
	}
	return head;
}

static void each_in_list(struct node **slot, void (*fn)(struct node **, void *), void *ctx)
{
	for (; *slot; slot = &(*slot)->next)
		fn(slot, ctx);
}

static void each_one(struct node **slot, void (*fn)(struct node **, void *), void *ctx)
{
	if (*slot)
		fn(slot, ctx);
}

static void each_target(struct node *n, void (*fn)(struct node **, void *), void *ctx)
{
	each_one(&n->u.tgt.base, fn, ctx);
	for (struct target_comp *c = n->u.tgt.comps; c; c = c->next)
		each_one(&c->index, fn, ctx);
}

void ast_each_child(struct node *n, void (*fn)(struct node **slot, void *ctx), void *ctx)
{
	switch (n->kind) {
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_PERF:
	case ND_CONST: case ND_REGISTER: case ND_WILDCARD: case ND_EMPTY: case ND_BREAK:
	case ND_CONTINUE: case ND_NEXT: case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		return;
	case ND_TARGET: case ND_CAST: case ND_ATVAR: case ND_AUTOCAST:
		each_target(n, fn, ctx);
		return;
	case ND_ENTRY: case ND_DEFINED: case ND_PROBEWRITE: case ND_UNARY:
	case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_EXPR_STMT: case ND_RETURN:
	case ND_DELETE:
		each_one(&n->u.expr.e, fn, ctx);
		return;
	case ND_DEREF:
		each_one(&n->u.deref.e, fn, ctx);
		return;
	case ND_BINARY: case ND_LOGICAL: case ND_COMPARE: case ND_REGEX: case ND_ASSIGN:
		each_one(&n->u.bin.lhs, fn, ctx);
		each_one(&n->u.bin.rhs, fn, ctx);
		return;
	case ND_TERNARY: case ND_IF:
		each_one(&n->u.cond.cond, fn, ctx);
		each_one(&n->u.cond.then, fn, ctx);
		each_one(&n->u.cond.els, fn, ctx);
		return;
	case ND_IN: case ND_INDEX:
		each_one(&n->u.index.base, fn, ctx);
		each_in_list(&n->u.index.keys, fn, ctx);
		return;
	case ND_CALL: case ND_PRINT: each_in_list(&n->u.call.args, fn, ctx); return;
	case ND_STAT_OP: case ND_HIST_OP:
		each_one(&n->u.stat.operand, fn, ctx);
		each_in_list(&n->u.stat.params, fn, ctx);
		return;
	case ND_BLOCK: each_in_list(&n->u.block.stmts, fn, ctx); return;
	case ND_FOR:
		each_one(&n->u.loop.init, fn, ctx);
		each_one(&n->u.loop.cond, fn, ctx);
		each_one(&n->u.loop.incr, fn, ctx);
		each_one(&n->u.loop.body, fn, ctx);
		return;
	case ND_FOREACH:
		each_one(&n->u.fe.value, fn, ctx);
		each_in_list(&n->u.fe.keys, fn, ctx);
		each_one(&n->u.fe.array, fn, ctx);
		each_in_list(&n->u.fe.slice, fn, ctx);
		each_one(&n->u.fe.limit, fn, ctx);
		each_one(&n->u.fe.body, fn, ctx);
		return;
	case ND_TRY:
		each_one(&n->u.try_.body, fn, ctx);
		each_one(&n->u.try_.var, fn, ctx);
		each_one(&n->u.try_.handler, fn, ctx);
		return;
	}
}
