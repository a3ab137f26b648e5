/* emit_data.c - pass 3: global arrays and statistics.
 *
 * A global is `static struct { rwlock_t lock; T v; } g_name;` with v an
 * int64_t, a char[MAXSTRINGLEN], a struct stp_map * (arrays), a struct
 * stp_pstat * (statistics) or a struct stp_pmap * (arrays of statistics).
 * The probe's locks are held by _stp_probe_run, so nothing here locks.
 *
 * Reading an absent element gives 0 / "" and inserts nothing; writing
 * inserts (a full array is the script error "Array overflow ...").
 * Reading statistics merges the per-CPU data (_stp_pstat_agg,
 * _stp_pmap_agg); inside a foreach over a statistics array the merged map
 * of the loop is read instead of merging again for every element.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "compat.h"
#include "emit_int.h"
#include "session.h"

static const char *gname(struct emit *E, const struct symbol *sym)
{
	const struct emit_global *g = emit_global_of(E, sym);
	return g ? g->cname : "g_unknown";
}

static bool is_global_array(const struct node *base)
{
	return base->kind == ND_VAR && base->sym && base->sym->kind == SYM_GLOBAL;
}

const char *emit_keys(struct emit *E, const struct node *keys, int nkeys, const char **wild,
		      bool stable)
{
	const char *kt = emit_tmp(E, TMP_KEYS);
	if (nkeys > E->body->max_arity)
		E->body->max_arity = nkeys;
	struct val *vals = arena_alloc(E->arena, (size_t)(nkeys + 1) * sizeof(*vals));
	emit_operands(E, keys, vals, nkeys);
	char *w = arena_strdup(E->arena, "(const bool[]){ ");
	int i = 0;
	for (const struct node *k = keys; k && i < nkeys; k = k->next, i++) {
		bool wc = k->kind == ND_WILDCARD;
		w = arena_printf(E->arena, "%s%s%s", w, i ? ", " : "", wc ? "true" : "false");
		if (wc) {
			emit_line(E, "%s[%d].l = 0;", kt, i);
		} else if (k->type == TYPE_STRING) {
			if (stable)
				vals[i] = emit_materialize(E, vals[i], TYPE_STRING);
			emit_line(E, "%s[%d].s = %s;", kt, i, vals[i].c);
		} else {
			emit_line(E, "%s[%d].l = %s;", kt, i, vals[i].c);
		}
	}
	if (wild)
		*wild = arena_printf(E->arena, "%s }", w);
	return kt;
}

const char *emit_map_of(struct emit *E, const struct symbol *g)
{
	if (g->type != TYPE_STATS)
		return arena_printf(E->arena, "%s.v", gname(E, g));
	for (const struct emit_agg *a = E->body->agg; a; a = a->outer)
		if (a->g == g)
			return a->map;
	return arena_printf(E->arena, "_stp_pmap_agg(%s.v)", gname(E, g));
}

static const char *overflow_msg(struct emit *E, const struct symbol *g)
{
	if (g->decl && g->decl->max_size > 0)
		return arena_printf(E->arena, "\"Array overflow, check size limit (%lld)\"",
				    (long long)g->decl->max_size);
	return "\"Array overflow, check MAXMAPENTRIES\"";
}

struct val emit_index_read(struct emit *E, const struct node *n)
{
	const struct node *base = n->u.index.base;
	if (!is_global_array(base)) {
		emit_unsupported(E, n, "indexing something that is not a global array");
		return (struct val){ .c = "0", .constant = true };
	}
	const char *kt = emit_keys(E, n->u.index.keys, n->u.index.nkeys, NULL, false);
	const char *map = emit_map_of(E, base->sym);
	const char *fn = n->type == TYPE_STRING ? "stp_map_get_str" : "stp_map_get_long";
	return (struct val){ .c = arena_printf(E->arena, "%s(%s, %s)", fn, map, kt) };
}

const char *emit_index_insert(struct emit *E, const struct node *n, const char *kt)
{
	const struct node *base = n->u.index.base;
	if (!is_global_array(base) || base->sym->type == TYPE_STATS) {
		emit_unsupported(E, n, "writing an element of this array");
		return "e_none";
	}
	const char *e = emit_tmp(E, TMP_ENTRY);
	emit_line(E, "%s = _stp_map_insert(%s.v, %s);", e, gname(E, base->sym), kt);
	emit_line(E, "if (unlikely(!%s)) {", e);
	E->body->indent++;
	emit_raise(E, overflow_msg(E, base->sym), emit_loc(E, base));
	E->body->indent--;
	emit_line(E, "}");
	return e;
}

const char *emit_stat_ptr(struct emit *E, const struct node *operand)
{
	if (operand->kind == ND_VAR && operand->sym && operand->sym->kind == SYM_GLOBAL &&
	    operand->sym->arity == 0)
		return arena_printf(E->arena, "_stp_pstat_agg(%s.v)", gname(E, operand->sym));
	if (operand->kind == ND_INDEX && is_global_array(operand->u.index.base)) {
		const char *kt = emit_keys(E, operand->u.index.keys, operand->u.index.nkeys, NULL,
					   false);
		return arena_printf(E->arena, "stp_map_get_stat(%s, %s)",
				    emit_map_of(E, operand->u.index.base->sym), kt);
	}
	emit_unsupported(E, operand, "statistics of this expression");
	return "NULL";
}

const char *emit_hist_spec(struct emit *E, const struct node *operand)
{
	const struct node *v = operand->kind == ND_INDEX ? operand->u.index.base : operand;
	if (v->kind != ND_VAR || !v->sym)
		return "NULL";
	return arena_printf(E->arena, "&%s_hist", gname(E, v->sym));
}

static const char *const stat_ops[] = {
	[STAT_COUNT] = "STP_STAT_COUNT", [STAT_SUM] = "STP_STAT_SUM",
	[STAT_MIN] = "STP_STAT_MIN", [STAT_MAX] = "STP_STAT_MAX",
	[STAT_AVG] = "STP_STAT_AVG", [STAT_VARIANCE] = "STP_STAT_VARIANCE",
};

struct val emit_stat_op(struct emit *E, const struct node *n)
{
	const char *p = emit_stat_ptr(E, n->u.stat.operand);
	const char *t = emit_tmp(E, TMP_LONG);
	const char *loc = emit_loc(E, n);
	int op = n->op >= STAT_COUNT && n->op <= STAT_VARIANCE ? n->op : STAT_COUNT;
	bool strict_sum = op == STAT_SUM && compat_before(E->sess->compatible, COMPAT_EMPTY_SUM);
	emit_line(E, "%s = _stp_stat_get(c, %s, %s, %s);", t, p,
		  strict_sum ? "STP_STAT_SUM_NONEMPTY" : stat_ops[op], loc);
	if ((op != STAT_COUNT && op != STAT_SUM) || strict_sum)
		emit_check_error(E, loc);
	return (struct val){ .c = t, .constant = true };
}

struct val emit_hist_index(struct emit *E, const struct node *n)
{
	const struct node *h = n->u.index.base;
	const char *p = emit_stat_ptr(E, h->u.stat.operand);
	struct val i = emit_expr(E, n->u.index.keys);
	const char *t = emit_tmp(E, TMP_LONG);
	const char *loc = emit_loc(E, h);
	emit_line(E, "%s = _stp_hist_get(c, %s, %s, %s, %s);", t, p,
		  emit_hist_spec(E, h->u.stat.operand), i.c, loc);
	emit_check_error(E, loc);
	return (struct val){ .c = t, .constant = true };
}

struct val emit_in(struct emit *E, const struct node *n)
{
	const struct node *base = n->u.index.base;
	if (!is_global_array(base)) {
		emit_unsupported(E, n, "'in' on something that is not a global array");
		return (struct val){ .c = "0", .constant = true };
	}
	const char *wild;
	const char *kt = emit_keys(E, n->u.index.keys, n->u.index.nkeys, &wild, false);
	const char *map = emit_map_of(E, base->sym);
	bool any_wild = false;
	for (const struct node *k = n->u.index.keys; k; k = k->next)
		any_wild |= k->kind == ND_WILDCARD;
	if (any_wild)
		return (struct val){ .c = arena_printf(E->arena, "stp_map_any(%s, %s, %s)", map,
						       kt, wild) };
	return (struct val){ .c = arena_printf(E->arena, "(_stp_map_find(%s, %s) != NULL)",
					       map, kt) };
}

/* delete x for a scalar (local or global) or a whole array. */
static void delete_var(struct emit *E, const struct node *v)
{
	const struct symbol *sym = v->sym;
	if (!sym)
		return;
	if (sym->kind == SYM_GLOBAL && sym->arity > 0) {
		emit_line(E, "%s(%s.v);", sym->type == TYPE_STATS ? "_stp_pmap_clear" :
			  "_stp_map_clear", gname(E, sym));
		return;
	}
	if (sym->type == TYPE_STATS) {
		emit_line(E, "_stp_pstat_clear(%s.v);", gname(E, sym));
		return;
	}
	const char *ref = emit_var_ref(E, v);
	if (sym->type == TYPE_STRING)
		emit_line(E, "%s[0] = '\\0';", ref);
	else
		emit_line(E, "%s = 0;", ref);
}

