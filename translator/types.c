/* types.c - type inference and the checks that need types.
 *
 * Input: resolved derived probes and reachable functions (resolve.c).
 * Each walk pushes known types down (the type an expression must have)
 * and up (the type it has) through every expression, and unifies them
 * with symbols: variables, array keys (each position typed on its own),
 * array values, function parameters and return values.  Walks repeat
 * until nothing changes; a last walk reports what stayed unknown.
 * A conflict is reported where it is found, with a note where the other
 * type was first inferred (D_SEM_TYPE_MISMATCH, D_SEM_STATS_MISUSE when
 * one side is a statistic, D_SEM_RETURN_TYPE for return values,
 * D_SEM_BAD_FORMAT for printf arguments).  Also: array arity (scalar vs
 * array, number of indexes), statistics read only through @count ...,
 * @hist_linear bounds and @variance shifts, foreach sort markers.
 * Output: node->type on expressions, symbol types, elab_func.ret.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "elab_int.h"
#include "format.h"

struct typer {
	struct elab *e;
	bool changed;
	bool final;                 /* report what is still unknown */
	struct elab_func *fn;       /* the function being walked, or NULL */
};

static enum stap_type ty_expr(struct typer *T, struct node *n, enum stap_type want);
static void ty_stmt(struct typer *T, struct node *n);

static const char *tname(enum stap_type t)
{
	return elab_type_name(t);
}

static bool once(struct typer *T, const struct srcpos *pos, enum diag_tag tag)
{
	return elab_once(T->e, pos, tag);
}

static enum diag_tag clash_tag(enum stap_type a, enum stap_type b)
{
	return a == TYPE_STATS || b == TYPE_STATS ? D_SEM_STATS_MISUSE : D_SEM_TYPE_MISMATCH;
}

/* ---- unification ---- */

static void unify_sym(struct typer *T, struct symbol *s, enum stap_type t,
		      const struct srcpos *pos)
{
	if (t == TYPE_UNKNOWN || !s)
		return;
	if (s->type == TYPE_UNKNOWN) {
		s->type = t;
		s->type_pos = *pos;
		T->changed = true;
		return;
	}
	if (s->type == t)
		return;
	enum diag_tag tag = clash_tag(s->type, t);
	if (!once(T, pos, tag))
		return;
	char note[256];
	snprintf(note, sizeof(note), "'%s' was first inferred to be %s here", s->name,
		 tname(s->type));
	diag_report2(SEV_ERROR, tag, pos, &s->type_pos, note,
		     "type mismatch: '%s' is used as %s here, but it is %s", s->name, tname(t),
		     tname(s->type));
}

static void unify_key(struct typer *T, struct symbol *s, int i, enum stap_type t,
		      const struct srcpos *pos)
{
	if (t == TYPE_UNKNOWN || i >= s->arity)
		return;
	if (s->key_types[i] == TYPE_UNKNOWN) {
		s->key_types[i] = t;
		s->key_pos[i] = *pos;
		T->changed = true;
		return;
	}
	if (s->key_types[i] == t || !once(T, pos, D_SEM_TYPE_MISMATCH))
		return;
	char note[256];
	snprintf(note, sizeof(note), "index %d of '%s' was first inferred to be %s here", i + 1,
		 s->name, tname(s->key_types[i]));
	diag_report2(SEV_ERROR, D_SEM_TYPE_MISMATCH, pos, &s->key_pos[i], note,
		     "type mismatch: index %d of '%s' is %s here, but it is %s", i + 1, s->name,
		     tname(t), tname(s->key_types[i]));
}

/* n has type got where want was needed. */
static void clash(struct typer *T, const struct node *n, enum stap_type want,
		  enum stap_type got)
{
	enum diag_tag tag = clash_tag(want, got);
	if (once(T, &n->pos, tag))
		diag_error(tag, &n->pos, "type mismatch: expected %s but found %s", tname(want),
			   tname(got));
}

