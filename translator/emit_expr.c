/* emit_expr.c - pass 3: expressions.
 *
 * Each expression becomes C statements in the body plus one C expression
 * (struct val) with no side effects (emit_int.h).  Semantics kept here:
 * 64-bit wrapping arithmetic (the kernel builds with -fno-strict-overflow),
 * "division by 0" as a script error, INT64_MIN / -1 and % -1 without a
 * trap (stp_div/stp_mod), shift counts taken mod 64, left-to-right
 * evaluation, && || ?: evaluating only what they must, function calls
 * through frames with MAXNESTING.
 */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit_int.h"

static struct val val_of(const char *c)
{
	return (struct val){ .c = c };
}

static struct val stable(const char *c)
{
	return (struct val){ .c = c, .constant = true };
}

static struct val fresh(const char *c)
{
	return (struct val){ .c = c, .fresh = true };
}

struct val emit_materialize(struct emit *E, struct val v, enum stap_type t)
{
	if (v.fresh || v.constant)
		return v;
	if (t == TYPE_STRING) {
		const char *tmp = emit_tmp(E, TMP_STR);
		emit_line(E, "_stp_strlcpy(%s, %s);", tmp, v.c);
		return fresh(tmp);
	}
	const char *tmp = emit_tmp(E, TMP_LONG);
	emit_line(E, "%s = %s;", tmp, v.c);
	return stable(tmp);
}

static void effects_cb(struct node **slot, void *ctx)
{
	bool *any = ctx;
	if (!*any && emit_has_effects(*slot))
		*any = true;
}

bool emit_has_effects(const struct node *n)
{
	if (!n)
		return false;
	switch (n->kind) {
	case ND_ASSIGN: case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_CALL:
	case ND_REGEX: case ND_EMBEDDED_EXPR: case ND_EMBEDDED_STMT:
		return true;
	case ND_PRINT:
		if (!(n->op & PF_STRING))
			return true;
		break;
	case ND_ENTRY:  /* an entry half's save */
		if (n->u.expr.e && n->sym)
			return true;
		break;
	case ND_NUM: case ND_STR: case ND_VAR: case ND_TARGET: case ND_CAST: case ND_ATVAR:
	case ND_AUTOCAST: case ND_DEFINED: case ND_PROBEWRITE: case ND_PERF:
	case ND_CONST: case ND_REGISTER: case ND_DEREF: case ND_UNARY: case ND_BINARY:
	case ND_LOGICAL: case ND_COMPARE: case ND_TERNARY: case ND_IN: case ND_INDEX: case ND_WILDCARD:
	case ND_STAT_OP: case ND_HIST_OP: case ND_BLOCK: case ND_EXPR_STMT: case ND_EMPTY:
	case ND_IF: case ND_FOR: case ND_FOREACH: case ND_BREAK: case ND_CONTINUE:
	case ND_NEXT: case ND_RETURN: case ND_DELETE: case ND_TRY: case ND_KIND_COUNT:
		break;
	}
	bool any = false;
	ast_each_child((struct node *)n, effects_cb, &any);
	return any;
}

/* Evaluate nodes[0..n) left to right. */
static void operand_array(struct emit *E, const struct node *const *nodes, struct val *vals,
			  int n)
{
	for (int i = 0; i < n; i++) {
		if (emit_has_effects(nodes[i]))
			for (int j = 0; j < i; j++)
				vals[j] = emit_materialize(E, vals[j], nodes[j]->type);
		vals[i] = emit_expr(E, nodes[i]);
	}
}

void emit_operands(struct emit *E, const struct node *list, struct val *vals, int n)
{
	const struct node **nodes = arena_alloc(E->arena, (size_t)(n ? n : 1) * sizeof(*nodes));
	int i = 0;
	for (const struct node *a = list; a && i < n; a = a->next)
		nodes[i++] = a;
	operand_array(E, nodes, vals, i);
}