void emit_delete(struct emit *E, const struct node *n)
{
	const struct node *x = n->u.expr.e;
	if (x->kind == ND_VAR) {
		delete_var(E, x);
		return;
	}
	if (x->kind != ND_INDEX || !is_global_array(x->u.index.base)) {
		emit_unsupported(E, n, "delete of this expression");
		return;
	}
	const struct symbol *g = x->u.index.base->sym;
	const char *wild;
	const char *kt = emit_keys(E, x->u.index.keys, x->u.index.nkeys, &wild, false);
	bool any_wild = false;
	for (const struct node *k = x->u.index.keys; k; k = k->next)
		any_wild |= k->kind == ND_WILDCARD;
	if (g->type == TYPE_STATS) {
		emit_line(E, "_stp_pmap_remove_key(%s.v, %s, %s);", gname(E, g), kt, wild);
	} else if (any_wild) {
		emit_line(E, "_stp_map_remove_matching(%s.v, %s, %s);", gname(E, g), kt, wild);
	} else {
		const char *e = emit_tmp(E, TMP_ENTRY);
		emit_line(E, "%s = _stp_map_find(%s.v, %s);", e, gname(E, g), kt);
		emit_line(E, "if (%s)", e);
		emit_line(E, "\t_stp_map_remove(%s.v, %s);", gname(E, g), e);
	}
}

