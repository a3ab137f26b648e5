/* parser.c - declarations, statements and probe points (expressions are in
 * parse_expr.c).
 *
 * Input: the preprocessed token stream of one source (pp_next).  Output:
 * its declarations appended to a struct program, in source order.
 *
 * Recursive descent with PARSE_LOOKAHEAD tokens of lookahead.  Each parse
 * function shows its grammar rule above it and never returns NULL where a
 * node is required (a placeholder stands in after an error), so the tree
 * is well formed even when the script is not.
 *
 * Errors: the first error of a construct is reported ("expected ';', saw
 * '}'") and the parser enters panic mode, in which parse_peek() shows end
 * of input so every function unwinds at once.  The nearest statement list
 * then skips to a ';' or '}' (a whole {} group at most), the top level to
 * the next probe/function/global/private, and parsing goes on.  Nesting is
 * bounded by PASS1_MAX_DEPTH: no input overflows the stack.
 */
#include "config.h"

#include "pass1_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "compat.h"

/* ---- tokens ---- */

_Static_assert((PARSE_LOOKAHEAD & LA_MASK) == 0, "lookahead ring size is a power of two");

void parse_fill(struct parser *p, int k)
{
	while (p->la_n <= k) {
		struct token *t = &p->la[(unsigned)(p->la_start + p->la_n) & LA_MASK];
		pp_next(p->pp, t);
		p->la_n++;
	}
}

/* Keep the stack of brackets consumed and not yet closed, so an error at
 * end of input can name the innermost one. */
static void track_bracket(struct parser *p, const struct token *t)
{
	if (t->kind != TK_OP)
		return;
	switch (t->op) {
	case OP_LPAREN: case OP_LBRACKET: case OP_LBRACE:
		if (p->nopens == p->opens_cap) {
			int ncap = p->opens_cap ? p->opens_cap * 2 : 64;
			p->opens = arena_realloc(p->arena, p->opens,
						 (size_t)p->opens_cap * sizeof(*p->opens),
						 (size_t)ncap * sizeof(*p->opens));
			p->opens_cap = ncap;
		}
		p->opens[p->nopens++] = (struct parse_open){ t->pos, t->op };
		break;
	case OP_RPAREN: case OP_RBRACKET: case OP_RBRACE:
		if (p->nopens > 0 && p->opens[p->nopens - 1].op ==
		    (t->op == OP_RPAREN ? OP_LPAREN : t->op == OP_RBRACKET ? OP_LBRACKET : OP_LBRACE))
			p->nopens--;
		break;
	default:
		break;
	}
}

void parse_advance(struct parser *p)
{
	if (p->panic)
		return;
	if (p->la_n == 0)
		parse_fill(p, 0);
	track_bracket(p, &p->la[p->la_start]);
	p->la_start = (p->la_start + 1) & LA_MASK;
	p->la_n--;
	p->consumed++;
}

static bool is_kw(const struct token *t, int kw)
{
	return t->kind == TK_KEYWORD && t->op == kw;
}

bool parse_accept_op(struct parser *p, int op)
{
	if (!parse_is_op(parse_peek(p, 0), op))
		return false;
	parse_advance(p);
	return true;
}

static bool accept_kw(struct parser *p, int kw)
{
	if (!is_kw(parse_peek(p, 0), kw))
		return false;
	parse_advance(p);
	return true;
}

struct node *parse_new(struct parser *p, enum node_kind kind, const struct token *t)
{
	return ast_node_new(p->arena, kind, &t->pos);
}

/* ---- errors ---- */

static void enter_panic(struct parser *p, const struct token *t)
{
	if (!p->panic)
		p->eof.pos = t->pos;
	p->panic = true;
}

static int closer_of(int op)
{
	return op == OP_LPAREN ? OP_RPAREN : op == OP_LBRACKET ? OP_RBRACKET : OP_RBRACE;
}

/* Report msg at t; the note names the opener, else the macro expansion. */
static void report(struct parser *p, enum diag_tag tag, const struct token *t,
		   const struct srcpos *opener, const char *opener_what, const char *msg)
{
	char unclosed[256], note[64];
	if (p->panic)
		return;
	if (!opener && t->kind == TK_EOF && p->nopens > 0) {
		/* At end of input the real problem is the bracket left open. */
		const struct parse_open *o = &p->opens[p->nopens - 1];
		const char *open = tok_op_spelling((enum tok_op)o->op);
		snprintf(unclosed, sizeof(unclosed),
			 "expected '%s' (to close '%s' at %d:%d), saw end of input",
			 tok_op_spelling((enum tok_op)closer_of(o->op)), open, o->pos.line,
			 o->pos.col);
		snprintf(note, sizeof(note), "to close '%s' at %d:%d", open, o->pos.line,
			 o->pos.col);
		tag = D_PARSE_UNCLOSED;
		msg = unclosed;
		opener = &o->pos;
		opener_what = note;
	}
	if (opener) {
		diag_report2(SEV_ERROR, tag, &t->pos, opener, opener_what, "%s", msg);
	} else if (t->exp) {
		char what[160];
		if (t->exp->macro[0] == '$')
			snprintf(what, sizeof(what), "in command line argument %s used here",
				 t->exp->macro);
		else
			snprintf(what, sizeof(what), "in expansion of macro '@%s' used here",
				 t->exp->macro);
		diag_report2(SEV_ERROR, tag, &t->pos, &t->exp->use, what, "%s", msg);
	} else {
		diag_report(SEV_ERROR, tag, &t->pos, "%s", msg);
	}
	enter_panic(p, t);
}

void parse_error_at(struct parser *p, enum diag_tag tag, const struct token *t,
		    const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(p, tag, t, NULL, NULL, msg);
}

void parse_expected(struct parser *p, enum diag_tag tag, const char *what)
{
	const struct token *t = parse_peek(p, 0);
	char saw[96];
	parse_error_at(p, tag, t, "expected %s, saw %s", what, tok_describe(t, saw, sizeof(saw)));
}

bool parse_expect_op(struct parser *p, enum diag_tag tag, int op)
{
	if (parse_accept_op(p, op))
		return true;
	char what[16];
	snprintf(what, sizeof(what), "'%s'", tok_op_spelling((enum tok_op)op));
	parse_expected(p, tag, what);
	return false;
}

