/* hwbkpt.c - hardware watchpoints on kernel data:
 * kernel.data(ADDRESS).write / .rw, kernel.data(ADDRESS).length(N).write
 * / .rw, kernel.data("SYMBOL").write / .rw (and .length(N) with a symbol
 * too), as upstream.
 *
 * A symbol's address is the running kernel's (KASLR): the module lists the
 * name in its ksym table and staprun answers from /proc/kallsyms at load
 * time, as for @var.  A length is rounded up to one the debug registers
 * take (1, 2, 4 or 8 bytes on x86-64); more is an error.  x86 has four
 * debug registers: a fifth watchpoint is a warning here and a failed
 * start there.  The runtime (runtime/probes/hwbkpt.c) registers each on
 * every CPU with register_wide_hw_breakpoint; a machine without debug
 * registers fails the start with the kernel's error.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "elab_int.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/registry.h"

static const struct pp_family_pattern patterns[] = {
	{ "kernel.data(number).write", 0 },
	{ "kernel.data(number).rw", 0 },
	{ "kernel.data(number).length(number).write", 0 },
	{ "kernel.data(number).length(number).rw", 0 },
	{ "kernel.data(string).write", 0 },
	{ "kernel.data(string).rw", 0 },
	{ "kernel.data(string).length(number).write", 0 },
	{ "kernel.data(string).length(number).rw", 0 },
	{ NULL, 0 },
};

#define DEBUG_REGISTERS 4

/* What a watchpoint resolved to: the elab_probe's data. */
struct hwbkpt_data {
	uint64_t addr;          /* the address given, or 0 with a symbol */
	int ksym;               /* the symbol's index in the ksym table, or -1 */
	int len;                /* 1, 2, 4 or 8 */
	bool rw;                /* reads too, not only writes */
};

static void resolve(struct pp_request *req)
{
	struct hwbkpt_data *d = arena_alloc(req->arena, sizeof(*d));
	const struct node *where = req->args[1];
	int last = req->point->ncomps - 1;
	const struct pp_comp *c = req->point->comps;
	for (int i = 0; i < last; i++)
		c = c->next;
	d->rw = strcmp(c->name, "rw") == 0;
	d->ksym = -1;
	d->len = 1;
	if (req->point->ncomps == 4) {
		int64_t len = pp_num_arg(req, 2);
		if (len <= 0 || len > 8) {
			pp_error(req, "watchpoint length %lld: this machine watches 1, 2, 4 or 8 bytes",
				 (long long)len);
			return;
		}
		d->len = len <= 1 ? 1 : len <= 2 ? 2 : len <= 4 ? 4 : 8;
	}
	if (where->kind == ND_NUM) {
		d->addr = (uint64_t)where->u.num;
		if (d->addr % (uint64_t)d->len) {
			pp_error(req, "watchpoint address 0x%llx is not aligned to its length %d",
				 (unsigned long long)d->addr, d->len);
			return;
		}
	} else {
		const char *sym = where->u.str.s;
		if (!*sym || strspn(sym, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_.") != strlen(sym)) {
			pp_error(req, "\"%s\" is not a kernel symbol name", sym);
			return;
		}
		if (!req->listing)
			d->ksym = elab_ksym(req->elab, sym);
	}
	pp_emit(req, req->point, d);
}

static const char *emit(struct pp_table_req *e)
{
	if (e->n > DEBUG_REGISTERS)
		diag_warning(D_SEM_PROBE_BAD_PARAM, &e->probes[DEBUG_REGISTERS]->point->pos,
			     "%d hardware watchpoints: this machine has %d debug registers, "
			     "so the session will fail to start", e->n, DEBUG_REGISTERS);
	fputs("static struct perf_event * __percpu *stp_hwbkpt_event[", e->out);
	fprintf(e->out, "%d];\n\n", e->n);
	fputs("static const struct stp_hwbkpt_probe stp_hwbkpt_probe[] = {\n", e->out);
	for (int i = 0; i < e->n; i++) {
		const struct hwbkpt_data *d = e->probes[i]->data;
		fprintf(e->out, "\t{ &stp_probes[%d], &stp_hwbkpt_event[%d], 0x%llxUL, ",
			e->index[i], i, (unsigned long long)d->addr);
		if (d->ksym >= 0)
			fprintf(e->out, "&_stp_ksym[%d], ", d->ksym);
		else
			fputs("NULL, ", e->out);
		fprintf(e->out, "%d, %s },\n", d->len, d->rw ? "true" : "false");
	}
	fputs("};\n", e->out);
	return "stp_hwbkpt_probe";
}

const struct probe_family probe_family_hwbkpt = {
	.name = "kernel.data",
	.patterns = patterns,
	.resolve = resolve,
	.runtime = "probes/hwbkpt.c",
	.ops = "_stp_hwbkpt_ops",
	.emit = emit,
};
