/* optimize.c - the pass-2 optimizer (skipped with -u) and the final
 * count of what is used.
 *
 * Input: typed probes and functions.  Repeated until nothing changes:
 *   - fold constants: integer arithmetic (64-bit wrap; never a division
 *     by zero or an undefined shift), string concatenation, comparisons,
 *     ! && || ?: with literal operands; if/while with a literal condition;
 *   - assignments to a local never read are elided (D_WARN_NEVER_READ,
 *     "Eliding assignment to 'x'"), keeping a right-hand side that has
 *     side effects;
 *   - expression statements without side effects are elided
 *     (D_WARN_ELIDED);
 *   - empty statements, blocks, ifs, foreachs and trys are dropped;
 *   - a probe left with an empty body is elided (D_WARN_ELIDED).
 * Never removed: calls of functions with side effects, writes to globals,
 * printing, delete, embedded C, loops (they may not terminate).
 * Then elab_recount: uses of every symbol, the functions reachable from
 * the probes left, the globals in use; unused locals are dropped.
 * Warnings are shown for the user's code only.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "elab_int.h"

/* ---- counting uses ---- */

enum { USE_READ = 1, USE_WRITE = 2 };

struct counter {
	struct elab *e;
	bool self_reads;     /* x += 1 and x++ read x (false: only write it) */
	bool reach;          /* mark called functions reachable, queue them */
	struct elab_func **queue;
	int nqueue, qcap;
};

static void count(struct counter *c, struct node *n, int use);

static void count_child(struct node **slot, void *ctx)
{
	count(ctx, *slot, USE_READ);
}

static void count_sym(struct symbol *s, int use)
{
	if (!s)
		return;
	if (use & USE_READ)
		s->reads++;
	if (use & USE_WRITE)
		s->writes++;
}

/* The target of an assignment, ++/--, delete.  rmw: it reads the old
 * value only to update it, which counts as a read in self_reads mode or
 * when the expression's value is used (if (++n > 3)). */
static void count_lvalue(struct counter *c, struct node *lhs, bool rmw, int use_of_value)
{
	int use = USE_WRITE |
		  (rmw && (c->self_reads || (use_of_value & USE_READ)) ? USE_READ : 0);
	if (lhs->kind == ND_VAR) {
		count_sym(lhs->sym, use);
	} else if (lhs->kind == ND_INDEX && lhs->u.index.base->kind == ND_VAR) {
		count_sym(lhs->u.index.base->sym, use);
		for (struct node *k = lhs->u.index.keys; k; k = k->next)
			count(c, k, USE_READ);
	} else {
		count(c, lhs, USE_READ);
	}
}

static void count_call(struct counter *c, struct node *n)
{
	struct elab_func *f = n->u.call.func ? n->u.call.func->elab : NULL;
	if (c->reach && f && !f->reachable) {
		f->reachable = true;
		elab_push(c->e, (void ***)&c->queue, &c->nqueue, &c->qcap, f);
	}
	ast_each_child(n, count_child, c);
}

static void count_foreach(struct counter *c, struct node *n)
{
	count(c, n->u.fe.array, USE_READ);
	for (struct node *k = n->u.fe.keys; k; k = k->next)
		count_sym(k->sym, USE_WRITE);
	if (n->u.fe.value)
		count_sym(n->u.fe.value->sym, USE_WRITE);
	for (struct node *k = n->u.fe.slice; k; k = k->next)
		count(c, k, USE_READ);
	if (n->u.fe.limit)
		count(c, n->u.fe.limit, USE_READ);
	count(c, n->u.fe.body, USE_READ);
}

