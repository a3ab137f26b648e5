/* alias.c - probe points to derived probes.
 *
 * Input: a probe declaration (user's or a tapset's) and every alias and
 * family known.  For each of its points, in order:
 *   - parse the tapset files whose aliases could match (tapset index);
 *   - every alias whose name matches exactly expands: each point of its
 *     right-hand side, with the user's leftover components appended, is
 *     derived in turn (aliases of aliases), its condition and-ed in;
 *   - every family pattern that matches exactly resolves the concrete
 *     point (the family validates parameters and emits derived probes);
 *   - with no exact match at all, an alias whose name is a prefix of the
 *     point expands with the rest as a suffix (pulse.randomize(5));
 *   - nothing derived: D_SEM_PROBE_NO_MATCH unless optional (`?`, `!`,
 *     or below an optional point).  A `!` point that derived something
 *     ends its list.
 * Output: elab_probes appended to e->probes, each with a private copy of
 * its body: the prologues (innermost alias first), the user's body, the
 * epilogues (outermost first), and the and of every condition met.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "diag.h"
#include "elab_int.h"
#include "session.h"
#include "unparse.h"

#define MAX_ALIAS_DEPTH 64
#define MAX_DERIVED 100000       /* derived probes of one script */
#define MAX_DERIVE_STEPS 1000000 /* points looked at while expanding aliases */

void elab_add_alias(struct elab *e, struct stap_alias *al)
{
	struct alias_entry *ae = arena_alloc(e->arena, sizeof(*ae));
	ae->al = al;
	for (const struct pp_comp *c = al->name->comps; c && ae->pat.ncomps < PP_MAX_COMPS;
	     c = c->next) {
		struct pp_pattern_comp *pc = &ae->pat.comps[ae->pat.ncomps++];
		pc->name = c->name;
		pc->param = c->arg ? PP_PARAM_LITERAL : PP_PARAM_NONE;
		pc->literal = c->arg;
	}
	*e->aliases_tail = ae;
	e->aliases_tail = &ae->next;
	struct alias_entry **b = (struct alias_entry **)strmap_put(&e->aliases, ae->pat.comps[0].name);
	while (*b)
		b = &(*b)->bucket_next;
	*b = ae;
}

/* ---- one derivation ---- */

struct cond_link {
	const struct node *cond;
	const struct cond_link *next;
};

struct derive {
	struct elab *e;
	const struct stap_probe *origin;
	const struct probe_point *user_point;
	int depth;
};

/* What travels down one expansion path. */
struct path {
	struct elab_step *chain;          /* aliases, innermost first */
	const struct cond_link *conds;
	const struct probe_point *outer;  /* the user-level point for -l */
	bool optional;
};

static int derive_point(struct derive *d, const struct probe_point *pt, struct path path);
static bool over_budget(struct derive *d, const struct probe_point *pt);

/* First component name, when it has no wildcard (index buckets). */
static const char *bucket_key(const struct probe_point *pt)
{
	const char *n = pt->comps->name;
	return strchr(n, '*') ? NULL : n;
}

/* Parse the tapset files holding aliases that could match pt. */
static void load_alias_files(struct elab *e, const struct probe_point *pt)
{
	if (!e->index)
		return;
	const char *key = bucket_key(pt);
	struct pp_match m;
	for (const struct ts_alias *a = tsi_aliases_for(e->index, key); a;
	     a = tsi_alias_next(a, key)) {
		if (!a->file->loaded && pp_match(pt->comps, &a->pat, true, &m))
			elab_load_file(e, a->file);
	}
}

static struct node *and_conds(struct elab *e, const struct cond_link *c)
{
	struct node *acc = NULL;
	for (; c; c = c->next) {
		struct node *k = ast_clone(e->arena, c->cond);
		if (!acc) {
			acc = k;
			continue;
		}
		struct node *n = ast_node_new(e->arena, ND_LOGICAL, &k->pos);
		n->op = OP_ANDAND;
		n->u.bin.lhs = k;
		n->u.bin.rhs = acc;
		acc = n;
	}
	return acc;
}

static void append_stmt(struct node ***tail, struct node *s)
{
	if (!s)
		return;
	**tail = s;
	*tail = &s->next;
}

