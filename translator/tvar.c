/* tvar.c - building the access path of a target variable (tvar.h).
 *
 * The walk keeps one state: either cur is the VALUE of an expression of
 * type t (a tracepoint argument, a loaded pointer), or cur is the ADDRESS
 * of an object of type t in kernel memory (a member, an array element,
 * an @cast object).  Each component moves between the two, emitting
 * steps; the end turns an address into a value with a load (scalars),
 * keeps it (arrays, &), or refuses (a whole struct).
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "ast.h"
#include "tvar.h"

struct walk {
	struct arena *a;
	struct tv_access *acc;
	struct tv_step **tail;
	struct ti_type t;
	bool addr;                  /* cur is an address of a t, not a t */
	bool at_cast;               /* no component yet after @cast's object */
	const char **why;
};

static struct tv_step *step(struct walk *w, enum tv_step_kind kind, int64_t n)
{
	struct tv_step *s = arena_alloc(w->a, sizeof(*s));
	s->kind = kind;
	s->n = n;
	*w->tail = s;
	w->tail = &s->next;
	return s;
}

/* An address of a scalar becomes its value. */
static bool load(struct walk *w)
{
	uint64_t size = ti_size(w->t);
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		*w->why = arena_printf(w->a, "cannot read a %llu-byte value of type %s",
				       (unsigned long long)size, ti_type_name(w->a, w->t));
		return false;
	}
	step(w, TV_LOAD, (int64_t)size)->sign = ti_int_signed(w->t);
	w->addr = false;
	return true;
}

/* Make cur the address of the object a pointer value points to. */
static bool through_pointer(struct walk *w)
{
	if (w->addr && !load(w))
		return false;
	w->t = ti_target(w->t);
	w->addr = true;
	return true;
}

static bool field(struct walk *w, const struct target_comp *c)
{
	enum ti_kind k = ti_kind_of(w->t);
	if (k == TI_PTR) {
		if (!through_pointer(w))
			return false;
		k = ti_kind_of(w->t);
	}
	if (k != TI_STRUCT && k != TI_UNION) {
		*w->why = arena_printf(w->a, "'%s' is not a member of %s, which is not a struct "
				       "or union", c->name, ti_type_name(w->a, w->t));
		return false;
	}
	struct ti_member m;
	if (!ti_member(w->t, c->name, &m)) {
		*w->why = arena_printf(w->a, "%s has no member '%s'", ti_type_name(w->a, w->t),
				       c->name);
		return false;
	}
	if (!w->addr) {
		/* A small struct passed by value (pte_t) is its bits in cur. */
		uint64_t msize = ti_size(m.type);
		uint32_t width = m.bit_size ? m.bit_size : 8 * (uint32_t)msize;
		if (ti_size(w->t) > 8 || !width || width > 64) {
			*w->why = arena_printf(w->a, "cannot reach member '%s' of a %s passed by "
					       "value", c->name, ti_type_name(w->a, w->t));
			return false;
		}
		struct tv_step *b = step(w, TV_BITS, (int64_t)m.bit_offset);
		b->width = width;
		b->sign = ti_int_signed(m.type);
		w->t = m.type;
		return true;
	}
	if (m.bit_size || m.bit_offset % 8) {
		/* A bitfield: load the storage unit of its declared type that
		 * holds it (or 8 bytes if it straddles one), then cut it out;
		 * it can only be the last component. */
		uint64_t unit = ti_size(m.type);
		if (unit != 1 && unit != 2 && unit != 4 && unit != 8)
			unit = 8;
		uint64_t byte = (m.bit_offset / 8) & ~(unit - 1);
		uint64_t bit = m.bit_offset - byte * 8;
		if (bit + m.bit_size > unit * 8) {
			unit = 8;
			byte = (m.bit_offset / 8) & ~7ull;
			bit = m.bit_offset - byte * 8;
		}
		if (c->next && c->next->kind != COMP_PRETTY) {
			*w->why = arena_printf(w->a, "bitfield '%s' has no members or elements",
					       c->name);
			return false;
		}
		if (byte)
			step(w, TV_ADD, (int64_t)byte);
		step(w, TV_LOAD, (int64_t)unit)->sign = false;
		struct tv_step *b = step(w, TV_BITS, (int64_t)bit);
		b->width = m.bit_size ? m.bit_size : 8 * (uint32_t)ti_size(m.type);
		b->sign = ti_int_signed(m.type);
		w->t = m.type;
		w->addr = false;
		return true;
	}
	if (m.bit_offset)
		step(w, TV_ADD, (int64_t)(m.bit_offset / 8));
	w->t = m.type;
	return true;
}

