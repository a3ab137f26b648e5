/* unparse.c - the canonical -p1 printer.
 *
 * Input: a struct program (or one expression / probe point).  Output:
 * source text that parses back to the same tree (see unparse.h for the
 * format).  The printer mirrors the parser's precedence table: a child is
 * parenthesized exactly when its level is below what its position needs,
 * so the text never changes meaning and a second -p1 run prints the same.
 *
 * Recursion follows the tree, whose depth the parser bounds.
 */
#include "config.h"

#include "unparse.h"

#include "pass2.h"

#include <stdint.h>
#include <string.h>

struct out {
	FILE *f;
	int indent;
	size_t n;                /* bytes waiting in buf */
	char buf[4096];
};

/* Precedence levels, as in parse_expr.c, plus unary/postfix/primary. */
enum level {
	LV_ASSIGN = 1, LV_TERNARY, LV_OR, LV_AND, LV_BITOR, LV_XOR, LV_BITAND, LV_IN,
	LV_CMP, LV_SHIFT, LV_CONCAT, LV_ADD, LV_MUL, LV_UNARY, LV_POSTFIX, LV_PRIMARY,
};

static void expr(struct out *o, const struct node *n, int min);
static void expr_body(struct out *o, const struct node *n);
static void stmt(struct out *o, const struct node *n);

/* Output is collected in the out's own buffer and written in blocks: -p1
 * on a large script writes megabytes of small pieces. */
static void flush(struct out *o)
{
	if (o->n)
		fwrite(o->buf, 1, o->n, o->f);
	o->n = 0;
}

static void put_n(struct out *o, const char *s, size_t len)
{
	if (o->n + len > sizeof(o->buf)) {
		flush(o);
		if (len > sizeof(o->buf)) {
			fwrite(s, 1, len, o->f);
			return;
		}
	}
	memcpy(o->buf + o->n, s, len);
	o->n += len;
}

static void put(struct out *o, const char *s)
{
	put_n(o, s, strlen(s));
}

static void put3(struct out *o, const char *a, const char *b, const char *c)
{
	put(o, a);
	put(o, b);
	put(o, c);
}

static void putch(struct out *o, char c)
{
	if (o->n == sizeof(o->buf))
		flush(o);
	o->buf[o->n++] = c;
}

static void put_u64(struct out *o, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, p);
}

static void put_i64(struct out *o, int64_t v)
{
	if (v < 0) {
		putch(o, '-');
		put_u64(o, 0 - (uint64_t)v);
	} else {
		put_u64(o, (uint64_t)v);
	}
}

static void indent(struct out *o)
{
	for (int i = 0; i < o->indent; i++)
		putch(o, '\t');
}

/* ---- literals ---- */

static void string_lit(struct out *o, const char *s, size_t len)
{
	static const char oct[] = "01234567";
	putch(o, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': put(o, "\\\""); break;
		case '\\': put(o, "\\\\"); break;
		case '\n': put(o, "\\n"); break;
		case '\t': put(o, "\\t"); break;
		case '\r': put(o, "\\r"); break;
		case '\a': put(o, "\\a"); break;
		case '\b': put(o, "\\b"); break;
		case '\v': put(o, "\\v"); break;
		case '\f': put(o, "\\f"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char esc[5] = { '\\', oct[c >> 6], oct[(c >> 3) & 7], oct[c & 7], 0 };
				put(o, esc);
			} else {
				putch(o, (char)c);
			}
			break;
		}
	}
	putch(o, '"');
}

/* A NUL-terminated string as a literal ("" for the NULL of a tree that
 * had errors). */
static void cstr_lit(struct out *o, const char *s)
{
	string_lit(o, s ? s : "", s ? strlen(s) : 0);
}

/* A literal where '-' is part of the syntax (probe point and global
 * initializer): signed decimal. */
static void signed_lit(struct out *o, const struct node *n)
{
	if (n->kind == ND_STR)
		string_lit(o, n->u.str.s, n->u.str.len);
	else
		put_i64(o, n->u.num);
}