const char *emit_var_ref(struct emit *E, const struct node *var)
{
	const struct symbol *sym = var->sym;
	if (!sym) {
		emit_unsupported(E, var, "an unresolved variable");
		return "l->none";
	}
	if (sym->kind == SYM_GLOBAL) {
		const struct emit_global *g = emit_global_of(E, sym);
		return arena_printf(E->arena, "%s.v", g ? g->cname : "g_unknown");
	}
	if (emit_is_c_local(E, sym))
		return arena_printf(E->arena, "v_%s", emit_mangle(E->arena, sym->name));
	return arena_printf(E->arena, "l->v_%s", emit_mangle(E->arena, sym->name));
}

/* A long-typed division or modulo: a zero divisor is a script error. */
static struct val divide(struct emit *E, const struct node *n, struct val a, struct val b,
			 bool mod)
{
	const struct node *rhs = n->u.bin.rhs;
	if (rhs->kind == ND_NUM && rhs->u.num == -1)
		return val_of(arena_printf(E->arena, "%s(%s, %s)", mod ? "stp_mod" : "stp_div",
					   a.c, b.c));
	if (rhs->kind == ND_NUM && rhs->u.num != 0)
		return val_of(arena_printf(E->arena, "(%s %s %s)", a.c, mod ? "%" : "/", b.c));
	b = emit_materialize(E, b, TYPE_LONG);
	emit_line(E, "if (unlikely(%s == 0)) {", b.c);
	E->body->indent++;
	emit_raise(E, "\"division by 0\"", emit_loc(E, n));
	E->body->indent--;
	emit_line(E, "}");
	return val_of(arena_printf(E->arena, "%s(%s, %s)", mod ? "stp_mod" : "stp_div", a.c, b.c));
}

/* @entry (entry.c): in the entry half, the save of the value into this
 * call's storage; in the .return probe, the read of it. */
static struct val entry(struct emit *E, const struct node *n)
{
	const struct symbol *slot = n->sym;
	if (!slot || !slot->entry_offset) {
		emit_unsupported(E, n, "@entry outside a .return probe");
		return stable("0");
	}
	const char *at = arena_printf(E->arena, "(c->entry_saved + %s)", slot->entry_offset);
	if (!n->u.expr.e)
		return val_of(slot->type == TYPE_STRING
			? arena_printf(E->arena, "((const char *)%s)", at)
			: arena_printf(E->arena, "(*(const int64_t *)%s)", at));
	struct val v = emit_expr(E, n->u.expr.e);
	if (slot->type == TYPE_STRING)
		emit_line(E, "_stp_strlcpy((char *)%s, %s);", at, v.c);
	else
		emit_line(E, "*(int64_t *)%s = %s;", at, v.c);
	return stable("0");
}

static struct val binary(struct emit *E, const struct node *n)
{
	const struct node *nodes[2] = { n->u.bin.lhs, n->u.bin.rhs };
	struct val v[2];
	operand_array(E, nodes, v, 2);
	const char *op = NULL;
	switch (n->op) {
	case OP_DOT: {
		const char *dst = v[0].fresh ? v[0].c : emit_tmp(E, TMP_STR);
		emit_line(E, "_stp_concat(%s, %s, %s);", dst, v[0].c, v[1].c);
		return fresh(dst);
	}
	case OP_SLASH: return divide(E, n, v[0], v[1], false);
	case OP_PERCENT: return divide(E, n, v[0], v[1], true);
	case OP_SHL:
		return val_of(arena_printf(E->arena, "stp_shl(%s, %s)", v[0].c, v[1].c));
	case OP_SHR:
		return val_of(arena_printf(E->arena, "stp_shr(%s, %s)", v[0].c, v[1].c));
	case OP_PLUS: op = "+"; break;
	case OP_MINUS: op = "-"; break;
	case OP_STAR: op = "*"; break;
	case OP_AMP: op = "&"; break;
	case OP_PIPE: op = "|"; break;
	case OP_CARET: op = "^"; break;
	default:
		emit_unsupported(E, n, "this operator");
		return stable("0");
	}
	return val_of(arena_printf(E->arena, "(%s %s %s)", v[0].c, op, v[1].c));
}

static struct val compare(struct emit *E, const struct node *n)
{
	const struct node *nodes[2] = { n->u.bin.lhs, n->u.bin.rhs };
	struct val v[2];
	operand_array(E, nodes, v, 2);
	const char *op = tok_op_spelling((enum tok_op)n->op);
	if (n->u.bin.lhs->type == TYPE_STRING)
		return val_of(arena_printf(E->arena, "(_stp_strcmp(%s, %s) %s 0)", v[0].c, v[1].c,
					   op));
	return val_of(arena_printf(E->arena, "(%s %s %s)", v[0].c, op, v[1].c));
}

