/* macro.c - @define macros and the *.stpm macro library.
 *
 *   @define NAME %( BODY %)
 *   @define NAME(P1, P2) %( BODY %)       used as @NAME(ARG1, ARG2)
 *
 * A definition records the raw tokens of BODY (its %( %) pairs nested);
 * nothing in it is expanded or evaluated until a use.  A use pushes the body
 * as a preprocessor frame whose environment binds @P1 ... to the argument
 * tokens; arguments are split at top-level commas, (), [] and {} nesting
 * respected, and are expanded only when pasted, in the environment of the
 * use.  Definitions are visible from the point of definition to the end of
 * their file.  A name not defined in the file is looked up in the library:
 * every *.stpm file of the tapset directory (and its linux/ and ARCH/
 * subdirectories) and of each -I directory, loaded once, on the first miss.
 *
 * Errors: bad definitions, redefinition in the same file, wrong argument
 * count, nesting deeper than PASS1_MAX_MACRO_DEPTH (runaway recursion).
 */
#include "config.h"

#include "pass1_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "paths.h"

/* ---- tables, keyed by interned name ---- */

static size_t ptr_hash(const char *p, size_t nbuckets)
{
	uintptr_t v = (uintptr_t)p;
	v ^= v >> 17;
	v *= 0x9E3779B97F4A7C15ull;
	return (size_t)(v >> 20) & (nbuckets - 1);
}

struct macro *macro_lookup(const struct macro_table *t, const char *name)
{
	if (!t->nbuckets)
		return NULL;
	for (struct macro *m = t->buckets[ptr_hash(name, t->nbuckets)]; m; m = m->hnext)
		if (m->name == name)
			return m;
	return NULL;
}

void macro_insert(struct arena *a, struct macro_table *t, struct macro *m)
{
	if (t->count + 1 > t->nbuckets) {
		size_t n = t->nbuckets ? t->nbuckets * 2 : 64;
		struct macro **nb = arena_alloc(a, n * sizeof(*nb));
		for (size_t i = 0; i < t->nbuckets; i++) {
			for (struct macro *x = t->buckets[i], *next; x; x = next) {
				next = x->hnext;
				size_t j = ptr_hash(x->name, n);
				x->hnext = nb[j];
				nb[j] = x;
			}
		}
		t->buckets = nb;
		t->nbuckets = n;
	}
	size_t j = ptr_hash(m->name, t->nbuckets);
	m->hnext = t->buckets[j];
	t->buckets[j] = m;
	t->count++;
}

/* ---- growable token vectors ---- */

struct tokvec {
	struct token *v;
	int n, cap;
};

static void tokvec_push(struct arena *a, struct tokvec *tv, const struct token *t)
{
	if (tv->n == tv->cap) {
		int ncap = tv->cap ? tv->cap * 2 : 16;
		tv->v = arena_realloc(a, tv->v, (size_t)tv->cap * sizeof(*tv->v),
				      (size_t)ncap * sizeof(*tv->v));
		tv->cap = ncap;
	}
	tv->v[tv->n++] = *t;
}

static bool is_op(const struct token *t, int op)
{
	return t->kind == TK_OP && t->op == op;
}

/* ---- @define ---- */

/* After a bad definition, skip through its %( ... %) body if one follows. */
static void skip_bad_define(struct pp *pp, struct token *t)
{
	for (int n = 0; !is_op(t, OP_PP_IF); n++) {
		if (t->kind == TK_EOF || n > 16)
			return;
		pp_raw_top(pp, t);
	}
	for (long depth = 0; t->kind != TK_EOF;) {
		pp_raw_top(pp, t);
		if (is_op(t, OP_PP_IF))
			depth++;
		else if (is_op(t, OP_PP_END) && depth-- == 0)
			return;
	}
}

static bool bad_define(struct pp *pp, struct token *t, const char *expected)
{
	char saw[64];
	diag_error(D_MACRO_BAD_DEFINE, &t->pos, "bad @define: expected %s, saw %s", expected,
		   tok_describe(t, saw, sizeof(saw)));
	skip_bad_define(pp, t);
	return false;
}

static bool plain_name(const struct token *t)
{
	return t->kind == TK_IDENT && t->text[0] != '@' && t->text[0] != '$';
}

