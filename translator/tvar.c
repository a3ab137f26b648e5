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
	if (k == TI_PTR) {
		if (w->addr && !load(w))
			return false;
	} else if (k != TI_ARRAY || !w->addr) {
		*w->why = arena_printf(w->a, "cannot index a %s", ti_type_name(w->a, w->t));
		return false;
	}
	struct ti_type elem = ti_target(w->t);
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
	struct walk w = { a, acc, &acc->steps, type, base_is_object, why };
	acc->base_c = base_c;
	for (const struct target_comp *c = comps; c; c = c->next) {
		bool ok = true;
		switch (c->kind) {
		case COMP_FIELD: ok = field(&w, c); break;
		case COMP_INDEX: ok = index_(&w, c); break;
		case COMP_PRETTY: break;
		}
		if (!ok)
			return NULL;
	}
	return finish(&w, addr_of) ? acc : NULL;
}
