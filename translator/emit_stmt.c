/* emit_stmt.c - pass 3: statements.
 *
 * Control flow is gotos to numbered labels placed after their jumps
 * (emit_util.c leaves unused ones out): loops get a break and a continue
 * label, try gets a catch label that becomes the error label of its body,
 * next goes to the handler's out label, return stores the value in the
 * frame and goes to the function's out label.
 *
 * MAXACTION: each run of straight-line statements in a block is charged
 * once, up front, with stp_act(c, &ac, n, loc) (loc: the run's first
 * statement); every loop iteration is charged one more.  The counter is
 * cumulative, so a catch handler of a MAXACTION error fails again at its
 * first statement: such an error cannot be swallowed by try.  It is the
 * body's C local ac, not c->actioncount: a store through c would make the
 * compiler reload every local of the frame after it (emit.c).
 */
#include "config.h"

#include "arena.h"
#include "emit_int.h"

/* The node whose token starts statement s, for its location. */
static const struct node *first_token(const struct node *s)
{
	const struct node *n = s;
	if (n->kind == ND_EXPR_STMT)
		n = n->u.expr.e;
	for (;;) {
		switch (n->kind) {
		case ND_BINARY: case ND_LOGICAL: case ND_COMPARE: case ND_REGEX: case ND_ASSIGN:
			n = n->u.bin.lhs;
			continue;
		case ND_TERNARY:
			n = n->u.cond.cond;
			continue;
		case ND_POST_INCDEC:
			n = n->u.expr.e;
			continue;
		case ND_INDEX:
			n = n->u.index.base;
			continue;
		default:
			return n;
		}
	}
}

static const char *stmt_loc(struct emit *E, const struct node *s)
{
	switch (s->kind) {
	case ND_EXPR_STMT: case ND_EMBEDDED_STMT:
		return emit_loc(E, first_token(s));
	default:
		return emit_loc_keyword(E, &s->pos);
	}
}

/* Statements that cost an action: everything but ; and { } (whose
 * contents are charged on their own). */
static bool costs_action(const struct node *s)
{
	return s->kind != ND_EMPTY && s->kind != ND_BLOCK;
}

/* Straight-line: no statements inside it. */
static bool straight(const struct node *s)
{
	switch (s->kind) {
	case ND_EXPR_STMT: case ND_EMPTY: case ND_DELETE: case ND_EMBEDDED_STMT:
		return true;
	default:
		return false;
	}
}

static void charge(struct emit *E, long n, const char *loc)
{
	if (n <= 0)
		return;
	E->body->label_used[E->body->err_label] = true;
	emit_line(E, "if (unlikely(stp_act(c, &ac, %ld, %s)))", n, loc);
	emit_line(E, "\tgoto %s;", emit_label_name(E, E->body->err_label));
}

/* The actions of a body of straight-line statements only, else -1. */
static long straight_cost(const struct node *body)
{
	const struct node *s = body->kind == ND_BLOCK ? body->u.block.stmts : body;
	long n = 0;
	for (; s; s = body->kind == ND_BLOCK ? s->next : NULL) {
		if (!straight(s))
			return -1;
		n += costs_action(s);
	}
	return n;
}

void emit_iteration_charge(struct emit *E, const struct node *body, const char *loc)
{
	long n = straight_cost(body);
	/* Upstream counts actions statement by statement, so a charge that
	 * covers the body names the body's first statement, as its would. */
	const struct node *s = body->kind == ND_BLOCK ? body->u.block.stmts : body;
	while (n > 0 && s && !costs_action(s))
		s = s->next;
	if (n > 0 && s)
		loc = stmt_loc(E, s);
	charge(E, 1 + (n > 0 ? n : 0), loc);
	E->body->precharged = n > 0;
}

void emit_block(struct emit *E, const struct node *blk)
{
	const struct node *s = blk->kind == ND_BLOCK ? blk->u.block.stmts : blk;
	bool list = blk->kind == ND_BLOCK;
	bool precharged = E->body->precharged;
	E->body->precharged = false;
	while (s) {
		/* a run: straight-line statements, then at most one other */
		long n = 0;
		const struct node *end = s, *first = NULL;
		for (;;) {
			if (costs_action(end)) {
				n++;
				if (!first)
					first = end;
			}
			if (!straight(end) || !list || !end->next)
				break;
			end = end->next;
		}
		if (first && !precharged)
			charge(E, n, stmt_loc(E, first));
		for (;;) {
			emit_stmt(E, s);
			if (s == end)
				break;
			s = s->next;
		}
		s = list ? end->next : NULL;
	}
}

/* The body of if/loops: a block is emitted in place, with its own charge. */
static void sub(struct emit *E, const struct node *s)
{
	E->body->indent++;
	emit_block(E, s);
	E->body->indent--;
}

static void if_stmt(struct emit *E, const struct node *n)
{
	int mark[TMP_KIND_COUNT];
	emit_tmp_mark(E, mark);
	const char *cond = emit_cond(E, n->u.cond.cond);
	emit_line(E, "if (%s) {", cond);
	emit_tmp_release(E, mark);
	sub(E, n->u.cond.then);
	if (n->u.cond.els) {
		emit_line(E, "} else {");
		sub(E, n->u.cond.els);
	}
	emit_line(E, "}");
}