static bool index_(struct walk *w, const struct target_comp *c)
{
	enum ti_kind k = ti_kind_of(w->t);
	struct ti_type elem = w->t;
	if (w->at_cast && k != TI_ARRAY && k != TI_PTR) {
		/* @cast(p, "T")[i]: p is the first of an array of T, as a C
		 * pointer would be: elem stays T */
	} else if (k == TI_PTR) {
		if (w->addr && !load(w))
			return false;
		elem = ti_target(w->t);
	} else if (k != TI_ARRAY || !w->addr) {
		*w->why = arena_printf(w->a, "cannot index a %s", ti_type_name(w->a, w->t));
		return false;
	} else {
		elem = ti_target(w->t);
	}
	uint64_t size = ti_size(elem);
	if (!size) {
		*w->why = arena_printf(w->a, "cannot index a %s: its elements have no size",
				       ti_type_name(w->a, w->t));
		return false;
	}
	if (c->index->kind == ND_NUM) {
		if (c->index->u.num)
			step(w, TV_ADD, c->index->u.num * (int64_t)size);
	} else {
		step(w, TV_INDEX, (int64_t)size)->index = (struct node **)&c->index;
	}
	w->t = elem;
	w->addr = true;
	return true;
}

/* The end of the path: what the expression's value is. */
static bool finish(struct walk *w, bool addr_of)
{
	if (addr_of) {
		if (!w->addr) {
			*w->why = "cannot take the address of a value that is not in memory";
			return false;
		}
		w->acc->is_pointer = true;
		w->acc->type = w->t;    /* the object's type: &x points to it */
		return true;
	}
	/* Linux 5.9 made setsockopt's optval a sockptr_t, a pointer in a
	 * struct (with is_kernel beside it); scripts written before read
	 * it as the pointer it was (user_int($optval)), and still may. */
	struct ti_member m;
	if (w->addr && strcmp(ti_type_name(w->a, w->t), "sockptr_t") == 0 &&
	    ti_member(w->t, "user", &m) && m.bit_offset == 0 && !m.bit_size) {
		w->t = m.type;
		return finish(w, false);
	}
	switch (ti_kind_of(w->t)) {
	case TI_INT: case TI_ENUM: case TI_PTR:
		if (w->addr && !load(w))
			return false;
		w->acc->is_pointer = ti_kind_of(w->t) == TI_PTR;
		break;
	case TI_ARRAY:
		/* As in C, an array is its address ($p->comm for kernel_string). */
		w->acc->is_pointer = true;
		break;
	case TI_STRUCT: case TI_UNION:
		*w->why = arena_printf(w->a, "%s is a struct or union, not a value: use a member "
				       "or take its address with &", ti_type_name(w->a, w->t));
		return false;
	case TI_VOID: case TI_FUNC: case TI_FLOAT: case TI_OTHER:
		*w->why = arena_printf(w->a, "a value of type %s cannot be read",
				       ti_type_name(w->a, w->t));
		return false;
	}
	w->acc->type = w->t;
	return true;
}

struct tv_access *tv_build(struct arena *a, const char *base_c, struct ti_type type,
			   bool base_is_object, const struct target_comp *comps, bool addr_of,
			   const char **why)
{
	struct tv_access *acc = arena_alloc(a, sizeof(*acc));
	/* base_c NULL: the base is @cast's object, which [i] may index */
	struct walk w = { a, acc, &acc->steps, type, base_is_object, base_c == NULL, why };
	acc->base_c = base_c;
	for (const struct target_comp *c = comps; c; c = c->next) {
		bool ok = true;
		switch (c->kind) {
		case COMP_FIELD: ok = field(&w, c); break;
		case COMP_INDEX: ok = index_(&w, c); break;
		case COMP_PRETTY: break;
		}
		w.at_cast = false;
		if (!ok)
			return NULL;
	}
	return finish(&w, addr_of) ? acc : NULL;
}

/* ---- expansions the families share ---- */

/* How the pretty forms ($x$, $$parms$) print a value of type t: an
 * integer in decimal, a pointer in hex.  (A struct a pointer points to
 * is not expanded into its members yet.) */