/* s =~ "re": the pattern is checked here, matched by the runtime. */
static struct val regex(struct emit *E, const struct node *n)
{
	const struct node *re = n->u.bin.rhs;
	regex_t rx;
	int rc = regcomp(&rx, re->u.str.s, REG_EXTENDED);
	if (rc != 0) {
		char msg[256];
		regerror(rc, &rx, msg, sizeof(msg));
		diag_error(D_SEM_BAD_ARGUMENT, &re->pos, "bad regular expression: %s", msg);
		E->errors++;
		return stable("0");
	}
	regfree(&rx);
	struct val s = emit_expr(E, n->u.bin.lhs);
	const char *t = emit_tmp(E, TMP_LONG);
	const char *loc = emit_loc(E, n);
	emit_line(E, "%s = _stp_regex_match(c, %s, %s, %s);", t, s.c,
		  emit_cstr(E->arena, re->u.str.s, re->u.str.len), loc);
	emit_check_error(E, loc);
	if (n->op == OP_NOMATCH)
		return val_of(arena_printf(E->arena, "(!%s)", t));
	return stable(t);
}

/* a && b, a || b: b's statements run only when needed. */
static struct val logical(struct emit *E, const struct node *n)
{
	bool and = n->op == OP_ANDAND;
	struct val a = emit_expr(E, n->u.bin.lhs);
	struct emit_capture cap;
	E->body->indent++;
	emit_capture_begin(E, &cap);
	struct val b = emit_expr(E, n->u.bin.rhs);
	emit_capture_end(E, &cap);
	E->body->indent--;
	struct val r;
	if (cap.len == 0) {
		r = val_of(arena_printf(E->arena, "(%s %s %s)", a.c, and ? "&&" : "||", b.c));
	} else {
		const char *t = emit_tmp(E, TMP_LONG);
		emit_line(E, "%s = %d;", t, and ? 0 : 1);
		emit_line(E, "if (%s%s) {", and ? "" : "!", a.c);
		emit_raw(E, cap.buf, cap.len);
		E->body->indent++;
		emit_line(E, "%s = (%s) != 0;", t, b.c);
		E->body->indent--;
		emit_line(E, "}");
		r = stable(t);
	}
	free(cap.buf);
	return r;
}

/* One arm of ?: into t (a long temp or a string temp). */
static void arm_into(struct emit *E, const char *t, enum stap_type type,
		     const struct emit_capture *cap, struct val v)
{
	emit_raw(E, cap->buf, cap->len);
	E->body->indent++;
	if (type == TYPE_STRING)
		emit_line(E, "_stp_strlcpy(%s, %s);", t, v.c);
	else
		emit_line(E, "%s = %s;", t, v.c);
	E->body->indent--;
}

static struct val ternary(struct emit *E, const struct node *n)
{
	const char *cond = emit_cond(E, n->u.cond.cond);
	struct emit_capture c1, c2;
	E->body->indent++;
	emit_capture_begin(E, &c1);
	struct val a = emit_expr(E, n->u.cond.then);
	emit_capture_end(E, &c1);
	emit_capture_begin(E, &c2);
	struct val b = emit_expr(E, n->u.cond.els);
	emit_capture_end(E, &c2);
	E->body->indent--;
	struct val r;
	if (c1.len == 0 && c2.len == 0) {
		r = val_of(arena_printf(E->arena, "(%s ? %s : %s)", cond, a.c, b.c));
	} else {
		bool str = n->type == TYPE_STRING;
		const char *t = emit_tmp(E, str ? TMP_STR : TMP_LONG);
		emit_line(E, "if (%s) {", cond);
		arm_into(E, t, n->type, &c1, a);
		emit_line(E, "} else {");
		arm_into(E, t, n->type, &c2, b);
		emit_line(E, "}");
		r = str ? fresh(t) : stable(t);
	}
	free(c1.buf);
	free(c2.buf);
	return r;
}

