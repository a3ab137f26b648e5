/* parse_expr.c - expressions, lowest precedence first:
 *
 *   assignment  = += -= *= /= %= <<= >>= &= ^= |= .= <<<   (right)
 *   ternary     ?:                                          (right)
 *   binary      || && | ^ & ; in ; < > <= >= == != =~ !~ ; << >> ; . ; + - ; * / %
 *   unary       - + ! ~ (prefix), then ++ -- (prefix or suffix, not both)
 *   value       & (address of), then [keys] ->field $ $$
 *   primary     literals, (expr), $target, @operators, calls, print family
 *
 * Binary operators are parsed by precedence climbing; all are left
 * associative.  'in' is special (as upstream): "K in A" and "[K1, K2] in A"
 * sit between & and the comparisons, take an array name (or histogram) on
 * the right, and nothing binding tighter than & may follow them.
 *
 * Pass-1 only checks shape, as upstream does: "1 = 2" parses (pass 2 says
 * it is not an lvalue).  Printing, histogram and guru-only operators have
 * their special forms checked here because upstream rejects them at pass 1.
 */
#include "config.h"

#include "pass1_int.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "compat.h"
#include "format.h"

enum level {
	LV_NONE, LV_ASSIGN, LV_TERNARY, LV_OR, LV_AND, LV_BITOR, LV_XOR, LV_BITAND,
	LV_IN, LV_CMP, LV_SHIFT, LV_CONCAT, LV_ADD, LV_MUL, LV_PRIMARY,
};

static struct node *parse_unary(struct parser *p);
static struct node *postfix_ops(struct parser *p, struct node *n);

/* A stand-in value after an error, so callers never see NULL. */
static struct node *placeholder(struct parser *p)
{
	return parse_new(p, ND_NUM, parse_peek(p, 0));
}

/* ---- @operators ---- */

enum at_op {
	AT_NONE, AT_CAST, AT_VAR, AT_ENTRY, AT_DEFINED, AT_PROBEWRITE, AT_PERF, AT_CONST,
	AT_KREGISTER, AT_UREGISTER, AT_KDEREF, AT_UDEREF, AT_COUNT, AT_SUM, AT_MIN, AT_MAX, AT_AVG,
	AT_VARIANCE, AT_HIST_LINEAR, AT_HIST_LOG, AT_DEFINE,
};

static const struct {
	const char *name;
	enum at_op op;
} at_ops[] = {
	{ "cast", AT_CAST }, { "var", AT_VAR }, { "entry", AT_ENTRY },
	{ "defined", AT_DEFINED }, { "probewrite", AT_PROBEWRITE }, { "perf", AT_PERF },
	{ "const", AT_CONST }, { "kregister", AT_KREGISTER }, { "uregister", AT_UREGISTER },
	{ "kderef", AT_KDEREF }, { "uderef", AT_UDEREF },
	{ "count", AT_COUNT }, { "sum", AT_SUM }, { "min", AT_MIN }, { "max", AT_MAX },
	{ "avg", AT_AVG }, { "variance", AT_VARIANCE }, { "hist_linear", AT_HIST_LINEAR },
	{ "hist_log", AT_HIST_LOG }, { "define", AT_DEFINE },
};

/* Classes of well-known identifiers, given to tokens by the lexer (in
 * token->op) so the parser never compares strings. */
#define SPECIAL_PRINT 1      /* + index in print_fns */
#define SPECIAL_AT 32        /* + enum at_op */

static enum at_op at_op_of(const char *name)
{
	for (size_t i = 0; i < sizeof(at_ops) / sizeof(at_ops[0]); i++)
		if (strcmp(at_ops[i].name, name) == 0)
			return at_ops[i].op;
	return AT_NONE;
}

bool parse_is_builtin_at(const char *name)
{
	return at_op_of(name) != AT_NONE;
}

static enum at_op token_at_op(const struct token *t)
{
	return t->kind == TK_IDENT && t->op > SPECIAL_AT ? (enum at_op)(t->op - SPECIAL_AT)
							  : AT_NONE;
}

static bool is_hist_token(const struct token *t)
{
	enum at_op op = token_at_op(t);
	return op == AT_HIST_LINEAR || op == AT_HIST_LOG;
}

static void need_guru(struct parser *p, const struct token *t)
{
	if (!p->guru)
		diag_error(D_PARSE_EMBEDDED_NEEDS_GURU, &t->pos,
			   "'%s' needs guru mode (stap -g)", t->name);
}