/* Prologues innermost first, the user's body, epilogues outermost first. */
static struct node *build_body(struct elab *e, const struct elab_step *chain,
			       const struct node *user_body)
{
	struct node *blk = ast_node_new(e->arena, ND_BLOCK, &user_body->pos);
	struct node **tail = &blk->u.block.stmts;
	const struct elab_step *steps[MAX_ALIAS_DEPTH + 1];
	int n = 0;
	for (const struct elab_step *s = chain; s && n <= MAX_ALIAS_DEPTH; s = s->next) {
		steps[n++] = s;
		if (!s->alias->epilogue)
			append_stmt(&tail, ast_clone(e->arena, s->alias->body));
	}
	append_stmt(&tail, ast_clone(e->arena, user_body));
	while (n-- > 0) {
		const struct stap_alias *al = steps[n]->alias;
		append_stmt(&tail, ast_clone(e->arena, al->epilogue ? al->body : al->epilogue_body));
	}
	return blk;
}

struct sink {
	struct derive *d;
	const struct path *path;
	const struct registry_entry *entry;
	int count;
};

static void emit_probe(struct pp_request *req, const struct probe_point *point, void *data)
{
	struct sink *sk = req->sink;
	struct elab *e = sk->d->e;
	if (e->nprobes >= MAX_DERIVED) {
		over_budget(sk->d, point);
		return;
	}
	struct elab_probe *p = arena_alloc(e->arena, sizeof(*p));
	p->point = point;
	p->family = req->family;
	p->pattern = req->pattern;
	p->data = data;
	p->origin = sk->d->origin;
	p->user_point = sk->d->user_point;
	p->listing_point = sk->path->outer ? sk->path->outer : point;
	p->chain = sk->path->chain;
	p->cond = and_conds(e, sk->path->conds);
	p->body = build_body(e, p->chain, p->origin->body);
	*e->probes_tail = p;
	e->probes_tail = &p->next;
	e->nprobes++;
	sk->count++;
}

static bool privilege_ok(struct elab *e, const struct registry_entry *en,
			 const struct probe_point *pt, bool quiet)
{
	const char *priv = e->sess ? e->sess->privilege : NULL;
	if (!priv || strcmp(priv, "stapusr") != 0 || (en->flags & PPF_UNPRIV))
		return true;
	if (!quiet)
		diag_error(D_SEM_PRIVILEGE, &pt->pos,
			   "probe point '%s' is not allowed for --privilege=stapusr", en->text);
	return false;
}

static int resolve_family(struct derive *d, const struct probe_point *pt,
			  const struct registry_entry *en, const struct pp_match *m,
			  const struct path *path)
{
	struct elab *e = d->e;
	if (!privilege_ok(e, en, pt, path->optional || e->listing))
		return 0;
	struct path p = *path;
	struct probe_point *concrete = pp_concrete(e->arena, pt, &en->pat, m);
	/* No alias around it: -l shows each point the family derives
	 * (kernel.trace("sched:sched_switch") for kernel.trace("sched_*")). */
	struct sink sk = { d, &p, en, 0 };
	struct pp_request req = {
		.arena = e->arena, .sess = e->sess, .ti = e->ti, .elab = e, .family = en->family,
		.pattern = en->pattern,
		.point = concrete, .args = m->arg, .pos = &pt->pos,
		.quiet = path->optional || e->listing, .listing = e->listing,
		.emit = emit_probe, .sink = &sk,
	};
	en->family->resolve(&req);
	return sk.count;
}

static bool in_chain(const struct elab_step *s, const struct stap_alias *al)
{
	for (; s; s = s->next)
		if (s->alias == al)
			return true;
	return false;
}

/* A right-hand-side point of an alias with the user's suffix appended. */
static struct probe_point *with_suffix(struct elab *e, const struct probe_point *rp,
				       const struct pp_comp *suffix)
{
	struct probe_point *np = arena_alloc(e->arena, sizeof(*np));
	*np = *rp;
	np->next = NULL;
	if (!suffix)
		return np;
	struct pp_comp **tail = &np->comps;
	for (const struct pp_comp *c = rp->comps; c; c = c->next) {
		struct pp_comp *k = arena_alloc(e->arena, sizeof(*k));
		*k = *c;
		k->next = NULL;
		*tail = k;
		tail = &k->next;
	}
	for (const struct pp_comp *c = suffix; c; c = c->next) {
		struct pp_comp *k = arena_alloc(e->arena, sizeof(*k));
		*k = *c;
		k->next = NULL;
		*tail = k;
		tail = &k->next;
		np->ncomps++;
	}
	return np;
}