static void count(struct counter *c, struct node *n, int use)
{
	if (!n)
		return;
	switch (n->kind) {
	case ND_VAR: count_sym(n->sym, use); return;
	case ND_ASSIGN:
		count(c, n->u.bin.rhs, USE_READ);
		count_lvalue(c, n->u.bin.lhs, n->op != OP_ASSIGN && n->op != OP_AGGREGATE, use);
		return;
	case ND_PRE_INCDEC: case ND_POST_INCDEC:
		count_lvalue(c, n->u.expr.e, true, use);
		return;
	case ND_DELETE:  /* reads too: a deleted global is not displayed */
		count_lvalue(c, n->u.expr.e, true, USE_READ);
		return;
	case ND_EXPR_STMT: count(c, n->u.expr.e, 0); return;
	case ND_FOR:
		count(c, n->u.loop.init, 0);
		count(c, n->u.loop.cond, USE_READ);
		count(c, n->u.loop.incr, 0);
		count(c, n->u.loop.body, USE_READ);
		return;
	case ND_FOREACH: count_foreach(c, n); return;
	case ND_TRY:
		count(c, n->u.try_.body, USE_READ);
		if (n->u.try_.var)
			count_sym(n->u.try_.var->sym, USE_WRITE);
		count(c, n->u.try_.handler, USE_READ);
		return;
	case ND_CALL: count_call(c, n); return;
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_TARGET: case ND_CAST:
	case ND_ATVAR: case ND_AUTOCAST: case ND_ENTRY: case ND_DEFINED: case ND_PROBEWRITE:
	case ND_PERF: case ND_CONST: case ND_REGISTER: case ND_DEREF: case ND_UNARY:
	case ND_BINARY: case ND_LOGICAL: case ND_COMPARE: case ND_REGEX: case ND_TERNARY: case ND_IN:
	case ND_INDEX: case ND_WILDCARD: case ND_PRINT: case ND_STAT_OP: case ND_HIST_OP:
	case ND_BLOCK: case ND_EMPTY: case ND_IF:
	case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_RETURN:
	case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		ast_each_child(n, count_child, c);
		return;
	}
}

static void zero_syms(struct symbol *s)
{
	for (; s; s = s->next)
		s->reads = s->writes = 0;
}

/* Count every use from the probes left, reaching functions as called. */
void elab_count(struct elab *e, bool self_reads)
{
	struct counter c = { .e = e, .self_reads = self_reads, .reach = true };
	for (struct elab_func *f = e->funcs_head; f; f = f->next) {
		f->reachable = false;
		zero_syms(f->params);
		zero_syms(f->locals);
	}
	zero_syms(e->globals_head);
	for (struct elab_probe *p = e->probes; p; p = p->next) {
		zero_syms(p->locals);
		count(&c, p->cond, USE_READ);
		count(&c, p->body, USE_READ);
	}
	while (c.nqueue > 0) {
		struct elab_func *f = c.queue[--c.nqueue];
		for (struct symbol *s = f->params; s; s = s->next)
			s->writes++;  /* the caller's argument */
		count(&c, f->fn->body, USE_READ);
	}
}

/* Keep only the symbols still used; renumber them. */
static struct symbol *prune(struct symbol *s, int *n)
{
	struct symbol *head = NULL, **tail = &head;
	*n = 0;
	for (; s; s = s->next) {
		if (s->reads + s->writes == 0)
			continue;
		s->index = (*n)++;
		*tail = s;
		tail = &s->next;
	}
	*tail = NULL;
	return head;
}

void elab_recount(struct elab *e)
{
	elab_count(e, true);
	for (struct elab_probe *p = e->probes; p; p = p->next)
		p->locals = prune(p->locals, &p->nlocals);
	for (struct elab_func *f = e->funcs_head; f; f = f->next)
		if (f->reachable)
			f->locals = prune(f->locals, &f->nlocals);
	for (struct symbol *g = e->globals_head; g; g = g->next)
		g->used = g->reads + g->writes > 0 || g->autoprint;
}

/* ---- folding ---- */

struct opt {
	struct elab *e;
	bool changed;
};

static void replace(struct opt *o, struct node **slot, struct node *with)
{
	with->next = (*slot)->next;
	*slot = with;
	o->changed = true;
}

static struct node *num(struct opt *o, const struct node *at, int64_t v)
{
	struct node *n = ast_node_new(o->e->arena, ND_NUM, &at->pos);
	n->u.num = v;
	n->type = TYPE_LONG;
	return n;
}

