/* emit_tables.c - pass 3: the data parts of the module.
 *
 *   globals      static struct { rwlock_t lock; T v; } g_NAME;  with the
 *                histogram spec (g_NAME_hist) and map spec (g_NAME_spec)
 *   probes       lock lists stp_locks_I[], stp_probes[] (handler, pp(),
 *                locks)
 *   init/exit    stp_globals_init() allocates maps and statistics and sets
 *                initial values; stp_globals_exit() frees what exists
 *   families     after runtime.c: each used family's runtime file and
 *                table (written by the family, probes/registry.h),
 *                stp_families[], and stp_module, the descriptor the
 *                runtime reads
 *
 * pp() is the derived probe point as upstream prints it: components
 * joined by '.', arguments in parentheses (strings quoted).
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "emit_int.h"
#include "probes/registry.h"

void emit_tables_globals(struct emit *E, FILE *out);
void emit_tables_probes(struct emit *E, FILE *out, const struct emit_lockset *locks);
void emit_tables_init(struct emit *E, FILE *out);
void emit_tables_module(struct emit *E, FILE *out);

static const char *stp_type(enum stap_type t)
{
	switch (t) {
	case TYPE_STRING: return "STP_STRING";
	case TYPE_STATS: return "STP_STATS";
	case TYPE_LONG: case TYPE_UNKNOWN: break;
	}
	return "STP_LONG";
}

/* @variance(x, N): the shift of x, found by walking every body, and
 * which of @variance and @min/@max the script reads of each statistic
 * (or sorts a foreach by): <<< keeps only those (stat_skip). */
static void scan(struct emit *E, const struct node *n);

static void scan_cb(struct node **slot, void *ctx)
{
	if (*slot)
		scan(ctx, *slot);
}

/* The global an operand x or x[...] of a statistics operator names. */
static struct emit_global *stat_global(struct emit *E, const struct node *v)
{
	if (v->kind == ND_INDEX)
		v = v->u.index.base;
	return (struct emit_global *)emit_global_of(E, v->sym);
}

/* g is read with op (an enum stat_op). */
static void reads(struct emit_global *g, int op)
{
	if (op == STAT_VARIANCE)
		g->variance = true;
	if (op == STAT_MIN || op == STAT_MAX)
		g->minmax = true;
}

/* One node and (through ast_each_child, which visits list members one
 * by one) everything under it. */
static void scan(struct emit *E, const struct node *n)
{
	struct emit_global *g = NULL;
	if (n->kind == ND_STAT_OP && (g = stat_global(E, n->u.stat.operand))) {
		reads(g, n->op);
		if (n->op == STAT_VARIANCE && n->u.stat.params &&
		    n->u.stat.params->kind == ND_NUM)
			g->shift = n->u.stat.params->u.num;
	}
	if (n->kind == ND_FOREACH && n->u.fe.sort_aggr >= 0 && n->u.fe.array->kind == ND_VAR &&
	    (g = stat_global(E, n->u.fe.array)))
		reads(g, n->u.fe.sort_aggr);
	ast_each_child((struct node *)n, scan_cb, E);
}

/* What <<< into statistic g may leave out (runtime.h STP_STAT_NO_*). */
static const char *stat_skip(const struct emit_global *g)
{
	if (!g->variance && !g->minmax)
		return "STP_STAT_NO_VARIANCE | STP_STAT_NO_MINMAX";
	if (!g->variance)
		return "STP_STAT_NO_VARIANCE";
	if (!g->minmax)
		return "STP_STAT_NO_MINMAX";
	return "0";
}

static void scan_shifts(struct emit *E)
{
	for (const struct elab_probe *p = E->ep->probes; p; p = p->next)
		scan(E, p->body);
	for (int i = 0; i < E->nfuncs; i++)
		if (E->funcs[i].f->fn->body)
			scan(E, E->funcs[i].f->fn->body);
}