static int expand_alias(struct derive *d, const struct probe_point *pt,
			const struct alias_entry *ae, const struct pp_match *m,
			const struct path *path)
{
	struct elab *e = d->e;
	if (in_chain(path->chain, ae->al)) {
		if (!path->optional && !e->listing)
			diag_report2(SEV_ERROR, D_SEM_ALIAS_RECURSIVE, &pt->pos, &ae->al->pos,
				     "the alias is defined here",
				     "probe alias '%s' expands into itself", ae->pat.comps[0].name);
		return 0;
	}
	struct elab_step *step = arena_alloc(e->arena, sizeof(*step));
	step->alias = ae->al;
	step->next = path->chain;
	struct path p = *path;
	p.chain = step;
	if (!p.outer)
		p.outer = pp_concrete(e->arena, pt, &ae->pat, m);
	int total = 0;
	d->depth++;
	for (const struct probe_point *rp = ae->al->points; rp; rp = rp->next) {
		int n = derive_point(d, with_suffix(e, rp, m->suffix_comp), p);
		total += n;
		if (rp->sufficient && n > 0)
			break;
	}
	d->depth--;
	return total;
}

/* Exact matches first; with none at all, alias prefixes (suffixes). */
static int match_all(struct derive *d, const struct probe_point *pt, const struct path *path,
		     bool prefix, bool *matched)
{
	struct elab *e = d->e;
	struct pp_match m;
	int total = 0;
	const char *key = bucket_key(pt);
	struct alias_entry *ae = key ? strmap_get(&e->aliases, key) : e->aliases_head;
	for (; ae; ae = key ? ae->bucket_next : ae->next) {
		if (!pp_match(pt->comps, &ae->pat, prefix, &m) || (prefix && m.suffix < 0))
			continue;
		*matched = true;
		total += expand_alias(d, pt, ae, &m, path);
	}
	if (prefix)
		return total;
	int n;
	const struct registry_entry *en = registry_entries(&n);
	for (int i = 0; i < n; i++) {
		if (!pp_match(pt->comps, &en[i].pat, false, &m))
			continue;
		*matched = true;
		total += resolve_family(d, pt, &en[i], &m, path);
	}
	return total;
}

/* ---- when nothing matches ---- */

static void dotted(const struct pp_pattern *pat, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int j = 0; j < pat->ncomps && n < len; j++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", j ? "." : "", pat->comps[j].name);
}

struct near {
	char want[256];
	char best[256];
	int dist;
};

static void near_pattern(struct near *nr, const struct pp_pattern *pat)
{
	char name[256];
	dotted(pat, name, sizeof(name));
	int d = elab_distance(nr->want, name);
	if (d < nr->dist) {
		nr->dist = d;
		snprintf(nr->best, sizeof(nr->best), "%s", name);
	}
}

/* The family or alias name nearest to pt's, or NULL. */
static const char *suggest(struct elab *e, const struct probe_point *pt, struct near *nr)
{
	struct pp_pattern mine = { 0 };
	for (const struct pp_comp *c = pt->comps; c && mine.ncomps < PP_MAX_COMPS; c = c->next)
		mine.comps[mine.ncomps++].name = c->name;
	dotted(&mine, nr->want, sizeof(nr->want));
	nr->dist = (int)strlen(nr->want) / 3 + 2;
	nr->best[0] = '\0';
	int n;
	const struct registry_entry *en = registry_entries(&n);
	for (int i = 0; i < n; i++)
		near_pattern(nr, &en[i].pat);
	for (const struct alias_entry *ae = e->aliases_head; ae; ae = ae->next)
		near_pattern(nr, &ae->pat);
	if (e->index)
		for (const struct ts_alias *a = e->index->aliases; a; a = a->next)
			near_pattern(nr, &a->pat);
	return nr->best[0] && nr->dist <= (int)strlen(nr->want) / 3 + 1 ? nr->best : NULL;
}

static const char *param_word(enum pp_param p)
{
	return p == PP_PARAM_NUMBER ? "a number" : p == PP_PARAM_STRING ? "a string" : "nothing";
}

/* A family pattern pt names except for the kind of a parameter: report
 * that instead of "no match".  True if reported. */
static bool bad_param_kind(const struct probe_point *pt)
{
	int n;
	const struct registry_entry *en = registry_entries(&n);
	for (int i = 0; i < n; i++) {
		const struct pp_pattern *pat = &en[i].pat;
		if (pat->ncomps != pt->ncomps)
			continue;
		const struct pp_comp *c = pt->comps;
		int j = 0, bad = -1;
		for (; c && j < pat->ncomps && pp_glob(c->name, pat->comps[j].name); c = c->next, j++)
			if (bad < 0 && !!c->arg != (pat->comps[j].param != PP_PARAM_NONE))
				bad = j;
			else if (bad < 0 && c->arg && (c->arg->kind == ND_STR) !=
							  (pat->comps[j].param == PP_PARAM_STRING))
				bad = j;
		if (c || j != pat->ncomps || bad < 0)
			continue;
		diag_error(D_SEM_PROBE_BAD_PARAM, &pt->pos,
			   "probe point component '%s' takes %s in parentheses ('%s')",
			   pat->comps[bad].name, param_word(pat->comps[bad].param), en[i].text);
		return true;
	}
	return false;
}