/* Use of s with n indexes (0: as a scalar).  False on a conflict. */
static bool use_arity(struct typer *T, struct symbol *s, int n, const struct srcpos *pos)
{
	if (!s)
		return false;
	if (s->kind != SYM_GLOBAL && n > 0)
		return false;  /* resolve.c reported the local array */
	if (s->arity < 0 && !(n == 0 && s->decl && s->decl->is_array)) {
		s->arity = n;
		s->arity_pos = *pos;
		s->key_types = arena_alloc(T->e->arena, (size_t)(n + 1) * sizeof(*s->key_types));
		s->key_pos = arena_alloc(T->e->arena, (size_t)(n + 1) * sizeof(*s->key_pos));
		T->changed = true;
		return true;
	}
	if (s->arity == n)
		return true;
	enum diag_tag tag = s->arity == 0 ? D_SEM_NOT_ARRAY
			  : n == 0 ? D_SEM_ARRAY_AS_SCALAR : D_SEM_INDEX_ARITY;
	if (!once(T, pos, tag))
		return false;
	if (s->arity < 0) {
		diag_report2(SEV_ERROR, tag, pos, &s->pos, "declared as an array here",
			     "array '%s' used as a scalar", s->name);
	} else if (tag == D_SEM_NOT_ARRAY) {
		diag_report2(SEV_ERROR, tag, pos, &s->arity_pos, "used as a scalar here",
			     "'%s' is a scalar, not an array", s->name);
	} else if (tag == D_SEM_ARRAY_AS_SCALAR) {
		diag_report2(SEV_ERROR, tag, pos, &s->arity_pos, "used as an array here",
			     "array '%s' used as a scalar", s->name);
	} else {
		char note[128];
		snprintf(note, sizeof(note), "used with %d index%s here", s->arity,
			 s->arity == 1 ? "" : "es");
		diag_report2(SEV_ERROR, tag, pos, &s->arity_pos, note,
			     "array '%s' used with %d index%s, elsewhere with %d", s->name, n,
			     n == 1 ? "" : "es", s->arity);
	}
	return false;
}

/* ---- expressions ---- */

/* ty_expr, then check the result against want. */
static enum stap_type ty_value(struct typer *T, struct node *n, enum stap_type want)
{
	enum stap_type t = ty_expr(T, n, want);
	if (t != TYPE_UNKNOWN && want != TYPE_UNKNOWN && t != want)
		clash(T, n, want, t);
	return t;
}

static void set_type(struct node *n, enum stap_type t)
{
	if (t != TYPE_UNKNOWN)
		n->type = t;
}

static void stats_read(struct typer *T, const struct node *n, const char *name)
{
	if (once(T, &n->pos, D_SEM_STATS_MISUSE))
		diag_error(D_SEM_STATS_MISUSE, &n->pos,
			   "statistics '%s' can only be read with @count, @sum, @min, @max, "
			   "@avg, @variance or a histogram", name);
}

static void ty_keys(struct typer *T, struct symbol *s, struct node *keys, bool allow_wild)
{
	int i = 0;
	for (struct node *k = keys; k; k = k->next, i++) {
		if (k->kind == ND_WILDCARD) {
			if (!allow_wild && once(T, &k->pos, D_SEM_BAD_ARGUMENT))
				diag_error(D_SEM_BAD_ARGUMENT, &k->pos,
					   "'*' is only allowed in delete, in and foreach slices");
			continue;
		}
		enum stap_type want = s && i < s->arity ? s->key_types[i] : TYPE_UNKNOWN;
		enum stap_type kt = ty_expr(T, k, want);
		if (kt == TYPE_STATS) {
			clash(T, k, TYPE_LONG, kt);
			continue;
		}
		if (s && s->arity > i)
			unify_key(T, s, i, kt, &k->pos);
	}
}

static enum stap_type ty_var(struct typer *T, struct node *n, enum stap_type want)
{
	struct symbol *s = n->sym;
	if (!s || !use_arity(T, s, 0, &n->pos))
		return TYPE_UNKNOWN;
	if (s->type == TYPE_STATS) {
		stats_read(T, n, s->name);
		return TYPE_UNKNOWN;
	}
	if (want != TYPE_STATS)
		unify_sym(T, s, want, &n->pos);
	if (T->final && s->type == TYPE_UNKNOWN && once(T, &s->pos, D_SEM_TYPE_UNRESOLVED))
		diag_error(D_SEM_TYPE_UNRESOLVED, &n->pos, "unresolved type for variable '%s'",
			   s->name);
	return s->type;
}

/* @entry: the save in the entry half and the read in the .return probe
 * share a SYM_ENTRY slot, typed like a variable (entry.c). */
static enum stap_type ty_entry(struct typer *T, struct node *n, enum stap_type want)
{
	struct symbol *s = n->sym;
	if (!s)
		return TYPE_LONG;
	if (n->u.expr.e)
		unify_sym(T, s, ty_value(T, n->u.expr.e, s->type), &n->pos);
	else if (want != TYPE_STATS)
		unify_sym(T, s, want, &n->pos);
	if (T->final && s->type == TYPE_UNKNOWN)
		return TYPE_LONG;
	return s->type;
}