void emit_stat_add(struct emit *E, const struct node *lhs, const struct node *rhs)
{
	if (lhs->kind == ND_VAR && lhs->sym && lhs->sym->kind == SYM_GLOBAL) {
		struct val v = emit_expr(E, rhs);
		emit_line(E, "_stp_pstat_add(%s.v, %s);", gname(E, lhs->sym), v.c);
		return;
	}
	if (lhs->kind != ND_INDEX || !is_global_array(lhs->u.index.base)) {
		emit_unsupported(E, lhs, "<<< into this expression");
		return;
	}
	const struct symbol *g = lhs->u.index.base->sym;
	const char *kt = emit_keys(E, lhs->u.index.keys, lhs->u.index.nkeys, NULL,
				   emit_has_effects(rhs));
	struct val v = emit_expr(E, rhs);
	emit_line(E, "if (unlikely(_stp_pmap_add(%s.v, %s, %s))) {", gname(E, g), kt, v.c);
	E->body->indent++;
	emit_raise(E, overflow_msg(E, g), emit_loc(E, lhs->u.index.base));
	E->body->indent--;
	emit_line(E, "}");
}

/* The loop variables of one iteration: keys, then the value. */
static void foreach_vars(struct emit *E, const struct node *n, const char *e)
{
	int i = 0;
	for (const struct node *k = n->u.fe.keys; k; k = k->next, i++) {
		const char *ref = emit_var_ref(E, k);
		if (k->type == TYPE_STRING)
			emit_line(E, "_stp_strlcpy(%s, _stp_entry_key_str(%s, %d));", ref, e, i);
		else
			emit_line(E, "%s = _stp_entry_key_long(%s, %d);", ref, e, i);
	}
	const struct node *v = n->u.fe.value;
	if (!v)
		return;
	if (v->type == TYPE_STRING)
		emit_line(E, "_stp_strlcpy(%s, _stp_entry_str(%s));", emit_var_ref(E, v), e);
	else if (v->type == TYPE_LONG)
		emit_line(E, "%s = *_stp_entry_long(%s);", emit_var_ref(E, v), e);
}

/* MAXACTION: one action per iteration (and the body's, when simple). */
static void iteration_action(struct emit *E, const struct node *n)
{
	emit_iteration_charge(E, n->u.fe.body, emit_loc_keyword(E, &n->pos));
}

/* The loop body with break/continue labels; cont is placed at its end. */
static void loop_body(struct emit *E, const struct node *body, int brk, int cont)
{
	struct emit_loop loop = { brk, cont, E->body->loop };
	E->body->loop = &loop;
	emit_block(E, body);
	E->body->loop = loop.outer;
	emit_label_place(E, cont);
}

/* foreach (i in @hist_log(x) [limit N]): every bucket index in ascending
 * order, empty buckets and the under/overflow buckets included, as
 * upstream visits them (a sort marker changes nothing there either);
 * limit counts buckets visited. */