/* '(' after an @operator; returns the opener for the closing check. */
static bool open_paren(struct parser *p, struct token *open)
{
	*open = *parse_peek(p, 0);
	return parse_expect_op(p, D_PARSE_EXPECTED, OP_LPAREN);
}

/* '(' STRING {STRING} ')' : @perf, @const */
static struct node *at_string_op(struct parser *p, enum node_kind kind)
{
	struct node *n = parse_new(p, kind, parse_peek(p, 0));
	struct token open;
	parse_advance(p);
	if (!open_paren(p, &open))
		return n;
	parse_string_literal(p, D_PARSE_EXPECTED, &n->u.str.s, &n->u.str.len);
	parse_expect_close(p, OP_RPAREN, &open);
	return n;
}

/* '(' expr ')' : @entry, @defined, @probewrite */
static struct node *at_expr_op(struct parser *p, enum node_kind kind)
{
	struct node *n = parse_new(p, kind, parse_peek(p, 0));
	struct token open;
	parse_advance(p);
	if (!open_paren(p, &open)) {
		n->u.expr.e = placeholder(p);
		return n;
	}
	n->u.expr.e = parse_expr(p);
	parse_expect_close(p, OP_RPAREN, &open);
	return n;
}

/* '(' NUMBER ')' : @kregister, @uregister */
static struct node *at_register(struct parser *p, int which)
{
	struct node *n = parse_new(p, ND_REGISTER, parse_peek(p, 0));
	struct token open;
	n->op = which;
	parse_advance(p);
	if (!open_paren(p, &open))
		return n;
	const struct token *t = parse_peek(p, 0);
	if (t->kind != TK_NUMBER) {
		parse_expected(p, D_PARSE_EXPECTED, "a register number");
		return n;
	}
	n->u.num = t->num;
	parse_advance(p);
	parse_expect_close(p, OP_RPAREN, &open);
	return n;
}

/* '(' NUMBER ',' expr ')' : @kderef, @uderef */
static struct node *at_deref(struct parser *p, int which)
{
	struct node *n = parse_new(p, ND_DEREF, parse_peek(p, 0));
	struct token open;
	n->op = which;
	parse_advance(p);
	if (!open_paren(p, &open)) {
		n->u.deref.e = placeholder(p);
		return n;
	}
	const struct token *t = parse_peek(p, 0);
	if (t->kind != TK_NUMBER) {
		parse_expected(p, D_PARSE_EXPECTED, "a size in bytes (1, 2, 4 or 8)");
		n->u.deref.e = placeholder(p);
		return n;
	}
	n->u.deref.size = t->num;
	parse_advance(p);
	if (!parse_accept_op(p, OP_COMMA)) {
		parse_expected(p, D_PARSE_EXPECTED, "',' and an address after the size");
		n->u.deref.e = placeholder(p);
		return n;
	}
	n->u.deref.e = parse_expr(p);
	parse_expect_close(p, OP_RPAREN, &open);
	return n;
}

/* cast := '@cast' '(' expr ',' STRING [ ',' STRING ] ')'
 * var  := '@var' '(' STRING [ ',' STRING ] ')' */
static struct node *at_cast_or_var(struct parser *p, enum node_kind kind)
{
	struct node *n = parse_new(p, kind, parse_peek(p, 0));
	struct token open;
	size_t len;
	parse_advance(p);
	if (!open_paren(p, &open)) {
		n->u.tgt.base = placeholder(p);
		return n;
	}
	if (kind == ND_CAST) {
		n->u.tgt.base = parse_expr(p);
		if (!parse_expect_op(p, D_PARSE_EXPECTED, OP_COMMA))
			return n;
		parse_string_literal(p, D_PARSE_EXPECTED, &n->u.tgt.type_name, &len);
	} else {
		parse_string_literal(p, D_PARSE_EXPECTED, &n->u.tgt.name, &len);
	}
	if (parse_accept_op(p, OP_COMMA))
		parse_string_literal(p, D_PARSE_EXPECTED, &n->u.tgt.module, &len);
	parse_expect_close(p, OP_RPAREN, &open);
	return n;
}

/* number := ['-'] NUMBER  (histogram bounds, @variance bucket) */
static struct node *number_literal(struct parser *p)
{
	bool neg = parse_accept_op(p, OP_MINUS);
	const struct token *t = parse_peek(p, 0);
	struct node *n = parse_new(p, ND_NUM, t);
	if (t->kind != TK_NUMBER) {
		parse_expected(p, D_PARSE_EXPECTED, "a number literal");
		return n;
	}
	n->u.num = neg ? (int64_t)(0 - (uint64_t)t->num) : t->num;
	parse_advance(p);
	return n;
}