static const char *pretty_conv(struct ti_type t)
{
	return ti_kind_of(t) == TI_PTR ? "%#x" : "%d";
}

struct node *tv_vars_string(struct arena *a, const struct srcpos *pos,
			    const struct ti_param *params, int n, bool pretty)
{
	struct node *call = ast_node_new(a, ND_PRINT, pos);
	struct node **tail = &call->u.call.args;
	const char *fmt = "";
	call->op = PF_STRING | PF_FORMAT;
	call->u.call.name = "sprintf";
	struct node *f = ast_node_new(a, ND_STR, pos);
	*tail = f;
	tail = &f->next;
	call->u.call.nargs = 1;
	for (int i = 0; i < n; i++) {
		/* no value: optimized out, or a struct (upstream prints {...}) */
		enum ti_kind k = params[i].type.unit ? ti_kind_of(params[i].type) : TI_INT;
		if (params[i].absent || k == TI_STRUCT || k == TI_UNION || k == TI_FLOAT ||
		    k == TI_OTHER) {
			fmt = arena_printf(a, "%s%s%s=%s", fmt, i ? " " : "", params[i].name,
					   params[i].absent || k == TI_FLOAT || k == TI_OTHER ? "?"
											  : "{...}");
			continue;
		}
		fmt = arena_printf(a, "%s%s%s=%s", fmt, i ? " " : "", params[i].name,
				   pretty ? pretty_conv(params[i].type) : "%#x");
		struct node *v = ast_node_new(a, ND_TARGET, pos);
		v->u.tgt.name = arena_printf(a, "$%s", params[i].name);
		*tail = v;
		tail = &v->next;
		call->u.call.nargs++;
	}
	f->u.str.s = fmt;
	f->u.str.len = strlen(fmt);
	return call;
}

/* A copy of target variable n's components up to its trailing $ or $$,
 * with a field `member` after them when not NULL. */
static struct node *plain_copy(struct arena *a, const struct node *n, const char *member)
{
	struct node *plain = ast_node_new(a, ND_TARGET, &n->pos);
	struct target_comp **tail = &plain->u.tgt.comps;
	plain->u.tgt.name = n->u.tgt.name;
	for (const struct target_comp *c = n->u.tgt.comps; c && c->kind != COMP_PRETTY;
	     c = c->next) {
		struct target_comp *copy = arena_alloc(a, sizeof(*copy));
		*copy = *c;
		copy->next = NULL;
		*tail = copy;
		tail = &copy->next;
	}
	if (member) {
		struct target_comp *f = arena_alloc(a, sizeof(*f));
		f->kind = COMP_FIELD;
		f->pos = n->pos;
		f->name = member;
		*tail = f;
	}
	return plain;
}

/* The struct form of $s$ / $s$$: "{.a=1, .b=0x...}" built into a format
 * and its argument nodes.  $ shows nested structs and arrays as {...} and
 * [...]; $$ expands nested structs too (to a depth that keeps the format
 * short). */
struct pretty {
	struct arena *a;
	const struct node *n;       /* the variable, with its trailing $ */
	const char *path;           /* member path so far: "b.c" */
	int depth, max_depth;
	char *fmt;
	struct node **tail;
	int nargs;
	bool first;
};

static void pretty_struct(struct pretty *pr, struct ti_type t);