static bool expect_close_tag(struct parser *p, int op, const struct token *opener,
			     enum diag_tag tag)
{
	if (parse_accept_op(p, op))
		return true;
	const struct token *t = parse_peek(p, 0);
	char saw[96], msg[256], note[64];
	const char *close = tok_op_spelling((enum tok_op)op);
	const char *open = tok_op_spelling((enum tok_op)opener->op);
	snprintf(msg, sizeof(msg), "expected '%s' (to close '%s' at %d:%d), saw %s", close,
		 open, opener->pos.line, opener->pos.col, tok_describe(t, saw, sizeof(saw)));
	snprintf(note, sizeof(note), "to close '%s' at %d:%d", open, opener->pos.line,
		 opener->pos.col);
	report(p, t->kind == TK_EOF ? D_PARSE_UNCLOSED : tag, t, &opener->pos, note, msg);
	return false;
}

bool parse_expect_close(struct parser *p, int op, const struct token *opener)
{
	return expect_close_tag(p, op, opener, D_PARSE_EXPECTED);
}

bool parse_enter(struct parser *p)
{
	if (p->depth >= PASS1_MAX_DEPTH) {
		const struct token *t = parse_peek(p, 0);
		if (!p->too_deep_reported && !p->panic) {
			parse_error_at(p, D_PARSE_TOO_DEEP, t, "nesting deeper than %d levels",
				       PASS1_MAX_DEPTH);
			p->too_deep_reported = true;
		}
		enter_panic(p, t);
		return false;
	}
	p->depth++;
	return true;
}

void parse_leave(struct parser *p)
{
	p->depth--;
}

/* Whether t continues the string literal before it: any adjacent literal,
 * but before 2.0 not one after a comment. */
static bool literal_glues(const struct parser *p, const struct token *t)
{
	return t->kind == TK_STRING &&
	       !((t->flags & TF_COMMENT) && compat_before(p->ctx->systemtap_v, COMPAT_GLUE_COMMENT));
}

bool parse_string_literal(struct parser *p, enum diag_tag tag, const char **s, size_t *len)
{
	const struct token *t = parse_peek(p, 0);
	if (t->kind != TK_STRING) {
		parse_expected(p, tag, "a string literal");
		*s = "";
		*len = 0;
		return false;
	}
	*s = t->str;
	*len = t->str_len;
	parse_advance(p);
	t = parse_peek(p, 0);
	if (!literal_glues(p, t))
		return true;
	/* Adjacent literals: join them all in one buffer. */
	size_t cap = *len + t->str_len + 64, n = *len;
	char *buf = arena_alloc(p->arena, cap + 1);
	memcpy(buf, *s, n);
	while (literal_glues(p, t = parse_peek(p, 0))) {
		if (n + t->str_len > cap) {
			size_t ncap = (n + t->str_len) * 2;
			buf = arena_realloc(p->arena, buf, n, ncap + 1);
			cap = ncap;
		}
		memcpy(buf + n, t->str, t->str_len);
		n += t->str_len;
		parse_advance(p);
	}
	buf[n] = '\0';
	*s = buf;
	*len = n;
	return true;
}

/* ---- recovery ---- */

static bool is_toplevel_start(const struct token *t)
{
	return is_kw(t, KW_PROBE) || is_kw(t, KW_FUNCTION) || is_kw(t, KW_GLOBAL) ||
	       is_kw(t, KW_PRIVATE);
}

/* After an error in a statement: skip to just past a ';', to a '}' of the
 * enclosing list, or past one whole {} group (and an else/catch tail). */
static void sync_statement(struct parser *p)
{
	long depth = 0;
	int parens = 0;   /* ( and [ the failed statement left open */
	for (int i = p->nopens - 1; i >= 0 && p->opens[i].op != OP_LBRACE; i--)
		parens++;
	p->panic = false;
	for (;;) {
		const struct token *t = parse_peek(p, 0);
		if (t->kind == TK_EOF || (depth == 0 && is_toplevel_start(t)))
			return;
		if (parens > 0 && depth == 0 &&
		    (parse_is_op(t, OP_RPAREN) || parse_is_op(t, OP_RBRACKET) ||
		     parse_is_op(t, OP_SEMI))) {
			/* still inside the statement's ( ): a ';' there is a for's */
			parens -= !parse_is_op(t, OP_SEMI);
			parse_advance(p);
			continue;
		}
		if (parse_is_op(t, OP_LBRACE)) {
			depth++;
		} else if (parse_is_op(t, OP_RBRACE)) {
			if (depth == 0)
				return;
			parse_advance(p);
			if (--depth == 0) {
				t = parse_peek(p, 0);
				if (!is_kw(t, KW_ELSE) && !is_kw(t, KW_CATCH))
					return;
			}
			continue;
		} else if (parse_is_op(t, OP_SEMI) && depth == 0) {
			parse_advance(p);
			return;
		}
		parse_advance(p);
	}
}

/* After an error in a declaration: skip to the next one. */
static void sync_toplevel(struct parser *p)
{
	long depth = 0;
	p->panic = false;
	for (;;) {
		const struct token *t = parse_peek(p, 0);
		if (t->kind == TK_EOF)
			return;
		if (depth == 0 && (is_toplevel_start(t) || t->kind == TK_EMBEDDED))
			return;
		if (parse_is_op(t, OP_LBRACE))
			depth++;
		else if (parse_is_op(t, OP_RBRACE) && depth > 0)
			depth--;
		parse_advance(p);
	}
}

/* ---- statements ---- */

static struct node *parse_statement(struct parser *p);

/* block := '{' { statement } '}' */
static struct node *parse_block(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	struct token open = *t;
	struct node *blk = parse_new(p, ND_BLOCK, t);
	if (!parse_expect_op(p, D_PARSE_EXPECTED, OP_LBRACE))
		return blk;
	struct node **tail = &blk->u.block.stmts;
	for (;;) {
		t = parse_peek(p, 0);
		if (parse_is_op(t, OP_RBRACE)) {
			parse_advance(p);
			return blk;
		}
		if (t->kind == TK_EOF || is_toplevel_start(t)) {
			if (t->kind == TK_EOF && p->eof_unclosed)
				enter_panic(p, t);
			else
				parse_expect_close(p, OP_RBRACE, &open);
			p->eof_unclosed |= t->kind == TK_EOF;
			return blk;
		}
		struct node *s = parse_statement(p);
		*tail = s;
		tail = &s->next;
		if (p->panic) {
			if (diag_too_many())
				return blk;
			sync_statement(p);
		}
	}
}