/* ref op= v for a long lvalue ref. */
static void store_long(struct emit *E, const struct node *n, const char *ref, struct val v)
{
	const char *op = NULL;
	switch (n->op) {
	case OP_ASSIGN: emit_line(E, "%s = %s;", ref, v.c); return;
	case OP_ADD_ASSIGN: op = "+="; break;
	case OP_SUB_ASSIGN: op = "-="; break;
	case OP_MUL_ASSIGN: op = "*="; break;
	case OP_AND_ASSIGN: op = "&="; break;
	case OP_OR_ASSIGN: op = "|="; break;
	case OP_XOR_ASSIGN: op = "^="; break;
	case OP_SHL_ASSIGN: emit_line(E, "%s = stp_shl(%s, %s);", ref, ref, v.c); return;
	case OP_SHR_ASSIGN: emit_line(E, "%s = stp_shr(%s, %s);", ref, ref, v.c); return;
	case OP_DIV_ASSIGN: case OP_MOD_ASSIGN: {
		bool mod = n->op == OP_MOD_ASSIGN;
		v = emit_materialize(E, v, TYPE_LONG);
		emit_line(E, "if (unlikely(%s == 0)) {", v.c);
		E->body->indent++;
		/* upstream names the divisor of a compound assignment */
		emit_raise(E, "\"division by 0\"", emit_loc(E, n->u.bin.rhs));
		E->body->indent--;
		emit_line(E, "}");
		emit_line(E, "%s = %s(%s, %s);", ref, mod ? "stp_mod" : "stp_div", ref, v.c);
		return;
	}
	default:
		emit_unsupported(E, n, "this assignment operator");
		return;
	}
	emit_line(E, "%s %s %s;", ref, op, v.c);
}

static void store_string(struct emit *E, const struct node *n, const char *ref, struct val v)
{
	if (n->op == OP_CAT_ASSIGN) {
		if (strcmp(v.c, ref) == 0)
			v = emit_materialize(E, v, TYPE_STRING);
		emit_line(E, "_stp_concat(%s, %s, %s);", ref, ref, v.c);
	} else if (strcmp(v.c, ref) != 0) {
		emit_line(E, "_stp_strlcpy(%s, %s);", ref, v.c);
	}
}

/* s = a . b straight into s when neither operand is s itself. */
static bool concat_into(struct emit *E, const struct node *rhs, const char *ref)
{
	if (rhs->kind != ND_BINARY || rhs->op != OP_DOT)
		return false;
	const struct node *nodes[2] = { rhs->u.bin.lhs, rhs->u.bin.rhs };
	struct val v[2];
	operand_array(E, nodes, v, 2);
	/* _stp_concat lets only its first operand be the destination */
	if (strcmp(v[0].c, ref) != 0 && strstr(v[0].c, ref))
		v[0] = emit_materialize(E, v[0], TYPE_STRING);
	if (strstr(v[1].c, ref))
		v[1] = emit_materialize(E, v[1], TYPE_STRING);
	emit_line(E, "_stp_concat(%s, %s, %s);", ref, v[0].c, v[1].c);
	return true;
}

static struct val assign(struct emit *E, const struct node *n)
{
	const struct node *lhs = n->u.bin.lhs, *rhs = n->u.bin.rhs;
	if (n->op == OP_AGGREGATE) {
		emit_stat_add(E, lhs, rhs);
		return stable("0");
	}
	enum stap_type t = lhs->type;
	const char *ref;
	if (lhs->kind == ND_VAR) {
		ref = emit_var_ref(E, lhs);
		if (t == TYPE_STRING && n->op == OP_ASSIGN && concat_into(E, rhs, ref))
			return val_of(ref);
		struct val v = emit_expr(E, rhs);
		if (t == TYPE_STRING)
			store_string(E, n, ref, v);
		else
			store_long(E, n, ref, v);
		return val_of(ref);
	}
	if (lhs->kind != ND_INDEX) {
		emit_unsupported(E, n, "assignment to this expression");
		return stable("0");
	}
	const char *kt = emit_keys(E, lhs->u.index.keys, lhs->u.index.nkeys, NULL,
				   emit_has_effects(rhs));
	struct val v = emit_expr(E, rhs);
	if (t == TYPE_STRING)
		v = emit_materialize(E, v, TYPE_STRING);  /* may read the entry being replaced */
	const char *e = emit_index_insert(E, lhs, kt);
	if (t == TYPE_STRING) {
		ref = arena_printf(E->arena, "_stp_entry_str(%s)", e);
		store_string(E, n, ref, v);
	} else {
		ref = arena_printf(E->arena, "(*_stp_entry_long(%s))", e);
		store_long(E, n, ref, v);
	}
	return val_of(ref);
}