/* stat_op := ('@count' | '@sum' | '@min' | '@max' | '@avg') '(' expr ')'
 *          | '@variance' '(' expr [ ',' number ] ')' */
static struct node *at_stat(struct parser *p, enum stat_op op)
{
	struct node *n = parse_new(p, ND_STAT_OP, parse_peek(p, 0));
	struct token open;
	n->op = op;
	parse_advance(p);
	if (!open_paren(p, &open)) {
		n->u.stat.operand = placeholder(p);
		return n;
	}
	n->u.stat.operand = parse_expr(p);
	if (op == STAT_VARIANCE && parse_accept_op(p, OP_COMMA)) {
		n->u.stat.params = number_literal(p);
		n->u.stat.nparams = 1;
	}
	parse_expect_close(p, OP_RPAREN, &open);
	return n;
}

/* hist_op := '@hist_linear' '(' expr ',' number ',' number ',' number ')'
 *          | '@hist_log' '(' expr ')' */
static struct node *parse_hist_op(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	struct node *n = parse_new(p, ND_HIST_OP, t);
	struct token open;
	n->op = strcmp(t->name, "@hist_log") == 0 ? HIST_LOG : HIST_LINEAR;
	parse_advance(p);
	if (!open_paren(p, &open)) {
		n->u.stat.operand = placeholder(p);
		return n;
	}
	n->u.stat.operand = parse_expr(p);
	struct node **tail = &n->u.stat.params;
	for (int i = 0; n->op == HIST_LINEAR && i < 3; i++) {
		if (!parse_expect_op(p, D_PARSE_EXPECTED, OP_COMMA))
			return n;
		*tail = number_literal(p);
		tail = &(*tail)->next;
		n->u.stat.nparams++;
	}
	parse_expect_close(p, OP_RPAREN, &open);
	return n;
}

static struct node *parse_at_op(struct parser *p, const struct token *t)
{
	switch (token_at_op(t)) {
	case AT_CAST: return at_cast_or_var(p, ND_CAST);
	case AT_VAR: return at_cast_or_var(p, ND_ATVAR);
	case AT_ENTRY: return at_expr_op(p, ND_ENTRY);
	case AT_DEFINED: return at_expr_op(p, ND_DEFINED);
	case AT_PROBEWRITE: return at_expr_op(p, ND_PROBEWRITE);
	case AT_PERF: return at_string_op(p, ND_PERF);
	case AT_CONST:
		need_guru(p, t);
		return at_string_op(p, ND_CONST);
	case AT_KREGISTER:
		need_guru(p, t);
		return at_register(p, 'k');
	case AT_UREGISTER: return at_register(p, 'u');
	case AT_KDEREF:
		need_guru(p, t);
		return at_deref(p, 'k');
	case AT_UDEREF: return at_deref(p, 'u');
	case AT_COUNT: return at_stat(p, STAT_COUNT);
	case AT_SUM: return at_stat(p, STAT_SUM);
	case AT_MIN: return at_stat(p, STAT_MIN);
	case AT_MAX: return at_stat(p, STAT_MAX);
	case AT_AVG: return at_stat(p, STAT_AVG);
	case AT_VARIANCE: return at_stat(p, STAT_VARIANCE);
	case AT_HIST_LINEAR:
	case AT_HIST_LOG: {
		struct node *h = parse_hist_op(p);
		if (!parse_is_op(parse_peek(p, 0), OP_LBRACKET))
			parse_expected(p, D_PARSE_EXPECTED,
				       "'[' after a histogram used as a value (a histogram can "
				       "only be printed, indexed or iterated)");
		return h;
	}
	case AT_DEFINE:
	case AT_NONE:
		break;
	}
	parse_error_at(p, D_MACRO_UNDEFINED, t, "unknown macro or operator '%s'", t->name);
	return placeholder(p);
}

/* ---- the print family ---- */

static const struct {
	const char *name;
	int flags;
} print_fns[] = {
	{ "print", 0 }, { "println", PF_NEWLINE },
	{ "sprint", PF_STRING }, { "sprintln", PF_STRING | PF_NEWLINE },
	{ "printf", PF_FORMAT }, { "sprintf", PF_STRING | PF_FORMAT },
	{ "printd", PF_DELIM }, { "printdln", PF_DELIM | PF_NEWLINE },
	{ "sprintd", PF_STRING | PF_DELIM }, { "sprintdln", PF_STRING | PF_DELIM | PF_NEWLINE },
};

#define N_PRINT_FNS (int)(sizeof(print_fns) / sizeof(print_fns[0]))