static void foreach_hist(struct emit *E, const struct node *n, int brk, int cont)
{
	const struct node *h = n->u.fe.array;
	const char *p = emit_stat_ptr(E, h->u.stat.operand);
	const char *spec = emit_hist_spec(E, h->u.stat.operand);
	const char *end = arena_printf(E->arena, "(%s)->nbuckets", spec);
	emit_line(E, "const struct stp_stat *hs%d = %s;", brk, p);
	emit_line(E, "int64_t hb%d, he%d = %s;", brk, brk, end);
	if (n->u.fe.limit) {
		struct val lim = emit_expr(E, n->u.fe.limit);
		emit_line(E, "he%d = min_t(int64_t, he%d, %s);", brk, brk, lim.c);
	}
	emit_line(E, "for (hb%d = 0; hs%d && hb%d < he%d; hb%d++) {", brk, brk, brk, brk, brk);
	E->body->indent++;
	iteration_action(E, n);
	if (n->u.fe.keys)
		emit_line(E, "%s = hb%d;", emit_var_ref(E, n->u.fe.keys), brk);
	if (n->u.fe.value)
		emit_line(E, "%s = hs%d->hist[hb%d];", emit_var_ref(E, n->u.fe.value), brk, brk);
	loop_body(E, n->u.fe.body, brk, cont);
	E->body->indent--;
	emit_line(E, "}");
}

/* Evaluate limit and slice, sort; declarations came first. */
static void foreach_setup(struct emit *E, const struct node *n, int id, const char **slice)
{
	if (n->u.fe.limit) {
		struct val lim = emit_expr(E, n->u.fe.limit);
		emit_line(E, "fl%d = %s;", id, lim.c);
	}
	*slice = NULL;
	if (n->u.fe.slice) {
		const char *wild;
		const char *kt = emit_keys(E, n->u.fe.slice, n->u.fe.nslice, &wild, true);
		*slice = arena_printf(E->arena, "%s, %s", kt, wild);
	}
	if (n->u.fe.sort_dir) {
		int aggr = n->u.fe.sort_aggr >= 0 ? n->u.fe.sort_aggr : STAT_COUNT;
		emit_line(E, "_stp_map_sort(fm%d, %d, %d, %s);", id, n->u.fe.sort_key,
			  n->u.fe.sort_dir > 0 ? 1 : -1, stat_ops[aggr]);
	}
}

void emit_foreach(struct emit *E, const struct node *n)
{
	int brk = emit_label_new(E), cont = emit_label_new(E);
	emit_line(E, "{");
	E->body->indent++;
	if (n->u.fe.array->kind == ND_HIST_OP) {
		foreach_hist(E, n, brk, cont);
	} else if (!is_global_array(n->u.fe.array)) {
		emit_unsupported(E, n, "foreach over this expression");
	} else {
		const struct symbol *g = n->u.fe.array->sym;
		const char *slice;
		emit_line(E, "struct stp_map *fm%d = %s;", brk, emit_map_of(E, g));
		emit_line(E, "struct stp_map_entry *fe%d, *fx%d;", brk, brk);
		if (n->u.fe.limit)
			emit_line(E, "int64_t fl%d, fc%d = 0;", brk, brk);
		foreach_setup(E, n, brk, &slice);
		struct emit_agg agg = { g, arena_printf(E->arena, "fm%d", brk), E->body->agg };
		if (g->type == TYPE_STATS)
			E->body->agg = &agg;
		emit_line(E, "for (fe%d = _stp_map_first(fm%d); fe%d; fe%d = fx%d) {", brk, brk,
			  brk, brk, brk);
		E->body->indent++;
		emit_line(E, "fx%d = _stp_map_next(fm%d, fe%d);", brk, brk, brk);
		if (slice) {
			emit_line(E, "if (!_stp_map_matches(fm%d, fe%d, %s))", brk, brk, slice);
			emit_line(E, "\tcontinue;");
		}
		if (n->u.fe.limit) {
			emit_line(E, "if (fc%d++ >= fl%d)", brk, brk);
			emit_line(E, "\tbreak;");
		}
		iteration_action(E, n);
		foreach_vars(E, n, arena_printf(E->arena, "fe%d", brk));
		loop_body(E, n->u.fe.body, brk, cont);
		E->body->indent--;
		emit_line(E, "}");
		E->body->agg = agg.outer;
	}
	emit_label_place(E, brk);
	E->body->indent--;
	emit_line(E, "}");
}