/* An array element (or histogram bucket) read as a value. */
static enum stap_type ty_index(struct typer *T, struct node *n, enum stap_type want)
{
	struct node *base = n->u.index.base;
	if (base->kind == ND_HIST_OP) {
		ty_expr(T, base, TYPE_UNKNOWN);
		for (struct node *k = n->u.index.keys; k; k = k->next)
			ty_value(T, k, TYPE_LONG);
		return TYPE_LONG;
	}
	struct symbol *s = base->sym;
	if (base->kind != ND_VAR || !use_arity(T, s, n->u.index.nkeys, &base->pos)) {
		ty_keys(T, NULL, n->u.index.keys, false);
		return TYPE_UNKNOWN;
	}
	ty_keys(T, s, n->u.index.keys, false);
	if (s->type == TYPE_STATS) {
		stats_read(T, n, s->name);
		return TYPE_UNKNOWN;
	}
	if (want != TYPE_STATS)
		unify_sym(T, s, want, &base->pos);
	return s->type;
}

/* The operand of <<<, @count ..., a histogram: a statistics variable. */
static void ty_stats_ref(struct typer *T, struct node *n)
{
	struct symbol *s = NULL;
	if (n->kind == ND_VAR) {
		s = n->sym;
		if (!s || !use_arity(T, s, 0, &n->pos))
			return;
	} else if (n->kind == ND_INDEX && n->u.index.base->kind == ND_VAR) {
		s = n->u.index.base->sym;
		if (!s || !use_arity(T, s, n->u.index.nkeys, &n->u.index.base->pos))
			return;
		ty_keys(T, s, n->u.index.keys, false);
	} else {
		if (once(T, &n->pos, D_SEM_STATS_MISUSE))
			diag_error(D_SEM_STATS_MISUSE, &n->pos,
				   "statistics operators need a global statistics variable");
		return;
	}
	if (s->kind != SYM_GLOBAL) {
		if (once(T, &n->pos, D_SEM_STATS_MISUSE))
			diag_error(D_SEM_STATS_MISUSE, &n->pos,
				   "'%s' is not a global: statistics must be global", s->name);
		return;
	}
	unify_sym(T, s, TYPE_STATS, &n->pos);
	n->type = TYPE_STATS;
}

static int64_t lit_value(const struct node *n)
{
	return n && n->kind == ND_NUM ? n->u.num : 0;
}

/* The most buckets a linear histogram may have, as upstream. */
#define HIST_LINEAR_MAX_BUCKETS 126

static void check_hist_linear(struct typer *T, const struct node *n)
{
	const struct node *lo = n->u.stat.params, *hi = lo ? lo->next : NULL;
	const struct node *step = hi ? hi->next : NULL;
	if (!step || !once(T, &n->pos, D_SEM_BAD_ARGUMENT))
		return;
	if (lit_value(step) <= 0)
		diag_error(D_SEM_BAD_ARGUMENT, &step->pos,
			   "@hist_linear step must be greater than 0, not %lld",
			   (long long)lit_value(step));
	else if (lit_value(hi) < lit_value(lo))
		diag_error(D_SEM_BAD_ARGUMENT, &hi->pos,
			   "@hist_linear upper bound %lld is below the lower bound %lld",
			   (long long)lit_value(hi), (long long)lit_value(lo));
	else if (((uint64_t)lit_value(hi) - (uint64_t)lit_value(lo)) / (uint64_t)lit_value(step) >
		 HIST_LINEAR_MAX_BUCKETS - 1)
		/* upstream's limit, which 4.8 enforces when the module loads */
		diag_error(D_SEM_BAD_ARGUMENT, &n->pos,
			   "@hist_linear has %llu buckets ((upper - lower) / step + 1): "
			   "at most %d", (unsigned long long)(((uint64_t)lit_value(hi) -
			   (uint64_t)lit_value(lo)) / (uint64_t)lit_value(step) + 1),
			   HIST_LINEAR_MAX_BUCKETS);
}

static bool same_hist(const struct node *a, const struct node *b)
{
	if (a->op != b->op)
		return false;
	const struct node *x = a->u.stat.params, *y = b->u.stat.params;
	for (; x && y; x = x->next, y = y->next)
		if (lit_value(x) != lit_value(y))
			return false;
	return !x && !y;
}

/* A statistic has one histogram shape: the first histogram operator on
 * it fixes it. */
static void check_hist_shape(struct typer *T, const struct node *n)
{
	const struct node *op = n->u.stat.operand;
	if (op->kind == ND_INDEX)
		op = op->u.index.base;
	struct symbol *s = op->kind == ND_VAR ? op->sym : NULL;
	if (!s)
		return;
	if (!s->hist) {
		s->hist = n;
		return;
	}
	if (!same_hist(s->hist, n) && once(T, &n->pos, D_SEM_STATS_MISUSE))
		diag_report2(SEV_ERROR, D_SEM_STATS_MISUSE, &n->pos, &s->hist->pos,
			     "the first histogram of it is here",
			     "'%s' is used with two different histograms", s->name);
}