/* ++x x++ --x x-- on a variable or an array element. */
static struct val incdec(struct emit *E, const struct node *n, bool used)
{
	const struct node *e = n->u.expr.e;
	const char *d = n->op == OP_INC ? "++" : "--";
	const char *ref;
	if (e->kind == ND_VAR) {
		ref = emit_var_ref(E, e);
	} else if (e->kind == ND_INDEX) {
		const char *kt = emit_keys(E, e->u.index.keys, e->u.index.nkeys, NULL, false);
		ref = arena_printf(E->arena, "(*_stp_entry_long(%s))",
				   emit_index_insert(E, e, kt));
	} else {
		emit_unsupported(E, n, "++/-- on this expression");
		return stable("0");
	}
	if (n->kind == ND_PRE_INCDEC || !used) {
		emit_line(E, "%s%s;", d, ref);
		return val_of(ref);
	}
	const char *t = emit_tmp(E, TMP_LONG);
	emit_line(E, "%s = %s%s;", t, ref, d);
	return stable(t);
}

static struct val unary(struct emit *E, const struct node *n)
{
	struct val v = emit_expr(E, n->u.expr.e);
	switch (n->op) {
	case OP_MINUS: return val_of(arena_printf(E->arena, "(-%s)", v.c));
	case OP_PLUS: return v;
	case OP_NOT: return val_of(arena_printf(E->arena, "(!%s)", v.c));
	case OP_TILDE: return val_of(arena_printf(E->arena, "(~%s)", v.c));
	default:
		emit_unsupported(E, n, "the address-of operator");
		return stable("0");
	}
}

/* @kderef(SIZE, addr) / @uderef: the unsigned SIZE-byte integer there; a
 * fault is an error at the operator. */
static struct val deref(struct emit *E, const struct node *n)
{
	struct val a = emit_expr(E, n->u.deref.e);
	const char *t = emit_tmp(E, TMP_LONG);
	E->body->label_used[E->body->err_label] = true;
	emit_line(E, "if (unlikely(_stp_deref(c, &%s, (unsigned long)%s, %d, %s, %s)))", t, a.c,
		  (int)n->u.deref.size, n->op == 'u' ? "true" : "false", emit_loc(E, n));
	emit_line(E, "\tgoto %s;", emit_label_name(E, E->body->err_label));
	return stable(t);
}

static struct val embedded_expr(struct emit *E, const struct node *n)
{
	const char *code = arena_strndup(E->arena, n->u.str.s, n->u.str.len);
	if (n->type == TYPE_STRING) {
		const char *t = emit_tmp(E, TMP_STR);
		emit_line(E, "_stp_strlcpy(%s, (%s));", t, code);
		return fresh(t);
	}
	const char *t = emit_tmp(E, TMP_LONG);
	emit_line(E, "%s = (int64_t)(%s);", t, code);
	return stable(t);
}

