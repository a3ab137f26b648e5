/* procfs.c - files under /proc/systemtap/MODULE/ that a script serves:
 * procfs("PATH").read and .write (PATH "command" when left out), with
 * .umask(UMASK) before read/write and .maxsize(N) after read.
 *
 * A read probe fills $value, with = and .= (up to maxsize bytes, by
 * default STP_PROCFS_BUFSIZE, which is MAXSTRINGLEN): what a reader of the
 * file gets.  A write probe sees in $value what was written (a write
 * larger than MAXSTRINGLEN-1 bytes runs the probe once per piece).  A
 * file's mode is 0444 for a read probe and 0222 for a write probe, less
 * the umask (default 0066: 0400, 0200, 0600 for both); one file has at
 * most one read probe (a second is refused at pass 3) and any number of
 * write probes, run in script order on each piece written.  PATH is relative, without "." or
 * ".." components; its directories are made as needed.
 *
 * $value reads through the tapset function __procfs_value(); = and .= on
 * it become __procfs_value_set() and __procfs_value_append()
 * (tapsets/procfs.stp), which work on the hit's buffer (runtime/probes/
 * procfs.c, struct stp_procfs_io in the context).
 *
 * Pass 3: the table is runtime/probes/procfs.c's struct stp_procfs_probe[],
 * one { probe, path, write, umask, maxsize } per probe.
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

#define DEFAULT_UMASK 0066

static const struct pp_family_pattern patterns[] = {
	{ "procfs.read", 0 },
	{ "procfs.read.maxsize(number)", 0 },
	{ "procfs.write", 0 },
	{ "procfs.umask(number).read", 0 },
	{ "procfs.umask(number).read.maxsize(number)", 0 },
	{ "procfs.umask(number).write", 0 },
	{ "procfs(string).read", 0 },
	{ "procfs(string).read.maxsize(number)", 0 },
	{ "procfs(string).write", 0 },
	{ "procfs(string).umask(number).read", 0 },
	{ "procfs(string).umask(number).read.maxsize(number)", 0 },
	{ "procfs(string).umask(number).write", 0 },
	{ NULL, 0 },
};

struct procfs_data {
	const char *path;       /* relative to /proc/systemtap/MODULE */
	bool write;
	int64_t umask;
	int64_t maxsize;        /* read: buffer bytes; 0: STP_PROCFS_BUFSIZE */
};

/* Why path cannot name a file, or NULL. */
static const char *bad_path(const char *path, bool from_tapset)
{
	if (!*path)
		return "an empty path";
	if (path[0] == '/')
		return "an absolute path";
	if (strcmp(path, "__stdin") == 0 && !from_tapset)
		return "a name kept for the input probes";
	for (const char *p = path; *p; ) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return "an empty, \".\" or \"..\" component";
		p += n + (end ? 1 : 0);
		if (end && !*p)
			return "a trailing '/'";
	}
	return NULL;
}

static void resolve(struct pp_request *req)
{
	struct procfs_data *d = arena_alloc(req->arena, sizeof(*d));
	memset(d, 0, sizeof(*d));
	d->path = "command";
	d->umask = DEFAULT_UMASK;
	bool sized = false;
	for (const struct pp_comp *c = req->point->comps; c; c = c->next) {
		if (strcmp(c->name, "procfs") == 0 && c->arg)
			d->path = c->arg->u.str.s;
		else if (strcmp(c->name, "umask") == 0)
			d->umask = c->arg->u.num;
		else if (strcmp(c->name, "write") == 0)
			d->write = true;
		else if (strcmp(c->name, "maxsize") == 0) {
			d->maxsize = c->arg->u.num;
			sized = true;
		}
	}
	const char *why = bad_path(d->path, elab_in_tapset(&req->point->pos));
	if (why) {
		pp_error(req, "procfs path \"%s\": %s", d->path, why);
		return;
	}
	if (d->umask < 0 || d->umask > 0777) {
		pp_error(req, "procfs umask %#llo: expected 0 to 0777", (unsigned long long)d->umask);
		return;
	}
	if (sized && (d->maxsize < 1 || d->maxsize > 1 << 24)) {
		pp_error(req, "procfs maxsize %lld: expected 1 to %d bytes", (long long)d->maxsize,
			 1 << 24);
		return;
	}
	pp_emit(req, req->point, d);
}

