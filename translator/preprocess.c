/* preprocess.c - the token stream between the lexer and the parser.
 *
 * Input: raw tokens from a stack of frames: the source's lexer at the
 * bottom, above it macro bodies, macro arguments and pasted command-line
 * arguments.  Output (pp_next): tokens with
 *   - %( COND %? THEN %: ELSE %) conditionals resolved: the branch not
 *     taken is only scanned for its %( %? %: %) structure, never parsed;
 *   - $N pasted as the tokens of argument N, @N as a string literal,
 *     $# as a number and @# as a string (the argument count);
 *   - @define recorded and @name / @name(args) expanded (macro.c).
 *
 * Invariants: a conditional opened in a frame closes in the same frame
 * (each frame records how many were open when it was pushed); frames and
 * conditionals are bounded (PASS1_MAX_FRAMES, PASS1_MAX_PP_NEST) and so is
 * the total output of macro bodies (PASS1_MAX_EXPANSION), so no input makes
 * this loop forever or exhaust memory.
 */
#include "config.h"

#include "pass1_int.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

void pp_init(struct pp *pp, struct pass1 *ctx, const struct source *src, bool is_library)
{
	memset(pp, 0, sizeof(*pp));
	pp->ctx = ctx;
	pp->src = src;
	pp->is_library = is_library;
	lex_init(&pp->lx, ctx, src);
	pp->frames_cap = 16;
	pp->frames = arena_alloc(ctx->arena, (size_t)pp->frames_cap * sizeof(*pp->frames));
	pp->frames[0] = (struct pp_frame){ .lx = &pp->lx };
	pp->nframes = 1;
}

void pp_push_tokens(struct pp *pp, const struct token *toks, int n,
		    const struct macro_env *env, const struct expansion *exp,
		    bool is_macro, bool is_arg)
{
	if (pp->nframes == pp->frames_cap) {
		size_t old = (size_t)pp->frames_cap * sizeof(*pp->frames);
		pp->frames = arena_realloc(pp->ctx->arena, pp->frames, old, old * 2);
		pp->frames_cap *= 2;
	}
	pp->frames[pp->nframes++] = (struct pp_frame){
		.toks = toks, .n = n, .env = env, .exp = exp,
		.cond_base = pp->nconds, .is_arg = is_arg, .is_macro = is_macro,
	};
	if (is_macro)
		pp->macro_depth++;
}

static void report_unclosed_cond(const struct pp_cond *c, const char *where)
{
	diag_error(D_PP_UNCLOSED, &c->pos,
		   "unclosed conditional: expected '%%)' to close '%%(' at %d:%d, saw %s",
		   c->pos.line, c->pos.col, where);
}

static void pop_frame(struct pp *pp)
{
	struct pp_frame *f = &pp->frames[pp->nframes - 1];
	if (pp->nconds > f->cond_base) {
		report_unclosed_cond(&pp->conds[pp->nconds - 1],
				     f->is_arg ? "end of argument" : "end of macro body");
		pp->nconds = f->cond_base;
	}
	if (f->is_macro)
		pp->macro_depth--;
	pp->nframes--;
}

/* The end-of-frame token for a token-list frame. */
static void frame_eof(const struct pp *pp, const struct pp_frame *f, struct token *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = TK_EOF;
	t->text = "";
	if (f->n > 0) {
		t->pos = f->toks[f->n - 1].pos;
		t->exp = f->toks[f->n - 1].exp ? f->toks[f->n - 1].exp : f->exp;
	} else {
		t->pos = (struct srcpos){ pp->src, 1, 1 };
		t->exp = f->exp;
	}
}

/* Next raw token of the top frame; finished frames are popped when pop. */
static void raw_next(struct pp *pp, struct token *t, bool pop)
{
	for (;;) {
		struct pp_frame *f = &pp->frames[pp->nframes - 1];
		if (f->lx) {
			lex_next(f->lx, t);
			return;
		}
		if (f->i < f->n) {
			*t = f->toks[f->i++];
			if (!t->exp)
				t->exp = f->exp;
			if (f->is_macro)
				pp->expanded++;
			return;
		}
		if (!pop) {
			frame_eof(pp, f, t);
			return;
		}
		pop_frame(pp);
	}
}

void pp_raw_top(struct pp *pp, struct token *t)
{
	raw_next(pp, t, false);
}

/* Drop every frame above the source: the expansion in progress ends. */
void pp_kill_expansion(struct pp *pp)
{
	if (pp->nframes > 1) {
		if (pp->nconds > pp->frames[1].cond_base)
			pp->nconds = pp->frames[1].cond_base;
		pp->nframes = 1;
		pp->macro_depth = 0;
	}
}