/* pt as the script wrote it, cut to len. */
static void point_text(const struct probe_point *pt, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");
	if (f) {
		unparse_probe_point(f, pt);
		fclose(f);
	} else {
		buf[0] = '\0';
	}
	buf[len - 1] = '\0';
}

/* pt matched an alias or family but derived nothing: what it names is
 * optional (`?` in a tapset) and this kernel has none of it. */
static void none_here(struct derive *d, const struct probe_point *pt)
{
	char what[256];
	point_text(pt, what, sizeof(what));
	diag_error(D_SEM_PROBE_NO_MATCH, &d->user_point->pos,
		   "probe point '%s' resolves to no probe: what it stands for is optional "
		   "and absent from this kernel", what);
}

static void no_match(struct derive *d, const struct probe_point *pt)
{
	char what[256];
	point_text(pt, what, sizeof(what));
	if (bad_param_kind(pt))
		return;
	struct near nr;
	const char *hint = suggest(d->e, pt, &nr);
	char msg[600];
	snprintf(msg, sizeof(msg), "probe point '%s' matches no probe family or alias%s%s%s",
		 what, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
	const struct probe_point *up = d->user_point;
	if (up != pt && up->pos.src)
		diag_report2(SEV_ERROR, D_SEM_PROBE_NO_MATCH, &pt->pos, &up->pos,
			     "while resolving this probe point", "%s", msg);
	else
		diag_error(D_SEM_PROBE_NO_MATCH, &pt->pos, "%s", msg);
}

/* Alias expansion can grow exponentially (a = b, b; b = c, c; ...): stop
 * at a budget, once, with an error. */
static bool over_budget(struct derive *d, const struct probe_point *pt)
{
	struct elab *e = d->e;
	if (++e->derive_steps <= MAX_DERIVE_STEPS && e->nprobes < MAX_DERIVED &&
	    d->depth <= MAX_ALIAS_DEPTH)
		return false;
	if (!e->derive_overflow) {
		e->derive_overflow = true;
		diag_error(D_SEM_ALIAS_RECURSIVE, &pt->pos,
			   "probe alias expansion too large: more than %d probes, %d steps "
			   "or %d nested aliases", MAX_DERIVED, MAX_DERIVE_STEPS, MAX_ALIAS_DEPTH);
	}
	return true;
}

static int derive_point(struct derive *d, const struct probe_point *pt, struct path path)
{
	struct elab *e = d->e;
	if (over_budget(d, pt) || diag_too_many())
		return 0;
	struct cond_link link = { pt->cond, path.conds };
	if (pt->cond)
		path.conds = &link;
	path.optional |= pt->optional || pt->sufficient;
	load_alias_files(e, pt);
	int errors = diag_error_count();
	bool matched = false;
	int n = match_all(d, pt, &path, false, &matched);
	if (!matched)
		n = match_all(d, pt, &path, true, &matched);
	if (n == 0 && !path.optional && !e->listing && diag_error_count() == errors) {
		if (matched)
			none_here(d, pt);
		else
			no_match(d, pt);
	}
	return n;
}

void elab_derive(struct elab *e, const struct stap_probe *pr)
{
	struct derive d = { .e = e, .origin = pr };
	for (const struct probe_point *pt = pr->points; pt; pt = pt->next) {
		d.user_point = pt;
		struct path path = { 0 };
		int n = derive_point(&d, pt, path);
		if (pt->sufficient && n > 0)
			break;
	}
}

/* ---- printing ---- */

void elab_print_alias(FILE *out, const struct stap_alias *al)
{
	unparse_probe_point(out, al->name);
	fputs(al->epilogue ? " += " : " = ", out);
	for (const struct probe_point *pt = al->points; pt; pt = pt->next) {
		unparse_probe_point(out, pt);
		if (pt->next)
			fputs(", ", out);
	}
}

void elab_print_derivation(FILE *out, const struct elab_probe *p)
{
	fputs(" /* <- ", out);
	for (const struct elab_step *s = p->chain; s; s = s->next) {
		elab_print_alias(out, s->alias);
		fputs(" <- ", out);
	}
	for (const struct probe_point *pt = p->origin->points; pt; pt = pt->next) {
		unparse_probe_point(out, pt);
		if (pt->next)
			fputc(',', out);
	}
	fputs(" */", out);
}

void elab_print_listing_name(FILE *out, const struct elab_probe *p)
{
	const struct probe_point *pt = p->listing_point;
	struct probe_point plain = *pt;
	plain.optional = plain.sufficient = false;
	plain.cond = NULL;
	unparse_probe_point(out, &plain);
}