/* for (init; cond; incr) body, and while (cond) body. */
static void for_stmt(struct emit *E, const struct node *n)
{
	int brk = emit_label_new(E), cont = emit_label_new(E);
	int mark[TMP_KIND_COUNT];
	emit_tmp_mark(E, mark);
	if (n->u.loop.init)
		emit_expr_void(E, n->u.loop.init);
	emit_tmp_release(E, mark);
	emit_line(E, "for (;;) {");
	E->body->indent++;
	emit_iteration_charge(E, n->u.loop.body, emit_loc_keyword(E, &n->pos));
	if (n->u.loop.cond) {
		const char *cond = emit_cond(E, n->u.loop.cond);
		emit_line(E, "if (!%s)", cond);
		E->body->label_used[brk] = true;
		emit_line(E, "\tgoto %s;", emit_label_name(E, brk));
		emit_tmp_release(E, mark);
	}
	struct emit_loop loop = { brk, cont, E->body->loop };
	E->body->loop = &loop;
	E->body->indent--;
	sub(E, n->u.loop.body);
	E->body->indent++;
	E->body->loop = loop.outer;
	emit_label_place(E, cont);
	if (n->u.loop.incr) {
		emit_expr_void(E, n->u.loop.incr);
		emit_tmp_release(E, mark);
	}
	E->body->indent--;
	emit_line(E, "}");
	emit_label_place(E, brk);
	/* a label must be followed by a statement, and one at the very end
	 * of a block needs the ';' that emit_label_place writes */
}

/* try { body } catch (msg) { handler } */
static void try_stmt(struct emit *E, const struct node *n)
{
	int catch = emit_label_new(E), after = emit_label_new(E);
	int saved = E->body->err_label;
	E->body->err_label = catch;
	emit_line(E, "{");
	sub(E, n->u.try_.body);
	E->body->err_label = saved;
	if (E->body->label_used[catch]) {
		emit_goto(E, after);
		emit_label_place(E, catch);
		E->body->label_used[saved] = true;
		emit_line(E, "if (unlikely(_stp_is_abort(c)))");
		emit_line(E, "\tgoto %s;", emit_label_name(E, saved));
		const struct node *var = n->u.try_.var;
		if (var)
			emit_line(E, "_stp_strlcpy(%s, c->last_error);", emit_var_ref(E, var));
		emit_line(E, "c->last_error = NULL;");
		emit_line(E, "c->last_loc = NULL;");
		sub(E, n->u.try_.handler);
	}
	emit_label_place(E, after);
	emit_line(E, "}");
}

static void return_stmt(struct emit *E, const struct node *n)
{
	const struct node *e = n->u.expr.e;
	const struct elab_func *f = E->body->fn;
	if (e && f && (f->ret == TYPE_LONG || f->ret == TYPE_STRING)) {
		struct val v = emit_expr(E, e);
		if (e->type == TYPE_STRING)
			emit_line(E, "_stp_strlcpy(l->__retvalue, %s);", v.c);
		else
			emit_line(E, "l->__retvalue = %s;", v.c);
	} else if (e) {
		emit_expr_void(E, e);
	}
	emit_goto(E, 0);
}

static void jump(struct emit *E, const struct node *n, bool brk)
{
	if (!E->body->loop) {
		emit_unsupported(E, n, "break/continue outside a loop");
		return;
	}
	emit_goto(E, brk ? E->body->loop->brk : E->body->loop->cont);
}

void emit_stmt(struct emit *E, const struct node *n)
{
	int mark[TMP_KIND_COUNT];
	emit_tmp_mark(E, mark);
	switch (n->kind) {
	case ND_BLOCK:
		emit_line(E, "{");
		sub(E, n);
		emit_line(E, "}");
		break;
	case ND_EXPR_STMT: emit_expr_void(E, n->u.expr.e); break;
	case ND_EMPTY: break;
	case ND_IF: if_stmt(E, n); break;
	case ND_FOR: for_stmt(E, n); break;
	case ND_FOREACH: emit_foreach(E, n); break;
	case ND_BREAK: jump(E, n, true); break;
	case ND_CONTINUE: jump(E, n, false); break;
	case ND_NEXT: emit_goto(E, 0); break;
	case ND_RETURN: return_stmt(E, n); break;
	case ND_DELETE: emit_delete(E, n); break;
	case ND_TRY: try_stmt(E, n); break;
	case ND_EMBEDDED_STMT:
		emit_line(E, "{");
		emit_raw(E, n->u.str.s, n->u.str.len);
		emit_raw(E, "\n", 1);
		emit_line(E, "}");
		break;
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_TARGET:
	case ND_CAST: case ND_ATVAR: case ND_AUTOCAST: case ND_ENTRY: case ND_DEFINED:
	case ND_PROBEWRITE: case ND_PERF: case ND_CONST: case ND_REGISTER: case ND_DEREF:
	case ND_UNARY: case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_BINARY: case ND_LOGICAL:
	case ND_COMPARE: case ND_REGEX: case ND_TERNARY: case ND_ASSIGN: case ND_IN:
	case ND_INDEX: case ND_WILDCARD: case ND_CALL: case ND_PRINT: case ND_STAT_OP:
	case ND_HIST_OP: case ND_KIND_COUNT:
		emit_expr_void(E, n);
		break;
	}
	emit_tmp_release(E, mark);
}