/* '(' P1, P2 ')' after the name; leaves the next token in *t. */
static bool define_params(struct pp *pp, struct macro *m, struct token *t)
{
	struct arena *a = pp->ctx->arena;
	int cap = 4;
	m->has_parens = true;
	m->params = arena_alloc(a, (size_t)cap * sizeof(*m->params));
	for (;;) {
		pp_raw_top(pp, t);
		if (!plain_name(t))
			return bad_define(pp, t, "a parameter name");
		if (m->nparams == cap) {
			m->params = arena_realloc(a, m->params, (size_t)cap * sizeof(*m->params),
						  (size_t)cap * 2 * sizeof(*m->params));
			cap *= 2;
		}
		m->params[m->nparams++] = t->name;
		pp_raw_top(pp, t);
		if (is_op(t, OP_RPAREN))
			break;
		if (!is_op(t, OP_COMMA))
			return bad_define(pp, t, "',' or ')'");
	}
	pp_raw_top(pp, t);
	return true;
}

/* The body up to the matching %); the opening %( has been read. */
static bool define_body(struct pp *pp, struct macro *m, const struct token *at)
{
	struct tokvec body = { 0 };
	struct token t;
	long depth = 0;
	for (;;) {
		pp_raw_top(pp, &t);
		if (t.kind == TK_EOF) {
			diag_error(D_MACRO_BAD_DEFINE, &at->pos,
				   "unclosed body of macro '@%s': expected '%%)', saw end of input",
				   m->name);
			return false;
		}
		if (is_op(&t, OP_PP_IF))
			depth++;
		else if (is_op(&t, OP_PP_END) && depth-- == 0)
			break;
		tokvec_push(pp->ctx->arena, &body, &t);
	}
	m->body = body.v;
	m->nbody = body.n;
	return true;
}

static void define_insert(struct pp *pp, struct macro *m, const struct token *name)
{
	if (strcmp(m->name, "define") == 0) {
		diag_error(D_MACRO_BAD_DEFINE, &name->pos, "'@define' cannot be redefined");
		return;
	}
	if (parse_is_builtin_at(m->name))
		diag_warning(D_MACRO_REDEFINED, &name->pos,
			     "macro '@%s' hides the built-in operator '@%s'", m->name, m->name);
	struct macro_table *table = pp->is_library ? &pp->ctx->library : &pp->locals;
	struct macro *old = macro_lookup(table, m->name);
	if (old && old->pos.src == m->pos.src) {
		diag_report2(SEV_ERROR, D_MACRO_REDEFINED, &name->pos, &old->pos,
			     "previous definition here",
			     "macro '@%s' is already defined in this file", m->name);
		return;
	}
	if (!old)
		macro_insert(pp->ctx->arena, table, m);
}

void macro_define(struct pp *pp, const struct token *at)
{
	struct token name, t;
	pp_raw_top(pp, &name);
	if (!plain_name(&name)) {
		bad_define(pp, &name, "a macro name");
		return;
	}
	struct macro *m = arena_alloc(pp->ctx->arena, sizeof(*m));
	m->name = name.name;
	m->pos = name.pos;
	pp_raw_top(pp, &t);
	if (is_op(&t, OP_LPAREN) && !define_params(pp, m, &t))
		return;
	if (!is_op(&t, OP_PP_IF)) {
		bad_define(pp, &t, m->has_parens ? "'%('" : "'(' or '%('");
		return;
	}
	if (define_body(pp, m, at))
		define_insert(pp, m, &name);
}

/* ---- uses ---- */

static void unread(struct pp *pp, const struct token *t)
{
	struct token *copy = arena_alloc(pp->ctx->arena, sizeof(*copy));
	*copy = *t;
	pp_push_tokens(pp, copy, 1, pp->frames[pp->nframes - 1].env, NULL, false,
		       pp->frames[pp->nframes - 1].is_arg);
}

/* After a bad use: a 0 stands in for the expansion, so the statement
 * around it still parses and reports nothing more. */
static void push_placeholder(struct pp *pp, const struct token *use)
{
	struct token *z = arena_alloc(pp->ctx->arena, sizeof(*z));
	z->kind = TK_NUMBER;
	z->pos = use->pos;
	z->text = "0";
	z->len = 1;
	z->flags = TF_LEX_ERROR;
	pp_push_tokens(pp, z, 1, NULL, NULL, false, false);
}

/* Where the arguments of one use are: a range of the frame's own token
 * array when the use comes from a macro body or argument (no copy, so
 * nested uses cost no memory), else copies of the lexer's tokens. */
struct arg_ranges {
	const struct pp_frame *f;    /* token-list frame, or NULL: copies */
	struct tokvec copies;
	int *bounds;                 /* start, end of each argument */
	int n, cap;
};

static int arg_mark(const struct arg_ranges *r)
{
	return r->f ? r->f->i : r->copies.n;
}

static void arg_bound(struct arena *a, struct arg_ranges *r, int at)
{
	if (r->n == r->cap) {
		int ncap = r->cap ? r->cap * 2 : 16;
		r->bounds = arena_realloc(a, r->bounds, sizeof(*r->bounds) * (size_t)r->cap,
					  sizeof(*r->bounds) * (size_t)ncap);
		r->cap = ncap;
	}
	r->bounds[r->n++] = at;
}