static void hist_spec(struct emit *E, FILE *out, const struct emit_global *g)
{
	const struct node *h = g->sym->hist;
	if (!h)
		return;
	if (h->op == HIST_LOG) {
		fprintf(out, "static const struct stp_hist_spec %s_hist = { STP_HIST_LOG, 0, 0, 0, "
			"128 };\n", g->cname);
		return;
	}
	int64_t p[3] = { 0, 0, 1 };
	int i = 0;
	for (const struct node *q = h->u.stat.params; q && i < 3; q = q->next, i++)
		p[i] = q->kind == ND_NUM ? q->u.num : 0;
	if (p[2] <= 0)
		p[2] = 1;
	/* runtime/stat.c: (hi - lo) / step buckets, one more for hi itself,
	 * and one each for values below lo and above hi */
	fprintf(out, "static const struct stp_hist_spec %s_hist = { STP_HIST_LINEAR, %s, %s, %s, "
		"%" PRId64 " };\n", g->cname, emit_num(E->arena, p[0]), emit_num(E->arena, p[1]),
		emit_num(E->arena, p[2]), (p[1] - p[0]) / p[2] + 3);
}

static void map_spec(FILE *out, const struct emit_global *g)
{
	const struct symbol *s = g->sym;
	fprintf(out, "static const struct stp_map_spec %s_spec = {\n", g->cname);
	if (s->decl && s->decl->max_size > 0)
		fprintf(out, "\t.maxentries = %" PRId64 ",\n", s->decl->max_size);
	else
		fputs("\t.maxentries = MAXMAPENTRIES,\n", out);
	fprintf(out, "\t.nkeys = %d,\n\t.ktypes = {", s->arity);
	for (int i = 0; i < s->arity; i++)
		fprintf(out, "%s %s", i ? "," : "", stp_type(s->key_types[i]));
	fprintf(out, " },\n\t.vtype = %s,\n", stp_type(s->type));
	fprintf(out, "\t.wrap = %s,\n", s->decl && s->decl->wrap ? "true" : "false");
	if (s->hist)
		fprintf(out, "\t.hist = &%s_hist,\n", g->cname);
	if (s->type == TYPE_STATS)
		fprintf(out, "\t.shift = %d,\n\t.skip = %s,\n", (int)g->shift, stat_skip(g));
	fputs("};\n", out);
}

void emit_tables_globals(struct emit *E, FILE *out)
{
	scan_shifts(E);
	if (E->nglobals)
		fputs("/* globals */\n", out);
	for (int i = 0; i < E->nglobals; i++) {
		const struct emit_global *g = &E->globals[i];
		const struct symbol *s = g->sym;
		const char *type = "int64_t v";
		if (s->arity > 0)
			type = s->type == TYPE_STATS ? "struct stp_pmap *v" : "struct stp_map *v";
		else if (s->type == TYPE_STATS)
			type = "struct stp_pstat *v";
		else if (s->type == TYPE_STRING)
			type = "char v[MAXSTRINGLEN]";
		fprintf(out, "static struct {\n\trwlock_t lock;\n\t%s;\n} %s;\n", type, g->cname);
		if (s->type == TYPE_STATS)
			hist_spec(E, out, g);
		if (s->arity > 0)
			map_spec(out, g);
	}
	fputc('\n', out);
}

/* ---- probes ---- */

static const char *pp_text(struct emit *E, const struct probe_point *pt)
{
	char *s = arena_strdup(E->arena, "");
	for (const struct pp_comp *c = pt->comps; c; c = c->next) {
		s = arena_printf(E->arena, "%s%s%s", s, c == pt->comps ? "" : ".", c->name);
		if (!c->arg)
			continue;
		if (c->arg->kind == ND_STR) {
			const char *q = emit_cstr(E->arena, c->arg->u.str.s, c->arg->u.str.len);
			s = arena_printf(E->arena, "%s(%s)", s, q);
		} else {
			s = arena_printf(E->arena, "%s(%" PRId64 ")", s, c->arg->u.num);
		}
	}
	return emit_cstr(E->arena, s, strlen(s));
}