static bool is_num(const struct node *n)
{
	return n && n->kind == ND_NUM;
}

static bool is_str(const struct node *n)
{
	return n && n->kind == ND_STR;
}

/* a OP b on 64-bit integers; false where the run time must decide. */
static bool arith(int op, int64_t a, int64_t b, int64_t *r)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
	switch (op) {
	case OP_PLUS: *r = (int64_t)(ua + ub); return true;
	case OP_MINUS: *r = (int64_t)(ua - ub); return true;
	case OP_STAR: *r = (int64_t)(ua * ub); return true;
	case OP_SLASH: case OP_PERCENT:
		if (b == 0 || (a == INT64_MIN && b == -1))
			return false;
		*r = op == OP_SLASH ? a / b : a % b;
		return true;
	case OP_SHL: case OP_SHR:
		if (b < 0 || b > 63)
			return false;
		*r = op == OP_SHL ? (int64_t)(ua << b) : a >> b;
		return true;
	case OP_AMP: *r = a & b; return true;
	case OP_PIPE: *r = a | b; return true;
	case OP_CARET: *r = a ^ b; return true;
	}
	return false;
}

static bool compare(int op, int c, int64_t *r)
{
	switch (op) {
	case OP_LT: *r = c < 0; return true;
	case OP_GT: *r = c > 0; return true;
	case OP_LE: *r = c <= 0; return true;
	case OP_GE: *r = c >= 0; return true;
	case OP_EQ: *r = c == 0; return true;
	case OP_NE: *r = c != 0; return true;
	}
	return false;
}

static void fold_binary(struct opt *o, struct node **slot)
{
	struct node *n = *slot, *l = n->u.bin.lhs, *r = n->u.bin.rhs;
	int64_t v;
	if (n->op == OP_DOT && is_str(l) && is_str(r)) {
		struct node *s = ast_node_new(o->e->arena, ND_STR, &n->pos);
		char *buf = arena_alloc(o->e->arena, l->u.str.len + r->u.str.len + 1);
		memcpy(buf, l->u.str.s, l->u.str.len);
		memcpy(buf + l->u.str.len, r->u.str.s, r->u.str.len);
		s->u.str.s = buf;
		s->u.str.len = l->u.str.len + r->u.str.len;
		s->type = TYPE_STRING;
		replace(o, slot, s);
	} else if (is_num(l) && is_num(r) && arith(n->op, l->u.num, r->u.num, &v)) {
		replace(o, slot, num(o, n, v));
	}
}

static void fold_compare(struct opt *o, struct node **slot)
{
	struct node *n = *slot, *l = n->u.bin.lhs, *r = n->u.bin.rhs;
	int64_t v;
	int c;
	if (is_num(l) && is_num(r))
		c = l->u.num < r->u.num ? -1 : l->u.num > r->u.num;
	else if (is_str(l) && is_str(r))
		c = strcmp(l->u.str.s, r->u.str.s);
	else
		return;
	if (compare(n->op, c, &v))
		replace(o, slot, num(o, n, v));
}

static void fold_logical(struct opt *o, struct node **slot)
{
	struct node *n = *slot, *l = n->u.bin.lhs, *r = n->u.bin.rhs;
	if (!is_num(l))
		return;
	bool and = n->op == OP_ANDAND;
	if (and && l->u.num == 0)
		replace(o, slot, num(o, n, 0));
	else if (!and && l->u.num != 0)
		replace(o, slot, num(o, n, 1));
	else if (is_num(r))
		replace(o, slot, num(o, n, r->u.num != 0));
}

static void fold_unary(struct opt *o, struct node **slot)
{
	struct node *n = *slot, *x = n->u.expr.e;
	if (!is_num(x))
		return;
	uint64_t v = (uint64_t)x->u.num;
	switch (n->op) {
	case OP_MINUS: replace(o, slot, num(o, n, (int64_t)(0 - v))); return;
	case OP_PLUS: replace(o, slot, num(o, n, x->u.num)); return;
	case OP_NOT: replace(o, slot, num(o, n, x->u.num == 0)); return;
	case OP_TILDE: replace(o, slot, num(o, n, (int64_t)~v)); return;
	}
}