static enum stap_type ty_stat_op(struct typer *T, struct node *n)
{
	ty_stats_ref(T, n->u.stat.operand);
	for (struct node *p = n->u.stat.params; p; p = p->next)
		ty_value(T, p, TYPE_LONG);
	if (n->kind == ND_HIST_OP) {
		if (n->op == HIST_LINEAR)
			check_hist_linear(T, n);
		check_hist_shape(T, n);
		return TYPE_UNKNOWN;
	}
	const struct node *shift = n->u.stat.params;
	if (n->op == STAT_VARIANCE && shift &&
	    (lit_value(shift) < 0 || lit_value(shift) > 62) && once(T, &n->pos, D_SEM_BAD_ARGUMENT))
		diag_error(D_SEM_BAD_ARGUMENT, &n->pos,
			   "@variance bit shift must be between 0 and 62, not %lld",
			   (long long)lit_value(shift));
	return TYPE_LONG;
}

static enum stap_type ty_call(struct typer *T, struct node *n, enum stap_type want)
{
	struct elab_func *f = n->u.call.func ? n->u.call.func->elab : NULL;
	struct symbol *p = f ? f->params : NULL;
	for (struct node *a = n->u.call.args; a; a = a->next) {
		enum stap_type at = ty_expr(T, a, p ? p->type : TYPE_UNKNOWN);
		if (p && at != TYPE_UNKNOWN && p->type != TYPE_UNKNOWN && at != p->type &&
		    once(T, &a->pos, clash_tag(at, p->type))) {
			char note[256];
			snprintf(note, sizeof(note), "parameter '%s' is %s", p->name,
				 tname(p->type));
			diag_report2(SEV_ERROR, clash_tag(at, p->type), &a->pos, &p->type_pos, note,
				     "type mismatch: argument is %s, parameter '%s' of '%s' is %s",
				     tname(at), p->name, n->u.call.name, tname(p->type));
		} else if (p) {
			unify_sym(T, p, at, &a->pos);
		}
		if (p)
			p = p->next;
	}
	(void)want;  /* a return type comes from the function's returns only */
	return f ? f->ret : TYPE_UNKNOWN;
}

/* ---- printing ---- */

struct fmt_list {
	struct fmt_directive d[256];
	int n;
	bool overflow;
};

static void collect(const struct fmt_directive *d, void *ctx)
{
	struct fmt_list *l = ctx;
	if (d->conv == FMT_LITERAL)
		return;
	if (l->n < 256)
		l->d[l->n++] = *d;
	else
		l->overflow = true;
}

/* One printf argument: the directive needs want. */
static void format_arg(struct typer *T, struct node *a, enum stap_type want, int idx,
		       const struct node *fmt, const struct fmt_directive *d)
{
	enum stap_type t = ty_expr(T, a, TYPE_UNKNOWN);
	if (t == TYPE_UNKNOWN) {
		ty_expr(T, a, want);
		return;
	}
	if (t != want && once(T, &a->pos, D_SEM_BAD_FORMAT))
		diag_error(D_SEM_BAD_FORMAT, &a->pos,
			   "format directive '%.*s' needs a %s, but argument %d is %s",
			   (int)d->len, fmt->u.str.s + d->start, tname(want), idx, tname(t));
}

static void ty_printf(struct typer *T, struct node *n)
{
	const struct node *fmt = n->u.call.args;
	struct node *args = fmt->next;
	struct fmt_list l = { .n = 0 };
	const char *msg;
	size_t off;
	if (!fmt_parse(fmt->u.str.s, fmt->u.str.len, collect, &l, &msg, &off) || l.overflow) {
		for (struct node *a = args; a; a = a->next)
			ty_expr(T, a, TYPE_UNKNOWN);
		return;
	}
	int need = 0, have = 0;
	for (int i = 0; i < l.n; i++)
		need += fmt_arg_count(&l.d[i]);
	for (struct node *a = args; a; a = a->next)
		have++;
	if (need != have) {
		if (once(T, &n->pos, D_SEM_BAD_FORMAT))
			diag_error(D_SEM_BAD_FORMAT, &n->pos,
				   "format \"%.*s\" takes %d argument%s, %d given",
				   (int)fmt->u.str.len, fmt->u.str.s, need, need == 1 ? "" : "s",
				   have);
		for (struct node *a = args; a; a = a->next)
			ty_expr(T, a, TYPE_UNKNOWN);
		return;
	}
	struct node *a = args;
	int idx = 1;
	for (int i = 0; i < l.n; i++) {
		const struct fmt_directive *d = &l.d[i];
		if (d->width == FMT_STAR)
			format_arg(T, a, TYPE_LONG, idx++, fmt, d), a = a->next;
		if (d->precision == FMT_STAR)
			format_arg(T, a, TYPE_LONG, idx++, fmt, d), a = a->next;
		format_arg(T, a, d->conv == FMT_STRING ? TYPE_STRING : TYPE_LONG, idx++, fmt, d);
		a = a->next;
	}
}