/* Read raw tokens up to the ')' matching the '(' just read, splitting at
 * top-level commas.  Returns false (reported) at end of frame. */
static bool scan_args(struct pp *pp, const struct macro *m, const struct srcpos *open,
		      struct arg_ranges *r, struct token *close, struct token *extra)
{
	struct arena *a = pp->ctx->arena;
	long depth = 0;
	arg_bound(a, r, arg_mark(r));
	for (;;) {
		int before = arg_mark(r);
		pp_raw_top(pp, close);
		if (close->kind == TK_EOF) {
			diag_report2(SEV_ERROR, D_PARSE_UNCLOSED, &close->pos, open, "'(' opened here",
				     "expected ')' (to close '(' at %d:%d) after the arguments of "
				     "macro '@%s', saw end of input", open->line, open->col, m->name);
			return false;
		}
		if (is_op(close, OP_LPAREN) || is_op(close, OP_LBRACKET) || is_op(close, OP_LBRACE)) {
			depth++;
		} else if (is_op(close, OP_RPAREN) || is_op(close, OP_RBRACKET) ||
			   is_op(close, OP_RBRACE)) {
			if (depth == 0 && is_op(close, OP_RPAREN)) {
				arg_bound(a, r, before);
				return true;
			}
			if (depth > 0)
				depth--;
		} else if (is_op(close, OP_COMMA) && depth == 0) {
			if (r->n / 2 + 1 == m->nparams)
				*extra = *close;
			arg_bound(a, r, before);
			arg_bound(a, r, arg_mark(r));
			continue;
		}
		if (!r->f)
			tokvec_push(a, &r->copies, close);
	}
}

/* Collect '(' A1, A2 ')' after a use into env; false (reported) on error. */
static bool collect_args(struct pp *pp, const struct macro *m, const struct token *use,
			 struct macro_env *env)
{
	struct arena *a = pp->ctx->arena;
	struct token t, extra = { 0 };
	pp_raw_top(pp, &t);
	if (!is_op(&t, OP_LPAREN)) {
		char saw[64];
		diag_error(D_MACRO_ARGCOUNT, &t.pos,
			   "macro '@%s' takes %d argument%s: expected '(', saw %s", m->name,
			   m->nparams, m->nparams == 1 ? "" : "s", tok_describe(&t, saw, sizeof(saw)));
		unread(pp, &t);
		return false;
	}
	const struct pp_frame *f = &pp->frames[pp->nframes - 1];
	struct arg_ranges r = { .f = f->lx ? NULL : f };
	struct srcpos open = t.pos;
	if (!scan_args(pp, m, &open, &r, &t, &extra))
		return false;
	int nargs = r.n / 2;
	if (nargs != m->nparams) {
		/* Point at the first argument too many, or at the ')' too early. */
		diag_report2(SEV_ERROR, D_MACRO_ARGCOUNT, nargs > m->nparams ? &extra.pos : &t.pos,
			     &use->pos, "macro used here",
			     "macro '@%s' takes %d argument%s, given %d", m->name, m->nparams,
			     m->nparams == 1 ? "" : "s", nargs);
		return false;
	}
	static const struct token none[1];
	const struct token *base = r.f ? r.f->toks : r.copies.v;
	if (!base)
		base = none;   /* every argument empty */
	env->args = arena_alloc(a, (size_t)nargs * sizeof(*env->args));
	env->nargs = arena_alloc(a, (size_t)nargs * sizeof(*env->nargs));
	env->args_exp = r.f ? r.f->exp : NULL;
	for (int i = 0; i < nargs; i++) {
		env->args[i] = base + r.bounds[2 * i];
		env->nargs[i] = r.bounds[2 * i + 1] - r.bounds[2 * i];
	}
	return true;
}

static void too_deep(struct pp *pp, const struct token *t, const char *name);

/* @P inside a body: paste the argument bound to P. */
static bool expand_param(struct pp *pp, const char *name, const struct token *t)
{
	const struct macro_env *env = pp->frames[pp->nframes - 1].env;
	if (!env)
		return false;
	for (int i = 0; i < env->macro->nparams; i++) {
		if (env->macro->params[i] != name)
			continue;
		if (pp->nframes >= PASS1_MAX_FRAMES) {
			too_deep(pp, t, env->macro->name);
			return true;
		}
		pp_push_tokens(pp, env->args[i], env->nargs[i], env->caller, env->args_exp, false,
			       false);
		return true;
	}
	return false;
}