/* ---- statements ---- */

static struct node *empty(struct opt *o, const struct node *at)
{
	return ast_node_new(o->e->arena, ND_EMPTY, &at->pos);
}

static bool is_empty(const struct node *n)
{
	if (!n || n->kind == ND_EMPTY)
		return true;
	if (n->kind != ND_BLOCK)
		return false;
	for (const struct node *s = n->u.block.stmts; s; s = s->next)
		if (!is_empty(s))
			return false;
	return true;
}

/* An expression statement: elide a dead store or a value nobody uses. */
static void opt_expr_stmt(struct opt *o, struct node **slot)
{
	struct node *n = *slot, *x = n->u.expr.e;
	const struct node *target = NULL, *rhs = NULL;
	if (x->kind == ND_ASSIGN && x->op != OP_AGGREGATE) {
		target = x->u.bin.lhs;
		rhs = x->u.bin.rhs;
	} else if (x->kind == ND_PRE_INCDEC || x->kind == ND_POST_INCDEC) {
		target = x->u.expr.e;
	}
	if (target && target->kind == ND_VAR && target->sym && target->sym->kind != SYM_GLOBAL &&
	    target->sym->reads == 0) {
		elab_warn(o->e, D_WARN_NEVER_READ, &target->pos, "Eliding assignment to '%s'",
			  target->sym->name);
		if (rhs && elab_has_side_effects(rhs)) {
			struct node *k = ast_node_new(o->e->arena, ND_EXPR_STMT, &n->pos);
			k->u.expr.e = (struct node *)rhs;
			replace(o, slot, k);
		} else {
			replace(o, slot, empty(o, n));
		}
		return;
	}
	if (!elab_has_side_effects(x)) {
		elab_warn(o->e, D_WARN_ELIDED, &x->pos, "Eliding side-effect-free expression");
		replace(o, slot, empty(o, n));
	}
}

static void opt_if(struct opt *o, struct node **slot)
{
	struct node *n = *slot, *c = n->u.cond.cond;
	if (is_num(c)) {
		struct node *pick = c->u.num ? n->u.cond.then : n->u.cond.els;
		replace(o, slot, pick ? pick : empty(o, n));
	} else if (is_empty(n->u.cond.then) && is_empty(n->u.cond.els)) {
		if (elab_has_side_effects(c)) {
			struct node *k = ast_node_new(o->e->arena, ND_EXPR_STMT, &n->pos);
			k->u.expr.e = c;
			replace(o, slot, k);
		} else {
			replace(o, slot, empty(o, n));
		}
	}
}

static void opt_block(struct opt *o, struct node *n)
{
	for (struct node **s = &n->u.block.stmts; *s;) {
		if (is_empty(*s)) {
			*s = (*s)->next;
			o->changed = true;
		} else {
			s = &(*s)->next;
		}
	}
}

/* The key or value variables of a foreach are read somewhere (then the
 * loop's last assignment to them matters). */
static bool foreach_vars_read(const struct node *n)
{
	for (const struct node *k = n->u.fe.keys; k; k = k->next)
		if (!k->sym || k->sym->kind == SYM_GLOBAL || k->sym->reads > 0)
			return true;
	const struct node *v = n->u.fe.value;
	return v && (!v->sym || v->sym->kind == SYM_GLOBAL || v->sym->reads > 0);
}

static bool assigns(const struct node *x)
{
	return (x->kind == ND_ASSIGN && x->op != OP_AGGREGATE) || x->kind == ND_PRE_INCDEC ||
	       x->kind == ND_POST_INCDEC;
}

/* x = v used as a value, x a local never read: the value is v. */
static void opt_inner_assign(struct opt *o, struct node **slot)
{
	struct node *n = *slot, *lhs = n->u.bin.lhs;
	if (n->op != OP_ASSIGN || lhs->kind != ND_VAR || !lhs->sym ||
	    lhs->sym->kind == SYM_GLOBAL || lhs->sym->reads > 0)
		return;
	elab_warn(o->e, D_WARN_NEVER_READ, &lhs->pos, "Eliding assignment to '%s'",
		  lhs->sym->name);
	replace(o, slot, n->u.bin.rhs);
}

