/* autoprint.c - the global display: a global of the user's script that
 * is written but never read (nor printed) gets an `end` probe that prints
 * it when the session ends (off with --no-global-var-display).
 *
 *   scalar   name=value             (a string value in double quotes)
 *   array    name[k1,"k2"]=value    one line per element, by value
 *                                   descending (statistics: by @count)
 *   stats    name @count=N @min=N @max=N @sum=N @avg=N   (name @count=0
 *            when empty; arrays of statistics likewise per element)
 *
 * Input: typed probes (types known for every global written).  Output:
 * one synthetic elab_probe per such global, after all others, resolved
 * and typed like user code; the global is marked autoprint.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "elab_int.h"

struct gen {
	struct elab *e;
	struct symbol *g;
	struct srcpos pos;
};

static struct node *new_node(struct gen *G, enum node_kind k)
{
	return ast_node_new(G->e->arena, k, &G->pos);
}

static struct node *var(struct gen *G, const char *name, struct symbol *sym)
{
	struct node *n = new_node(G, ND_VAR);
	n->u.var.name = name;
	n->sym = sym;
	return n;
}

static struct node *str(struct gen *G, const char *s)
{
	struct node *n = new_node(G, ND_STR);
	n->u.str.s = s;
	n->u.str.len = strlen(s);
	return n;
}

/* printf(fmt, args...) as a statement. */
static struct node *printf_stmt(struct gen *G, const char *fmt, struct node *args)
{
	struct node *p = new_node(G, ND_PRINT);
	p->op = PF_FORMAT;
	p->u.call.name = "printf";
	p->u.call.args = str(G, fmt);
	p->u.call.args->next = args;
	p->u.call.nargs = 1;
	for (struct node *a = args; a; a = a->next)
		p->u.call.nargs++;
	struct node *s = new_node(G, ND_EXPR_STMT);
	s->u.expr.e = p;
	return s;
}

/* The statistics summary of stats (a global or an element): the format
 * text after the name, and its five values. */
static struct node *stats_values(struct gen *G, struct node *(*ref)(struct gen *, void *),
				 void *ctx)
{
	static const int ops[] = { STAT_COUNT, STAT_MIN, STAT_MAX, STAT_SUM, STAT_AVG };
	struct node *head = NULL, **tail = &head;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct node *s = new_node(G, ND_STAT_OP);
		s->op = ops[i];
		s->u.stat.operand = ref(G, ctx);
		*tail = s;
		tail = &s->next;
	}
	return head;
}

static const char stats_fmt[] = " @count=%d @min=%d @max=%d @sum=%d @avg=%d\n";

/* if (@count(x)) printf(full) else printf(prefix " @count=0\n") */
static struct node *stats_print(struct gen *G, const char *prefix, struct node *prefix_args,
				struct node *(*ref)(struct gen *, void *), void *ctx)
{
	struct arena *a = G->e->arena;
	struct node *values = stats_values(G, ref, ctx);
	struct node *args = ast_clone_list(a, prefix_args), **tail = &args;
	while (*tail)
		tail = &(*tail)->next;
	*tail = values;
	struct node *iff = new_node(G, ND_IF);
	struct node *cnt = new_node(G, ND_STAT_OP);
	cnt->op = STAT_COUNT;
	cnt->u.stat.operand = ref(G, ctx);
	iff->u.cond.cond = cnt;
	iff->u.cond.then = printf_stmt(G, arena_printf(a, "%s%s", prefix, stats_fmt), args);
	iff->u.cond.els = printf_stmt(G, arena_printf(a, "%s @count=0\n", prefix),
				      ast_clone_list(a, prefix_args));
	return iff;
}

static const char *conv(enum stap_type t)
{
	return t == TYPE_STRING ? "\"%s\"" : "%d";
}

static struct node *scalar_ref(struct gen *G, void *ctx)
{
	(void)ctx;
	return var(G, G->g->name, G->g);
}

static struct node *scalar_body(struct gen *G)
{
	struct symbol *g = G->g;
	if (g->type == TYPE_STATS)
		return stats_print(G, g->name, NULL, scalar_ref, NULL);
	return printf_stmt(G, arena_printf(G->e->arena, "%s=%s\n", g->name, conv(g->type)),
			   var(G, g->name, g));
}

struct keys {
	const char **names;
	int n;
};

static struct node *key_vars(struct gen *G, const struct keys *k)
{
	struct node *head = NULL, **tail = &head;
	for (int i = 0; i < k->n; i++) {
		*tail = var(G, k->names[i], NULL);
		tail = &(*tail)->next;
	}
	return head;
}

static struct node *elem_ref(struct gen *G, void *ctx)
{
	const struct keys *k = ctx;
	struct node *ix = new_node(G, ND_INDEX);
	ix->u.index.base = var(G, G->g->name, G->g);
	ix->u.index.keys = key_vars(G, k);
	ix->u.index.nkeys = k->n;
	return ix;
}