static int print_flags(const struct token *t)
{
	if (t->op >= SPECIAL_PRINT && t->op < SPECIAL_PRINT + N_PRINT_FNS)
		return print_fns[t->op - SPECIAL_PRINT].flags;
	return -1;
}

void parse_register_names(struct intern *in)
{
	char buf[32];
	for (int i = 0; i < N_PRINT_FNS; i++)
		intern_set_special(in, print_fns[i].name, SPECIAL_PRINT + i);
	for (size_t i = 0; i < sizeof(at_ops) / sizeof(at_ops[0]); i++) {
		snprintf(buf, sizeof(buf), "@%s", at_ops[i].name);
		intern_set_special(in, buf, SPECIAL_AT + (int)at_ops[i].op);
	}
}

static void append_arg(struct node *call, struct node ***tail, struct node *arg)
{
	**tail = arg;
	*tail = &arg->next;
	call->u.call.nargs++;
}

/* print_args := hist_op ')' | hist_op '[' keys ']' { ',' expr } ')' | expr { ',' expr } ')'
 *             | ')'   (println and sprintln only) */
static void print_values(struct parser *p, struct node *n, struct node **tail,
			 const struct token *open)
{
	if (!(n->op & (PF_FORMAT | PF_DELIM)) && is_hist_token(parse_peek(p, 0))) {
		struct node *h = parse_hist_op(p);
		if (!parse_is_op(parse_peek(p, 0), OP_LBRACKET)) {
			append_arg(n, &tail, h);
			parse_expect_close(p, OP_RPAREN, open);
			return;
		}
		append_arg(n, &tail, postfix_ops(p, h));
		if (!parse_accept_op(p, OP_COMMA)) {
			parse_expect_close(p, OP_RPAREN, open);
			return;
		}
	}
	if (n->op == PF_NEWLINE || n->op == (PF_NEWLINE | PF_STRING)) {
		/* println() and sprintln() need no value */
		if (parse_accept_op(p, OP_RPAREN))
			return;
	}
	do
		append_arg(n, &tail, parse_expr(p));
	while (parse_accept_op(p, OP_COMMA));
	parse_expect_close(p, OP_RPAREN, open);
}

/* A malformed format literal is reported here, as upstream does, so
 * `stap -p1` already rejects it; argument checks belong to pass 2. */
static void check_format(const struct node *s)
{
	const char *msg;
	size_t off;
	if (!fmt_parse(s->u.str.s, s->u.str.len, NULL, NULL, &msg, &off))
		diag_error(D_PARSE_BAD_FORMAT, &s->pos, "%s (at byte %zu of the format)", msg,
			   off);
}

/* print_call := PRINTNAME '(' [ STRING {STRING} ',' ] print_args
 * printf and sprintf start with a literal format, printd... with a literal
 * delimiter and need two values at least; print... need one. */
static struct node *parse_print(struct parser *p, const struct token *t, int flags)
{
	struct node *n = parse_new(p, ND_PRINT, t);
	struct node **tail = &n->u.call.args;
	struct token open;
	n->op = flags;
	n->u.call.name = t->name;
	parse_advance(p);
	if (!open_paren(p, &open))
		return n;
	if (flags & (PF_FORMAT | PF_DELIM)) {
		struct node *s = parse_new(p, ND_STR, parse_peek(p, 0));
		if (!parse_string_literal(p, D_PARSE_EXPECTED, &s->u.str.s, &s->u.str.len))
			return n;
		append_arg(n, &tail, s);
		if (flags & PF_FORMAT) {
			check_format(s);
			if (!parse_accept_op(p, OP_COMMA)) {
				parse_expect_close(p, OP_RPAREN, &open);
				return n;
			}
		} else {
			if (!parse_expect_op(p, D_PARSE_EXPECTED, OP_COMMA))
				return n;
			append_arg(n, &tail, parse_expr(p));
			if (!parse_expect_op(p, D_PARSE_EXPECTED, OP_COMMA))
				return n;
		}
	}
	print_values(p, n, tail, &open);
	return n;
}

/* call := IDENT '(' [ expr { ',' expr } ] ')' */
static struct node *parse_call(struct parser *p, const struct token *t)
{
	struct node *n = parse_new(p, ND_CALL, t);
	struct node **tail = &n->u.call.args;
	struct token open;
	n->u.call.name = t->name;
	parse_advance(p);
	open = *parse_peek(p, 0);
	parse_advance(p);
	if (parse_accept_op(p, OP_RPAREN))
		return n;
	do
		append_arg(n, &tail, parse_expr(p));
	while (parse_accept_op(p, OP_COMMA));
	parse_expect_close(p, OP_RPAREN, &open);
	return n;
}