void emit_tables_probes(struct emit *E, FILE *out, const struct emit_lockset *locks)
{
	int i = 0;
	for (const struct elab_probe *p = E->ep->probes; p; p = p->next, i++) {
		if (!locks[i].n)
			continue;
		fprintf(out, "static const struct stp_lock_use stp_locks_%d[] = {\n", i);
		for (int k = 0; k < locks[i].n; k++)
			fprintf(out, "\t{ &%s.lock, %s },\n", E->globals[locks[i].global[k]].cname,
				locks[i].write[k] ? "true" : "false");
		fputs("};\n", out);
	}
	fputs("\nstatic const struct stp_probe stp_probes[] = {\n", out);
	i = 0;
	for (const struct elab_probe *p = E->ep->probes; p; p = p->next, i++) {
		fprintf(out, "\t{ probe_%d, %s, %s, ", E->probe_impl[i], pp_text(E, p->point),
			pp_text(E, p->listing_point));
		if (locks[i].n)
			fprintf(out, "stp_locks_%d, %d },\n", i, locks[i].n);
		else
			fputs("NULL, 0 },\n", out);
	}
	fputs("};\n\n", out);
}

/* ---- init / exit ---- */

/* Scalar long and string globals can be set when the module is loaded
 * (staprun MODULE.ko name=value), as upstream allows: each gets a module
 * parameter of its name, holding the initializer until then.  Private
 * globals do not: their names need not be unique. */
static bool takes_param(const struct symbol *s)
{
	return s->arity == 0 && !s->file && (s->type == TYPE_LONG || s->type == TYPE_STRING);
}

static void global_params(struct emit *E, FILE *out)
{
	for (int i = 0; i < E->nglobals; i++) {
		const struct emit_global *g = &E->globals[i];
		const struct symbol *s = g->sym;
		if (!takes_param(s))
			continue;
		const struct node *init = s->decl ? s->decl->init : NULL;
		if (s->type == TYPE_STRING)
			fprintf(out, "static char *stp_gp_%s = %s;\n"
				"module_param_named(%s, stp_gp_%s, charp, 0);\n", g->cname,
				init && init->kind == ND_STR ?
				emit_cstr(E->arena, init->u.str.s, init->u.str.len) : "\"\"",
				s->name, g->cname);
		else
			fprintf(out, "static long stp_gp_%s = %s;\n"
				"module_param_named(%s, stp_gp_%s, long, 0);\n", g->cname,
				init && init->kind == ND_NUM ? emit_num(E->arena, init->u.num) : "0",
				s->name, g->cname);
	}
	fputs("\n", out);
}

static void init_global(struct emit *E, FILE *out, const struct emit_global *g)
{
	const struct symbol *s = g->sym;
	fprintf(out, "\trwlock_init(&%s.lock);\n", g->cname);
	const char *alloc = NULL;
	if (s->arity > 0)
		alloc = arena_printf(E->arena, "%s(&%s_spec)", s->type == TYPE_STATS ?
				     "_stp_pmap_new" : "_stp_map_new", g->cname);
	else if (s->type == TYPE_STATS)
		alloc = arena_printf(E->arena, "_stp_pstat_new(%s%s, %d, %s)",
				     s->hist ? "&" : "NULL",
				     s->hist ? arena_printf(E->arena, "%s_hist", g->cname) : "",
				     (int)g->shift, stat_skip(g));
	if (alloc) {
		fprintf(out, "\t%s.v = %s;\n\tif (!%s.v)\n\t\tgoto fail;\n", g->cname, alloc,
			g->cname);
		return;
	}
	if (takes_param(s)) {
		fprintf(out, s->type == TYPE_STRING ? "\t_stp_strlcpy(%s.v, stp_gp_%s);\n" :
			"\t%s.v = stp_gp_%s;\n", g->cname, g->cname);
		return;
	}
	const struct node *init = s->decl ? s->decl->init : NULL;
	if (s->type == TYPE_STRING)
		fprintf(out, "\t_stp_strlcpy(%s.v, %s);\n", g->cname,
			init && init->kind == ND_STR ?
			emit_cstr(E->arena, init->u.str.s, init->u.str.len) : "\"\"");
	else
		fprintf(out, "\t%s.v = %s;\n", g->cname,
			init && init->kind == ND_NUM ? emit_num(E->arena, init->u.num) : "0");
}

