/* process.c - the life of processes and their system calls:
 * process.begin, .end, .thread.begin, .thread.end, .syscall and
 * .syscall.return, for every user process, or limited to one program
 * (process("PATH"), found as the uprobe family finds programs) or one
 * process (process(PID)).
 *
 * Variables: .syscall has $syscall (the number) and $arg1..$arg6 (the
 * arguments as the kernel received them, longs); .syscall.return has
 * $syscall and $return.  The others have none.
 *
 * Pass 3: the table runtime/probes/process.c reads (its comment says how
 * each event is caught and in which task each probe runs).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/registry.h"
#include "probes/uprobe.h"
#include "tvar.h"

#define EVENTS(prefix) \
	{ prefix "begin", 0 }, { prefix "end", 0 }, { prefix "thread.begin", 0 }, \
	{ prefix "thread.end", 0 }, { prefix "syscall", 0 }, { prefix "syscall.return", 0 }

static const struct pp_family_pattern patterns[] = {
	EVENTS("process."),
	EVENTS("process(string)."),
	EVENTS("process(number)."),
	{ NULL, 0 },
};

/* as runtime/probes/process.c numbers them */
enum proc_event { EV_BEGIN, EV_END, EV_THREAD_BEGIN, EV_THREAD_END, EV_SYSCALL, EV_SYSCALL_RETURN };

static const char *const event_c[] = {
	"STP_PROC_BEGIN", "STP_PROC_END", "STP_PROC_THREAD_BEGIN", "STP_PROC_THREAD_END",
	"STP_PROC_SYSCALL", "STP_PROC_SYSCALL_RETURN",
};

struct proc_data {
	enum proc_event event;
	const char *path;           /* NULL: any program */
	int64_t pid;                /* 0: any process */
};

static void resolve(struct pp_request *req)
{
	struct proc_data *d = arena_alloc(req->arena, sizeof(*d));
	const struct probe_point *pt = req->point;
	bool thread = false;
	int j = 0;
	for (const struct pp_comp *c = pt->comps; c; c = c->next, j++) {
		if (!strcmp(c->name, "thread"))
			thread = true;
		else if (!strcmp(c->name, "begin"))
			d->event = thread ? EV_THREAD_BEGIN : EV_BEGIN;
		else if (!strcmp(c->name, "end"))
			d->event = thread ? EV_THREAD_END : EV_END;
		else if (!strcmp(c->name, "syscall"))
			d->event = EV_SYSCALL;
		else if (!strcmp(c->name, "return"))
			d->event = EV_SYSCALL_RETURN;
	}
	const struct node *arg = req->args[0];
	if (arg && arg->kind == ND_NUM) {
		if (arg->u.num <= 0 || arg->u.num > 4194304) {
			pp_error(req, "process(%lld): not a process id", (long long)arg->u.num);
			return;
		}
		d->pid = arg->u.num;
	} else if (arg && arg->kind == ND_STR) {
		if (!*arg->u.str.s) {
			pp_error(req, "process(\"\"): name a program");
			return;
		}
		d->path = uprobe_program_path(req, arg->u.str.s);
		if (!d->path)
			return;
		pt = pp_with_string(req->arena, pt, 0, d->path);
	}
	pp_emit(req, pt, d);
}

static void list_vars(FILE *out, const struct elab_probe *p)
{
	const struct proc_data *d = p->data;
	if (d->event == EV_SYSCALL)
		fputs(" $syscall:long $arg1:long $arg2:long $arg3:long $arg4:long $arg5:long "
		      "$arg6:long", out);
	else if (d->event == EV_SYSCALL_RETURN)
		fputs(" $syscall:long $return:long", out);
}

static enum stap_type target_var(struct arena *a, const struct elab_probe *p, struct node *n,
				 const char **why)
{
	const struct proc_data *d = p->data;
	if (n->kind != ND_TARGET)
		return TYPE_UNKNOWN;
	const char *name = n->u.tgt.name;
	int slot = -1;
	char *end;
	if (d->event >= EV_SYSCALL && !strcmp(name, "$syscall"))
		slot = 0;
	else if (d->event == EV_SYSCALL_RETURN && !strcmp(name, "$return"))
		slot = 1;
	else if (d->event == EV_SYSCALL && !strncmp(name, "$arg", 4)) {
		long k = strtol(name + 4, &end, 10);
		if (name[4] && !*end && k >= 1 && k <= 6)
			slot = (int)k;
	}
	if (slot < 0) {
		*why = d->event == EV_SYSCALL
			? "process.syscall has $syscall and $arg1..$arg6"
			: d->event == EV_SYSCALL_RETURN
			? "process.syscall.return has $syscall and $return"
			: "process begin and end probes have no target variables";
		return TYPE_UNKNOWN;
	}
	if (n->u.tgt.comps || n->u.tgt.addr_of) {
		*why = arena_printf(a, "%s is a long: it has no members (use @cast)", name);
		return TYPE_UNKNOWN;
	}
	struct tv_access *acc = arena_alloc(a, sizeof(*acc));
	acc->base_c = arena_printf(a, "c->args[%d]", slot);
	n->u.tgt.access = acc;
	return TYPE_LONG;
}

static const char *emit(struct pp_table_req *e)
{
	fputs("static const struct stp_process_probe stp_process_probe[] = {\n", e->out);
	for (int k = 0; k < e->n; k++) {
		const struct proc_data *d = e->probes[k]->data;
		fprintf(e->out, "\t{ &stp_probes[%d], %s, %s, %lld },\n", e->index[k],
			event_c[d->event],
			d->path ? emit_cstr(e->arena, d->path, strlen(d->path)) : "NULL",
			(long long)d->pid);
	}
	fputs("};\n", e->out);
	return "stp_process_probe";
}

const struct probe_family probe_family_process = {
	.name = "process",
	.patterns = patterns,
	.target_vars = true,
	.resolve = resolve,
	.list_vars = list_vars,
	.target_var = target_var,
	.runtime = "probes/process.c",
	.ops = "_stp_process_ops",
	.emit = emit,
};