static void embedded(struct out *o, const char *code, size_t len)
{
	put(o, "%{");
	put_n(o, code, len);
	put(o, "%}");
}

/* ---- expressions ---- */

static int binary_level(int op)
{
	switch (op) {
	case OP_OROR: return LV_OR;
	case OP_ANDAND: return LV_AND;
	case OP_PIPE: return LV_BITOR;
	case OP_CARET: return LV_XOR;
	case OP_AMP: return LV_BITAND;
	case OP_SHL: case OP_SHR: return LV_SHIFT;
	case OP_DOT: return LV_CONCAT;
	case OP_PLUS: case OP_MINUS: return LV_ADD;
	case OP_STAR: case OP_SLASH: case OP_PERCENT: return LV_MUL;
	default: return LV_CMP;
	}
}

static int level(const struct node *n)
{
	switch (n->kind) {
	case ND_ASSIGN: return LV_ASSIGN;
	case ND_TERNARY: return LV_TERNARY;
	case ND_LOGICAL: case ND_BINARY: return binary_level(n->op);
	case ND_COMPARE: case ND_REGEX: return LV_CMP;
	case ND_IN: return LV_IN;
	case ND_UNARY: case ND_PRE_INCDEC: return LV_UNARY;
	case ND_POST_INCDEC: return LV_POSTFIX;
	case ND_TARGET: case ND_CAST: case ND_ATVAR: case ND_AUTOCAST:
		return n->u.tgt.addr_of ? LV_UNARY : LV_PRIMARY;
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_ENTRY:
	case ND_DEFINED: case ND_PROBEWRITE: case ND_PERF: case ND_CONST: case ND_REGISTER: case ND_DEREF:
	case ND_INDEX: case ND_WILDCARD: case ND_CALL: case ND_PRINT: case ND_STAT_OP:
	case ND_HIST_OP:
		return LV_PRIMARY;
	case ND_BLOCK: case ND_EXPR_STMT: case ND_EMPTY: case ND_IF: case ND_FOR:
	case ND_FOREACH: case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_RETURN:
	case ND_DELETE: case ND_TRY: case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		break;
	}
	return LV_PRIMARY;
}

static void expr_list(struct out *o, const struct node *n)
{
	for (; n; n = n->next) {
		expr(o, n, LV_ASSIGN);
		if (n->next)
			put(o, ", ");
	}
}

static void comps(struct out *o, const struct target_comp *c)
{
	for (; c; c = c->next) {
		switch (c->kind) {
		case COMP_FIELD:
			put3(o, "->", c->name, "");
			break;
		case COMP_INDEX:
			put(o, "[");
			expr(o, c->index, LV_ASSIGN);
			put(o, "]");
			break;
		case COMP_PRETTY:
			put(o, c->depth == 2 ? "$$" : "$");
			break;
		}
	}
}

static void target(struct out *o, const struct node *n)
{
	if (n->u.tgt.addr_of)
		put(o, "&");
	if (n->kind == ND_TARGET) {
		put(o, n->u.tgt.name);
	} else if (n->kind == ND_CAST) {
		put(o, "@cast(");
		expr(o, n->u.tgt.base, LV_ASSIGN);
		put(o, ", ");
		cstr_lit(o, n->u.tgt.type_name);
	} else if (n->kind == ND_ATVAR) {
		put(o, "@var(");
		cstr_lit(o, n->u.tgt.name);
	} else {   /* ND_AUTOCAST: (base) keeps it one, even for an array name */
		put(o, "(");
		expr(o, n->u.tgt.base, LV_ASSIGN);
		put(o, ")");
	}
	if (n->kind == ND_CAST || n->kind == ND_ATVAR) {
		if (n->u.tgt.module) {
			put(o, ", ");
			cstr_lit(o, n->u.tgt.module);
		}
		put(o, ")");
	}
	comps(o, n->u.tgt.comps);
}