/* Simple statements may end with one ';'. */
static void accept_semi(struct parser *p)
{
	parse_accept_op(p, OP_SEMI);
}

/* '(' expr ')' after if/while. */
static struct node *paren_expr(struct parser *p)
{
	struct token open = *parse_peek(p, 0);
	if (!parse_expect_op(p, D_PARSE_EXPECTED, OP_LPAREN))
		return parse_new(p, ND_NUM, &open);
	struct node *e = parse_expr(p);
	parse_expect_close(p, OP_RPAREN, &open);
	return e;
}

/* if_stmt := 'if' '(' expr ')' statement [ 'else' statement ] */
static struct node *parse_if(struct parser *p)
{
	struct node *n = parse_new(p, ND_IF, parse_peek(p, 0));
	parse_advance(p);
	n->u.cond.cond = paren_expr(p);
	n->u.cond.then = parse_statement(p);
	if (accept_kw(p, KW_ELSE))
		n->u.cond.els = parse_statement(p);
	return n;
}

/* while_stmt := 'while' '(' expr ')' statement */
static struct node *parse_while(struct parser *p)
{
	struct node *n = parse_new(p, ND_FOR, parse_peek(p, 0));
	parse_advance(p);
	n->u.loop.cond = paren_expr(p);
	n->u.loop.body = parse_statement(p);
	return n;
}

/* for_stmt := 'for' '(' [expr] ';' [expr] ';' [expr] ')' statement */
static struct node *parse_for(struct parser *p)
{
	struct node *n = parse_new(p, ND_FOR, parse_peek(p, 0));
	parse_advance(p);
	struct token open = *parse_peek(p, 0);
	if (!parse_expect_op(p, D_PARSE_EXPECTED, OP_LPAREN))
		return n;
	if (!parse_is_op(parse_peek(p, 0), OP_SEMI))
		n->u.loop.init = parse_expr(p);
	parse_expect_op(p, D_PARSE_EXPECTED, OP_SEMI);
	if (!parse_is_op(parse_peek(p, 0), OP_SEMI))
		n->u.loop.cond = parse_expr(p);
	parse_expect_op(p, D_PARSE_EXPECTED, OP_SEMI);
	if (!parse_is_op(parse_peek(p, 0), OP_RPAREN))
		n->u.loop.incr = parse_expr(p);
	parse_expect_close(p, OP_RPAREN, &open);
	n->u.loop.body = parse_statement(p);
	return n;
}

/* An optional sort marker '+' or '-' on a foreach variable or array;
 * remembers where it was for the "only one" error. */
static int sort_marker(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	if (parse_is_op(t, OP_PLUS) || parse_is_op(t, OP_MINUS)) {
		int dir = t->op == OP_PLUS ? 1 : -1;
		p->marker = *t;
		parse_advance(p);
		return dir;
	}
	return 0;
}

static void set_sort(struct parser *p, struct node *fe, int key, int dir)
{
	if (!dir)
		return;
	if (fe->u.fe.sort_dir) {
		parse_error_at(p, D_PARSE_EXPECTED, &p->marker,
			       "only one sort marker ('+' or '-') is allowed in a foreach");
		return;
	}
	fe->u.fe.sort_key = key;
	fe->u.fe.sort_dir = dir;
}

static struct node *foreach_var(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	if (t->kind != TK_IDENT || t->text[0] == '@') {
		parse_expected(p, D_PARSE_EXPECTED, "a variable name");
		return parse_new(p, ND_VAR, t);
	}
	struct node *v = parse_new(p, ND_VAR, t);
	v->u.var.name = t->name;
	parse_advance(p);
	return v;
}

/* keys := IDENT [sort] | '[' IDENT [sort] { ',' IDENT [sort] } ']' */
static void foreach_keys(struct parser *p, struct node *fe)
{
	struct node **tail = &fe->u.fe.keys;
	if (!parse_is_op(parse_peek(p, 0), OP_LBRACKET)) {
		*tail = foreach_var(p);
		fe->u.fe.nkeys = 1;
		set_sort(p, fe, 1, sort_marker(p));
		return;
	}
	struct token open = *parse_peek(p, 0);
	parse_advance(p);
	do {
		*tail = foreach_var(p);
		tail = &(*tail)->next;
		fe->u.fe.nkeys++;
		set_sort(p, fe, fe->u.fe.nkeys, sort_marker(p));
	} while (parse_accept_op(p, OP_COMMA));
	parse_expect_close(p, OP_RBRACKET, &open);
}

/* True when the foreach head starts with "VALUE [+-] =". */
static bool foreach_has_value(struct parser *p)
{
	const struct token *a = parse_peek(p, 0), *b = parse_peek(p, 1);
	if (a->kind != TK_IDENT)
		return false;
	if (parse_is_op(b, OP_ASSIGN) || parse_is_op(b, OP_ADD_ASSIGN) ||
	    parse_is_op(b, OP_SUB_ASSIGN))
		return true;
	return (parse_is_op(b, OP_PLUS) || parse_is_op(b, OP_MINUS)) &&
	       parse_is_op(parse_peek(p, 2), OP_ASSIGN);
}

/* '@count' ... '@variance' naming the statistic that orders a stats array;
 * returns its enum stat_op, or -1 when there is none. */
static int foreach_aggregate(struct parser *p)
{
	static const char *const names[] = {
		[STAT_COUNT] = "@count", [STAT_SUM] = "@sum", [STAT_MIN] = "@min",
		[STAT_MAX] = "@max", [STAT_AVG] = "@avg", [STAT_VARIANCE] = "@variance",
	};
	const struct token *t = parse_peek(p, 0);
	if (t->kind != TK_IDENT || t->text[0] != '@')
		return -1;
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		if (strcmp(t->name, names[i]) == 0) {
			parse_advance(p);
			return i;
		}
	}
	parse_expected(p, D_PARSE_EXPECTED, "a statistic (@count, @sum, @min, @max, @avg, "
		       "@variance) to sort by");
	return -1;
}