/* True when the use t of macro name comes out of name's own expansion. */
static bool is_recursive(const struct token *t, const char *name)
{
	for (const struct expansion *e = t->exp; e; e = e->parent)
		if (e->macro == name)
			return true;
	return false;
}

/* Expansion nested too deep: report it, drop the expansion in progress. */
static void too_deep(struct pp *pp, const struct token *t, const char *name)
{
	if (is_recursive(t, name))
		diag_error(D_MACRO_RECURSIVE, &t->pos,
			   "macro '@%s' expands to itself (nested more than %d deep)", name,
			   PASS1_MAX_MACRO_DEPTH);
	else
		diag_error(D_PARSE_TOO_DEEP, &t->pos,
			   "macro expansions nested more than %d deep", PASS1_MAX_MACRO_DEPTH);
	pp_kill_expansion(pp);
	push_placeholder(pp, t);
}

bool macro_try_expand(struct pp *pp, const struct token *t)
{
	const char *name = intern_name(&pp->ctx->names, t->text + 1, t->len - 1, NULL);
	if (expand_param(pp, name, t))
		return true;
	if (t->len < 2)
		return false;
	struct macro *m = macro_lookup(&pp->locals, name);
	if (!m && !parse_is_builtin_at(name))
		m = macro_lookup_library(pp->ctx, name);
	if (!m)
		return false;
	if (pp->macro_depth >= PASS1_MAX_MACRO_DEPTH || pp->nframes >= PASS1_MAX_FRAMES) {
		too_deep(pp, t, name);
		return true;
	}
	struct macro_env *env = arena_alloc(pp->ctx->arena, sizeof(*env));
	env->macro = m;
	env->caller = pp->frames[pp->nframes - 1].env;
	if (m->has_parens && !collect_args(pp, m, t, env)) {
		push_placeholder(pp, t);
		return true;
	}
	struct expansion *e = arena_alloc(pp->ctx->arena, sizeof(*e));
	e->macro = name;
	e->use = t->pos;
	e->parent = t->exp;
	pp_push_tokens(pp, m->body, m->nbody, env, e, true, false);
	return true;
}

/* ---- the library ---- */

static int stpm_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && strcmp(d->d_name + n - 5, ".stpm") == 0 && d->d_name[0] != '.';
}

static void load_library_file(struct pass1 *ctx, const char *path)
{
	size_t len;
	char *text = pass1_slurp(ctx->arena, path, &len);
	if (!text) {
		diag_warning(D_IO, NULL, "cannot read macro library file %s", path);
		return;
	}
	struct source *src = arena_alloc(ctx->arena, sizeof(*src));
	src->name = arena_strdup(ctx->arena, path);
	src->text = text;
	src->len = len;
	src->is_tapset = true;
	struct pp pp;
	pp_init(&pp, ctx, src, true);
	struct token t;
	bool complained = false;
	for (pp_next(&pp, &t); t.kind != TK_EOF; pp_next(&pp, &t)) {
		if (!complained) {
			char saw[64];
			diag_error(D_MACRO_BAD_DEFINE, &t.pos,
				   "a macro library file holds only @define: saw %s",
				   tok_describe(&t, saw, sizeof(saw)));
			complained = true;
		}
	}
	ctx->library_files++;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void load_library_dir(struct pass1 *ctx, const char *dir)
{
	struct dirent **list;
	if (!is_dir(dir))
		return;
	int n = scandir(dir, &list, stpm_filter, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		char *path = arena_printf(ctx->arena, "%s/%s", dir, list[i]->d_name);
		free(list[i]);
		load_library_file(ctx, path);
	}
	free(list);
}

/* A library root and its runtime and architecture subdirectories, most
 * specific first: the first definition of a name wins. */
static void load_library_root(struct pass1 *ctx, const char *root)
{
	const char *arch = target_arch(pass1_target(ctx));
	load_library_dir(ctx, arena_printf(ctx->arena, "%s/linux/%s", root, arch));
	load_library_dir(ctx, arena_printf(ctx->arena, "%s/linux", root));
	load_library_dir(ctx, arena_printf(ctx->arena, "%s/%s", root, arch));
	load_library_dir(ctx, root);
}

void macro_load_library(struct pass1 *ctx)
{
	if (ctx->library_loaded)
		return;
	ctx->library_loaded = true;
	if (ctx->flags & PASS1_NO_LIBRARY)
		return;
	if (ctx->sess)
		for (int i = 0; i < ctx->sess->include_dirs.count; i++)
			load_library_root(ctx, ctx->sess->include_dirs.items[i]);
	load_library_root(ctx, paths_tapset_dir());
}

struct macro *macro_lookup_library(struct pass1 *ctx, const char *name)
{
	macro_load_library(ctx);
	return macro_lookup(&ctx->library, name);
}