static const char *const stat_names[] = {
	[STAT_COUNT] = "@count", [STAT_SUM] = "@sum", [STAT_MIN] = "@min",
	[STAT_MAX] = "@max", [STAT_AVG] = "@avg", [STAT_VARIANCE] = "@variance",
};

static void stat_op(struct out *o, const struct node *n)
{
	if (n->kind == ND_STAT_OP)
		put(o, (unsigned)n->op < 6 ? stat_names[n->op] : "@count");
	else
		put(o, n->op == HIST_LOG ? "@hist_log" : "@hist_linear");
	put(o, "(");
	expr(o, n->u.stat.operand, LV_ASSIGN);
	for (const struct node *q = n->u.stat.params; q; q = q->next) {
		put(o, ", ");
		if (q->kind == ND_NUM)
			signed_lit(o, q);
		else
			expr(o, q, LV_ASSIGN);
	}
	put(o, ")");
}

/* A left-associative binary chain, printed by walking its left spine. */
static void binary(struct out *o, const struct node *n)
{
	int lv = level(n);
	const struct node *l = n->u.bin.lhs;
	/* =~ does not mix with comparisons: either side of it is parenthesized */
	bool tight = n->kind == ND_REGEX || (n->kind == ND_COMPARE && l->kind == ND_REGEX);
	expr(o, l, tight ? lv + 1 : lv);
	put3(o, " ", tok_op_spelling((enum tok_op)n->op), " ");
	if (n->kind == ND_REGEX)
		string_lit(o, n->u.bin.rhs->u.str.s, n->u.bin.rhs->u.str.len);
	else
		expr(o, n->u.bin.rhs, lv + 1);
}

/* The operand of & ++ --: a value, which may itself be &target. */
static void value_operand(struct out *o, const struct node *e)
{
	if (ast_is_target(e))
		expr_body(o, e);
	else
		expr(o, e, LV_PRIMARY);
}

/* Printing never adds parentheses the source did not have (each would
 * be a nesting level, and output near the limit must still parse). */
static void prefix_expr(struct out *o, const struct node *n)
{
	const struct node *e = n->u.expr.e;
	put(o, tok_op_spelling((enum tok_op)n->op));
	if (n->kind == ND_PRE_INCDEC || n->op == OP_AMP) {
		value_operand(o, e);
		return;
	}
	/* - + ! ~ take any unary; a space keeps "- -x" from reading "--x"
	 * and "! ~x" from reading "!~". */
	if (e->kind == ND_UNARY || e->kind == ND_PRE_INCDEC ||
	    (ast_is_target(e) && e->u.tgt.addr_of))
		putch(o, ' ');
	expr(o, e, LV_UNARY);
}

static void postfix_expr(struct out *o, const struct node *n)
{
	value_operand(o, n->u.expr.e);
	put(o, tok_op_spelling((enum tok_op)n->op));
}

static void ternary(struct out *o, const struct node *n)
{
	expr(o, n->u.cond.cond, LV_OR);
	put(o, " ? ");
	expr(o, n->u.cond.then, LV_ASSIGN);
	put(o, " : ");
	expr(o, n->u.cond.els, LV_TERNARY);
}

static void assign(struct out *o, const struct node *n)
{
	expr(o, n->u.bin.lhs, LV_TERNARY);
	put3(o, " ", tok_op_spelling((enum tok_op)n->op), " ");
	expr(o, n->u.bin.rhs, LV_ASSIGN);
}

/* [k1, k2] in array, or base[k1, k2] */
static void keyed(struct out *o, const struct node *n)
{
	if (n->kind == ND_INDEX)
		expr(o, n->u.index.base, LV_PRIMARY);
	put(o, "[");
	expr_list(o, n->u.index.keys);
	put(o, "]");
	if (n->kind == ND_IN) {
		put(o, " in ");
		expr(o, n->u.index.base, LV_PRIMARY);
	}
}