/* foreach_head := [ IDENT [sort] '=' ] keys 'in' indexable [ '[' slice ']' ]
 *                 [ [stat] sort ] [ 'limit' expr ] */
static void foreach_head(struct parser *p, struct node *fe)
{
	if (foreach_has_value(p)) {
		fe->u.fe.value = foreach_var(p);
		const struct token *t = parse_peek(p, 0);
		int dir = parse_is_op(t, OP_ADD_ASSIGN) ? 1 : parse_is_op(t, OP_SUB_ASSIGN) ? -1 : 0;
		if (dir) {
			parse_advance(p);   /* v+= / v-= lexed as one operator */
		} else {
			dir = sort_marker(p);
			parse_expect_op(p, D_PARSE_EXPECTED, OP_ASSIGN);
		}
		set_sort(p, fe, 0, dir);
	}
	foreach_keys(p, fe);
	if (!accept_kw(p, KW_IN)) {
		parse_expected(p, D_PARSE_EXPECTED, "'in'");
		return;
	}
	fe->u.fe.array = parse_indexable(p);
	if (parse_is_op(parse_peek(p, 0), OP_LBRACKET))
		fe->u.fe.slice = parse_key_list(p, &fe->u.fe.nslice);
	int aggr = foreach_aggregate(p);
	int dir = sort_marker(p);
	if (aggr >= 0 && !dir)
		parse_expected(p, D_PARSE_EXPECTED, "'+' or '-' after the statistic to sort by");
	set_sort(p, fe, 0, dir);
	if (aggr >= 0 && !p->panic)
		fe->u.fe.sort_aggr = aggr;
	if (accept_kw(p, KW_LIMIT))
		fe->u.fe.limit = parse_expr(p);
}

/* foreach_stmt := 'foreach' '(' foreach_head ')' statement */
static struct node *parse_foreach(struct parser *p)
{
	struct node *n = parse_new(p, ND_FOREACH, parse_peek(p, 0));
	n->u.fe.sort_key = -1;
	n->u.fe.sort_aggr = -1;
	parse_advance(p);
	struct token open = *parse_peek(p, 0);
	if (!parse_expect_op(p, D_PARSE_EXPECTED, OP_LPAREN))
		return n;
	foreach_head(p, n);
	if (!n->u.fe.array)
		n->u.fe.array = parse_new(p, ND_VAR, &open);
	parse_expect_close(p, OP_RPAREN, &open);
	n->u.fe.body = parse_statement(p);
	return n;
}

/* try_stmt := 'try' block 'catch' [ '(' IDENT ')' ] block */
static struct node *parse_try(struct parser *p)
{
	struct node *n = parse_new(p, ND_TRY, parse_peek(p, 0));
	parse_advance(p);
	n->u.try_.body = parse_block(p);
	if (!accept_kw(p, KW_CATCH)) {
		parse_expected(p, D_PARSE_EXPECTED, "'catch'");
		n->u.try_.handler = parse_new(p, ND_BLOCK, parse_peek(p, 0));
		return n;
	}
	struct token open = *parse_peek(p, 0);
	if (parse_accept_op(p, OP_LPAREN)) {
		n->u.try_.var = foreach_var(p);
		parse_expect_close(p, OP_RPAREN, &open);
	}
	n->u.try_.handler = parse_block(p);
	return n;
}

/* return_stmt := 'return' [ expr ] [';']   (no expr before ';' or '}') */
static struct node *parse_return(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	struct node *n = parse_new(p, ND_RETURN, t);
	if (!p->in_function) {
		parse_error_at(p, D_PARSE_EXPECTED, t,
			       "'return' outside a function (use 'next' to leave a probe)");
		return n;
	}
	parse_advance(p);
	t = parse_peek(p, 0);
	if (!parse_is_op(t, OP_SEMI) && !parse_is_op(t, OP_RBRACE))
		n->u.expr.e = parse_expr(p);
	accept_semi(p);
	return n;
}

/* simple_stmt := ('next' | 'break' | 'continue') [';'] | 'delete' expr [';'] */
static struct node *parse_simple(struct parser *p, enum node_kind kind)
{
	struct node *n = parse_new(p, kind, parse_peek(p, 0));
	parse_advance(p);
	if (kind == ND_DELETE)
		n->u.expr.e = parse_expr(p);
	accept_semi(p);
	return n;
}

static struct node *parse_keyword_statement(struct parser *p, const struct token *t)
{
	switch ((enum keyword)t->op) {
	case KW_IF: return parse_if(p);
	case KW_WHILE: return parse_while(p);
	case KW_FOR: return parse_for(p);
	case KW_FOREACH: return parse_foreach(p);
	case KW_TRY: return parse_try(p);
	case KW_RETURN: return parse_return(p);
	case KW_NEXT: return parse_simple(p, ND_NEXT);
	case KW_BREAK: return parse_simple(p, ND_BREAK);
	case KW_CONTINUE: return parse_simple(p, ND_CONTINUE);
	case KW_DELETE: return parse_simple(p, ND_DELETE);
	case KW_NONE: case KW_PROBE: case KW_GLOBAL: case KW_PRIVATE: case KW_FUNCTION:
	case KW_ELSE: case KW_IN: case KW_LIMIT: case KW_STRING: case KW_LONG:
	case KW_CATCH: case KW_COUNT:
		break;
	}
	parse_expected(p, D_PARSE_EXPECTED, "a statement");
	return parse_new(p, ND_EMPTY, t);
}

static bool starts_expr(const struct token *t)
{
	switch (t->kind) {
	case TK_NUMBER: case TK_STRING: case TK_IDENT: case TK_EMBEDDED:
		return true;
	case TK_OP:
		return t->op == OP_LPAREN || t->op == OP_LBRACKET || t->op == OP_MINUS ||
		       t->op == OP_PLUS || t->op == OP_NOT || t->op == OP_TILDE ||
		       t->op == OP_AMP || t->op == OP_INC || t->op == OP_DEC;
	case TK_EOF: case TK_KEYWORD: case TK_ARG:
		return false;
	}
	return false;
}

