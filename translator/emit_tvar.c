/* emit_tvar.c - pass 3: target variables and @cast, lowered from their
 * access paths (tvar.h) to safe kernel reads.
 *
 * Every path becomes statements on one long temporary: the base value,
 * then each step in order.  A load is _stp_tv_load(), which reads with
 * copy_from_kernel_nofault and turns a fault into the script error
 * "kernel read fault at 0x... (addr)" near the variable (a program's
 * variable: _stp_tv_load_user(), from the probed task's memory, "user
 * read fault ..."): the body then
 * jumps to its error label like any other error, so a bad pointer chain
 * ends the probe hit (or reaches the script's catch), never an oops.
 */
#include "config.h"

#include <inttypes.h>

#include "arena.h"
#include "emit_int.h"
#include "tvar.h"

struct val emit_tvar(struct emit *E, const struct node *n)
{
	const struct tv_access *acc = n->u.tgt.access;
	if (!acc) {
		emit_unsupported(E, n, "a target variable without type information");
		return (struct val){ .c = "0", .constant = true };
	}
	if (acc->str_c)
		return (struct val){ .c = acc->str_c, .constant = true };
	const char *cur = emit_tmp(E, TMP_LONG);
	if (acc->base_c) {
		emit_line(E, "%s = (int64_t)(%s);", cur, acc->base_c);
	} else {
		struct val base = emit_expr(E, n->u.tgt.base);
		emit_line(E, "%s = %s;", cur, base.c);
	}
	const char *loc = NULL;
	for (const struct tv_step *s = acc->steps; s; s = s->next) {
		switch (s->kind) {
		case TV_ADD:
			emit_line(E, "%s += %s;", cur, emit_num(E->arena, s->n));
			break;
		case TV_INDEX: {
			struct val i = emit_expr(E, *s->index);
			emit_line(E, "%s += (int64_t)((uint64_t)(%s) * %" PRId64 "u);", cur, i.c, s->n);
			break;
		}
		case TV_LOAD:
			if (!loc)
				loc = emit_loc(E, n);
			E->body->label_used[E->body->err_label] = true;
			emit_line(E, "if (unlikely(_stp_tv_load%s(c, &%s, (unsigned long)%s, %d, %s, %s)))",
				  acc->user ? "_user" : "", cur, cur, (int)s->n, s->sign ? "true" : "false", loc);
			emit_line(E, "\tgoto %s;", emit_label_name(E, E->body->err_label));
			break;
		case TV_BITS: {
			uint64_t mask = s->width >= 64 ? ~0ull : (1ull << s->width) - 1;
			emit_line(E, "%s = (int64_t)(((uint64_t)%s >> %d) & 0x%" PRIx64 "ull);", cur,
				  cur, (int)s->n, mask);
			if (s->sign && s->width < 64)
				emit_line(E, "%s = (int64_t)((uint64_t)%s << %u) >> %u;", cur, cur,
					  64 - s->width, 64 - s->width);
			break;
		}
		}
	}
	return (struct val){ .c = cur };
}