struct val emit_call(struct emit *E, const struct node *n)
{
	const struct stap_function *fn = n->u.call.func;
	const struct emit_func *ef = fn ? emit_func_of(E, fn->elab) : NULL;
	if (!ef) {
		emit_unsupported(E, n, "a call of an unresolved function");
		return stable("0");
	}
	const struct elab_func *f = ef->f;
	struct val *vals = arena_alloc(E->arena, (size_t)(n->u.call.nargs + 1) * sizeof(*vals));
	emit_operands(E, n->u.call.args, vals, n->u.call.nargs);
	emit_line(E, "if (unlikely(c->nesting >= MAXNESTING)) {");
	E->body->indent++;
	/* upstream blames the function being entered, at its name */
	emit_raise(E, "\"MAXNESTING exceeded\"", emit_loc_ident(E, f->fn->name, &f->fn->pos));
	E->body->indent--;
	emit_line(E, "}");
	const char *t = NULL;
	if (f->ret == TYPE_STRING || f->ret == TYPE_LONG)
		t = emit_tmp(E, f->ret == TYPE_STRING ? TMP_STR : TMP_LONG);
	emit_line(E, "{");
	E->body->indent++;
	if (f->params || t)
		emit_line(E, "struct frame_%s *nf = STP_NEXT_FRAME(c);", ef->cname);
	int i = 0;
	for (const struct symbol *p = f->params; p; p = p->next, i++) {
		const char *field = emit_mangle(E->arena, p->name);
		if (p->type == TYPE_STRING)
			emit_line(E, "_stp_strlcpy(nf->v_%s, %s);", field, vals[i].c);
		else
			emit_line(E, "nf->v_%s = %s;", field, vals[i].c);
	}
	/* a script function counts on from the caller's action count */
	bool script = !f->fn->embedded;
	if (script)
		emit_line(E, "c->actioncount = ac;");
	emit_line(E, "c->nesting++;");
	emit_line(E, "%s(c);", ef->cname);
	emit_line(E, "c->nesting--;");
	if (script)
		emit_line(E, "ac = c->actioncount;");
	/* an error inside carries its own location, or none (embedded C),
	 * as upstream reports it: the call site is not added */
	emit_check_error(E, NULL);
	if (t && f->ret == TYPE_STRING)
		emit_line(E, "_stp_strlcpy(%s, nf->__retvalue);", t);
	else if (t)
		emit_line(E, "%s = nf->__retvalue;", t);
	E->body->indent--;
	emit_line(E, "}");
	if (!t)
		return stable("0");
	return f->ret == TYPE_STRING ? fresh(t) : stable(t);
}

static struct val expr(struct emit *E, const struct node *n, bool used)
{
	switch (n->kind) {
	case ND_NUM: return stable(emit_num(E->arena, n->u.num));
	case ND_STR: return stable(emit_cstr(E->arena, n->u.str.s, n->u.str.len));
	case ND_EMBEDDED_EXPR: return embedded_expr(E, n);
	case ND_VAR: return val_of(emit_var_ref(E, n));
	case ND_UNARY: return unary(E, n);
	case ND_DEREF: return deref(E, n);
	case ND_PRE_INCDEC: case ND_POST_INCDEC: return incdec(E, n, used);
	case ND_BINARY: return binary(E, n);
	case ND_LOGICAL: return logical(E, n);
	case ND_COMPARE: return compare(E, n);
	case ND_REGEX: return regex(E, n);
	case ND_TERNARY: return ternary(E, n);
	case ND_ASSIGN: return assign(E, n);
	case ND_IN: return emit_in(E, n);
	case ND_INDEX:
		if (n->u.index.base->kind == ND_HIST_OP)
			return emit_hist_index(E, n);
		return emit_index_read(E, n);
	case ND_CALL: return emit_call(E, n);
	case ND_PRINT: return emit_print(E, n);
	case ND_STAT_OP: return emit_stat_op(E, n);
	case ND_TARGET: case ND_CAST: case ND_ATVAR:
		return emit_tvar(E, n);
	case ND_ENTRY: return entry(E, n);
	case ND_AUTOCAST:
	case ND_DEFINED: case ND_PROBEWRITE: case ND_PERF: case ND_CONST: case ND_REGISTER:
		emit_unsupported(E, n, "a target variable or @-operator");
		return stable("0");
	case ND_HIST_OP:
		emit_unsupported(E, n, "a histogram outside print or [ ]");
		return stable("0");
	case ND_WILDCARD:
		return stable("0");
	case ND_BLOCK: case ND_EXPR_STMT: case ND_EMPTY: case ND_IF: case ND_FOR:
	case ND_FOREACH: case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_RETURN:
	case ND_DELETE: case ND_TRY: case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		break;
	}
	emit_unsupported(E, n, "a statement in an expression");
	return stable("0");
}

struct val emit_expr(struct emit *E, const struct node *n)
{
	return expr(E, n, true);
}

void emit_expr_void(struct emit *E, const struct node *n)
{
	(void)expr(E, n, false);
}

const char *emit_cond(struct emit *E, const struct node *n)
{
	return emit_expr(E, n).c;
}