static void check_guru_embedded(struct parser *p, const struct token *t)
{
	if (!p->guru)
		diag_error(D_PARSE_EMBEDDED_NEEDS_GURU, &t->pos,
			   "embedded C code in a script needs guru mode (stap -g)");
}

/* statement := ';' | block | if_stmt | while_stmt | for_stmt | foreach_stmt
 *            | try_stmt | return_stmt | simple_stmt | EMBEDDED [';'] | expr [';'] */
static struct node *parse_statement(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	struct node *n;
	if (!parse_enter(p))
		return parse_new(p, ND_EMPTY, t);
	if (parse_is_op(t, OP_SEMI)) {
		n = parse_new(p, ND_EMPTY, t);
		parse_advance(p);
	} else if (parse_is_op(t, OP_LBRACE)) {
		n = parse_block(p);
	} else if (t->kind == TK_KEYWORD) {
		n = parse_keyword_statement(p, t);
	} else if (t->kind == TK_EMBEDDED) {
		check_guru_embedded(p, t);
		n = parse_new(p, ND_EMBEDDED_STMT, t);
		n->u.str.s = t->str;
		n->u.str.len = t->str_len;
		parse_advance(p);
		accept_semi(p);
	} else if (starts_expr(t)) {
		n = parse_new(p, ND_EXPR_STMT, t);
		n->u.expr.e = parse_expr(p);
		accept_semi(p);
	} else {
		parse_expected(p, D_PARSE_EXPECTED, "a statement");
		n = parse_new(p, ND_EMPTY, t);
	}
	parse_leave(p);
	return n;
}

/* ---- probe points ---- */

/* A list of expanded probe points, with a bound on their total size. */
struct pp_list {
	struct probe_point *head, *last;
	int count;
	struct srcpos flag_pos;      /* where a '?' or '!' was, if any */
	struct pp_comp **comp_tail;  /* end of the only point's components */
};

#define MAX_EXPANDED_COMPS 100000

static struct probe_point *pp_clone(struct parser *p, const struct probe_point *a,
				    const struct probe_point *b)
{
	struct probe_point *n = arena_alloc(p->arena, sizeof(*n));
	struct pp_comp **tail = &n->comps;
	*n = *a;
	n->next = NULL;
	n->comps = NULL;
	n->ncomps = 0;
	for (int k = 0; k < 2; k++) {
		const struct probe_point *src = k ? b : a;
		for (const struct pp_comp *c = src ? src->comps : NULL; c; c = c->next) {
			struct pp_comp *cc = arena_alloc(p->arena, sizeof(*cc));
			*cc = *c;
			cc->next = NULL;
			*tail = cc;
			tail = &cc->next;
			n->ncomps++;
		}
	}
	if (b) {
		n->optional |= b->optional;
		n->sufficient |= b->sufficient;
		if (!n->cond)
			n->cond = b->cond;
	}
	return n;
}

static void pp_list_add(struct pp_list *l, struct probe_point *pt)
{
	if (l->last)
		l->last->next = pt;
	else
		l->head = pt;
	l->last = pt;
	l->count++;
}

/* The cross product of two lists of partial probe points. */
static struct pp_list pp_product(struct parser *p, const struct pp_list *a,
				 const struct pp_list *b, const struct token *at)
{
	struct pp_list out = { 0 };
	if (a->count == 1 && b->count == 1) {
		/* The common case: extend the one point in place, keeping the
		 * end of its component list so a long point stays linear. */
		struct probe_point *x = a->head, *y = b->head;
		struct pp_comp **tail = a->comp_tail ? a->comp_tail : &x->comps;
		while (*tail)
			tail = &(*tail)->next;
		*tail = y->comps;
		while (*tail)
			tail = &(*tail)->next;
		out.comp_tail = tail;
		x->ncomps += y->ncomps;
		x->optional |= y->optional;
		x->sufficient |= y->sufficient;
		if (!x->cond)
			x->cond = y->cond;
		pp_list_add(&out, x);
		return out;
	}
	for (struct probe_point *x = a->head; x; x = x->next) {
		for (struct probe_point *y = b->head; y; y = y->next) {
			p->pp_budget -= x->ncomps + y->ncomps + 1;
			if (p->pp_budget < 0) {
				parse_error_at(p, D_PARSE_BAD_PROBE_POINT, at,
					       "probe point alternatives expand to more than %d "
					       "components", MAX_EXPANDED_COMPS);
				return out;
			}
			pp_list_add(&out, pp_clone(p, x, y));
		}
	}
	return out;
}

static bool glues(const struct token *t)
{
	return !(t->flags & TF_SPACE) &&
	       ((t->kind == TK_IDENT && t->text[0] != '@') || t->kind == TK_KEYWORD ||
		parse_is_op(t, OP_STAR));
}

/* component_name := (IDENT | keyword | '*') { adjacent IDENT | keyword | '*' } */
static const char *component_name(struct parser *p)
{
	char small[256], *buf = small;
	size_t n = 0, cap = sizeof(small);
	const struct token *t = parse_peek(p, 0);
	if (!((t->kind == TK_IDENT && t->text[0] != '@') || t->kind == TK_KEYWORD ||
	      parse_is_op(t, OP_STAR))) {
		if (t->kind == TK_IDENT)
			parse_error_at(p, D_MACRO_UNDEFINED, t, "unknown macro '%.*s'",
				       (int)t->len, t->text);
		else
			parse_expected(p, D_PARSE_BAD_PROBE_POINT,
				       "a probe point component name, '*' or '{'");
		return NULL;
	}
	do {
		const char *s = parse_is_op(t, OP_STAR) ? "*" : t->name;
		size_t len = parse_is_op(t, OP_STAR) ? 1 : t->len;
		if (n + len > cap) {
			char *nb = arena_alloc(p->arena, (n + len) * 2);
			memcpy(nb, buf, n);
			buf = nb;
			cap = (n + len) * 2;
		}
		memcpy(buf + n, s, len);
		n += len;
		parse_advance(p);
		t = parse_peek(p, 0);
	} while (glues(t));
	return intern_name(&p->ctx->names, buf, n, NULL);
}

