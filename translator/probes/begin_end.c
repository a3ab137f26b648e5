/* begin_end.c - the session's own events: begin, end and error, each with
 * an optional (priority) number that orders probes of one kind (lower
 * first; default 0).
 *
 * begin runs once when the session starts, end when it ends in order,
 * error when it ends because of an error.  No $target variables.  Any
 * 64-bit priority is valid.  All allowed for unprivileged users.
 *
 * Pass 3: the table is runtime/probes/begin_end.c's struct stp_be_probe[],
 * sorted by (kind, priority), ties in script order: the runtime runs each
 * kind in table order.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/registry.h"

static const struct pp_family_pattern patterns[] = {
	{ "begin", PPF_UNPRIV },
	{ "begin(number)", PPF_UNPRIV },
	{ "end", PPF_UNPRIV },
	{ "end(number)", PPF_UNPRIV },
	{ "error", PPF_UNPRIV },
	{ "error(number)", PPF_UNPRIV },
	{ NULL, 0 },
};

static void resolve(struct pp_request *req)
{
	pp_emit(req, req->point, NULL);
}

struct be {
	int probe;          /* index in stp_probes[] */
	int kind;           /* 0 begin, 1 end, 2 error: the runtime's enum stp_be_kind */
	int64_t priority;
};

static int be_cmp(const void *a, const void *b)
{
	const struct be *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->probe - y->probe;
}

static const char *emit(struct pp_table_req *e)
{
	static const char *const kinds[] = { "STP_BEGIN", "STP_END", "STP_ERROR" };
	struct be *t = arena_alloc(e->arena, (size_t)e->n * sizeof(*t));
	for (int i = 0; i < e->n; i++) {
		const struct pp_comp *c = e->probes[i]->point->comps;
		t[i].probe = e->index[i];
		t[i].kind = strcmp(c->name, "begin") == 0 ? 0 : strcmp(c->name, "end") == 0 ? 1 : 2;
		t[i].priority = c->arg && c->arg->kind == ND_NUM ? c->arg->u.num : 0;
	}
	qsort(t, (size_t)e->n, sizeof(*t), be_cmp);
	fputs("static const struct stp_be_probe stp_be_probe[] = {\n", e->out);
	for (int k = 0; k < e->n; k++)
		fprintf(e->out, "\t{ &stp_probes[%d], %s, %s },\n", t[k].probe, kinds[t[k].kind],
			emit_num(e->arena, t[k].priority));
	fputs("};\n", e->out);
	return "stp_be_probe";
}

const struct probe_family probe_family_begin_end = {
	.name = "begin/end/error",
	.patterns = patterns,
	.target_vars = false,
	.resolve = resolve,
	.list_vars = NULL,
	.target_var = NULL,
	.runtime = "probes/begin_end.c",
	.ops = "_stp_begin_end_ops",
	.emit = emit,
};