static void list_vars(FILE *out, const struct elab_probe *p)
{
	(void)p;
	fputs(" $value:string", out);
}

/* $value: the buffer a read probe fills, or what a writer wrote. */
static enum stap_type target_var(struct arena *a, const struct elab_probe *p, struct node *n,
				 const char **why)
{
	(void)p;
	if (strcmp(n->u.tgt.name, "$value") != 0 || n->u.tgt.comps || n->u.tgt.addr_of) {
		*why = "a procfs probe has only $value, a string";
		return TYPE_UNKNOWN;
	}
	struct node *call = ast_node_new(a, ND_CALL, &n->pos);
	call->u.call.name = "__procfs_value";
	n->u.tgt.expansion = call;
	return TYPE_STRING;
}

/* $value = s and $value .= s in a read probe. */
static struct node *target_assign(struct arena *a, const struct elab_probe *p,
				  struct node *assign, const char **why)
{
	const struct procfs_data *d = p->data;
	const struct node *lhs = assign->u.bin.lhs;
	if (strcmp(lhs->u.tgt.name, "$value") != 0 || lhs->u.tgt.comps) {
		*why = "a procfs probe has only $value, a string";
		return NULL;
	}
	if (d->write) {
		*why = "$value of a procfs write probe is what was written: it cannot be set";
		return NULL;
	}
	if (assign->op != OP_ASSIGN && assign->op != OP_CAT_ASSIGN) {
		*why = "$value takes = and .= only";
		return NULL;
	}
	struct node *call = ast_node_new(a, ND_CALL, &assign->pos);
	call->u.call.name = assign->op == OP_ASSIGN ? "__procfs_value_set"
						     : "__procfs_value_append";
	call->u.call.args = assign->u.bin.rhs;
	call->u.call.nargs = 1;
	call->next = assign->next;
	return call;
}

/* One reader's text per file: a second read probe on a path is refused
 * (write probes may be several: each runs on what is written). */
static bool two_readers(struct pp_table_req *e)
{
	for (int i = 0; i < e->n; i++)
		for (int k = 0; k < i; k++) {
			const struct procfs_data *a = e->probes[i]->data, *b = e->probes[k]->data;
			if (!a->write && !b->write && strcmp(a->path, b->path) == 0) {
				diag_error(D_SEM_PROBE_BAD_PARAM, &e->probes[i]->point->pos,
					   "procfs file \"%s\" has a read probe already", a->path);
				return true;
			}
		}
	return false;
}

static const char *emit(struct pp_table_req *e)
{
	if (two_readers(e))
		return NULL;
	fputs("static const struct stp_procfs_probe stp_procfs_probe[] = {\n", e->out);
	for (int i = 0; i < e->n; i++) {
		const struct procfs_data *d = e->probes[i]->data;
		fprintf(e->out, "\t{ &stp_probes[%d], %s, %s, 0%llo, %s },\n", e->index[i],
			emit_cstr(e->arena, d->path, strlen(d->path)), d->write ? "true" : "false",
			(unsigned long long)d->umask, emit_num(e->arena, d->maxsize));
	}
	fputs("};\n", e->out);
	return "stp_procfs_probe";
}

const struct probe_family probe_family_procfs = {
	.name = "procfs",
	.patterns = patterns,
	.target_vars = true,
	.resolve = resolve,
	.list_vars = list_vars,
	.target_var = target_var,
	.target_assign = target_assign,
	.runtime = "probes/procfs.c",
	.ops = "_stp_procfs_ops",
	.emit = emit,
};