/* component_arg := '(' ( STRING {STRING} | ['-'] NUMBER ) ')' */
static struct node *component_arg(struct parser *p)
{
	struct token open = *parse_peek(p, 0);
	parse_advance(p);
	const struct token *t = parse_peek(p, 0);
	struct node *n;
	if (t->kind == TK_STRING) {
		n = parse_new(p, ND_STR, t);
		parse_string_literal(p, D_PARSE_BAD_PROBE_POINT, &n->u.str.s, &n->u.str.len);
	} else {
		bool neg = parse_accept_op(p, OP_MINUS);
		t = parse_peek(p, 0);
		n = parse_new(p, ND_NUM, t);
		if (t->kind != TK_NUMBER) {
			parse_expected(p, D_PARSE_BAD_PROBE_POINT, "a string or number literal");
			return n;
		}
		n->u.num = neg ? (int64_t)(0 - (uint64_t)t->num) : t->num;
		parse_advance(p);
	}
	expect_close_tag(p, OP_RPAREN, &open, D_PARSE_BAD_PROBE_POINT);
	return n;
}

static void parse_probe_point(struct parser *p, struct pp_list *out);

/* pp_elem := component_name [ component_arg ] | '{' probe_point {',' probe_point} '}' */
static struct pp_list pp_elem(struct parser *p)
{
	struct pp_list l = { 0 };
	const struct token *t = parse_peek(p, 0);
	if (parse_is_op(t, OP_LBRACE)) {
		struct token open = *t;
		parse_advance(p);
		if (!parse_enter(p))
			return l;
		do
			parse_probe_point(p, &l);
		while (!p->panic && parse_accept_op(p, OP_COMMA));
		parse_leave(p);
		if (!p->panic)
			parse_expect_close(p, OP_RBRACE, &open);
		return l;
	}
	struct pp_comp *c = arena_alloc(p->arena, sizeof(*c));
	c->pos = t->pos;
	c->name = component_name(p);
	if (!c->name)
		return l;
	if (parse_is_op(parse_peek(p, 0), OP_LPAREN))
		c->arg = component_arg(p);
	struct probe_point *pt = arena_alloc(p->arena, sizeof(*pt));
	pt->pos = c->pos;
	pt->comps = c;
	pt->ncomps = 1;
	pp_list_add(&l, pt);
	return l;
}

/* Whether any point of l carries '?', '!' or a condition. */
static bool pp_has_suffix(const struct pp_list *l, bool cond)
{
	for (const struct probe_point *pt = l->head; pt; pt = pt->next)
		if (cond ? pt->cond != NULL : pt->optional || pt->sufficient)
			return true;
	return false;
}

/* '?' '!' 'if' of a whole point; they may not repeat an alternative's. */
static void pp_suffix(struct parser *p, struct pp_list *acc, struct pp_list *out)
{
	const struct token *t = parse_peek(p, 0);
	bool opt = parse_is_op(t, OP_QUESTION), suff = parse_is_op(t, OP_NOT);
	struct node *cond = NULL;
	if (opt || suff) {
		out->flag_pos = t->pos;
		if (pp_has_suffix(acc, false))
			parse_error_at(p, D_PARSE_BAD_PROBE_POINT, t, "'?' or '!' given twice");
		parse_advance(p);
	}
	t = parse_peek(p, 0);
	if (is_kw(t, KW_IF)) {
		if (pp_has_suffix(acc, true))
			parse_error_at(p, D_PARSE_BAD_PROBE_POINT, t, "probe point condition given twice");
		parse_advance(p);
		cond = paren_expr(p);
	}
	for (struct probe_point *pt = acc->head, *next; pt; pt = next) {
		next = pt->next;
		pt->optional |= opt;
		pt->sufficient |= suff;
		if (cond)
			pt->cond = cond;
		pt->next = NULL;
		pp_list_add(out, pt);
	}
}

/* probe_point := pp_elem { '.' pp_elem } [ '?' | '!' ] [ 'if' '(' expr ')' ]
 * ('?', '!' and 'if' inside a {} alternative only when it ends the point) */
static void parse_probe_point(struct parser *p, struct pp_list *out)
{
	const struct token *first = parse_peek(p, 0);
	struct probe_point *seed = arena_alloc(p->arena, sizeof(*seed));
	seed->pos = first->pos;
	struct pp_list acc = { 0 };
	pp_list_add(&acc, seed);
	do {
		struct token at = *parse_peek(p, 0);
		struct pp_list e = pp_elem(p);
		if (p->panic)
			return;
		if (parse_is_op(parse_peek(p, 0), OP_DOT) &&
		    (pp_has_suffix(&e, false) || pp_has_suffix(&e, true))) {
			parse_error_at(p, D_PARSE_BAD_PROBE_POINT, &at,
				       "'?', '!' or 'if' belongs at the end of a probe point");
			return;
		}
		acc = pp_product(p, &acc, &e, &at);
		if (p->panic)
			return;
	} while (parse_accept_op(p, OP_DOT));
	for (struct probe_point *pt = acc.head; pt; pt = pt->next)
		pt->pos = seed->pos;
	pp_suffix(p, &acc, out);
}

/* ---- declarations ---- */

/* probe_decl := 'probe' probe_point { ',' probe_point } block
 * alias_decl := 'probe' probe_point ( '=' | '+=' ) probe_point { ',' probe_point } block
 *               [ ',' block ]        (with '=': a prologue and an epilogue) */