static void call(struct out *o, const struct node *n)
{
	put3(o, n->u.call.name, "(", "");
	expr_list(o, n->u.call.args);
	put(o, ")");
}

static void at_expr(struct out *o, const char *name, const struct node *e)
{
	put3(o, name, "(", "");
	if (e)
		expr(o, e, LV_ASSIGN);
	put(o, ")");
}

static void at_string(struct out *o, const char *name, const struct node *n)
{
	put3(o, name, "(", "");
	string_lit(o, n->u.str.s, n->u.str.len);
	put(o, ")");
}

static void expr_body(struct out *o, const struct node *n)
{
	switch (n->kind) {
	case ND_NUM: put_u64(o, (uint64_t)n->u.num); break;
	case ND_STR: string_lit(o, n->u.str.s, n->u.str.len); break;
	case ND_EMBEDDED_EXPR: embedded(o, n->u.str.s, n->u.str.len); break;
	case ND_VAR: put(o, n->u.var.name ? n->u.var.name : "__error"); break;
	case ND_TARGET: case ND_CAST: case ND_ATVAR: case ND_AUTOCAST: target(o, n); break;
	case ND_ENTRY:
		/* a .return probe's read of a saved value prints what was saved */
		at_expr(o, "@entry", n->u.expr.e ? n->u.expr.e : n->sym ? n->sym->entry_expr : NULL);
		break;
	case ND_DEFINED: at_expr(o, "@defined", n->u.expr.e); break;
	case ND_PROBEWRITE: at_expr(o, "@probewrite", n->u.expr.e); break;
	case ND_PERF: at_string(o, "@perf", n); break;
	case ND_CONST: at_string(o, "@const", n); break;
	case ND_REGISTER:
		put(o, n->op == 'k' ? "@kregister(" : "@uregister(");
		put_u64(o, (uint64_t)n->u.num);
		put(o, ")");
		break;
	case ND_DEREF:
		put(o, n->op == 'k' ? "@kderef(" : "@uderef(");
		put_u64(o, (uint64_t)n->u.deref.size);
		put(o, ", ");
		expr(o, n->u.deref.e, LV_ASSIGN);
		put(o, ")");
		break;
	case ND_WILDCARD: put(o, "*"); break;
	case ND_CALL: case ND_PRINT: call(o, n); break;
	case ND_STAT_OP: case ND_HIST_OP: stat_op(o, n); break;
	case ND_UNARY: case ND_PRE_INCDEC: prefix_expr(o, n); break;
	case ND_POST_INCDEC: postfix_expr(o, n); break;
	case ND_BINARY: case ND_LOGICAL: case ND_COMPARE: case ND_REGEX: binary(o, n); break;
	case ND_TERNARY: ternary(o, n); break;
	case ND_ASSIGN: assign(o, n); break;
	case ND_IN: case ND_INDEX: keyed(o, n); break;
	case ND_BLOCK: case ND_EXPR_STMT: case ND_EMPTY: case ND_IF: case ND_FOR:
	case ND_FOREACH: case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_RETURN:
	case ND_DELETE: case ND_TRY: case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		put(o, "/* statement in expression */");
		break;
	}
}

static void expr(struct out *o, const struct node *n, int min)
{
	if (level(n) < min) {
		put(o, "(");
		expr_body(o, n);
		put(o, ")");
	} else {
		expr_body(o, n);
	}
}

void unparse_expr(FILE *f, const struct node *e)
{
	struct out o = { .f = f };
	expr(&o, e, LV_ASSIGN);
	flush(&o);
}

/* The child printed first in n, and the level it must have to print
 * without parentheses; NULL when n prints its own first token. */