void emit_tables_init(struct emit *E, FILE *out)
{
	global_params(E, out);
	fputs("static void stp_globals_exit(void)\n{\n", out);
	for (int i = E->nglobals - 1; i >= 0; i--) {
		const struct emit_global *g = &E->globals[i];
		const char *fn = NULL;
		if (g->sym->arity > 0)
			fn = g->sym->type == TYPE_STATS ? "_stp_pmap_free" : "_stp_map_free";
		else if (g->sym->type == TYPE_STATS)
			fn = "_stp_pstat_free";
		if (fn)
			fprintf(out, "\tif (%s.v) {\n\t\t%s(%s.v);\n\t\t%s.v = NULL;\n\t}\n", g->cname,
				fn, g->cname, g->cname);
	}
	fputs("}\n\nstatic int stp_globals_init(void)\n{\n", out);
	bool any_alloc = false;
	for (int i = 0; i < E->nglobals; i++) {
		init_global(E, out, &E->globals[i]);
		any_alloc |= E->globals[i].sym->arity > 0 || E->globals[i].sym->type == TYPE_STATS;
	}
	fputs("\treturn 0;\n", out);
	if (any_alloc)
		fputs("fail:\n\tstp_globals_exit();\n\treturn -ENOMEM;\n", out);
	fputs("}\n\n", out);
}

/* ---- the families and the module descriptor ---- */

/* After runtime.c: for each family of the registry with probes here, in
 * registry order (begin/end first), its runtime file and its table (the
 * family's emit hook); then stp_families[] and stp_module, which the
 * runtime reads.  No family is named here. */
void emit_tables_module(struct emit *E, FILE *out)
{
	int nfam, nused = 0, n;
	const struct probe_family *const *fam = registry_families(&nfam);
	const struct elab_probe **probes =
		arena_alloc(E->arena, ((size_t)E->ep->nprobes + 1) * sizeof(*probes));
	int *index = arena_alloc(E->arena, ((size_t)E->ep->nprobes + 1) * sizeof(*index));
	const char **table = arena_alloc(E->arena, (size_t)nfam * sizeof(*table));
	int *count = arena_alloc(E->arena, (size_t)nfam * sizeof(*count));

	for (int f = 0; f < nfam; f++) {
		int i = 0;
		n = 0;
		for (const struct elab_probe *p = E->ep->probes; p; p = p->next, i++) {
			if (p->family != fam[f])
				continue;
			probes[n] = p;
			index[n++] = i;
		}
		table[f] = NULL;
		count[f] = n;
		/* A family without an emit hook never runs its probes (never). */
		if (!n || !fam[f]->emit)
			continue;
		fprintf(out, "\n#include \"%s\"\n", fam[f]->runtime);
		struct pp_table_req e = { E->arena, out, n, probes, index, n };
		table[f] = fam[f]->emit(&e);
		count[f] = e.entries;
		nused++;
	}
	if (nused) {
		fputs("\nstatic const struct stp_family stp_families[] = {\n", out);
		for (int f = 0; f < nfam; f++)
			if (table[f])
				fprintf(out, "\t{ &%s, %s, %d },\n", fam[f]->ops, table[f], count[f]);
		fputs("};\n", out);
	}
	const char *ufields;
	emit_usyms(E, out, &ufields);
	fputs("\nstatic const struct stp_module_desc stp_module = {\n", out);
	fputs("\t.name = STP_MODULE_NAME,\n", out);
	fputs("\t.frame_size = sizeof(union stp_frame),\n", out);
	fputs("\t.init = stp_globals_init,\n\t.exit = stp_globals_exit,\n", out);
	if (nused)
		fprintf(out, "\t.families = stp_families,\n\t.nfamilies = %d,\n", nused);
	fputs(ufields, out);
	fputs("};\n", out);
}