static void pretty_member(const struct ti_member *m, void *arg)
{
	struct pretty *pr = arg;
	struct arena *a = pr->a;
	if (!m->name || !*m->name)
		return;
	enum ti_kind k = ti_kind_of(m->type);
	const char *path = *pr->path ? arena_printf(a, "%s.%s", pr->path, m->name) : m->name;
	pr->fmt = arena_printf(a, "%s%s.%s=", pr->fmt, pr->first ? "" : ", ", m->name);
	pr->first = false;
	if (k == TI_STRUCT || k == TI_UNION) {
		if (pr->depth + 1 >= pr->max_depth) {
			pr->fmt = arena_printf(a, "%s{...}", pr->fmt);
			return;
		}
		struct pretty inner = *pr;
		inner.path = path;
		inner.depth++;
		inner.first = true;
		pr->fmt = arena_printf(a, "%s{", pr->fmt);
		inner.fmt = pr->fmt;
		pretty_struct(&inner, m->type);
		pr->fmt = arena_printf(a, "%s}", inner.fmt);
		pr->tail = inner.tail;
		pr->nargs = inner.nargs;
		return;
	}
	if (k == TI_ARRAY) {
		pr->fmt = arena_printf(a, "%s[...]", pr->fmt);
		return;
	}
	if (k != TI_INT && k != TI_PTR && k != TI_ENUM) {
		pr->fmt = arena_printf(a, "%s?", pr->fmt);
		return;
	}
	/* the member as a target variable of its own: $s->b->c */
	struct node *v = plain_copy(a, pr->n, NULL);
	struct target_comp **tail = &v->u.tgt.comps;
	while (*tail)
		tail = &(*tail)->next;
	for (const char *p = path; *p;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		struct target_comp *f = arena_alloc(a, sizeof(*f));
		f->kind = COMP_FIELD;
		f->pos = pr->n->pos;
		f->name = arena_strndup(a, p, len);
		*tail = f;
		tail = &f->next;
		p += len + (dot != NULL);
	}
	pr->fmt = arena_printf(a, "%s%s", pr->fmt, pretty_conv(m->type));
	*pr->tail = v;
	pr->tail = &v->next;
	pr->nargs++;
}

static void pretty_struct(struct pretty *pr, struct ti_type t)
{
	ti_each_member(t, pretty_member, pr);
}

enum stap_type tv_pretty(struct arena *a, struct ti_type type, struct node *n, const char **why)
{
	struct node *plain = plain_copy(a, n, NULL);
	if (n->u.tgt.addr_of) {
		*why = "& of a pretty-printed value";
		return TYPE_UNKNOWN;
	}
	/* Only the path's type is wanted here (the family's access reads the
	 * value).  A path ending at a struct has no value: its type comes from
	 * the path's address, as if the variable were in memory. */
	const char *why2;
	const struct tv_access *acc = tv_build(a, "0", type, false, plain->u.tgt.comps, false, why);
	if (!acc)
		acc = tv_build(a, "0", type, true, plain->u.tgt.comps, false, &why2);
	if (!acc) {
		acc = tv_build(a, "0", type, true, plain->u.tgt.comps, true, &why2);
		enum ti_kind k = acc ? ti_kind_of(acc->type) : TI_OTHER;
		if (k != TI_STRUCT && k != TI_UNION)
			return TYPE_UNKNOWN;
	}
	struct node *call = ast_node_new(a, ND_PRINT, &n->pos);
	struct node *f = ast_node_new(a, ND_STR, &n->pos);
	call->op = PF_STRING | PF_FORMAT;
	call->u.call.name = "sprintf";
	call->u.call.args = f;
	/* a struct (a pointer prints as its value, as upstream does) */
	struct ti_type st = acc->type;
	enum ti_kind k = ti_kind_of(st);
	if (k == TI_STRUCT || k == TI_UNION) {
		const struct target_comp *last = n->u.tgt.comps;
		while (last && last->kind != COMP_PRETTY)
			last = last->next;
		struct pretty pr = { a, n, "", 0, last && last->depth > 1 ? 3 : 1, "{", &f->next,
				     1, true };
		pretty_struct(&pr, st);
		f->u.str.s = arena_printf(a, "%s}", pr.fmt);
		call->u.call.nargs = pr.nargs;
	} else {
		call->u.call.nargs = 2;
		f->next = plain;
		f->u.str.s = acc->is_pointer ? "%#x" : "%d";
	}
	f->u.str.len = strlen(f->u.str.s);
	n->u.tgt.expansion = call;
	return TYPE_STRING;
}

const char *tv_widen(struct ti_type t)
{
	if (ti_kind_of(t) == TI_PTR)
		return "(int64_t)";
	bool sign = ti_int_signed(t);
	switch (ti_size(t)) {
	case 1: return sign ? "(int64_t)(s8)" : "(int64_t)(u8)";
	case 2: return sign ? "(int64_t)(s16)" : "(int64_t)(u16)";
	case 4: return sign ? "(int64_t)(s32)" : "(int64_t)(u32)";
	default: return "(int64_t)";
	}
}

bool tv_is_pretty(const struct node *n)
{
	const struct target_comp *last = n->u.tgt.comps;
	while (last && last->next)
		last = last->next;
	return last && last->kind == COMP_PRETTY;
}