/* ---- target variables ---- */

/* Strip a trailing pretty-print $ or $$ from name[0..len) if at least
 * min_len characters remain; returns the depth stripped (0, 1, 2). */
static int strip_pretty(const char *name, size_t *len, size_t min_len)
{
	size_t n = *len;
	if (n >= min_len + 2 && name[n - 1] == '$' && name[n - 2] == '$') {
		*len = n - 2;
		return 2;
	}
	if (n >= min_len + 1 && name[n - 1] == '$') {
		*len = n - 1;
		return 1;
	}
	return 0;
}

/* The component list of the target node being built, appended in O(1). */
struct chain {
	struct node *n;              /* a target-ish node, or NULL */
	struct target_comp **tail;
	bool pretty;                 /* ends in $ or $$: no more components */
};

static void chain_start(struct chain *c, struct node *n)
{
	c->n = ast_is_target(n) ? n : NULL;
	c->pretty = false;
	c->tail = NULL;
	if (!c->n)
		return;
	c->tail = &n->u.tgt.comps;
	while (*c->tail) {
		c->pretty = (*c->tail)->kind == COMP_PRETTY;
		c->tail = &(*c->tail)->next;
	}
}

static struct target_comp *add_comp(struct parser *p, struct chain *c,
				    enum target_comp_kind kind, const struct token *t)
{
	struct target_comp *tc = arena_alloc(p->arena, sizeof(*tc));
	tc->kind = kind;
	tc->pos = t->pos;
	*c->tail = tc;
	c->tail = &tc->next;
	c->pretty = kind == COMP_PRETTY;
	return tc;
}

/* target := '$name' | '$name$' | '$name$$' */
static struct node *parse_target(struct parser *p, const struct token *t)
{
	struct node *n = parse_new(p, ND_TARGET, t);
	struct chain c;
	size_t len = t->len;
	int depth = strip_pretty(t->text, &len, 2);
	n->u.tgt.name = intern_name(&p->ctx->names, t->text, len, NULL);
	chain_start(&c, n);
	if (depth)
		add_comp(p, &c, COMP_PRETTY, t)->depth = depth;
	parse_advance(p);
	return n;
}

/* field := '->' ( IDENT [ '$' | '$$' ] | keyword | '$' | '$$' ) */
static void parse_field(struct parser *p, struct chain *c)
{
	parse_advance(p);
	const struct token *t = parse_peek(p, 0);
	if (t->kind == TK_IDENT && (strcmp(t->name, "$") == 0 || strcmp(t->name, "$$") == 0)) {
		add_comp(p, c, COMP_PRETTY, t)->depth = (int)t->len;   /* $x->$ is $x$ */
		parse_advance(p);
		return;
	}
	if (!((t->kind == TK_IDENT && t->text[0] != '$' && t->text[0] != '@') ||
	      t->kind == TK_KEYWORD)) {
		parse_expected(p, D_PARSE_EXPECTED, "a field name after '->'");
		return;
	}
	size_t len = t->len;
	int depth = strip_pretty(t->text, &len, 1);
	struct target_comp *tc = add_comp(p, c, COMP_FIELD, t);
	tc->name = intern_name(&p->ctx->names, t->text, len, NULL);
	if (depth)
		add_comp(p, c, COMP_PRETTY, t)->depth = depth;
	parse_advance(p);
}

/* '[' expr ']' after a target: an array element of the target value. */
static void parse_target_index(struct parser *p, struct chain *c)
{
	struct token open = *parse_peek(p, 0);
	parse_advance(p);
	struct target_comp *tc = add_comp(p, c, COMP_INDEX, &open);
	tc->index = parse_expr(p);
	parse_expect_close(p, OP_RBRACKET, &open);
}

/* A lone '$' or '$$': the pretty-printing suffix. */
static bool is_pretty_op(const struct token *t)
{
	return t->kind == TK_IDENT &&
	       ((t->len == 1 && t->text[0] == '$') ||
		(t->len == 2 && t->text[0] == '$' && t->text[1] == '$'));
}

/* key := '*' | expr ;  keys := '[' key { ',' key } ']' */
struct node *parse_key_list(struct parser *p, int *n)
{
	struct token open = *parse_peek(p, 0);
	struct node *head = NULL, **tail = &head;
	*n = 0;
	parse_advance(p);
	do {
		const struct token *t = parse_peek(p, 0);
		if (parse_is_op(t, OP_STAR)) {
			*tail = parse_new(p, ND_WILDCARD, t);
			parse_advance(p);
		} else {
			*tail = parse_expr(p);
		}
		tail = &(*tail)->next;
		(*n)++;
	} while (parse_accept_op(p, OP_COMMA));
	parse_expect_close(p, OP_RBRACKET, &open);
	return head;
}