static void check_budget(struct pp *pp)
{
	if (pp->expanded > PASS1_MAX_EXPANSION && !pp->expansion_dead) {
		struct token t;
		raw_next(pp, &t, false);
		diag_error(D_MACRO_RECURSIVE, &t.pos,
			   "macro expansion produced more than %d tokens; runaway recursion?",
			   PASS1_MAX_EXPANSION);
		pp->expansion_dead = true;
		pp_kill_expansion(pp);
	}
}

/* ---- conditionals ---- */

enum skip_end { SKIP_ELSE, SKIP_END, SKIP_EOF };

/* Scan raw tokens of the top frame past a branch not taken.  Stops after
 * the %: (when want_else) or %) that belongs to the opener. */
static enum skip_end skip_branch(struct pp *pp, bool want_else, const struct srcpos *opener)
{
	long depth = 0;
	struct token t;
	for (;;) {
		pp_raw_top(pp, &t);
		if (t.kind == TK_EOF) {
			struct pp_cond c = { *opener, false };
			report_unclosed_cond(&c, "end of input");
			return SKIP_EOF;
		}
		if (t.kind != TK_OP)
			continue;
		if (t.op == OP_PP_IF) {
			depth++;
		} else if (t.op == OP_PP_END) {
			if (depth == 0)
				return SKIP_END;
			depth--;
		} else if (t.op == OP_PP_ELSE && depth == 0) {
			if (want_else)
				return SKIP_ELSE;
			diag_error(D_PP_STRAY, &t.pos,
				   "duplicate '%%:' in the conditional opened at %d:%d",
				   opener->line, opener->col);
		}
	}
}

static void push_cond(struct pp *pp, const struct srcpos *pos, bool in_else)
{
	if (pp->nconds == pp->conds_cap) {
		size_t old = (size_t)pp->conds_cap * sizeof(*pp->conds);
		int ncap = pp->conds_cap ? pp->conds_cap * 2 : 16;
		pp->conds = arena_realloc(pp->ctx->arena, pp->conds, old,
					  (size_t)ncap * sizeof(*pp->conds));
		pp->conds_cap = ncap;
	}
	pp->conds[pp->nconds++] = (struct pp_cond){ *pos, in_else };
}

/* %( COND %? ... : keep the THEN branch, or skip to the ELSE branch. */
static void handle_if(struct pp *pp, const struct token *opener)
{
	if (pp->nconds >= PASS1_MAX_PP_NEST) {
		/* Drop this conditional whole; the ones open around it stay. */
		diag_error(D_PARSE_TOO_DEEP, &opener->pos,
			   "conditionals nested deeper than %d", PASS1_MAX_PP_NEST);
		skip_branch(pp, false, &opener->pos);
		return;
	}
	if (pp_eval_condition(pp, opener)) {
		push_cond(pp, &opener->pos, false);
		return;
	}
	if (skip_branch(pp, true, &opener->pos) == SKIP_ELSE)
		push_cond(pp, &opener->pos, true);
}

static bool own_cond(const struct pp *pp)
{
	return pp->nconds > pp->frames[pp->nframes - 1].cond_base;
}

static void stray(const struct token *t)
{
	diag_error(D_PP_STRAY, &t->pos, "'%s' without a matching '%%('",
		   tok_op_spelling((enum tok_op)t->op));
}

/* %: reached at the end of a THEN branch: skip the ELSE branch. */
static void handle_else(struct pp *pp, const struct token *t)
{
	if (!own_cond(pp)) {
		stray(t);
		return;
	}
	struct pp_cond *c = &pp->conds[pp->nconds - 1];
	if (c->in_else)
		diag_error(D_PP_STRAY, &t->pos,
			   "duplicate '%%:' in the conditional opened at %d:%d",
			   c->pos.line, c->pos.col);
	struct srcpos opener = c->pos;
	pp->nconds--;
	skip_branch(pp, false, &opener);
}

static void handle_end(struct pp *pp, const struct token *t)
{
	if (!own_cond(pp)) {
		stray(t);
		return;
	}
	pp->nconds--;
}

/* ---- command-line arguments ---- */