static void print_arg(struct typer *T, struct node *a)
{
	if (a->kind == ND_HIST_OP) {
		ty_expr(T, a, TYPE_UNKNOWN);
		return;
	}
	enum stap_type t = ty_expr(T, a, TYPE_UNKNOWN);
	if (T->final && t == TYPE_UNKNOWN && a->kind == ND_CALL && a->u.call.func &&
	    once(T, &a->pos, D_SEM_TYPE_UNRESOLVED))
		diag_error(D_SEM_TYPE_UNRESOLVED, &a->pos, "function '%s' returns no value",
			   a->u.call.name);
}

static enum stap_type ty_print(struct typer *T, struct node *n)
{
	struct node *args = n->u.call.args;
	if (n->op & PF_FORMAT) {
		ty_printf(T, n);
	} else {
		if ((n->op & PF_DELIM) && args) {
			ty_value(T, args, TYPE_STRING);
			args = args->next;
		}
		for (struct node *a = args; a; a = a->next)
			print_arg(T, a);
	}
	return n->op & PF_STRING ? TYPE_STRING : TYPE_LONG;
}

/* ---- operators ---- */

static enum stap_type ty_assign(struct typer *T, struct node *n, enum stap_type want)
{
	struct node *lhs = n->u.bin.lhs, *rhs = n->u.bin.rhs;
	if (n->op == OP_AGGREGATE) {
		ty_stats_ref(T, lhs);
		ty_value(T, rhs, TYPE_LONG);
		return TYPE_UNKNOWN;
	}
	bool is_elem = lhs->kind == ND_INDEX && lhs->u.index.base->kind == ND_VAR;
	struct symbol *s = lhs->kind == ND_VAR ? lhs->sym : is_elem ? lhs->u.index.base->sym
								     : NULL;
	if (s && s->type == TYPE_STATS) {
		if (once(T, &n->pos, D_SEM_STATS_MISUSE))
			diag_error(D_SEM_STATS_MISUSE, &n->pos,
				   "'%s' holds statistics: add values with <<<, not '%s'", s->name,
				   tok_op_spelling(n->op));
		return TYPE_UNKNOWN;
	}
	if (n->op != OP_ASSIGN) {
		enum stap_type t = n->op == OP_CAT_ASSIGN ? TYPE_STRING : TYPE_LONG;
		ty_value(T, lhs, t);
		ty_value(T, rhs, t);
		return t;
	}
	enum stap_type lt = ty_expr(T, lhs, TYPE_UNKNOWN);
	enum stap_type rt = ty_expr(T, rhs, lt);
	if (lt != TYPE_UNKNOWN && rt != TYPE_UNKNOWN && lt != rt) {
		if (s)
			unify_sym(T, s, rt, lhs->kind == ND_VAR ? &lhs->pos : &lhs->u.index.base->pos);
		else
			clash(T, rhs, lt, rt);
		return lt;
	}
	if (lt == TYPE_UNKNOWN && rt != TYPE_UNKNOWN)
		lt = ty_value(T, lhs, rt);
	if (lt == TYPE_UNKNOWN && rt == TYPE_UNKNOWN && want != TYPE_UNKNOWN) {
		lt = ty_value(T, lhs, want);
		rt = ty_value(T, rhs, want);
	}
	return lt != TYPE_UNKNOWN ? lt : rt;
}

static enum stap_type ty_in(struct typer *T, struct node *n)
{
	struct node *base = n->u.index.base;
	if (base->kind == ND_HIST_OP) {
		ty_expr(T, base, TYPE_UNKNOWN);
		for (struct node *k = n->u.index.keys; k; k = k->next)
			if (k->kind != ND_WILDCARD)
				ty_value(T, k, TYPE_LONG);
		return TYPE_LONG;
	}
	struct symbol *s = base->kind == ND_VAR ? base->sym : NULL;
	if (!s || !use_arity(T, s, n->u.index.nkeys, &base->pos))
		s = NULL;
	ty_keys(T, s, n->u.index.keys, true);
	return TYPE_LONG;
}