/* Whether the postfix operators apply to any value (autocast, 2.6 on): a
 * value's -> [ ] $ $$; before, only a target's, and what follows another
 * value starts the next statement. */
static bool autocast_ops(const struct parser *p)
{
	return !compat_before(p->ctx->systemtap_v, COMPAT_AUTOCAST);
}

/* n becomes the base of a new autocast chain in c. */
static struct node *autocast_start(struct parser *p, struct chain *c, struct node *n,
				   const struct token *t)
{
	struct node *ac = parse_new(p, ND_AUTOCAST, t);
	ac->u.tgt.base = n;
	chain_start(c, ac);
	return ac;
}

/* chain := primary { keys | field | '$' | '$$' }
 * keys after an array name (not parenthesised) or a histogram index it,
 * each keys a level of nesting; after any other value they, like -> and
 * $, make it an autocast chain. */
static struct node *postfix_ops(struct parser *p, struct node *n)
{
	struct chain c;
	int nested = 0;
	bool paren = p->paren_primary;
	p->paren_primary = false;
	chain_start(&c, n);
	for (;;) {
		const struct token *t = parse_peek(p, 0);
		if (parse_is_op(t, OP_LBRACKET)) {
			if (c.n) {
				if (c.pretty)
					break;
				parse_target_index(p, &c);
				continue;
			}
			if ((n->kind == ND_VAR && !paren) || n->kind == ND_HIST_OP) {
				if (!parse_enter(p))
					break;
				nested++;
				struct node *idx = parse_new(p, ND_INDEX, t);
				idx->u.index.base = n;
				idx->u.index.keys = parse_key_list(p, &idx->u.index.nkeys);
				n = idx;
				continue;
			}
			if (!autocast_ops(p))
				break;
			n = autocast_start(p, &c, n, t);
			parse_target_index(p, &c);
		} else if (parse_is_op(t, OP_ARROW)) {
			if (!c.n) {
				if (!autocast_ops(p))
					break;
				n = autocast_start(p, &c, n, t);
			} else if (c.pretty) {
				break;
			}
			parse_field(p, &c);
		} else if (is_pretty_op(t) && !c.pretty &&
			   (autocast_ops(p) || (c.n && !(t->flags & TF_SPACE)))) {
			/* before 2.6 only a target's own suffix: $x$, no space */
			if (!c.n)
				n = autocast_start(p, &c, n, t);
			add_comp(p, &c, COMP_PRETTY, t)->depth = (int)t->len;
			parse_advance(p);
		} else {
			break;
		}
	}
	p->depth -= nested;
	return n;
}

/* ---- primary ---- */

static struct node *parse_identifier(struct parser *p, const struct token *t)
{
	if (t->text[0] == '$')
		return parse_target(p, t);
	if (t->text[0] == '@')
		return parse_at_op(p, t);
	int flags = print_flags(t);
	if (flags >= 0)
		return parse_print(p, t, flags);
	if (parse_is_op(parse_peek(p, 1), OP_LPAREN))
		return parse_call(p, t);
	struct node *n = parse_new(p, ND_VAR, t);
	n->u.var.name = t->name;
	parse_advance(p);
	return n;
}

/* primary := NUMBER | STRING {STRING} | EMBEDDED | '(' expr ')' | target
 *          | at_op | print_call | call | IDENT */
static struct node *parse_primary(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	struct node *n;
	switch (t->kind) {
	case TK_NUMBER:
		n = parse_new(p, ND_NUM, t);
		n->u.num = t->num;
		parse_advance(p);
		return n;
	case TK_STRING:
		n = parse_new(p, ND_STR, t);
		parse_string_literal(p, D_PARSE_EXPECTED, &n->u.str.s, &n->u.str.len);
		return n;
	case TK_EMBEDDED:
		if (!p->guru)
			diag_error(D_PARSE_EMBEDDED_NEEDS_GURU, &t->pos,
				   "embedded C code in a script needs guru mode (stap -g)");
		n = parse_new(p, ND_EMBEDDED_EXPR, t);
		n->u.str.s = t->str;
		n->u.str.len = t->str_len;
		parse_advance(p);
		return n;
	case TK_IDENT:
		return parse_identifier(p, t);
	case TK_OP:
		if (t->op == OP_LPAREN) {
			struct token open = *t;
			parse_advance(p);
			n = parse_expr(p);
			parse_expect_close(p, OP_RPAREN, &open);
			p->paren_primary = true;
			return n;
		}
		break;
	case TK_EOF:
	case TK_KEYWORD:
	case TK_ARG:
		break;
	}
	parse_expected(p, D_PARSE_EXPECTED, "an expression");
	return placeholder(p);
}