static void lex_argument(struct pass1 *ctx, int i)
{
	const char *text = ctx->sess->args[i];
	struct source *src = arena_alloc(ctx->arena, sizeof(*src));
	src->name = arena_printf(ctx->arena, "<argument $%d>", i + 1);
	src->text = text;
	src->len = strlen(text);
	struct lexer lx;
	lex_init(&lx, ctx, src);
	lx.extra_flags = TF_FROM_ARG;
	int n = 0, cap = 8;
	struct token *toks = arena_alloc(ctx->arena, (size_t)cap * sizeof(*toks));
	for (;;) {
		if (n == cap) {
			toks = arena_realloc(ctx->arena, toks, (size_t)cap * sizeof(*toks),
					     (size_t)cap * 2 * sizeof(*toks));
			cap *= 2;
		}
		lex_next(&lx, &toks[n]);
		if (toks[n].kind == TK_EOF)
			break;
		n++;
	}
	ctx->arg_toks[i] = toks;
	ctx->arg_ntoks[i] = n;
}

/* Substitute a TK_ARG in place; returns true when t was consumed (pasted
 * as a frame, or dropped after an error). */
static bool paste_arg(struct pp *pp, struct token *t)
{
	struct pass1 *ctx = pp->ctx;
	int nargs = ctx->sess ? ctx->sess->nargs : 0;
	bool at = t->flags & TF_AT_ARG;
	if (pp->frames[pp->nframes - 1].is_arg) {
		diag_error(D_LEX_NO_ARG, &t->pos,
			   "command line argument '%.*s' inside a pasted argument",
			   (int)t->len, t->text);
		return true;
	}
	if (t->op == 0) {
		t->kind = at ? TK_STRING : TK_NUMBER;
		t->num = nargs;
		t->str = at ? arena_printf(ctx->arena, "%d", nargs) : NULL;
		t->str_len = at ? strlen(t->str) : 0;
		return false;
	}
	int n = t->op < 0 ? 0 : t->op;
	if (n < 1 || n > nargs) {
		diag_error(D_LEX_NO_ARG, &t->pos,
			   "command line argument index %d out of range [1-%d]", n, nargs);
		return true;
	}
	const char *arg = ctx->sess->args[n - 1];
	if (at) {
		t->kind = TK_STRING;
		t->str = arg;
		t->str_len = strlen(arg);
		return false;
	}
	if (!ctx->arg_toks[n - 1])
		lex_argument(ctx, n - 1);
	if (pp->nframes >= PASS1_MAX_FRAMES) {
		diag_error(D_PARSE_TOO_DEEP, &t->pos, "expansions nested too deeply");
		pp_kill_expansion(pp);
		return true;
	}
	struct expansion *e = arena_alloc(ctx->arena, sizeof(*e));
	e->macro = arena_printf(ctx->arena, "$%d", n);
	e->use = t->pos;
	e->parent = t->exp;
	pp_push_tokens(pp, ctx->arg_toks[n - 1], ctx->arg_ntoks[n - 1], NULL, e, false, true);
	return true;
}

/* ---- the stream ---- */

void pp_next(struct pp *pp, struct token *t)
{
	for (;;) {
		check_budget(pp);
		raw_next(pp, t, true);
		switch (t->kind) {
		case TK_OP:
			if (pp->in_cond)
				return;
			switch (t->op) {
			case OP_PP_IF:
				handle_if(pp, t);
				continue;
			case OP_PP_THEN:
				stray(t);
				continue;
			case OP_PP_ELSE:
				handle_else(pp, t);
				continue;
			case OP_PP_END:
				handle_end(pp, t);
				continue;
			default:
				return;
			}
		case TK_ARG:
			if (paste_arg(pp, t))
				continue;
			return;
		case TK_IDENT:
			if (t->text[0] != '@' || pp->expansion_dead)
				return;
			if (t->len == 7 && memcmp(t->text, "@define", 7) == 0) {
				macro_define(pp, t);
				continue;
			}
			if (macro_try_expand(pp, t))
				continue;
			return;
		case TK_EOF:
			if (pp->nconds > 0 && !pp->in_cond) {
				report_unclosed_cond(&pp->conds[pp->nconds - 1], "end of input");
				pp->nconds = 0;
			}
			return;
		case TK_KEYWORD:
		case TK_NUMBER:
		case TK_STRING:
		case TK_EMBEDDED:
			return;
		}
	}
}

/* ---- evaluating a %( condition ----
 *
 *   cond    := conj { '||' conj }
 *   conj    := cmp { '&&' cmp }
 *   cmp     := ('kernel_v' | 'kernel_vr' | 'systemtap_v') CMPOP STRING
 *            | ('arch' | 'runtime' | 'systemtap_privilege') ('==' | '!=') STRING
 *            | 'guru_mode' ('==' | '!=') NUMBER
 *            | CONFIG_X CMPOP (STRING | NUMBER | CONFIG_Y)
 *            | NUMBER CMPOP NUMBER | STRING CMPOP STRING
 * == and != on versions, arch and CONFIG strings match glob patterns.
 */