static enum stap_type ty_compare(struct typer *T, struct node *n)
{
	enum stap_type lt = ty_value(T, n->u.bin.lhs, TYPE_UNKNOWN);
	enum stap_type rt = ty_value(T, n->u.bin.rhs, lt);
	if (lt == TYPE_UNKNOWN && rt != TYPE_UNKNOWN)
		ty_value(T, n->u.bin.lhs, rt);
	return TYPE_LONG;
}

static enum stap_type ty_ternary(struct typer *T, struct node *n, enum stap_type want)
{
	ty_value(T, n->u.cond.cond, TYPE_LONG);
	enum stap_type t = ty_value(T, n->u.cond.then, want);
	enum stap_type e = ty_value(T, n->u.cond.els, want != TYPE_UNKNOWN ? want : t);
	if (t == TYPE_UNKNOWN && e != TYPE_UNKNOWN)
		t = ty_value(T, n->u.cond.then, e);
	return t != TYPE_UNKNOWN ? t : e;
}

static enum stap_type ty_binary(struct typer *T, struct node *n)
{
	enum stap_type t = n->op == OP_DOT ? TYPE_STRING : TYPE_LONG;
	ty_value(T, n->u.bin.lhs, t);
	ty_value(T, n->u.bin.rhs, t);
	return t;
}

static enum stap_type ty_expr_kind(struct typer *T, struct node *n, enum stap_type want)
{
	switch (n->kind) {
	case ND_NUM: return TYPE_LONG;
	case ND_STR: return TYPE_STRING;
	case ND_EMBEDDED_EXPR:
		if (want == TYPE_UNKNOWN && T->final)
			return TYPE_LONG;
		return want == TYPE_STATS ? TYPE_UNKNOWN : want;
	case ND_VAR: return ty_var(T, n, want);
	case ND_TARGET: case ND_CAST: case ND_ATVAR: case ND_AUTOCAST:
	case ND_PERF:  /* typed by the probe family (resolve.c) */
		return n->type != TYPE_UNKNOWN ? n->type : TYPE_LONG;
	case ND_ENTRY: return ty_entry(T, n, want);
	case ND_DEFINED: case ND_CONST: case ND_REGISTER:
		return TYPE_LONG;
	case ND_PROBEWRITE: return TYPE_LONG;
	case ND_DEREF:
		ty_value(T, n->u.deref.e, TYPE_LONG);
		return TYPE_LONG;
	case ND_UNARY: case ND_PRE_INCDEC: case ND_POST_INCDEC:
		ty_value(T, n->u.expr.e, TYPE_LONG);
		return TYPE_LONG;
	case ND_BINARY: return ty_binary(T, n);
	case ND_LOGICAL:
		ty_value(T, n->u.bin.lhs, TYPE_LONG);
		ty_value(T, n->u.bin.rhs, TYPE_LONG);
		return TYPE_LONG;
	case ND_COMPARE: return ty_compare(T, n);
	case ND_REGEX:
		ty_value(T, n->u.bin.lhs, TYPE_STRING);
		ty_value(T, n->u.bin.rhs, TYPE_STRING);
		return TYPE_LONG;
	case ND_TERNARY: return ty_ternary(T, n, want);
	case ND_ASSIGN: return ty_assign(T, n, want);
	case ND_IN: return ty_in(T, n);
	case ND_INDEX: return ty_index(T, n, want);
	case ND_WILDCARD: return TYPE_UNKNOWN;
	case ND_CALL: return ty_call(T, n, want);
	case ND_PRINT: return ty_print(T, n);
	case ND_STAT_OP: case ND_HIST_OP: return ty_stat_op(T, n);
	case ND_BLOCK: case ND_EXPR_STMT: case ND_EMPTY: case ND_IF: case ND_FOR:
	case ND_FOREACH: case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_RETURN:
	case ND_DELETE: case ND_TRY: case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		ty_stmt(T, n);
		return TYPE_UNKNOWN;
	}
	return TYPE_UNKNOWN;
}

static enum stap_type ty_expr(struct typer *T, struct node *n, enum stap_type want)
{
	if (!n)
		return TYPE_UNKNOWN;
	enum stap_type t = ty_expr_kind(T, n, want);
	set_type(n, t);
	return t;
}

/* ---- statements ---- */