static const struct node *leftmost_child(const struct node *n, int *need)
{
	switch (n->kind) {
	case ND_BINARY: case ND_LOGICAL: case ND_COMPARE: case ND_REGEX:
		*need = level(n);
		return n->u.bin.lhs;
	case ND_ASSIGN:
		*need = LV_TERNARY;
		return n->u.bin.lhs;
	case ND_TERNARY:
		*need = LV_OR;
		return n->u.cond.cond;
	case ND_POST_INCDEC:
		*need = LV_PRIMARY;
		return n->u.expr.e;
	case ND_INDEX:
		*need = LV_PRIMARY;
		return n->u.index.base;
	case ND_AUTOCAST:
		*need = LV_PRIMARY;
		return n->u.tgt.addr_of ? NULL : n->u.tgt.base;
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_TARGET:
	case ND_CAST: case ND_ATVAR: case ND_ENTRY: case ND_DEFINED: case ND_PROBEWRITE:
	case ND_PERF: case ND_CONST: case ND_REGISTER: case ND_DEREF: case ND_UNARY:
	case ND_PRE_INCDEC: case ND_IN: case ND_WILDCARD: case ND_CALL: case ND_PRINT: case ND_STAT_OP:
	case ND_HIST_OP: case ND_BLOCK: case ND_EXPR_STMT: case ND_EMPTY: case ND_IF:
	case ND_FOR: case ND_FOREACH: case ND_BREAK: case ND_CONTINUE: case ND_NEXT:
	case ND_RETURN: case ND_DELETE: case ND_TRY: case ND_EMBEDDED_STMT:
	case ND_KIND_COUNT:
		break;
	}
	return NULL;
}

/* True when n would print starting with %{, which at the start of a
 * statement would read as an embedded-C statement instead. */
static bool starts_embedded(const struct node *n)
{
	const struct node *child;
	int need;
	while ((child = leftmost_child(n, &need))) {
		if (level(child) < need)
			return false;
		n = child;
	}
	return n->kind == ND_EMBEDDED_EXPR;
}

/* ---- statements ---- */

static void block_body(struct out *o, const struct node *blk)
{
	put(o, "{\n");
	o->indent++;
	for (const struct node *s = blk->u.block.stmts; s; s = s->next)
		stmt(o, s);
	o->indent--;
	indent(o);
	put(o, "}");
}

/* The body of if/for/while/foreach: " {...}" on the same line, or the
 * statement on the next line one level in.  Ends without a newline after
 * a block, with one after a plain statement; returns true for a block. */
static bool body(struct out *o, const struct node *b)
{
	if (b->kind == ND_BLOCK) {
		put(o, " ");
		block_body(o, b);
		return true;
	}
	put(o, "\n");
	o->indent++;
	stmt(o, b);
	o->indent--;
	return false;
}

static void if_stmt(struct out *o, const struct node *n)
{
	put(o, "if (");
	expr(o, n->u.cond.cond, LV_ASSIGN);
	put(o, ")");
	bool blk = body(o, n->u.cond.then);
	const struct node *els = n->u.cond.els;
	if (!els) {
		if (blk)
			put(o, "\n");
		return;
	}
	if (blk) {
		put(o, " else");
	} else {
		indent(o);
		put(o, "else");
	}
	if (els->kind == ND_IF) {
		put(o, " ");
		if_stmt(o, els);
		return;
	}
	if (body(o, els))
		put(o, "\n");
}

static void for_stmt(struct out *o, const struct node *n)
{
	if (!n->u.loop.init && !n->u.loop.incr && n->u.loop.cond) {
		put(o, "while (");
		expr(o, n->u.loop.cond, LV_ASSIGN);
	} else {
		put(o, "for (");
		if (n->u.loop.init)
			expr(o, n->u.loop.init, LV_ASSIGN);
		put(o, ";");
		if (n->u.loop.cond) {
			put(o, " ");
			expr(o, n->u.loop.cond, LV_ASSIGN);
		}
		put(o, ";");
		if (n->u.loop.incr) {
			put(o, " ");
			expr(o, n->u.loop.incr, LV_ASSIGN);
		}
	}
	put(o, ")");
	if (body(o, n->u.loop.body))
		put(o, "\n");
}

