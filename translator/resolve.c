/* resolve.c - names to symbols, calls to functions, and the checks that
 * need only the tree's shape.
 *
 * Input: one derived probe (its condition and body) or one function.
 * Output: node->sym on every variable use, u.call.func on every call,
 * each probe's and function's locals, uses counted in symbol reads and
 * writes; functions called are marked reachable and queued for their own
 * resolution.  @defined(...) becomes the literal 1 or 0.
 *
 * Name lookup, as upstream: a function's parameters, then the locals seen
 * so far, then globals (a private global only in its own file; the user
 * script's before the tapsets'; a tapset global pulls its file in), else
 * a new local.  Arrays must be globals.  A probe condition sees globals
 * only.  Checks: break/continue in loops, next outside functions,
 * lvalues, target variables (none in begin/end/timer, none in functions,
 * read-only without -g), an array element modified inside a foreach over
 * that array, guru-only and unprivileged tapset functions.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "compat.h"
#include "diag.h"
#include "elab_int.h"
#include "session.h"
#include "tvar.h"
#include "typeinfo/typeinfo.h"

enum { USE_READ = 1, USE_WRITE = 2 };

/* An array being iterated by an enclosing foreach. */
struct guard {
	const struct symbol *array;
	struct guard *next;
};

struct scope {
	struct elab *e;
	struct elab_probe *probe;     /* resolving a probe, or */
	struct elab_func *fn;         /* a function */
	struct symbol **locals_tail;
	int *nlocals;
	int loops;
	bool in_cond;                 /* probe condition: globals only */
	int in_defined;               /* inside @defined() */
	bool defined_failed;
	struct guard *guards;
};

static void res_expr(struct scope *sc, struct node **np, int use);
static void res_stmt(struct scope *sc, struct node **np);
static void res_entry(struct scope *sc, struct node **np);

/* ---- errors reported once per place ---- */

static bool once(struct scope *sc, const struct srcpos *pos, enum diag_tag tag)
{
	return elab_once(sc->e, pos, tag);
}

/* ---- variables ---- */

static struct symbol *find_global(struct elab *e, const char *name, const struct srcpos *pos)
{
	struct symbol *user = NULL, *lib = NULL;
	for (struct global_entry *ge = strmap_get(&e->globals, name); ge; ge = ge->next) {
		struct symbol *s = ge->sym;
		if (s->file) {
			if (pos && s->file == pos->src)
				return s;
			continue;
		}
		if (!elab_in_tapset(&s->pos)) {
			if (!user)
				user = s;
		} else if (!lib) {
			lib = s;
		}
	}
	return user ? user : lib;
}

static struct symbol *lookup_global(struct elab *e, const char *name, const struct srcpos *pos)
{
	struct symbol *s = find_global(e, name, pos);
	if (!s && elab_load_global(e, name))
		s = find_global(e, name, pos);
	return s;
}

static struct symbol *new_local(struct scope *sc, const char *name, const struct srcpos *pos)
{
	struct symbol *s = arena_alloc(sc->e->arena, sizeof(*s));
	s->name = name;
	s->kind = SYM_LOCAL;
	s->pos = *pos;
	s->arity = 0;
	s->arity_pos = *pos;
	s->index = (*sc->nlocals)++;
	*sc->locals_tail = s;
	sc->locals_tail = &s->next;
	return s;
}

