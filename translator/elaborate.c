/* elaborate.c - the pass-2 driver (see pass2.h and elab_int.h).
 *
 * Inputs: the user's program from pass 1 and its pass-1 context.
 * Steps:  take the user's declarations in; then to a fixpoint: derive the
 *         probes of every probe declaration (alias.c), resolve the names
 *         in every derived probe and in every function reached
 *         (resolve.c), parsing tapset files as their names are needed
 *         (tapset_index.c finds them; their declarations are taken in like
 *         the user's); then usage warnings and privilege checks, types
 *         (types.c), the global display (autoprint.c), the optimizer
 *         (optimize.c, unless -u).  Stops after the first step that
 *         reported an error.
 * Output: struct elab_program.  Invariants: every tapset file is parsed at
 *         most once; a function's body is resolved once, whoever calls it.
 */
#include "config.h"

#include "pass2.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cache.h"
#include "diag.h"
#include "elab_int.h"
#include "pass1.h"
#include "session.h"
#include "target.h"
#include "typeinfo/typeinfo.h"

const char *elab_type_name(enum stap_type t)
{
	switch (t) {
	case TYPE_LONG: return "long";
	case TYPE_STRING: return "string";
	case TYPE_STATS: return "stats";
	case TYPE_UNKNOWN: break;
	}
	return "unknown";
}

void elab_push(struct elab *e, void ***items, int *n, int *cap, void *item)
{
	if (*n == *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		*items = arena_realloc(e->arena, *items, (size_t)*cap * sizeof(void *),
				       (size_t)ncap * sizeof(void *));
		*cap = ncap;
	}
	(*items)[(*n)++] = item;
}

bool elab_in_tapset(const struct srcpos *pos)
{
	return pos && pos->src && pos->src->is_tapset;
}

bool elab_once(struct elab *e, const struct srcpos *pos, enum diag_tag tag)
{
	if (!pos || !pos->src)
		return true;
	char key[128];
	snprintf(key, sizeof(key), "%p:%d:%d:%d", (const void *)pos->src, pos->line, pos->col,
		 (int)tag);
	if (strmap_get(&e->reported, key))
		return false;
	*strmap_put(&e->reported, arena_strdup(e->arena, key)) = e;
	return true;
}

/* As upstream: what the optimizer elides in tapset code is silent (a
 * script never sees the alias variables it does not use), but a local a
 * tapset reads and never sets is reported, and -W makes it an error. */
void elab_warn(struct elab *e, enum diag_tag tag, const struct srcpos *pos, const char *fmt,
	       ...)
{
	if ((tag != D_WARN_NEVER_WRITTEN && elab_in_tapset(pos)) || !elab_once(e, pos, tag))
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_report(SEV_WARNING, tag, pos, "%s", msg);
}

/* ---- taking declarations in ---- */

static bool same_scope(const struct srcpos *a, bool a_private, const struct srcpos *b,
		       bool b_private)
{
	if (a->src == b->src)
		return true;
	return !a_private && !b_private && !elab_in_tapset(a) && !elab_in_tapset(b);
}

static void take_global(struct elab *e, struct stap_global *g)
{
	struct global_entry **slot = (struct global_entry **)strmap_put(&e->globals, g->name);
	for (struct global_entry *ge = *slot; ge; ge = ge->next) {
		struct stap_global *o = ge->sym->decl;
		if (same_scope(&o->pos, o->is_private, &g->pos, g->is_private)) {
			diag_report2(SEV_ERROR, D_SEM_DUPLICATE, &g->pos, &o->pos,
				     "previous definition here",
				     "duplicate global variable '%s'", g->name);
			return;
		}
	}
	struct symbol *s = arena_alloc(e->arena, sizeof(*s));
	s->name = g->name;
	s->kind = SYM_GLOBAL;
	s->decl = g;
	s->pos = g->pos;
	s->arity = -1;
	s->file = g->is_private ? g->pos.src : NULL;
	if (g->init) {
		s->type = g->init->kind == ND_STR ? TYPE_STRING : TYPE_LONG;
		s->type_pos = g->init->pos;
		s->arity = 0;
		s->arity_pos = g->pos;
	}
	s->index = e->nglobals++;
	*e->globals_tail = s;
	e->globals_tail = &s->next;
	struct global_entry *ge = arena_alloc(e->arena, sizeof(*ge));
	ge->sym = s;
	struct global_entry **tail = slot;
	while (*tail)
		tail = &(*tail)->next;
	*tail = ge;
}