static void cond_get(struct pp *pp, struct token *t)
{
	if (pp->has_la) {
		*t = pp->la;
		pp->has_la = false;
	} else {
		pp_next(pp, t);
	}
	if (t->kind == TK_OP && t->op == OP_PP_THEN)
		pp->saw_then = true;
}

static const struct token *cond_peek(struct pp *pp)
{
	if (!pp->has_la) {
		pp_next(pp, &pp->la);
		pp->has_la = true;
	}
	return &pp->la;
}

static bool cond_fail(struct pp *pp, const struct token *t, const char *expected)
{
	if (!pp->cond_failed) {
		char saw[64];
		diag_error(D_PP_BAD_CONDITION, &t->pos, "bad conditional: expected %s, saw %s",
			   expected, tok_describe(t, saw, sizeof(saw)));
	}
	pp->cond_failed = true;
	return false;
}

static bool is_cmp_op(const struct token *t)
{
	return t->kind == TK_OP && (t->op == OP_LT || t->op == OP_GT || t->op == OP_LE ||
				     t->op == OP_GE || t->op == OP_EQ || t->op == OP_NE);
}

static bool cmp_holds(int op, int c)
{
	switch (op) {
	case OP_LT: return c < 0;
	case OP_GT: return c > 0;
	case OP_LE: return c <= 0;
	case OP_GE: return c >= 0;
	case OP_EQ: return c == 0;
	default: return c != 0;
	}
}