static void foreach_var(struct typer *T, struct node *v, struct symbol *arr, int key,
			enum stap_type t, const struct srcpos *pos)
{
	struct symbol *s = v->sym;
	if (!s)
		return;
	if (t == TYPE_STATS) {
		if (once(T, &v->pos, D_SEM_STATS_MISUSE))
			diag_error(D_SEM_STATS_MISUSE, &v->pos,
				   "'%s' would hold statistics: read them with @count ... instead",
				   s->name);
		return;
	}
	if (t != TYPE_UNKNOWN) {
		unify_sym(T, s, t, &v->pos);
	} else if (arr && s->type != TYPE_UNKNOWN) {
		if (key < 0)
			unify_sym(T, arr, s->type, pos);
		else
			unify_key(T, arr, key, s->type, pos);
	}
	v->type = s->type;
}

static void ty_foreach(struct typer *T, struct node *n)
{
	struct node *arr = n->u.fe.array;
	struct symbol *s = NULL;
	if (arr->kind == ND_HIST_OP) {
		ty_expr(T, arr, TYPE_UNKNOWN);
		if (n->u.fe.nkeys != 1 && once(T, &arr->pos, D_SEM_INDEX_ARITY))
			diag_error(D_SEM_INDEX_ARITY, &arr->pos,
				   "a histogram has one index (the bucket), not %d", n->u.fe.nkeys);
		for (struct node *k = n->u.fe.keys; k; k = k->next)
			foreach_var(T, k, NULL, 0, TYPE_LONG, &k->pos);
		if (n->u.fe.value)
			foreach_var(T, n->u.fe.value, NULL, -1, TYPE_LONG, &arr->pos);
	} else if (arr->kind == ND_VAR && use_arity(T, arr->sym, n->u.fe.nkeys, &arr->pos)) {
		s = arr->sym;
		int i = 0;
		for (struct node *k = n->u.fe.keys; k; k = k->next, i++)
			foreach_var(T, k, s, i, s->key_types[i], &k->pos);
		if (n->u.fe.value)
			foreach_var(T, n->u.fe.value, s, -1, s->type, &n->u.fe.value->pos);
		if (n->u.fe.slice && n->u.fe.nslice != s->arity && once(T, &arr->pos, D_SEM_INDEX_ARITY))
			diag_error(D_SEM_INDEX_ARITY, &arr->pos,
				   "slice of '%s' has %d indexes, the array %d", s->name,
				   n->u.fe.nslice, s->arity);
		else
			ty_keys(T, s, n->u.fe.slice, true);
		if (n->u.fe.sort_aggr >= 0 && s->type != TYPE_UNKNOWN && s->type != TYPE_STATS &&
		    once(T, &arr->pos, D_SEM_STATS_MISUSE))
			diag_error(D_SEM_STATS_MISUSE, &arr->pos,
				   "sorting by a statistic needs an array of statistics");
	}
	ty_value(T, n->u.fe.limit, TYPE_LONG);
	ty_stmt(T, n->u.fe.body);
}

static void ty_return(struct typer *T, struct node *n)
{
	struct elab_func *f = T->fn;
	if (!f)
		return;
	struct node *v = n->u.expr.e;
	if (!v) {
		if (f->ret != TYPE_UNKNOWN && f->ret_pos.src && once(T, &n->pos, D_SEM_RETURN_TYPE))
			diag_report2(SEV_ERROR, D_SEM_RETURN_TYPE, &n->pos, &f->ret_pos,
				     "a value is returned here",
				     "'return' without a value in '%s', which returns %s",
				     f->fn->name, tname(f->ret));
		return;
	}
	enum stap_type t = ty_expr(T, v, TYPE_UNKNOWN);
	if (t == TYPE_UNKNOWN)
		t = ty_expr(T, v, f->ret);
	if (t == TYPE_UNKNOWN)
		return;
	if (f->ret == TYPE_UNKNOWN) {
		f->ret = t;
		f->ret_pos = v->pos;
		T->changed = true;
	} else if (t != f->ret && once(T, &v->pos, D_SEM_RETURN_TYPE)) {
		char note[128];
		snprintf(note, sizeof(note), "the return type %s comes from here", tname(f->ret));
		diag_report2(SEV_ERROR, D_SEM_RETURN_TYPE, &v->pos, &f->ret_pos, note,
			     "'%s' returns %s, but this value is %s", f->fn->name, tname(f->ret),
			     tname(t));
	}
}

static void ty_delete(struct typer *T, struct node *n)
{
	struct node *op = n->u.expr.e;
	if (op->kind == ND_INDEX && op->u.index.base->kind == ND_VAR) {
		struct symbol *s = op->u.index.base->sym;
		if (!use_arity(T, s, op->u.index.nkeys, &op->u.index.base->pos))
			s = NULL;
		ty_keys(T, s, op->u.index.keys, true);
	}
}