static void take_function(struct elab *e, struct stap_function *fn)
{
	struct func_entry **slot = (struct func_entry **)strmap_put(&e->functions, fn->name);
	for (struct func_entry *fe = *slot; fe; fe = fe->next) {
		struct stap_function *o = fe->f->fn;
		if (o->nparams == fn->nparams &&
		    same_scope(&o->pos, o->is_private, &fn->pos, fn->is_private)) {
			diag_report2(SEV_ERROR, D_SEM_DUPLICATE, &fn->pos, &o->pos,
				     "previous definition here",
				     "function '%s' with %d parameter%s is already defined",
				     fn->name, fn->nparams, fn->nparams == 1 ? "" : "s");
			return;
		}
	}
	struct elab_func *f = arena_alloc(e->arena, sizeof(*f));
	f->fn = fn;
	f->seq = ++e->nfuncs;
	fn->elab = f;
	if (fn->embedded)
		f->markers = elab_markers(fn->embedded, fn->embedded_len);
	*e->funcs_tail = f;
	e->funcs_tail = &f->next;
	struct func_entry *fe = arena_alloc(e->arena, sizeof(*fe));
	fe->f = f;
	struct func_entry **tail = slot;
	while (*tail)
		tail = &(*tail)->next;
	*tail = fe;
}

void elab_take_decls(struct elab *e)
{
	struct decl *d = e->last_decl ? e->last_decl->next : e->prog->decls;
	for (; d; d = d->next) {
		e->last_decl = d;
		switch (d->kind) {
		case DECL_GLOBAL: take_global(e, d->u.global); break;
		case DECL_FUNCTION: take_function(e, d->u.function); break;
		case DECL_PROBE:
			elab_push(e, (void ***)&e->probe_decls, &e->nprobe_decls,
				  &e->probe_decls_cap, d->u.probe);
			break;
		case DECL_ALIAS: elab_add_alias(e, d->u.alias); break;
		case DECL_EMBEDDED:
			elab_push(e, (void ***)&e->embeds, &e->nembeds, &e->embeds_cap,
				  d->u.embedded);
			break;
		}
	}
}

/* ---- tapset files ---- */

void elab_load_file(struct elab *e, struct ts_file *f)
{
	if (f->loaded)
		return;
	f->loaded = true;
	*strmap_put(&e->loaded, f->path) = f;
	e->tapset_files++;
	pass1_parse_file(e->p1, f->path, true, e->prog);
	elab_take_decls(e);
}

static bool load_defs(struct elab *e, const struct ts_def *d)
{
	bool any = false;
	for (; d; d = d->next) {
		if (!d->file->loaded) {
			elab_load_file(e, d->file);
			any = true;
		}
	}
	return any;
}

bool elab_load_function(struct elab *e, const char *name)
{
	return e->index && load_defs(e, tsi_functions(e->index, name));
}

bool elab_load_global(struct elab *e, const char *name)
{
	return e->index && load_defs(e, tsi_globals(e->index, name));
}

/* ---- the driver ---- */

struct elab *elab_create(struct pass1 *p1, const struct session *s, struct program *prog)
{
	struct arena *a = pass1_arena(p1);
	struct elab *e = arena_alloc(a, sizeof(*e));
	e->arena = a;
	e->sess = s;
	e->p1 = p1;
	e->prog = prog;
	strmap_init(&e->loaded, a);
	strmap_init(&e->globals, a);
	strmap_init(&e->functions, a);
	strmap_init(&e->aliases, a);
	strmap_init(&e->reported, a);
	e->globals_tail = &e->globals_head;
	e->funcs_tail = &e->funcs_head;
	e->aliases_tail = &e->aliases_head;
	e->probes_tail = &e->probes;
	e->index = tsi_build(a, s, target_arch(pass1_target(p1)));
	/* Reads nothing until a probe family or a target variable asks. */
	struct target *t = pass1_target(p1);
	e->ti = ti_open(a, target_kernel_vr(t), target_running(t),
			s && s->disable_cache ? NULL : cache_dir(a));
	return e;
}

/* Derive, resolve and load to a fixpoint: resolving may need tapset
 * files, whose probes must be derived and resolved in turn. */