static void sort_mark(struct out *o, const struct node *n, int key)
{
	if (n->u.fe.sort_dir && n->u.fe.sort_key == key)
		put(o, n->u.fe.sort_dir > 0 ? "+" : "-");
}

static void foreach_stmt(struct out *o, const struct node *n)
{
	put(o, "foreach (");
	if (n->u.fe.value) {
		expr(o, n->u.fe.value, LV_PRIMARY);
		put(o, " = ");
	}
	put(o, "[");
	int k = 1;
	for (const struct node *v = n->u.fe.keys; v; v = v->next, k++) {
		expr(o, v, LV_PRIMARY);
		sort_mark(o, n, k);
		if (v->next)
			put(o, ", ");
	}
	put(o, "] in ");
	expr(o, n->u.fe.array, LV_PRIMARY);
	if (n->u.fe.slice) {
		put(o, "[");
		expr_list(o, n->u.fe.slice);
		put(o, "]");
	}
	if (n->u.fe.sort_aggr >= 0 && n->u.fe.sort_aggr < 6)
		put3(o, " ", stat_names[n->u.fe.sort_aggr], "");
	sort_mark(o, n, 0);
	if (n->u.fe.limit) {
		put(o, " limit ");
		expr(o, n->u.fe.limit, LV_ASSIGN);
	}
	put(o, ")");
	if (body(o, n->u.fe.body))
		put(o, "\n");
}

static void try_stmt(struct out *o, const struct node *n)
{
	put(o, "try ");
	block_body(o, n->u.try_.body);
	put(o, " catch ");
	if (n->u.try_.var) {
		put(o, "(");
		expr(o, n->u.try_.var, LV_PRIMARY);
		put(o, ") ");
	}
	block_body(o, n->u.try_.handler);
	put(o, "\n");
}

static void simple(struct out *o, const char *kw, const struct node *e)
{
	put(o, kw);
	if (e) {
		put(o, " ");
		expr(o, e, LV_ASSIGN);
	}
	put(o, ";\n");
}

static void stmt(struct out *o, const struct node *n)
{
	indent(o);
	switch (n->kind) {
	case ND_BLOCK: block_body(o, n); put(o, "\n"); break;
	case ND_EXPR_STMT:
		if (starts_embedded(n->u.expr.e)) {
			put(o, "(");
			expr(o, n->u.expr.e, LV_ASSIGN);
			put(o, ")");
		} else {
			expr(o, n->u.expr.e, LV_ASSIGN);
		}
		put(o, ";\n");
		break;
	case ND_EMPTY: put(o, ";\n"); break;
	case ND_IF: if_stmt(o, n); break;
	case ND_FOR: for_stmt(o, n); break;
	case ND_FOREACH: foreach_stmt(o, n); break;
	case ND_BREAK: simple(o, "break", NULL); break;
	case ND_CONTINUE: simple(o, "continue", NULL); break;
	case ND_NEXT: simple(o, "next", NULL); break;
	case ND_RETURN: simple(o, "return", n->u.expr.e); break;
	case ND_DELETE: simple(o, "delete", n->u.expr.e); break;
	case ND_TRY: try_stmt(o, n); break;
	case ND_EMBEDDED_STMT: embedded(o, n->u.str.s, n->u.str.len); put(o, "\n"); break;
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_TARGET:
	case ND_CAST: case ND_ATVAR: case ND_AUTOCAST: case ND_ENTRY: case ND_DEFINED:
	case ND_PROBEWRITE: case ND_PERF: case ND_CONST: case ND_REGISTER: case ND_DEREF:
	case ND_UNARY: case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_BINARY: case ND_LOGICAL:
	case ND_COMPARE: case ND_REGEX: case ND_TERNARY: case ND_ASSIGN: case ND_IN:
	case ND_INDEX: case ND_WILDCARD: case ND_CALL: case ND_PRINT: case ND_STAT_OP:
	case ND_HIST_OP: case ND_KIND_COUNT:
		expr(o, n, LV_ASSIGN);
		put(o, ";\n");
		break;
	}
}