static void ty_stmt(struct typer *T, struct node *n)
{
	if (!n)
		return;
	switch (n->kind) {
	case ND_BLOCK:
		for (struct node *s = n->u.block.stmts; s; s = s->next)
			ty_stmt(T, s);
		return;
	case ND_EXPR_STMT: ty_expr(T, n->u.expr.e, TYPE_UNKNOWN); return;
	case ND_EMPTY: case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_EMBEDDED_STMT:
		return;
	case ND_IF:
		ty_value(T, n->u.cond.cond, TYPE_LONG);
		ty_stmt(T, n->u.cond.then);
		ty_stmt(T, n->u.cond.els);
		return;
	case ND_FOR:
		ty_expr(T, n->u.loop.init, TYPE_UNKNOWN);
		ty_value(T, n->u.loop.cond, TYPE_LONG);
		ty_expr(T, n->u.loop.incr, TYPE_UNKNOWN);
		ty_stmt(T, n->u.loop.body);
		return;
	case ND_FOREACH: ty_foreach(T, n); return;
	case ND_RETURN: ty_return(T, n); return;
	case ND_DELETE: ty_delete(T, n); return;
	case ND_TRY:
		ty_stmt(T, n->u.try_.body);
		if (n->u.try_.var)
			unify_sym(T, n->u.try_.var->sym, TYPE_STRING, &n->u.try_.var->pos);
		ty_stmt(T, n->u.try_.handler);
		return;
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_TARGET:
	case ND_CAST: case ND_ATVAR: case ND_AUTOCAST: case ND_ENTRY: case ND_DEFINED:
	case ND_PROBEWRITE: case ND_PERF: case ND_CONST: case ND_REGISTER: case ND_DEREF:
	case ND_UNARY: case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_BINARY: case ND_LOGICAL:
	case ND_COMPARE: case ND_REGEX: case ND_TERNARY: case ND_ASSIGN: case ND_IN:
	case ND_INDEX: case ND_WILDCARD: case ND_CALL: case ND_PRINT: case ND_STAT_OP:
	case ND_HIST_OP: case ND_KIND_COUNT:
		ty_expr(T, n, TYPE_UNKNOWN);
		return;
	}
}

/* ---- the walks ---- */

static void walk_all(struct typer *T)
{
	struct elab *e = T->e;
	for (struct elab_probe *p = e->probes; p; p = p->next) {
		T->fn = NULL;
		ty_value(T, p->cond, TYPE_LONG);
		ty_stmt(T, p->body);
	}
	for (struct elab_func *f = e->funcs_head; f; f = f->next) {
		if (!f->resolved)
			continue;
		T->fn = f;
		ty_stmt(T, f->fn->body);
	}
	T->fn = NULL;
}

static void unresolved_sym(struct typer *T, const struct symbol *s, const char *what)
{
	if (s->kind == SYM_LOCAL && s->reads + s->writes == 0)
		return;  /* only named in @defined() */
	if (s->type == TYPE_UNKNOWN && once(T, &s->pos, D_SEM_TYPE_UNRESOLVED))
		diag_error(D_SEM_TYPE_UNRESOLVED, &s->pos, "unresolved type for %s '%s'", what,
			   s->name);
	for (int i = 0; i < s->arity; i++)
		if (s->key_types[i] == TYPE_UNKNOWN && once(T, &s->pos, D_SEM_TYPE_UNRESOLVED))
			diag_error(D_SEM_TYPE_UNRESOLVED, &s->pos,
				   "unresolved type for index %d of array '%s'", i + 1, s->name);
}

static void report_unresolved(struct typer *T)
{
	struct elab *e = T->e;
	for (struct elab_probe *p = e->probes; p; p = p->next)
		for (const struct symbol *s = p->locals; s; s = s->next)
			unresolved_sym(T, s, "local variable");
	for (struct elab_func *f = e->funcs_head; f; f = f->next) {
		if (!f->resolved)
			continue;
		for (const struct symbol *s = f->params; s; s = s->next)
			unresolved_sym(T, s, "parameter");
		for (const struct symbol *s = f->locals; s; s = s->next)
			unresolved_sym(T, s, "local variable");
	}
	for (const struct symbol *g = e->globals_head; g; g = g->next)
		if (g->reads + g->writes > 0)
			unresolved_sym(T, g, "global variable");
}

void elab_infer_types(struct elab *e)
{
	struct typer T = { .e = e };
	for (int i = 0; i < 1000; i++) {
		T.changed = false;
		walk_all(&T);
		if (!T.changed || diag_too_many())
			break;
	}
	if (diag_error_count() > 0 || e->quiet_types)
		return;
	T.final = true;
	walk_all(&T);
	report_unresolved(&T);
}