static struct symbol *find_scoped(struct scope *sc, const char *name)
{
	if (sc->fn)
		for (struct symbol *s = sc->fn->params; s; s = s->next)
			if (strcmp(s->name, name) == 0)
				return s;
	struct symbol *head = sc->probe ? sc->probe->locals : sc->fn->locals;
	for (struct symbol *s = head; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* The symbol a name denotes here; a new local if nothing else. */
static struct symbol *lookup_var(struct scope *sc, const struct node *n)
{
	const char *name = n->u.var.name;
	struct symbol *s = sc->in_cond ? NULL : find_scoped(sc, name);
	if (s)
		return s;
	s = lookup_global(sc->e, name, &n->pos);
	if (s)
		return s;
	if (sc->in_cond && once(sc, &n->pos, D_SEM_BAD_CONDITION))
		diag_error(D_SEM_BAD_CONDITION, &n->pos,
			   "probe condition names '%s', which is not a global variable", name);
	return new_local(sc, name, &n->pos);
}

static void count_use(struct symbol *s, int use)
{
	if (use & USE_READ)
		s->reads++;
	if (use & USE_WRITE)
		s->writes++;
}

static void res_var(struct scope *sc, struct node *n, int use)
{
	if (!n->sym)
		n->sym = lookup_var(sc, n);
	if (n->sym->kind == SYM_GLOBAL && !n->sym->ref_order)
		n->sym->ref_order = ++sc->e->global_refs;
	count_use(n->sym, use);
}

/* The array of an index, foreach, in or delete: a global, or a histogram. */
static void res_array(struct scope *sc, struct node **np, int use, int nkeys)
{
	struct node *n = *np;
	if (n->kind == ND_HIST_OP) {
		res_expr(sc, np, USE_READ);
		return;
	}
	if (n->kind != ND_VAR) {
		if (once(sc, &n->pos, D_SEM_NOT_ARRAY))
			diag_error(D_SEM_NOT_ARRAY, &n->pos, "only a global array can be indexed");
		res_expr(sc, np, USE_READ);
		return;
	}
	res_var(sc, n, use);
	if (n->sym->kind != SYM_GLOBAL && once(sc, &n->pos, D_SEM_LOCAL_ARRAY))
		diag_error(D_SEM_LOCAL_ARRAY, &n->pos,
			   "'%s' is used as an array (%d index%s) but is not a global: "
			   "arrays must be declared global", n->u.var.name, nkeys,
			   nkeys == 1 ? "" : "es");
}

static void res_keys(struct scope *sc, struct node **list)
{
	for (struct node **k = list; *k; k = &(*k)->next)
		if ((*k)->kind != ND_WILDCARD)
			res_expr(sc, k, USE_READ);
}

/* An element of an array iterated by an enclosing foreach is changed. */
static void check_guard(struct scope *sc, const struct node *elem)
{
	const struct node *base = elem->u.index.base;
	if (base->kind != ND_VAR || !base->sym)
		return;
	for (struct guard *g = sc->guards; g; g = g->next)
		if (g->array == base->sym && once(sc, &base->pos, D_SEM_READONLY))
			diag_error(D_SEM_READONLY, &base->pos,
				   "array '%s' is modified inside a foreach over it",
				   base->u.var.name);
}

/* ---- target variables ---- */

static const char *target_name(const struct node *n)
{
	switch (n->kind) {
	case ND_TARGET: return n->u.tgt.name;
	case ND_CAST: return "@cast";
	case ND_ATVAR: return "@var";
	case ND_AUTOCAST: return "->";
	case ND_ENTRY: return "@entry";
	case ND_PERF: return "@perf";
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_DEFINED:
	case ND_PROBEWRITE: case ND_CONST: case ND_REGISTER: case ND_DEREF: case ND_UNARY:
	case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_BINARY: case ND_LOGICAL: case ND_COMPARE:
	case ND_REGEX: case ND_TERNARY: case ND_ASSIGN: case ND_IN: case ND_INDEX: case ND_WILDCARD:
	case ND_CALL: case ND_PRINT: case ND_STAT_OP: case ND_HIST_OP: case ND_BLOCK:
	case ND_EXPR_STMT: case ND_EMPTY: case ND_IF: case ND_FOR: case ND_FOREACH:
	case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_RETURN: case ND_DELETE:
	case ND_TRY: case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		break;
	}
	return "?";
}

static void unavailable(struct scope *sc, struct node **np, const char *why)
{
	struct node *n = *np;
	if (sc->in_defined) {
		sc->defined_failed = true;
		return;
	}
	if (sc->e->sess && sc->e->sess->skip_badvars) {
		struct node *z = ast_node_new(sc->e->arena, ND_NUM, &n->pos);
		z->next = n->next;
		*np = z;
		return;
	}
	if (once(sc, &n->pos, D_SEM_TARGET_UNAVAILABLE))
		diag_error(D_SEM_TARGET_UNAVAILABLE, &n->pos, "unresolved target variable '%s': %s",
			   target_name(n), why);
}

/* The type a @cast names.  Its module string is "kernel" or a module,
 * either maybe followed by the "<header.h>" upstream compiles for the
 * type's DWARF (BTF already has every type of the kernel or module, so
 * the header only says where it is declared), or a colon-separated list
 * of those, searched in order.  A "<header.h>" alone names a user-space
 * type, which BTF does not have.  A path ("/usr/bin/prog") names a
 * program or library, whose DWARF has the type (read under --sysroot);
 * *user then says the object is in the probed task's memory. */
static bool cast_find_type(struct scope *sc, const char *modules, const char *type,
			   struct ti_type *t, bool *user)
{
	*user = false;
	if (!modules)
		return ti_find_type(sc->e->ti, NULL, type, t);
	for (const char *p = modules; *p;) {
		size_t len = strcspn(p, ":");
		size_t name_len = strcspn(p, "<:");
		if (name_len > 0) {
			const char *module = arena_printf(sc->e->arena, "%.*s", (int)name_len, p);
			const char *root = sc->e->sess && sc->e->sess->sysroot ? sc->e->sess->sysroot
									       : "";
			if (module[0] == '/' &&
			    ti_dwarf_type(sc->e->ti, arena_printf(sc->e->arena, "%s%s", root, module),
					  type, t)) {
				*user = true;
				return true;
			}
			if (module[0] != '/' && ti_find_type(sc->e->ti, module, type, t))
				return true;
		}
		p += len;
		if (*p == ':')
			p++;
	}
	return false;
}

/* @cast(p, "type"[, "module"]): p is the address of an object of that
 * type, as the target's type information knows it. */
static void res_cast(struct scope *sc, struct node **np)
{
	struct node *n = *np;
	const char *module = n->u.tgt.module;
	struct ti_type t;
	const char *why = NULL;
	bool user;
	res_expr(sc, &n->u.tgt.base, USE_READ);
	for (struct target_comp *c = n->u.tgt.comps; c; c = c->next)
		if (c->kind == COMP_INDEX)
			res_expr(sc, &c->index, USE_READ);
	if (!cast_find_type(sc, module, n->u.tgt.type_name, &t, &user)) {
		const char *err = ti_error(sc->e->ti);
		if (module && module[0] == '<') {
			unavailable(sc, np, "types from C headers (@cast(p, \"type\", \"<header.h>\")) "
				    "are not supported: name the kernel or a module");
			return;
		}
		unavailable(sc, np, err ? err : arena_printf(sc->e->arena, "no type '%s' in %s",
							     n->u.tgt.type_name,
							     module ? module : "the kernel"));
		return;
	}
	n->u.tgt.access = tv_build(sc->e->arena, NULL, t, true, n->u.tgt.comps,
				   n->u.tgt.addr_of, &why);
	if (!n->u.tgt.access) {
		unavailable(sc, np, why);
		return;
	}
	n->u.tgt.access->user = user;
	n->type = TYPE_LONG;
}

int elab_ksym(struct elab *e, const char *sym)
{
	for (int i = 0; i < e->nksyms; i++)
		if (strcmp(e->ksyms[i], sym) == 0)
			return i;
	if (e->nksyms == e->ksyms_cap) {
		size_t old = (size_t)e->ksyms_cap * sizeof(*e->ksyms);
		e->ksyms_cap = e->ksyms_cap ? 2 * e->ksyms_cap : 8;
		e->ksyms = arena_realloc(e->arena, e->ksyms, old,
					 (size_t)e->ksyms_cap * sizeof(*e->ksyms));
	}
	e->ksyms[e->nksyms] = arena_strdup(e->arena, sym);
	return e->nksyms++;
}

/* @var("name[@file]"[, "module"]): a global or static variable, typed
 * from DWARF (BTF describes no variables but per-CPU ones), or only its
 * address (&@var("name"), which needs no type); the address
 * is the symbol's, which staprun reads from /proc/kallsyms when it loads
 * the module (the translator never knows where the kernel put it). */
static void res_atvar(struct scope *sc, struct node **np)
{
	struct node *n = *np;
	struct elab *e = sc->e;
	const char *module = n->u.tgt.module, *why = NULL;
	for (struct target_comp *c = n->u.tgt.comps; c; c = c->next)
		if (c->kind == COMP_INDEX)
			res_expr(sc, &c->index, USE_READ);
	char *name = arena_strdup(e->arena, n->u.tgt.name);
	char *file = strchr(name, '@');
	if (file)
		*file++ = '\0';
	if (module && strchr(module, '/') &&
	    !(module = ti_module_from_path(e->ti, module, &why))) {
		unavailable(sc, np, why);
		return;
	}
	if (module && strcmp(module, "kernel") == 0)
		module = NULL;
	if (tv_is_pretty(n)) {
		unavailable(sc, np, "@var(...)$ is not supported: print its members");
		return;
	}
	struct ti_type t;
	if (n->u.tgt.addr_of && !n->u.tgt.comps && !file) {
		/* &@var("name") alone needs no type: the symbol's address is
		 * all it asks, and kallsyms has it for every kernel. */
		int k = elab_ksym(e, module ? arena_printf(e->arena, "%s:%s", module, name) : name);
		struct tv_access *acc = arena_alloc(e->arena, sizeof(*acc));
		memset(acc, 0, sizeof(*acc));
		acc->base_c = arena_printf(e->arena, "(int64_t)_stp_ksym[%d]", k);
		acc->is_pointer = true;
		n->u.tgt.access = acc;
		n->type = TYPE_LONG;
		return;
	}
	if (!ti_dwarf_global(e->ti, module, name, file, &t, &why)) {
		unavailable(sc, np, arena_printf(e->arena, "@var(\"%s\"): %s (the kernel's BTF "
						 "has no types for global variables)",
						 n->u.tgt.name, why));
		return;
	}
	int k = elab_ksym(e, module ? arena_printf(e->arena, "%s:%s", module, name) : name);
	n->u.tgt.access = tv_build(e->arena, arena_printf(e->arena, "(int64_t)_stp_ksym[%d]", k),
				   t, true, n->u.tgt.comps, n->u.tgt.addr_of, &why);
	if (!n->u.tgt.access) {
		unavailable(sc, np, why);
		return;
	}
	n->type = TYPE_LONG;
}

/* Before 4.1 (--compatible=4.0), @var in a .return probe meant its value
 * at the function's entry, as if in @entry(). */
static bool atvar_at_entry(struct scope *sc)
{
	const struct elab_probe *p = sc->fn ? NULL : sc->probe;
	const char *why;
	return p && !p->entry_of && !sc->in_defined && p->family && p->family->entry_half &&
	       compat_before(sc->e->sess ? sc->e->sess->compatible : NULL, COMPAT_ATVAR_ENTRY) &&
	       p->family->entry_half(sc->e->arena, p, &why);
}

static void wrap_in_entry(struct scope *sc, struct node **np)
{
	struct node *n = *np;
	struct node *entry = ast_node_new(sc->e->arena, ND_ENTRY, &n->pos);
	entry->next = n->next;
	n->next = NULL;
	entry->u.expr.e = n;
	*np = entry;
	res_entry(sc, np);
}

/* $var, @cast, @var, ->: need a probe whose family has target variables
 * or kernel type information. */
static void res_target(struct scope *sc, struct node **np)
{
	struct node *n = *np;
	if (n->kind == ND_CAST) {
		res_cast(sc, np);
		return;
	}
	if (n->kind == ND_AUTOCAST) {
		res_expr(sc, &n->u.tgt.base, USE_READ);
		unavailable(sc, np, "members of a value that is not a target variable or @cast "
			    "are not supported yet");
		return;
	}
	if (n->kind == ND_ATVAR) {
		if (atvar_at_entry(sc))
			wrap_in_entry(sc, np);
		else
			res_atvar(sc, np);
		return;
	}
	if (sc->fn) {
		unavailable(sc, np, "target variables cannot be used in a function");
		return;
	}
	const struct probe_family *fam = sc->probe->family;
	if (fam && fam->target_var) {
		const char *reason = "no such variable";
		for (struct target_comp *c = n->u.tgt.comps; c; c = c->next)
			if (c->kind == COMP_INDEX)
				res_expr(sc, &c->index, USE_READ);
		enum stap_type t = fam->target_var(sc->e->arena, sc->probe, n, &reason);
		if (t != TYPE_UNKNOWN && n->u.tgt.expansion) {
			struct node *x = n->u.tgt.expansion;
			x->next = n->next;
			*np = x;
			res_expr(sc, np, USE_READ);
			return;
		}
		if (t != TYPE_UNKNOWN) {
			n->type = t;
			return;
		}
		unavailable(sc, np, reason);
		return;
	}
	char why[256];
	snprintf(why, sizeof(why), "probe '%s' has no target variables",
		 sc->probe->family ? sc->probe->family->name : "?");
	unavailable(sc, np, why);
}

/* @kderef(SIZE, addr), @uderef(SIZE, addr): an integer of 1, 2, 4 or 8
 * bytes read from memory (emit_expr.c). */
static void res_deref(struct scope *sc, struct node *n)
{
	int64_t size = n->u.deref.size;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		diag_error(D_SEM_BAD_ARGUMENT, &n->pos,
			   "%s size %lld: it reads an integer of 1, 2, 4 or 8 bytes",
			   n->op == 'k' ? "@kderef" : "@uderef", (long long)size);
	res_expr(sc, &n->u.deref.e, USE_READ);
}

/* @entry(expr) in a .return probe: expr is evaluated in the probe's
 * entry half (entry.c), resolved there; this becomes the read. */
static void res_entry(struct scope *sc, struct node **np)
{
	struct node *n = *np;
	struct elab_probe *p = sc->fn ? NULL : sc->probe;
	if (n->sym) {
		/* the half's save (or a read already made) */
		res_expr(sc, &n->u.expr.e, USE_READ);
		return;
	}
	const char *why = "@entry is only valid in a .return probe";
	if (p && p->entry_of)
		why = "@entry cannot be nested in @entry";
	if (p && !p->entry_of && sc->in_defined && p->family && p->family->entry_half) {
		/* @defined(@entry(x)), and @defined($param) in a .return
		 * probe: whether x resolves at entry, asked of a stand-in for
		 * the entry half (nothing of it is kept) */
		void *data = p->family->entry_half(sc->e->arena, p, &why);
		if (data) {
			struct elab_probe stand_in = *p;
			stand_in.data = data;
			stand_in.entry_of = p;
			sc->probe = &stand_in;
			res_expr(sc, &n->u.expr.e, USE_READ);
			sc->probe = p;
			return;
		}
	}
	struct elab_probe *half = p && !p->entry_of && !sc->in_defined
		? elab_entry_half(sc->e, p, &why) : NULL;
	if (!half) {
		res_expr(sc, &n->u.expr.e, USE_READ);
		unavailable(sc, np, why);
		return;
	}
	elab_entry_slot(sc->e, p, n);
}

static void res_defined(struct scope *sc, struct node **np)
{
	struct node *n = *np;
	bool saved = sc->defined_failed;
	sc->defined_failed = false;
	sc->in_defined++;
	res_expr(sc, &n->u.expr.e, 0);
	sc->in_defined--;
	struct node *lit = ast_node_new(sc->e->arena, ND_NUM, &n->pos);
	lit->u.num = !sc->defined_failed;
	lit->next = n->next;
	*np = lit;
	sc->defined_failed = saved;
}

/* ---- assignments ---- */

static bool is_target_kind(const struct node *n)
{
	return ast_is_target(n);
}

/* The target of =, +=, <<<, ++, --: a variable or array element. */
static void res_lvalue(struct scope *sc, struct node **np, int use, const struct node *op)
{
	struct node *n = *np;
	if (n->kind == ND_VAR) {
		res_var(sc, n, use);
		return;
	}
	if (n->kind == ND_INDEX && n->u.index.base->kind == ND_VAR) {
		res_array(sc, &n->u.index.base, use, n->u.index.nkeys);
		res_keys(sc, &n->u.index.keys);
		check_guard(sc, n);
		return;
	}
	if (is_target_kind(n)) {
		int errors = diag_error_count();
		res_expr(sc, np, USE_READ);
		bool guru = sc->e->sess && sc->e->sess->guru;
		if (!guru && diag_error_count() == errors && once(sc, &n->pos, D_SEM_READONLY))
			diag_error(D_SEM_READONLY, &n->pos,
				   "write to target variable not permitted; use -g");
		return;
	}
	res_expr(sc, np, USE_READ);
	if (once(sc, &op->pos, D_SEM_NOT_LVALUE))
		diag_error(D_SEM_NOT_LVALUE, &op->pos,
			   "'%s' needs a variable or array element as its operand",
			   tok_op_spelling(op->op));
}

/* An assignment to a target variable its family carries out itself
 * (procfs's $value): replaced by what does it.  True when it was. */
static bool res_family_assign(struct scope *sc, struct node **np)
{
	struct node *n = *np;
	const struct elab_probe *p = sc->fn ? NULL : sc->probe;
	if (!p || !p->family || !p->family->target_assign || n->u.bin.lhs->kind != ND_TARGET)
		return false;
	const char *why = "this variable cannot be set";
	struct node *x = p->family->target_assign(sc->e->arena, p, n, &why);
	if (!x) {
		if (once(sc, &n->u.bin.lhs->pos, D_SEM_READONLY))
			diag_error(D_SEM_READONLY, &n->u.bin.lhs->pos, "%s", why);
		return true;
	}
	*np = x;
	res_expr(sc, np, USE_READ);
	return true;
}

static void res_assign(struct scope *sc, struct node *n)
{
	int use = n->op == OP_ASSIGN || n->op == OP_AGGREGATE ? USE_WRITE : USE_READ | USE_WRITE;
	res_lvalue(sc, &n->u.bin.lhs, use, n);
	res_expr(sc, &n->u.bin.rhs, USE_READ);
}

/* ---- calls ---- */

/* A function the script may not call (guru mode, privilege), called from
 * a tapset function, is reported at the script's own call that led there
 * (the first one) and names the function the script called: the tapset is
 * not where the user can act.  The note points at the function itself. */
static void call_refused(struct scope *sc, const struct node *call, const struct elab_func *f,
			 enum diag_tag tag, const char *why)
{
	const struct node *at = call;
	const char *name = f->fn->name;
	for (const struct elab_func *g = sc->fn; g && g->reached_by && elab_in_tapset(&at->pos);
	     g = g->reached_in) {
		at = g->reached_by;
		name = g->fn->name;
	}
	const char *note = at == call ? "defined here"
		: arena_printf(sc->e->arena, "it calls '%s', defined here", f->fn->name);
	if (once(sc, &at->pos, tag))
		diag_report2(SEV_ERROR, tag, &at->pos, &f->fn->pos, note, "function '%s' %s", name,
			     why);
}

static void check_call_privilege(struct scope *sc, const struct node *call,
				 const struct elab_func *f)
{
	const struct session *s = sc->e->sess;
	if (!f->fn->embedded)
		return;
	if ((f->markers & FN_GURU) && !(s && s->guru))
		call_refused(sc, call, f, D_SEM_NEEDS_GURU, "may only be used in guru mode (-g)");
	if (s && s->privilege && strcmp(s->privilege, "stapusr") == 0 &&
	    !(f->markers & (FN_UNPRIV | FN_MYPROC)))
		call_refused(sc, call, f, D_SEM_PRIVILEGE,
			     "may not be used with --privilege=stapusr");
}

static void reach(struct elab *e, struct elab_func *f, const struct node *call,
		  struct elab_func *caller)
{
	if (f->reachable)
		return;
	f->reachable = true;
	f->reached_by = call;
	f->reached_in = caller;
	elab_push(e, (void ***)&e->work, &e->nwork, &e->work_cap, f);
}

static void res_call(struct scope *sc, struct node *n)
{
	res_keys(sc, &n->u.call.args);
	if (sc->in_cond) {
		if (once(sc, &n->pos, D_SEM_BAD_CONDITION))
			diag_error(D_SEM_BAD_CONDITION, &n->pos,
				   "a probe condition cannot call functions ('%s')", n->u.call.name);
		return;
	}
	if (n->u.call.func)
		return;
	struct elab_func *f = elab_find_function(sc->e, n);
	if (!f)
		return;
	n->u.call.func = f->fn;
	check_call_privilege(sc, n, f);
	reach(sc->e, f, n, sc->fn);
}

/* ---- @defined() guards ---- */

/* The value of a resolved @defined() or ! of one: 0 or 1. */
static int constant_cond(const struct node *c)
{
	if (c->kind == ND_NUM)
		return c->u.num != 0;
	if (c->kind == ND_UNARY && c->op == OP_NOT && c->u.expr.e->kind == ND_NUM)
		return c->u.expr.e->u.num == 0;
	return -1;
}

static void replace_by(struct node **slot, struct node *with, struct scope *sc)
{
	if (!with)
		with = ast_node_new(sc->e->arena, ND_EMPTY, &(*slot)->pos);
	with->next = (*slot)->next;
	*slot = with;
}

/* c ? a : b, if (c) a else b, c && a, c || a whose c is an @defined()
 * (or its negation), constant once resolved: only the branch taken is
 * resolved (so `@defined($v) ? $v : 0` elaborates where
 * there is no $v), and it replaces the whole. */
static bool res_guarded(struct scope *sc, struct node **np, bool stmt)
{
	struct node *n = *np;
	struct node **cond = n->kind == ND_LOGICAL ? &n->u.bin.lhs : &n->u.cond.cond;
	const struct node *c = *cond;
	bool defined = c->kind == ND_DEFINED ||
		       (c->kind == ND_UNARY && c->op == OP_NOT && c->u.expr.e->kind == ND_DEFINED);
	res_expr(sc, cond, USE_READ);
	int v = defined ? constant_cond(*cond) : -1;
	if (v < 0)
		return false;
	if (n->kind == ND_LOGICAL) {
		bool decided = n->op == OP_ANDAND ? v == 0 : v == 1;
		if (!decided) {
			res_expr(sc, &n->u.bin.rhs, USE_READ);
			return true;
		}
		struct node *lit = ast_node_new(sc->e->arena, ND_NUM, &n->pos);
		lit->u.num = v;
		replace_by(np, lit, sc);
		return true;
	}
	struct node **pick = v ? &n->u.cond.then : &n->u.cond.els;
	if (stmt)
		res_stmt(sc, pick);
	else
		res_expr(sc, pick, USE_READ);
	replace_by(np, *pick, sc);
	return true;
}

/* ---- expressions ---- */

static void res_expr(struct scope *sc, struct node **np, int use)
{
	struct node *n = *np;
	if (!n)
		return;
	switch (n->kind) {
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_CONST: case ND_REGISTER:
	case ND_WILDCARD:
		return;
	case ND_VAR: res_var(sc, n, use); return;
	case ND_TARGET: case ND_CAST: case ND_ATVAR: case ND_AUTOCAST:
		res_target(sc, np);
		return;
	case ND_ENTRY: res_entry(sc, np); return;
	case ND_PERF: unavailable(sc, np, "@perf is only valid in a perf probe"); return;
	case ND_DEFINED: res_defined(sc, np); return;
	case ND_PROBEWRITE: res_expr(sc, &n->u.expr.e, 0); return;
	case ND_DEREF: res_deref(sc, n); return;
	case ND_UNARY: res_expr(sc, &n->u.expr.e, USE_READ); return;
	case ND_PRE_INCDEC: case ND_POST_INCDEC:
		res_lvalue(sc, &n->u.expr.e, USE_READ | USE_WRITE, n);
		return;
	case ND_LOGICAL:
		if (res_guarded(sc, np, false))
			return;
		res_expr(sc, &n->u.bin.rhs, USE_READ);
		return;
	case ND_BINARY: case ND_COMPARE: case ND_REGEX:
		res_expr(sc, &n->u.bin.lhs, USE_READ);
		res_expr(sc, &n->u.bin.rhs, USE_READ);
		return;
	case ND_TERNARY:
		if (res_guarded(sc, np, false))
			return;
		res_expr(sc, &n->u.cond.then, USE_READ);
		res_expr(sc, &n->u.cond.els, USE_READ);
		return;
	case ND_ASSIGN:
		if (!res_family_assign(sc, np))
			res_assign(sc, n);
		return;
	case ND_IN: case ND_INDEX:
		res_array(sc, &n->u.index.base, USE_READ, n->u.index.nkeys);
		res_keys(sc, &n->u.index.keys);
		return;
	case ND_CALL: res_call(sc, n); return;
	case ND_PRINT: res_keys(sc, &n->u.call.args); return;
	case ND_STAT_OP: case ND_HIST_OP:
		if (n->u.stat.operand->kind == ND_INDEX) {
			struct node *ix = n->u.stat.operand;
			res_array(sc, &ix->u.index.base, USE_READ, ix->u.index.nkeys);
			res_keys(sc, &ix->u.index.keys);
		} else if (n->u.stat.operand->kind == ND_VAR) {
			res_var(sc, n->u.stat.operand, USE_READ);
		} else {
			res_expr(sc, &n->u.stat.operand, USE_READ);
		}
		res_keys(sc, &n->u.stat.params);
		return;
	case ND_BLOCK: case ND_EXPR_STMT: case ND_EMPTY: case ND_IF: case ND_FOR:
	case ND_FOREACH: case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_RETURN:
	case ND_DELETE: case ND_TRY: case ND_EMBEDDED_STMT: case ND_KIND_COUNT:
		res_stmt(sc, np);
		return;
	}
}

/* ---- statements ---- */

static void res_foreach(struct scope *sc, struct node *n)
{
	struct node **arr = &n->u.fe.array;
	if ((*arr)->kind == ND_VAR)
		res_array(sc, arr, USE_READ, n->u.fe.nkeys);
	else
		res_expr(sc, arr, USE_READ);
	res_keys(sc, &n->u.fe.slice);
	for (struct node *k = n->u.fe.keys; k; k = k->next)
		res_var(sc, k, USE_WRITE);
	if (n->u.fe.value)
		res_var(sc, n->u.fe.value, USE_WRITE);
	res_expr(sc, &n->u.fe.limit, USE_READ);
	struct guard g = { (*arr)->kind == ND_VAR ? (*arr)->sym : NULL, sc->guards };
	sc->guards = &g;
	sc->loops++;
	res_stmt(sc, &n->u.fe.body);
	sc->loops--;
	sc->guards = g.next;
}

static void res_delete(struct scope *sc, struct node *n)
{
	struct node **op = &n->u.expr.e;
	if ((*op)->kind == ND_VAR) {
		res_var(sc, *op, USE_WRITE);
	} else if ((*op)->kind == ND_INDEX && (*op)->u.index.base->kind == ND_VAR) {
		res_array(sc, &(*op)->u.index.base, USE_WRITE, (*op)->u.index.nkeys);
		res_keys(sc, &(*op)->u.index.keys);
		check_guard(sc, *op);
	} else {
		res_expr(sc, op, USE_READ);
		if (once(sc, &n->pos, D_SEM_NOT_LVALUE))
			diag_error(D_SEM_NOT_LVALUE, &n->pos,
				   "delete needs a variable, an array or an array element");
	}
}

static void res_jump(struct scope *sc, struct node *n)
{
	if (n->kind == ND_NEXT) {
		if (sc->fn && once(sc, &n->pos, D_SEM_NEXT_OUTSIDE_PROBE))
			diag_error(D_SEM_NEXT_OUTSIDE_PROBE, &n->pos,
				   "'next' is only allowed in a probe, not in function '%s'",
				   sc->fn->fn->name);
		return;
	}
	if (sc->loops == 0 && once(sc, &n->pos, D_SEM_BREAK_OUTSIDE_LOOP))
		diag_error(D_SEM_BREAK_OUTSIDE_LOOP, &n->pos, "'%s' outside a loop",
			   n->kind == ND_BREAK ? "break" : "continue");
}

static void res_stmt(struct scope *sc, struct node **np)
{
	struct node *n = *np;
	if (!n)
		return;
	switch (n->kind) {
	case ND_BLOCK:
		for (struct node **s = &n->u.block.stmts; *s; s = &(*s)->next)
			res_stmt(sc, s);
		return;
	case ND_EXPR_STMT: res_expr(sc, &n->u.expr.e, USE_READ); return;
	case ND_EMPTY: case ND_EMBEDDED_STMT: return;
	case ND_IF:
		if (res_guarded(sc, np, true))
			return;
		res_stmt(sc, &n->u.cond.then);
		res_stmt(sc, &n->u.cond.els);
		return;
	case ND_FOR:
		res_expr(sc, &n->u.loop.init, USE_READ);
		res_expr(sc, &n->u.loop.cond, USE_READ);
		res_expr(sc, &n->u.loop.incr, USE_READ);
		sc->loops++;
		res_stmt(sc, &n->u.loop.body);
		sc->loops--;
		return;
	case ND_FOREACH: res_foreach(sc, n); return;
	case ND_BREAK: case ND_CONTINUE: case ND_NEXT: res_jump(sc, n); return;
	case ND_RETURN: res_expr(sc, &n->u.expr.e, USE_READ); return;
	case ND_DELETE: res_delete(sc, n); return;
	case ND_TRY:
		res_stmt(sc, &n->u.try_.body);
		if (n->u.try_.var)
			res_var(sc, n->u.try_.var, USE_WRITE);
		res_stmt(sc, &n->u.try_.handler);
		return;
	case ND_NUM: case ND_STR: case ND_EMBEDDED_EXPR: case ND_VAR: case ND_TARGET:
	case ND_CAST: case ND_ATVAR: case ND_AUTOCAST: case ND_ENTRY: case ND_DEFINED:
	case ND_PROBEWRITE: case ND_PERF: case ND_CONST: case ND_REGISTER: case ND_DEREF:
	case ND_UNARY: case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_BINARY: case ND_LOGICAL:
	case ND_COMPARE: case ND_REGEX: case ND_TERNARY: case ND_ASSIGN: case ND_IN:
	case ND_INDEX: case ND_WILDCARD: case ND_CALL: case ND_PRINT: case ND_STAT_OP:
	case ND_HIST_OP: case ND_KIND_COUNT:
		res_expr(sc, np, USE_READ);
		return;
	}
}

/* ---- entry points ---- */

static struct symbol **list_tail(struct symbol **head)
{
	while (*head)
		head = &(*head)->next;
	return head;
}

void elab_resolve_probe(struct elab *e, struct elab_probe *p)
{
	struct scope sc = { .e = e, .probe = p, .nlocals = &p->nlocals };
	sc.locals_tail = list_tail(&p->locals);
	res_stmt(&sc, &p->body);
	if (p->cond) {
		sc.in_cond = true;
		res_expr(&sc, &p->cond, USE_READ);
		sc.in_cond = false;
	}
}

static void make_params(struct elab *e, struct elab_func *f)
{
	struct symbol **tail = &f->params;
	int i = 0;
	for (struct stap_param *pa = f->fn->params; pa; pa = pa->next) {
		struct symbol *s = arena_alloc(e->arena, sizeof(*s));
		s->name = pa->name;
		s->kind = SYM_PARAM;
		s->param = pa;
		s->pos = pa->pos;
		s->type = pa->type;
		s->type_pos = pa->pos;
		s->arity = 0;
		s->arity_pos = pa->pos;
		s->writes = 1;  /* the caller's argument */
		s->index = i++;
		*tail = s;
		tail = &s->next;
	}
}

void elab_resolve_function(struct elab *e, struct elab_func *f)
{
	if (f->resolved)
		return;
	f->resolved = true;
	make_params(e, f);
	f->ret = f->fn->ret_type;
	f->ret_pos = f->fn->pos;
	struct scope sc = { .e = e, .fn = f, .nlocals = &f->nlocals };
	sc.locals_tail = list_tail(&f->locals);
	res_stmt(&sc, &f->fn->body);
}

/* ---- function lookup ---- */

static int file_order(struct elab *e, const struct stap_function *fn)
{
	if (!elab_in_tapset(&fn->pos))
		return -1;
	const struct ts_file *tf = strmap_get(&e->loaded, fn->pos.src->name);
	return tf ? tf->order : 1 << 30;
}

struct candidates {
	struct elab_func *best;
	int best_rank;
	struct elab_func *any_visible;
	struct elab_func *private_elsewhere;
};

static void find_func(struct elab *e, const struct node *call, struct candidates *c)
{
	memset(c, 0, sizeof(*c));
	for (struct func_entry *fe = strmap_get(&e->functions, call->u.call.name); fe;
	     fe = fe->next) {
		struct stap_function *fn = fe->f->fn;
		if (fn->is_private && fn->pos.src != call->pos.src) {
			c->private_elsewhere = fe->f;
			continue;
		}
		if (!c->any_visible)
			c->any_visible = fe->f;
		if (fn->nparams != call->u.call.nargs)
			continue;
		int rank = fn->is_private ? -2 : file_order(e, fn);
		if (!c->best || rank < c->best_rank) {
			c->best = fe->f;
			c->best_rank = rank;
		}
	}
}

int elab_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 99;
	int row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

struct suggest {
	const char *name;
	const char *best;
	int dist;
};

static void consider(const char *cand, void *ctx)
{
	struct suggest *s = ctx;
	int d = elab_distance(s->name, cand);
	if (d < s->dist || (d == s->dist && s->best && strcmp(cand, s->best) < 0)) {
		s->dist = d;
		s->best = cand;
	}
}

static const char *did_you_mean(struct elab *e, const char *name)
{
	struct suggest s = { name, NULL, (int)strlen(name) / 3 + 2 };
	for (size_t i = 0; i < e->functions.cap; i++)
		if (e->functions.slots[i].key)
			consider(e->functions.slots[i].key, &s);
	if (e->index)
		tsi_each_function(e->index, consider, &s);
	return s.best && s.dist <= (int)strlen(name) / 3 + 1 ? s.best : NULL;
}

struct elab_func *elab_find_function(struct elab *e, const struct node *call)
{
	struct candidates c;
	find_func(e, call, &c);
	if (!c.best && elab_load_function(e, call->u.call.name))
		find_func(e, call, &c);
	if (c.best)
		return c.best;
	if (!elab_once(e, &call->pos, D_SEM_UNRESOLVED_FUNCTION))
		return NULL;
	const char *name = call->u.call.name;
	if (c.any_visible) {
		int n = c.any_visible->fn->nparams;
		diag_report2(SEV_ERROR, D_SEM_ARGCOUNT, &call->pos, &c.any_visible->fn->pos,
			     "defined here", "function '%s' takes %d argument%s, called with %d",
			     name, n, n == 1 ? "" : "s", call->u.call.nargs);
	} else if (c.private_elsewhere) {
		diag_report2(SEV_ERROR, D_SEM_PRIVATE, &call->pos, &c.private_elsewhere->fn->pos,
			     "defined here", "function '%s' is private to %s", name,
			     c.private_elsewhere->fn->pos.src->name);
	} else {
		const char *hint = did_you_mean(e, name);
		/* the tapset index also names functions a %( %) left out of
		 * this session (abort() under --compatible=3.x) */
		if (hint && strcmp(hint, name) != 0)
			diag_error(D_SEM_UNRESOLVED_FUNCTION, &call->pos,
				   "unresolved function '%s' (did you mean '%s'?)", name, hint);
		else
			diag_error(D_SEM_UNRESOLVED_FUNCTION, &call->pos,
				   "unresolved function '%s'", name);
	}
	return NULL;
}

/* ---- markers and warnings ---- */

unsigned elab_markers(const char *code, size_t len)
{
	static const struct { const char *text; unsigned bit; } marks[] = {
		{ "/* pure */", FN_PURE }, { "/* stable */", FN_STABLE },
		{ "/* unprivileged */", FN_UNPRIV }, { "/* myproc-unprivileged */", FN_MYPROC },
		{ "/* guru */", FN_GURU },
	};
	unsigned bits = 0;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (memmem(code, len, marks[i].text, strlen(marks[i].text)))
			bits |= marks[i].bit;
	return bits;
}

/* A private global of that name in another file (a local read but never
 * written was probably meant to be it). */
static const struct symbol *private_elsewhere(struct elab *e, const struct symbol *s)
{
	for (struct global_entry *ge = strmap_get(&e->globals, s->name); ge; ge = ge->next)
		if (ge->sym->file && ge->sym->file != s->pos.src)
			return ge->sym;
	return NULL;
}

static void warn_locals(struct elab *e, const struct symbol *s)
{
	for (; s; s = s->next) {
		if (s->kind != SYM_LOCAL || s->reads == 0 || s->writes > 0)
			continue;
		const struct symbol *g = private_elsewhere(e, s);
		if (g && elab_once(e, &s->pos, D_SEM_PRIVATE))
			diag_report2(SEV_ERROR, D_SEM_PRIVATE, &s->pos, &g->pos, "declared here",
				     "global '%s' is private to %s", s->name, g->pos.src->name);
		else if (!g)
			elab_warn(e, D_WARN_NEVER_WRITTEN, &s->pos,
				  "never-assigned local variable '%s'", s->name);
	}
}

void elab_usage_warnings(struct elab *e)
{
	for (struct elab_probe *p = e->probes; p; p = p->next)
		warn_locals(e, p->locals);
	for (struct elab_func *f = e->funcs_head; f; f = f->next)
		if (f->reachable)
			warn_locals(e, f->locals);
	for (struct symbol *g = e->globals_head; g; g = g->next)
		if (g->reads > 0 && g->writes == 0 && !g->decl->init)
			elab_warn(e, D_WARN_NEVER_WRITTEN, &g->pos,
				  "never-assigned global variable '%s'", g->name);
}