static void parse_probe(struct parser *p)
{
	struct token kw = *parse_peek(p, 0);
	parse_advance(p);
	struct pp_list points = { 0 };
	p->pp_budget = MAX_EXPANDED_COMPS;
	parse_probe_point(p, &points);
	const struct token *t = parse_peek(p, 0);
	if (parse_is_op(t, OP_ASSIGN) || parse_is_op(t, OP_ADD_ASSIGN)) {
		struct stap_alias *al = arena_alloc(p->arena, sizeof(*al));
		al->pos = kw.pos;
		al->epilogue = t->op == OP_ADD_ASSIGN;
		if (points.count != 1)
			parse_error_at(p, D_PARSE_BAD_PROBE_POINT, t,
				       "a probe alias defines exactly one probe point");
		else if (points.head->optional || points.head->sufficient)
			parse_error_at(p, D_PARSE_BAD_PROBE_POINT,
				       &(struct token){ .pos = points.flag_pos, .text = "" },
				       "a probe alias name cannot be optional ('?') or sufficient ('!')");
		parse_advance(p);
		al->name = points.head;
		struct pp_list rhs = { 0 };
		do
			parse_probe_point(p, &rhs);
		while (!p->panic && parse_accept_op(p, OP_COMMA));
		al->points = rhs.head;
		if (!parse_is_op(parse_peek(p, 0), OP_LBRACE))
			parse_expected(p, D_PARSE_BAD_PROBE_POINT, "',' or '{'");
		al->body = parse_block(p);
		t = parse_peek(p, 0);
		if (parse_is_op(t, OP_COMMA) && parse_is_op(parse_peek(p, 1), OP_LBRACE)) {
			if (al->epilogue)
				parse_error_at(p, D_PARSE_BAD_PROBE_POINT, t,
					       "an alias defined with '+=' has no second body");
			parse_advance(p);
			al->epilogue_body = parse_block(p);
		}
		if (al->name && al->points)
			ast_add_alias(p->arena, p->prog, al);
		return;
	}
	while (!p->panic && parse_accept_op(p, OP_COMMA))
		parse_probe_point(p, &points);
	struct stap_probe *pr = arena_alloc(p->arena, sizeof(*pr));
	pr->pos = kw.pos;
	pr->points = points.head;
	if (!parse_is_op(parse_peek(p, 0), OP_LBRACE))
		parse_expected(p, D_PARSE_BAD_PROBE_POINT, "',', '{', '=' or '+='");
	pr->body = parse_block(p);
	if (pr->points)
		ast_add_probe(p->arena, p->prog, pr);
}

/* literal := ['-'] NUMBER | STRING {STRING} */
static struct node *global_init(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	struct node *n;
	if (t->kind == TK_STRING) {
		n = parse_new(p, ND_STR, t);
		parse_string_literal(p, D_PARSE_BAD_DECL, &n->u.str.s, &n->u.str.len);
		return n;
	}
	bool neg = parse_accept_op(p, OP_MINUS);
	t = parse_peek(p, 0);
	n = parse_new(p, ND_NUM, t);
	if (t->kind != TK_NUMBER) {
		parse_expected(p, D_PARSE_EXPECTED, "a number or string literal");
		return n;
	}
	n->u.num = neg ? (int64_t)(0 - (uint64_t)t->num) : t->num;
	parse_advance(p);
	return n;
}

/* '[' NUMBER ']' : an array's maximum size, 1 .. 2^31-1 */
static void global_size(struct parser *p, struct stap_global *g)
{
	struct token open = *parse_peek(p, 0);
	parse_advance(p);
	const struct token *t = parse_peek(p, 0);
	if (t->kind != TK_NUMBER) {
		parse_expected(p, D_PARSE_EXPECTED, "an array size");
		return;
	}
	if (t->num < 1 || t->num > 2147483647)
		parse_error_at(p, D_PARSE_BAD_DECL, t, "array size %lld out of range [1-2147483647]",
			       (long long)t->num);
	g->max_size = t->num;
	parse_advance(p);
	parse_expect_close(p, OP_RBRACKET, &open);
}

static size_t name_slot(const char *name, size_t cap)
{
	uint64_t v = (uintptr_t)name * 0x9E3779B97F4A7C15ull;
	return (size_t)(v >> 32) & (cap - 1);
}

/* Record a global name of this source; false if it was declared before. */
static bool add_global_name(struct parser *p, const char *name)
{
	if ((p->nglobals + 1) * 2 > p->globals_cap) {
		size_t ncap = p->globals_cap ? p->globals_cap * 2 : 64;
		const char **ns = arena_alloc(p->arena, ncap * sizeof(*ns));
		for (size_t i = 0; i < p->globals_cap; i++) {
			if (!p->globals[i])
				continue;
			size_t j = name_slot(p->globals[i], ncap);
			while (ns[j])
				j = (j + 1) & (ncap - 1);
			ns[j] = p->globals[i];
		}
		p->globals = ns;
		p->globals_cap = ncap;
	}
	size_t j = name_slot(name, p->globals_cap);
	while (p->globals[j]) {
		if (p->globals[j] == name)
			return false;
		j = (j + 1) & (p->globals_cap - 1);
	}
	p->globals[j] = name;
	p->nglobals++;
	return true;
}

/* global_var := IDENT [ '[' NUMBER ']' | '%' [ '[' NUMBER ']' ] ] [ '=' literal ] */
static void global_var(struct parser *p, bool is_private)
{
	const struct token *t = parse_peek(p, 0);
	if (t->kind != TK_IDENT || t->text[0] == '@') {
		parse_expected(p, D_PARSE_EXPECTED, "a global variable name");
		return;
	}
	if (!add_global_name(p, t->name)) {
		parse_error_at(p, D_PARSE_BAD_DECL, t, "global '%s' is already declared in this file",
			       t->name);
		return;
	}
	struct stap_global *g = arena_alloc(p->arena, sizeof(*g));
	g->pos = t->pos;
	g->name = t->name;
	g->is_private = is_private;
	parse_advance(p);
	if (parse_accept_op(p, OP_PERCENT)) {
		g->is_array = g->wrap = true;
		if (parse_is_op(parse_peek(p, 0), OP_LBRACKET))
			global_size(p, g);
	} else if (parse_is_op(parse_peek(p, 0), OP_LBRACKET)) {
		g->is_array = true;
		global_size(p, g);
	}
	t = parse_peek(p, 0);
	if (parse_is_op(t, OP_ASSIGN)) {
		if (g->is_array)
			parse_error_at(p, D_PARSE_BAD_DECL, t, "only scalar globals can be initialized");
		parse_advance(p);
		g->init = global_init(p);
	}
	if (!p->panic)
		ast_add_global(p->arena, p->prog, g);
}