/* value := '&' chain | chain   (the address of a target value) */
static struct node *parse_value(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	if (!parse_is_op(t, OP_AMP))
		return postfix_ops(p, parse_primary(p));
	struct node *n = parse_new(p, ND_UNARY, t);
	n->op = OP_AMP;
	parse_advance(p);
	struct node *e = postfix_ops(p, parse_primary(p));
	if (ast_is_target(e) && !e->u.tgt.addr_of) {
		e->u.tgt.addr_of = true;
		return e;
	}
	n->u.expr.e = e;
	return n;
}

/* crement := ( '++' | '--' ) value | value [ '++' | '--' ] */
static struct node *parse_crement(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	struct node *n;
	if (parse_is_op(t, OP_INC) || parse_is_op(t, OP_DEC)) {
		n = parse_new(p, ND_PRE_INCDEC, t);
		n->op = t->op;
		parse_advance(p);
		n->u.expr.e = parse_value(p);
		return n;
	}
	struct node *v = parse_value(p);
	t = parse_peek(p, 0);
	if (!parse_is_op(t, OP_INC) && !parse_is_op(t, OP_DEC))
		return v;
	n = parse_new(p, ND_POST_INCDEC, t);
	n->op = t->op;
	n->u.expr.e = v;
	parse_advance(p);
	return n;
}

/* unary := ( '-' | '+' | '!' | '~' ) unary | crement */
static struct node *parse_unary(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	if (!(parse_is_op(t, OP_MINUS) || parse_is_op(t, OP_PLUS) || parse_is_op(t, OP_NOT) ||
	      parse_is_op(t, OP_TILDE)))
		return parse_crement(p);
	if (!parse_enter(p))
		return placeholder(p);
	struct node *n = parse_new(p, ND_UNARY, t);
	n->op = t->op;
	parse_advance(p);
	n->u.expr.e = parse_unary(p);
	parse_leave(p);
	return n;
}

/* ---- binary operators ---- */

static int binary_level(const struct token *t, enum node_kind *kind)
{
	if (t->kind != TK_OP)
		return LV_NONE;
	*kind = ND_BINARY;
	switch (t->op) {
	case OP_OROR: *kind = ND_LOGICAL; return LV_OR;
	case OP_ANDAND: *kind = ND_LOGICAL; return LV_AND;
	case OP_PIPE: return LV_BITOR;
	case OP_CARET: return LV_XOR;
	case OP_AMP: return LV_BITAND;
	case OP_LT: case OP_GT: case OP_LE: case OP_GE: case OP_EQ: case OP_NE:
		*kind = ND_COMPARE;
		return LV_CMP;
	case OP_MATCH: case OP_NOMATCH:
		*kind = ND_REGEX;
		return LV_CMP;
	case OP_SHL: case OP_SHR: return LV_SHIFT;
	case OP_DOT: return LV_CONCAT;
	case OP_PLUS: case OP_MINUS: return LV_ADD;
	case OP_STAR: case OP_SLASH: case OP_PERCENT: return LV_MUL;
	default: return LV_NONE;
	}
}

struct node *parse_indexable(struct parser *p)
{
	const struct token *t = parse_peek(p, 0);
	if (is_hist_token(t))
		return parse_hist_op(p);
	if (t->kind == TK_IDENT && t->text[0] != '@') {
		struct node *n = parse_new(p, ND_VAR, t);
		n->u.var.name = t->name;
		parse_advance(p);
		return n;
	}
	parse_expected(p, D_PARSE_EXPECTED, "an array name or a histogram operator");
	return parse_new(p, ND_VAR, t);
}

static struct node *make_in(struct parser *p, const struct token *t, struct node *keys, int n)
{
	struct node *in = parse_new(p, ND_IN, t);
	in->u.index.keys = keys;
	in->u.index.nkeys = n;
	parse_advance(p);   /* 'in' */
	in->u.index.base = parse_indexable(p);
	return in;
}

/* bracket_in := '[' key { ',' key } ']' 'in' indexable
 * (upstream also takes "[expr]" without 'in' as plain expr) */
