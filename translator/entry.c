/* entry.c - @entry(expr): a value of the function's entry, read in its
 * .return probe.
 *
 * A .return probe that uses @entry gets an "entry half": a synthetic
 * derived probe of the same family (its data from the family's
 * entry_half hook) placed at the entry of the same function.  Each
 * @entry(expr) moves expr into the half as a statement that saves its
 * value, and stays in the .return probe as a read of that value:
 *
 *     .return probe:  ND_ENTRY  e NULL,  sym -> slot     (a read)
 *     entry half:     ND_EXPR_STMT(ND_ENTRY  e expr, sym -> slot)  (a save)
 *
 * The slot is a SYM_ENTRY symbol, so type inference gives the read and the
 * save one type like a variable.  The values live in the call's own
 * storage (for kprobes, the kretprobe instance: recursion and concurrent
 * calls each have theirs), laid out once types are known
 * (elab_entry_layout): the longs, 8 bytes each, then the strings,
 * MAXSTRINGLEN bytes each (the module's, so offsets are C expressions).
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "ast.h"
#include "elab_int.h"

struct elab_probe *elab_entry_half(struct elab *e, struct elab_probe *ret, const char **why)
{
	if (ret->entry_half)
		return ret->entry_half;
	const struct probe_family *fam = ret->family;
	if (!fam || !fam->entry_half || ret->entry_of)
		return NULL;
	void *data = fam->entry_half(e->arena, ret, why);
	if (!data)
		return NULL;
	struct elab_probe *h = arena_alloc(e->arena, sizeof(*h));
	*h = *ret;
	h->data = data;
	h->cond = NULL;
	h->locals = NULL;
	h->nlocals = 0;
	h->synthetic = true;
	h->entry_half = NULL;
	h->entry_of = ret;
	h->entry_slots = NULL;
	h->next = NULL;
	h->body = ast_node_new(e->arena, ND_BLOCK, &ret->body->pos);
	/* Resolved by the settle loop after ret, which is being resolved. */
	*e->probes_tail = h;
	e->probes_tail = &h->next;
	e->nprobes++;
	ret->entry_half = h;
	return h;
}

/* The save of at's expression in the half; at (the @entry in the .return probe)
 * becomes the read. */
struct symbol *elab_entry_slot(struct elab *e, struct elab_probe *ret, struct node *at)
{
	struct elab_probe *h = ret->entry_half;
	struct symbol *slot = arena_alloc(e->arena, sizeof(*slot));
	slot->name = "@entry";
	slot->kind = SYM_ENTRY;
	slot->arity = 0;
	slot->pos = at->pos;
	struct symbol **tail = &ret->entry_slots;
	while (*tail)
		tail = &(*tail)->next;
	*tail = slot;

	struct node *save = ast_node_new(e->arena, ND_ENTRY, &at->pos);
	save->u.expr.e = at->u.expr.e;
	slot->entry_expr = at->u.expr.e;
	save->sym = slot;
	struct node *stmt = ast_node_new(e->arena, ND_EXPR_STMT, &at->pos);
	stmt->u.expr.e = save;
	struct node **st = &h->body->u.block.stmts;
	while (*st)
		st = &(*st)->next;
	*st = stmt;

	at->u.expr.e = NULL;
	at->sym = slot;
	return slot;
}

void elab_entry_layout(struct elab *e)
{
	/* An entry half whose .return probe the optimizer dropped has
	 * nothing to save for. */
	for (struct elab_probe **pp = &e->probes; *pp;) {
		const struct elab_probe *of = (*pp)->entry_of;
		bool kept = !of;
		for (const struct elab_probe *q = e->probes; q && !kept; q = q->next)
			kept = q == of;
		if (kept) {
			pp = &(*pp)->next;
			continue;
		}
		*pp = (*pp)->next;
		e->nprobes--;
	}
	e->probes_tail = &e->probes;
	while (*e->probes_tail)
		e->probes_tail = &(*e->probes_tail)->next;
	for (struct elab_probe *p = e->probes; p; p = p->next) {
		int longs = 0, strings = 0, k = 0;
		for (struct symbol *s = p->entry_slots; s; s = s->next)
			longs += s->type != TYPE_STRING;
		for (struct symbol *s = p->entry_slots; s; s = s->next)
			s->entry_offset = s->type == TYPE_STRING
				? arena_printf(e->arena, "%d + %d * MAXSTRINGLEN", 8 * longs, strings++)
				: arena_printf(e->arena, "%d", 8 * k++);
		p->entry_size = p->entry_slots ? arena_printf(e->arena, "%d + %d * MAXSTRINGLEN",
							      8 * longs, strings) : NULL;
	}
}