/* global_decl := 'global' global_var { ',' global_var } [';'] */
static void parse_global(struct parser *p, bool is_private)
{
	do
		global_var(p, is_private);
	while (!p->panic && parse_accept_op(p, OP_COMMA));
	if (!p->panic)
		accept_semi(p);
}

/* type := 'long' | 'string' */
static enum stap_type parse_type(struct parser *p)
{
	if (accept_kw(p, KW_LONG))
		return TYPE_LONG;
	if (accept_kw(p, KW_STRING))
		return TYPE_STRING;
	parse_expected(p, D_PARSE_BAD_DECL, "'long' or 'string'");
	return TYPE_UNKNOWN;
}

/* param := IDENT [ ':' type ] */
static void function_param(struct parser *p, struct stap_function *f,
			   struct stap_param ***tail)
{
	const struct token *t = parse_peek(p, 0);
	if (t->kind != TK_IDENT || t->text[0] == '@') {
		parse_expected(p, D_PARSE_EXPECTED, "a parameter name");
		return;
	}
	for (struct stap_param *q = f->params; q; q = q->next) {
		if (q->name == t->name) {
			parse_error_at(p, D_PARSE_BAD_DECL, t, "duplicate parameter '%s'", t->name);
			return;
		}
	}
	struct stap_param *prm = arena_alloc(p->arena, sizeof(*prm));
	prm->name = t->name;
	prm->pos = t->pos;
	parse_advance(p);
	if (parse_accept_op(p, OP_COLON))
		prm->type = parse_type(p);
	**tail = prm;
	*tail = &prm->next;
	f->nparams++;
}

/* params := '(' [ param { ',' param } [','] ] ')' */
static void function_params(struct parser *p, struct stap_function *f)
{
	struct token open = *parse_peek(p, 0);
	struct stap_param **tail = &f->params;
	if (!parse_expect_op(p, D_PARSE_EXPECTED, OP_LPAREN))
		return;
	while (!p->panic && !parse_is_op(parse_peek(p, 0), OP_RPAREN)) {
		function_param(p, f, &tail);
		if (!parse_accept_op(p, OP_COMMA))
			break;
	}
	if (!p->panic)
		parse_expect_close(p, OP_RPAREN, &open);
}

/* function_decl := 'function' IDENT [ ':' type ] params ( block | EMBEDDED ) */
static void parse_function(struct parser *p, bool is_private)
{
	parse_advance(p);
	const struct token *t = parse_peek(p, 0);
	if (t->kind != TK_IDENT || t->text[0] == '@') {
		parse_expected(p, D_PARSE_EXPECTED, "a function name");
		return;
	}
	struct stap_function *f = arena_alloc(p->arena, sizeof(*f));
	f->pos = t->pos;
	f->name = t->name;
	f->is_private = is_private;
	parse_advance(p);
	if (parse_accept_op(p, OP_COLON))
		f->ret_type = parse_type(p);
	function_params(p, f);
	if (p->panic)
		return;
	t = parse_peek(p, 0);
	if (t->kind == TK_EMBEDDED) {
		check_guru_embedded(p, t);
		f->embedded = t->str;
		f->embedded_len = t->str_len;
		parse_advance(p);
	} else if (parse_is_op(t, OP_LBRACE)) {
		p->in_function = true;
		f->body = parse_block(p);
		p->in_function = false;
	} else {
		parse_expected(p, D_PARSE_EXPECTED, "'{' or '%{'");
		return;
	}
	ast_add_function(p->arena, p->prog, f);
}

/* private_decl := 'private' ( 'global' global_decl | function_decl | global_var_list ) */
static void parse_private(struct parser *p)
{
	parse_advance(p);
	const struct token *t = parse_peek(p, 0);
	if (is_kw(t, KW_FUNCTION)) {
		parse_function(p, true);
	} else if (is_kw(t, KW_GLOBAL)) {
		parse_advance(p);
		parse_global(p, true);
	} else if (t->kind == TK_IDENT) {
		parse_global(p, true);
	} else {
		parse_expected(p, D_PARSE_BAD_DECL, "'function', 'global' or a variable name");
	}
}

/* declaration := probe_decl | alias_decl | global_decl | function_decl
 *              | private_decl | EMBEDDED */
static void parse_declaration(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	if (is_kw(t, KW_PROBE)) {
		parse_probe(p);
	} else if (is_kw(t, KW_GLOBAL)) {
		parse_advance(p);
		parse_global(p, false);
	} else if (is_kw(t, KW_FUNCTION)) {
		parse_function(p, false);
	} else if (is_kw(t, KW_PRIVATE)) {
		parse_private(p);
	} else if (t->kind == TK_EMBEDDED) {
		check_guru_embedded(p, t);
		struct stap_embedded *e = arena_alloc(p->arena, sizeof(*e));
		e->pos = t->pos;
		e->code = t->str;
		e->len = t->str_len;
		parse_advance(p);
		ast_add_embedded(p->arena, p->prog, e);
	} else if (t->kind == TK_IDENT && t->text[0] == '@') {
		parse_error_at(p, D_MACRO_UNDEFINED, t, "unknown macro '%.*s'", (int)t->len, t->text);
	} else {
		parse_expected(p, D_PARSE_EXPECTED,
			       "'probe', 'global', 'private', 'function' or '%{'");
	}
}

/* program := { declaration } */
int parse_program(struct pass1 *ctx, struct pp *pp, bool is_tapset, struct program *prog)
{
	struct parser p = { 0 };
	p.ctx = ctx;
	p.pp = pp;
	p.arena = ctx->arena;
	p.prog = prog;
	p.is_tapset = is_tapset;
	p.guru = ctx->guru || is_tapset;
	p.eof.kind = TK_EOF;
	p.eof.text = "";
	int count = prog->ndecls;
	while (!diag_too_many()) {
		const struct token *t = parse_peek(&p, 0);
		if (t->kind == TK_EOF)
			break;
		unsigned long consumed = p.consumed;
		p.depth = 0;
		p.nopens = 0;
		parse_declaration(&p);
		if (p.panic)
			sync_toplevel(&p);
		if (p.consumed == consumed)
			parse_advance(&p);
	}
	return prog->ndecls - count;
}