static struct node *parse_bracket_in(struct parser *p)
{
	int n;
	struct token open = *parse_peek(p, 0);
	struct node *keys = parse_key_list(p, &n);
	const struct token *t = parse_peek(p, 0);
	if (t->kind == TK_KEYWORD && t->op == KW_IN)
		return make_in(p, t, keys, n);
	if (n == 1 && keys->kind != ND_WILDCARD)
		return keys;
	parse_expected(p, D_PARSE_EXPECTED, "'in' after a bracketed key list");
	(void)open;
	return keys;
}

static struct node *make_binary(struct parser *p, const struct token *t, enum node_kind kind,
				struct node *lhs)
{
	struct node *n = parse_new(p, kind, t);
	n->op = t->op;
	n->u.bin.lhs = lhs;
	parse_advance(p);
	return n;
}

/* binary := operand { BINOP binary } by precedence climbing from level min;
 * operand := bracket_in | unary, and 'K in A' binds at LV_IN.
 * regex := operand ('=~' | '!~') STRING, not mixed with other comparisons */
static struct node *parse_binary(struct parser *p, int min)
{
	struct node *lhs;
	int lvl = LV_PRIMARY;
	if (min <= LV_IN && parse_is_op(parse_peek(p, 0), OP_LBRACKET)) {
		lhs = parse_bracket_in(p);
		lvl = LV_IN;
	} else {
		lhs = parse_unary(p);
	}
	int chain = 0;   /* each left-deep link is a level of tree depth */
	bool regex = false;   /* after =~ no comparison may follow */
	for (;;) {
		const struct token *t = parse_peek(p, 0);
		enum node_kind kind;
		if (min <= LV_IN && lvl > LV_IN && t->kind == TK_KEYWORD && t->op == KW_IN) {
			lhs = make_in(p, t, lhs, 1);
			lvl = LV_IN;
			continue;
		}
		int prec = binary_level(t, &kind);
		if (prec == LV_NONE || prec < min || prec > lvl)
			break;
		/* =~ takes neither a comparison on its left nor one after it */
		if (prec == LV_CMP && (regex || (kind == ND_REGEX && lvl == LV_CMP)))
			break;
		if (!parse_enter(p))
			break;
		regex = kind == ND_REGEX;
		chain++;
		struct node *n = make_binary(p, t, kind, lhs);
		if (kind == ND_REGEX) {
			struct node *s = parse_new(p, ND_STR, parse_peek(p, 0));
			parse_string_literal(p, D_PARSE_EXPECTED, &s->u.str.s, &s->u.str.len);
			n->u.bin.rhs = s;
		} else {
			n->u.bin.rhs = parse_binary(p, prec + 1);
		}
		lhs = n;
		lvl = prec;
	}
	p->depth -= chain;
	return lhs;
}

/* ternary := binary(||) [ '?' expr ':' ternary ] */
static struct node *parse_ternary(struct parser *p)
{
	struct node *c = parse_binary(p, LV_OR);
	const struct token *t = parse_peek(p, 0);
	if (!parse_is_op(t, OP_QUESTION) || !parse_enter(p))
		return c;
	struct node *n = parse_new(p, ND_TERNARY, t);
	parse_advance(p);
	n->u.cond.cond = c;
	n->u.cond.then = parse_expr(p);
	if (parse_expect_op(p, D_PARSE_EXPECTED, OP_COLON))
		n->u.cond.els = parse_ternary(p);
	else
		n->u.cond.els = placeholder(p);
	parse_leave(p);
	return n;
}

static bool is_assign_op(const struct token *t)
{
	if (t->kind != TK_OP)
		return false;
	switch (t->op) {
	case OP_ASSIGN: case OP_ADD_ASSIGN: case OP_SUB_ASSIGN: case OP_MUL_ASSIGN:
	case OP_DIV_ASSIGN: case OP_MOD_ASSIGN: case OP_SHL_ASSIGN: case OP_SHR_ASSIGN:
	case OP_AND_ASSIGN: case OP_XOR_ASSIGN: case OP_OR_ASSIGN: case OP_CAT_ASSIGN:
	case OP_AGGREGATE:
		return true;
	default:
		return false;
	}
}

/* assignment := ternary [ ASSIGNOP assignment ] */
static struct node *parse_assignment(struct parser *p)
{
	if (!parse_enter(p))
		return placeholder(p);
	struct node *lhs = parse_ternary(p);
	const struct token *t = parse_peek(p, 0);
	if (is_assign_op(t)) {
		struct node *n = make_binary(p, t, ND_ASSIGN, lhs);
		n->u.bin.rhs = parse_assignment(p);
		lhs = n;
	}
	parse_leave(p);
	return lhs;
}

/* expr := assignment */
struct node *parse_expr(struct parser *p)
{
	return parse_assignment(p);
}