static void opt_visit(struct node **slot, void *ctx)
{
	struct opt *o = ctx;
	struct node *n = *slot;
	if (n->kind == ND_EXPR_STMT && assigns(n->u.expr.e)) {
		/* the statement's own assignment is judged as a statement */
		ast_each_child(n->u.expr.e, opt_visit, ctx);
		opt_expr_stmt(o, slot);
		return;
	}
	ast_each_child(n, opt_visit, ctx);
	n = *slot;
	switch (n->kind) {
	case ND_UNARY: fold_unary(o, slot); return;
	case ND_BINARY: fold_binary(o, slot); return;
	case ND_COMPARE: fold_compare(o, slot); return;
	case ND_LOGICAL: fold_logical(o, slot); return;
	case ND_TERNARY:
		if (is_num(n->u.cond.cond))
			replace(o, slot, n->u.cond.cond->u.num ? n->u.cond.then : n->u.cond.els);
		return;
	case ND_EXPR_STMT: opt_expr_stmt(o, slot); return;
	case ND_IF: opt_if(o, slot); return;
	case ND_BLOCK: opt_block(o, n); return;
	case ND_FOR:
		if (is_num(n->u.loop.cond) && n->u.loop.cond->u.num == 0) {
			struct node *k = ast_node_new(o->e->arena, ND_EXPR_STMT, &n->pos);
			k->u.expr.e = n->u.loop.init;
			replace(o, slot, n->u.loop.init ? k : empty(o, n));
		}
		return;
	case ND_FOREACH:
		if (is_empty(n->u.fe.body) && !elab_has_side_effects(n->u.fe.limit) &&
		    !foreach_vars_read(n))
			replace(o, slot, empty(o, n));
		return;
	case ND_TRY:
		if (is_empty(n->u.try_.body))
			replace(o, slot, empty(o, n));
		return;
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_TARGET:
	case ND_CAST: case ND_ATVAR: case ND_AUTOCAST: case ND_ENTRY: case ND_DEFINED:
	case ND_PROBEWRITE: case ND_PERF: case ND_CONST: case ND_REGISTER: case ND_DEREF:
	case ND_ASSIGN: opt_inner_assign(o, slot); return;
	case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_REGEX: case ND_IN:
	case ND_INDEX: case ND_WILDCARD: case ND_CALL: case ND_PRINT: case ND_STAT_OP:
	case ND_HIST_OP: case ND_EMPTY: case ND_BREAK: case ND_CONTINUE: case ND_NEXT:
	case ND_RETURN: case ND_DELETE: case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		return;
	}
}

/* Drop the probes with nothing left to do. */
static void elide_probes(struct opt *o)
{
	struct elab *e = o->e;
	struct elab_probe **pp = &e->probes;
	e->probes_tail = &e->probes;
	while (*pp) {
		struct elab_probe *p = *pp;
		if (!is_empty(p->body) || p->synthetic) {
			pp = &p->next;
			e->probes_tail = pp;
			continue;
		}
		const struct srcpos *pos = &p->origin->pos;
		elab_warn(e, D_WARN_ELIDED, pos, "probe '%s' has been elided: it does nothing",
			  p->user_point->comps->name);
		*pp = p->next;
		e->nprobes--;
		o->changed = true;
	}
}

void elab_optimize(struct elab *e)
{
	struct opt o = { .e = e };
	for (int round = 0; round < 50; round++) {
		o.changed = false;
		elab_count(e, false);
		for (struct elab_probe *p = e->probes; p; p = p->next) {
			if (p->cond)
				opt_visit(&p->cond, &o);
			opt_visit(&p->body, &o);
		}
		for (struct elab_func *f = e->funcs_head; f; f = f->next)
			if (f->reachable && f->fn->body)
				opt_visit(&f->fn->body, &o);
		elide_probes(&o);
		if (!o.changed)
			break;
	}
}