void elab_settle(struct elab *e)
{
	int derived = 0;
	struct elab_probe **resolved = &e->probes;
	for (;;) {
		bool progress = false;
		while (derived < e->nprobe_decls && !diag_too_many()) {
			elab_derive(e, e->probe_decls[derived++]);
			progress = true;
		}
		for (; *resolved && !diag_too_many(); resolved = &(*resolved)->next) {
			elab_resolve_probe(e, *resolved);
			progress = true;
		}
		while (e->nwork > 0 && !diag_too_many()) {
			elab_resolve_function(e, e->work[--e->nwork]);
			progress = true;
		}
		if (!progress || diag_too_many())
			return;
	}
}

static int func_cmp(const void *a, const void *b)
{
	const struct elab_func *x = *(struct elab_func *const *)a;
	const struct elab_func *y = *(struct elab_func *const *)b;
	int c = strcmp(x->fn->name, y->fn->name);
	return c ? c : x->seq - y->seq;
}

/* Globals in order of first reference (declaration order to break ties). */
static int global_cmp(const void *a, const void *b)
{
	const struct symbol *x = *(struct symbol *const *)a;
	const struct symbol *y = *(struct symbol *const *)b;
	int ox = x->ref_order ? x->ref_order : 1 << 30, oy = y->ref_order ? y->ref_order : 1 << 30;
	if (ox != oy)
		return ox < oy ? -1 : 1;
	return x->index - y->index;
}

/* The reachable functions, sorted; the globals in use. */
static void finish(struct elab *e, struct elab_program *ep)
{
	ep->prog = e->prog;
	ep->probes = e->probes;
	ep->ksyms = e->ksyms;
	ep->nksyms = e->nksyms;
	ep->ti = e->ti;
	int i = 0;
	for (struct elab_probe *p = e->probes; p; p = p->next)
		p->index = i++;
	ep->nprobes = i;
	struct elab_func **fv = NULL;
	int nf = 0, cap = 0;
	for (struct elab_func *f = e->funcs_head; f; f = f->next)
		if (f->reachable)
			elab_push(e, (void ***)&fv, &nf, &cap, f);
	if (nf)
		qsort(fv, (size_t)nf, sizeof(*fv), func_cmp);
	struct elab_func **ftail = &ep->functions;
	for (int k = 0; k < nf; k++) {
		*ftail = fv[k];
		ftail = &fv[k]->next;
	}
	*ftail = NULL;
	ep->nfunctions = nf;
	struct symbol **gv = NULL;
	int ng = 0, gcap = 0;
	for (struct symbol *g = e->globals_head; g; g = g->next)
		if (g->used)
			elab_push(e, (void ***)&gv, &ng, &gcap, g);
	if (ng)
		qsort(gv, (size_t)ng, sizeof(*gv), global_cmp);
	struct symbol **gtail = &ep->globals;
	for (int k = 0; k < ng; k++) {
		gv[k]->index = k;
		*gtail = gv[k];
		gtail = &gv[k]->next;
	}
	*gtail = NULL;
	ep->nglobals = ng;
	ep->embeds = e->embeds;
	ep->nembeds = e->nembeds;
	ep->tapset_files = e->tapset_files;
}

static bool failed(void)
{
	return diag_error_count() > 0;
}

int elab_run(struct pass1 *p1, const struct session *s, struct program *prog,
	     struct elab_program **out)
{
	struct elab *e = elab_create(p1, s, prog);
	*out = NULL;
	elab_take_decls(e);
	elab_settle(e);
	if (failed())
		return 1;
	elab_usage_warnings(e);
	elab_compute_effects(e);
	elab_infer_types(e);
	if (failed())
		return 1;
	/* systemtap picks the globals to display after its optimizer has
	 * dropped dead code, so a write there does not count; the display
	 * probes are then optimized with the rest */
	if (!s->unoptimized)
		elab_optimize(e);
	if (!s->no_global_var_display)
		elab_autoprint(e);
	if (failed())
		return 1;
	if (!s->unoptimized)
		elab_optimize(e);
	elab_entry_layout(e);
	elab_recount(e);
	if (!e->probes && !failed())
		diag_error(D_SEM_NO_PROBES, NULL, "no probes found");
	if (failed())
		return 1;
	struct elab_program *ep = arena_alloc(e->arena, sizeof(*ep));
	finish(e, ep);
	*out = ep;
	return 0;
}