/* ---- declarations ---- */

static void probe_point(struct out *o, const struct probe_point *pt)
{
	for (const struct pp_comp *c = pt->comps; c; c = c->next) {
		put(o, c->name);
		if (c->arg) {
			put(o, "(");
			signed_lit(o, c->arg);
			put(o, ")");
		}
		if (c->next)
			put(o, ".");
	}
	if (pt->optional)
		put(o, "?");
	if (pt->sufficient)
		put(o, "!");
	if (pt->cond) {
		put(o, " if (");
		expr(o, pt->cond, LV_ASSIGN);
		put(o, ")");
	}
}

void unparse_probe_point(FILE *f, const struct probe_point *pt)
{
	struct out o = { .f = f };
	probe_point(&o, pt);
	flush(&o);
}

static void point_list(struct out *o, const struct probe_point *pt)
{
	for (; pt; pt = pt->next) {
		probe_point(o, pt);
		if (pt->next)
			put(o, ", ");
	}
}

static void global_decl(struct out *o, const struct stap_global *g)
{
	put3(o, g->is_private ? "private " : "", "global ", g->name);
	if (g->wrap)
		put(o, "%");
	if (g->max_size) {
		put(o, "[");
		put_i64(o, g->max_size);
		put(o, "]");
	}
	if (g->init) {
		put(o, " = ");
		signed_lit(o, g->init);
	}
	put(o, "\n");
}

static const char *type_name(enum stap_type t)
{
	switch (t) {
	case TYPE_LONG: return ":long";
	case TYPE_STRING: return ":string";
	case TYPE_STATS: return ":stats";
	case TYPE_UNKNOWN: break;
	}
	return "";
}

static void function_decl(struct out *o, const struct stap_function *f)
{
	put3(o, f->is_private ? "private " : "", "function ", f->name);
	put3(o, type_name(f->ret_type), "(", "");
	for (const struct stap_param *q = f->params; q; q = q->next)
		put3(o, q->name, type_name(q->type), q->next ? ", " : "");
	put(o, ") ");
	if (f->embedded)
		embedded(o, f->embedded, f->embedded_len);
	else
		block_body(o, f->body);
	put(o, "\n");
}

static void probe_decl(struct out *o, const struct stap_probe *pr)
{
	put(o, "probe ");
	point_list(o, pr->points);
	put(o, " ");
	block_body(o, pr->body);
	put(o, "\n");
}

static void alias_decl(struct out *o, const struct stap_alias *al)
{
	put(o, "probe ");
	probe_point(o, al->name);
	put(o, al->epilogue ? " += " : " = ");
	point_list(o, al->points);
	put(o, " ");
	block_body(o, al->body);
	if (al->epilogue_body) {
		put(o, ", ");
		block_body(o, al->epilogue_body);
	}
	put(o, "\n");
}

void unparse_stmt(FILE *f, const struct node *s, int level)
{
	struct out o = { .f = f, .indent = level };
	stmt(&o, s);
	flush(&o);
}

void unparse_program(FILE *f, const struct program *prog)
{
	struct out o = { .f = f };
	enum decl_kind prev = DECL_GLOBAL;
	for (const struct decl *d = prog->decls; d; d = d->next) {
		if (d != prog->decls && !(d->kind == DECL_GLOBAL && prev == DECL_GLOBAL))
			put(&o, "\n");
		prev = d->kind;
		switch (d->kind) {
		case DECL_GLOBAL: global_decl(&o, d->u.global); break;
		case DECL_FUNCTION: function_decl(&o, d->u.function); break;
		case DECL_PROBE: probe_decl(&o, d->u.probe); break;
		case DECL_ALIAS: alias_decl(&o, d->u.alias); break;
		case DECL_EMBEDDED:
			embedded(&o, d->u.embedded->code, d->u.embedded->len);
			put(&o, "\n");
			break;
		}
	}
	flush(&o);
}