static int sign_of(long long a, long long b)
{
	return a < b ? -1 : a > b;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* A missing operator: say which operand it should follow. */
static bool missing_op(struct pp *pp, const struct token *lhs, const struct token *op)
{
	char buf[160], what[64];
	snprintf(buf, sizeof(buf), "a comparison operator after %s",
		 tok_describe(lhs, what, sizeof(what)));
	return cond_fail(pp, op, buf);
}

/* Read the operator and a right operand of kind want. */
static bool cond_rhs(struct pp *pp, const struct token *lhs, bool eq_only, enum tok_kind want,
		     struct token *op, struct token *rhs)
{
	cond_get(pp, op);
	if (!is_cmp_op(op))
		return missing_op(pp, lhs, op);
	if (eq_only && op->op != OP_EQ && op->op != OP_NE)
		return cond_fail(pp, op, "'==' or '!='");
	cond_get(pp, rhs);
	if (rhs->kind != want)
		return cond_fail(pp, rhs, want == TK_STRING ? "a string literal" : "a number");
	return true;
}

/* kernel_v, kernel_vr, systemtap_v: version order, or globs with == !=. */
static bool cond_version(struct pp *pp, const struct token *lhs, const char *value)
{
	struct token op, rhs;
	if (!cond_rhs(pp, lhs, false, TK_STRING, &op, &rhs))
		return false;
	if (op.op == OP_EQ || op.op == OP_NE)
		return (fnmatch(rhs.str, value, 0) == 0) == (op.op == OP_EQ);
	if (has_glob(rhs.str))
		return cond_fail(pp, &rhs, "a version without wildcards for an order comparison");
	return cmp_holds(op.op, strverscmp(value, rhs.str));
}

static bool cond_string_eq(struct pp *pp, const struct token *lhs, const char *value,
			   bool glob)
{
	struct token op, rhs;
	if (!cond_rhs(pp, lhs, true, TK_STRING, &op, &rhs))
		return false;
	bool eq = glob ? fnmatch(rhs.str, value, 0) == 0 : strcmp(rhs.str, value) == 0;
	return eq == (op.op == OP_EQ);
}

/* Parse a CONFIG value as a number; "" (unset) is 0. */
static bool config_number(const char *v, long long *out)
{
	char *end;
	if (!*v) {
		*out = 0;
		return true;
	}
	*out = strtoll(v, &end, 0);
	return *end == '\0';
}

static bool cond_config(struct pp *pp, const struct token *name)
{
	const char *value = target_config(pass1_target(pp->ctx), name->name);
	struct token op, rhs;
	cond_get(pp, &op);
	if (!is_cmp_op(&op))
		return missing_op(pp, name, &op);
	cond_get(pp, &rhs);
	if (rhs.kind == TK_STRING) {
		if (op.op != OP_EQ && op.op != OP_NE)
			return cond_fail(pp, &op, "'==' or '!=' before a string");
		return (fnmatch(rhs.str, value, 0) == 0) == (op.op == OP_EQ);
	}
	if (rhs.kind == TK_NUMBER) {
		long long v;
		if (!config_number(value, &v))
			return cond_fail(pp, name, "a CONFIG option with a numeric value");
		return cmp_holds(op.op, sign_of(v, rhs.num));
	}
	if (rhs.kind == TK_IDENT && strncmp(rhs.name, "CONFIG_", 7) == 0) {
		const char *other = target_config(pass1_target(pp->ctx), rhs.name);
		return cmp_holds(op.op, strcmp(value, other));
	}
	return cond_fail(pp, &rhs, "a string, a number or a CONFIG_ option");
}

static bool cond_literals(struct pp *pp, const struct token *lhs)
{
	struct token op, rhs;
	if (!cond_rhs(pp, lhs, false, lhs->kind, &op, &rhs))
		return false;
	if (lhs->kind == TK_NUMBER)
		return cmp_holds(op.op, sign_of(lhs->num, rhs.num));
	int c = memcmp(lhs->str, rhs.str, lhs->str_len < rhs.str_len ? lhs->str_len : rhs.str_len);
	if (c == 0)
		c = sign_of((long long)lhs->str_len, (long long)rhs.str_len);
	return cmp_holds(op.op, c);
}

static const char *privilege_name(const struct pass1 *ctx)
{
	return ctx->privilege ? ctx->privilege : "stapdev";
}

static bool cond_cmp(struct pp *pp)
{
	struct token a;
	cond_get(pp, &a);
	if (a.kind == TK_NUMBER || a.kind == TK_STRING)
		return cond_literals(pp, &a);
	if (a.kind != TK_IDENT)
		return cond_fail(pp, &a, "kernel_v, kernel_vr, systemtap_v, arch, runtime, "
				 "systemtap_privilege, guru_mode, CONFIG_..., a number or a string");
	struct target *tg;
	if (strcmp(a.name, "kernel_v") == 0 || strcmp(a.name, "kernel_vr") == 0) {
		tg = pass1_target(pp->ctx);
		return cond_version(pp, &a, a.name[8] ? target_kernel_vr(tg) : target_kernel_v(tg));
	}
	if (strcmp(a.name, "systemtap_v") == 0)
		return cond_version(pp, &a, pp->ctx->systemtap_v);
	if (strcmp(a.name, "arch") == 0)
		return cond_string_eq(pp, &a, target_arch(pass1_target(pp->ctx)), true);
	if (strcmp(a.name, "runtime") == 0)
		return cond_string_eq(pp, &a, pp->ctx->runtime, false);
	if (strcmp(a.name, "systemtap_privilege") == 0)
		return cond_string_eq(pp, &a, privilege_name(pp->ctx), false);
	if (strcmp(a.name, "guru_mode") == 0) {
		struct token op, rhs;
		if (!cond_rhs(pp, &a, true, TK_NUMBER, &op, &rhs))
			return false;
		return (rhs.num == (pp->ctx->guru ? 1 : 0)) == (op.op == OP_EQ);
	}
	if (strncmp(a.name, "CONFIG_", 7) == 0)
		return cond_config(pp, &a);
	return cond_fail(pp, &a, "kernel_v, kernel_vr, systemtap_v, arch, runtime, "
			 "systemtap_privilege, guru_mode, CONFIG_..., a number or a string");
}

static bool cond_and(struct pp *pp)
{
	bool v = cond_cmp(pp);
	while (!pp->cond_failed) {
		const struct token *t = cond_peek(pp);
		if (t->kind != TK_OP || t->op != OP_ANDAND)
			break;
		struct token skip;
		cond_get(pp, &skip);
		bool w = cond_cmp(pp);
		v = v && w;
	}
	return v;
}

static bool cond_or(struct pp *pp)
{
	bool v = cond_and(pp);
	while (!pp->cond_failed) {
		const struct token *t = cond_peek(pp);
		if (t->kind != TK_OP || t->op != OP_OROR)
			break;
		struct token skip;
		cond_get(pp, &skip);
		bool w = cond_and(pp);
		v = v || w;
	}
	return v;
}

bool pp_eval_condition(struct pp *pp, const struct token *opener)
{
	(void)opener;
	pp->in_cond = true;
	pp->cond_failed = false;
	pp->has_la = false;
	pp->saw_then = false;
	bool v = cond_or(pp);
	if (!pp->saw_then) {
		struct token t;
		cond_get(pp, &t);
		if (!pp->saw_then)
			cond_fail(pp, &t, "'%?' after the condition");
		while (!pp->saw_then && t.kind != TK_EOF)
			cond_get(pp, &t);
	}
	pp->in_cond = false;
	pp->has_la = false;
	return v && !pp->cond_failed;
}