/* "name[%d,\"%s\"]" for the key types. */
static const char *elem_prefix(struct gen *G)
{
	struct symbol *g = G->g;
	char *s = arena_printf(G->e->arena, "%s[", g->name);
	for (int i = 0; i < g->arity; i++)
		s = arena_printf(G->e->arena, "%s%s%s", s, i ? "," : "", conv(g->key_types[i]));
	return arena_printf(G->e->arena, "%s]", s);
}

static struct node *array_body(struct gen *G)
{
	struct symbol *g = G->g;
	struct arena *a = G->e->arena;
	struct keys k = { arena_alloc(a, (size_t)g->arity * sizeof(char *)), g->arity };
	for (int i = 0; i < g->arity; i++)
		k.names[i] = arena_printf(a, "__idx%d", i);
	struct node *fe = new_node(G, ND_FOREACH);
	fe->u.fe.keys = key_vars(G, &k);
	fe->u.fe.nkeys = k.n;
	fe->u.fe.array = var(G, g->name, g);
	fe->u.fe.sort_key = 0;
	fe->u.fe.sort_dir = -1;
	fe->u.fe.sort_aggr = -1;
	const char *prefix = elem_prefix(G);
	if (g->type == TYPE_STATS) {
		fe->u.fe.sort_aggr = STAT_COUNT;
		fe->u.fe.body = stats_print(G, prefix, key_vars(G, &k), elem_ref, &k);
		return fe;
	}
	fe->u.fe.value = var(G, "__val", NULL);
	struct node *args = key_vars(G, &k), **tail = &args;
	while (*tail)
		tail = &(*tail)->next;
	*tail = var(G, "__val", NULL);
	fe->u.fe.body = printf_stmt(G, arena_printf(a, "%s=%s\n", prefix, conv(g->type)), args);
	return fe;
}

static const struct registry_entry *end_entry(void)
{
	int n;
	const struct registry_entry *en = registry_entries(&n);
	for (int i = 0; i < n; i++)
		if (strcmp(en[i].text, "end") == 0)
			return &en[i];
	return NULL;
}

static void add_probe(struct elab *e, struct symbol *g, struct node *stmt,
		      const struct registry_entry *en)
{
	struct arena *a = e->arena;
	struct pp_comp *c = arena_alloc(a, sizeof(*c));
	c->name = "end";
	c->pos = g->pos;
	struct probe_point *pt = arena_alloc(a, sizeof(*pt));
	pt->pos = g->pos;
	pt->comps = c;
	pt->ncomps = 1;
	struct stap_probe *origin = arena_alloc(a, sizeof(*origin));
	origin->pos = g->pos;
	origin->points = pt;
	origin->body = ast_node_new(a, ND_BLOCK, &g->pos);
	origin->body->u.block.stmts = stmt;
	struct elab_probe *p = arena_alloc(a, sizeof(*p));
	p->point = pt;
	p->family = en->family;
	p->pattern = en->pattern;
	p->origin = origin;
	p->user_point = pt;
	p->listing_point = pt;
	p->body = origin->body;
	p->synthetic = true;
	*e->probes_tail = p;
	e->probes_tail = &p->next;
	e->nprobes++;
	elab_resolve_probe(e, p);
}

/* By first reference, then declaration order. */
static int first_mention_cmp(const void *a, const void *b)
{
	const struct symbol *x = *(struct symbol *const *)a;
	const struct symbol *y = *(struct symbol *const *)b;
	int ox = x->ref_order ? x->ref_order : 1 << 30;
	int oy = y->ref_order ? y->ref_order : 1 << 30;
	if (ox != oy)
		return ox < oy ? -1 : 1;
	return x->index - y->index;
}

void elab_autoprint(struct elab *e)
{
	const struct registry_entry *en = end_entry();
	if (!en)
		return;
	elab_count(e, false);
	struct symbol **gv = NULL;
	int ng = 0, cap = 0;
	for (struct symbol *g = e->globals_head; g; g = g->next)
		if (!elab_in_tapset(&g->pos) && g->writes > 0 && g->reads == 0 && g->arity >= 0)
			elab_push(e, (void ***)&gv, &ng, &cap, g);
	/* systemtap displays them in the order the script first mentions
	 * them, the order its global list has. */
	if (ng)
		qsort(gv, (size_t)ng, sizeof(*gv), first_mention_cmp);
	bool any = false;
	for (int k = 0; k < ng; k++) {
		struct symbol *g = gv[k];
		struct gen G = { e, g, g->pos };
		g->autoprint = true;
		add_probe(e, g, g->arity == 0 ? scalar_body(&G) : array_body(&G), en);
		any = true;
	}
	if (any)
		elab_infer_types(e);
}
