/* kprobe.c - kernel functions: kernel.function("PATTERN") and
 * module("M").function("PATTERN") typed from BTF, with their parameters
 * as $variables; kprobe.function("NAME") and kprobe.module("M")
 * .function("NAME"), by symbol with no type information; and
 * kernel.statement(ADDR).absolute / kprobe.statement(ADDR).absolute
 * (guru).  Each at entry (.call, or nothing) or return (.return,
 * .return.maxactive(N)).
 *
 * Which functions exist: BTF's out-of-line functions
 * (typeinfo/functions.c), `*` and `**` matching their names.  A pattern
 * with @FILE or @FILE:LINE, kernel/module(...).statement("F@FILE:LINE"),
 * .inline, and every function of a module that has DWARF but no BTF go
 * to the DWARF path instead (typeinfo/dwarf.c: the module's .ko built
 * with -g, or the distro's -dbg files; module("/path/m.ko") names a
 * module by its file): functions with their source lines, inlined
 * instances, and the locals in scope at the probe address; without
 * DWARF they are refused saying where it was looked for.
 * kprobe.function takes any symbol name (an assembly function, a compiler
 * clone such as finish_task_switch.isra.0): the kernel resolves it
 * when the module starts.  That is also what a kernel.function on a
 * function known only as a clone is told to use.
 *
 * Which functions a kprobe can take comes from the kernel's symbols
 * (typeinfo/ksyms.c: /proc on the running kernel, else the image's own
 * kallsyms tables): __init code, the kprobe blacklist and names with no
 * symbol are refused by name and skipped by a wildcard (-v counts them);
 * a wildcard also skips notrace functions, which a name may still ask
 * for.  Without symbol facts the kernel decides
 * at start: a wildcard's refused functions are skipped then.
 *
 * Target variables from DWARF: each variable where its location says at
 * the probe address (a register, the frame, a constant), but parameters
 * at a function's entry, which follow the calling convention below.
 *
 * Target variables (kernel.function only): each parameter as $NAME,
 * where the x86-64 calling convention puts it at entry (registers rdi,
 * rsi, rdx, rcx, r8, r9 in order, an argument of 9 to 16 bytes in two of
 * them, then the stack, each argument a multiple of 8 bytes, a struct
 * over 16 bytes always on the stack), with members, indexes and & as
 * tvar.h builds them; $return in .return probes; $$parms, $$vars
 * ($$parms: BTF knows no locals), $$locals (""), $$return and the pretty
 * forms.  In a .return probe a parameter is its value at entry: $x
 * there is @entry($x) (entry.c), as upstream does.
 *
 * Pass 3: the table runtime/probes/kprobe.c reads; a .return probe with
 * @entry values names its entry half's probe and the size of the values.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "elab_int.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/funcvars.h"
#include "probes/registry.h"
#include "session.h"
#include "tvar.h"
#include "typeinfo/typeinfo.h"

static const struct pp_family_pattern patterns[] = {
	{ "kernel.function(string)", 0 },
	{ "kernel.function(string).call", 0 },
	{ "kernel.function(string).return", 0 },
	{ "kernel.function(string).return.maxactive(number)", 0 },
	{ "kernel.function(string).exported", 0 },
	{ "kernel.function(string).inline", 0 },
	{ "module(string).function(string)", 0 },
	{ "module(string).function(string).call", 0 },
	{ "module(string).function(string).return", 0 },
	{ "module(string).function(string).return.maxactive(number)", 0 },
	{ "module(string).function(string).exported", 0 },
	{ "module(string).function(string).inline", 0 },
	{ "kprobe.function(string)", 0 },
	{ "kprobe.function(string).call", 0 },
	{ "kprobe.function(string).return", 0 },
	{ "kprobe.function(string).return.maxactive(number)", 0 },
	{ "kprobe.module(string).function(string)", 0 },
	{ "kprobe.module(string).function(string).call", 0 },
	{ "kprobe.module(string).function(string).return", 0 },
	{ "kprobe.module(string).function(string).return.maxactive(number)", 0 },
	{ "kprobe.statement(number).absolute", 0 },
	{ "kernel.statement(number).absolute", 0 },
	{ "kernel.statement(string)", 0 },
	{ "module(string).statement(string)", 0 },
	{ NULL, 0 },
};

enum kp_form {
	KP_FUNCTION,    /* kernel.function, module().function: typed from BTF */
	KP_SYMBOL,      /* kprobe.function, kprobe.module().function */
	KP_ABSOLUTE,    /* *.statement(ADDR).absolute */
};

/* What a probe resolved to: the elab_probe's data. */
struct kp_data {
	enum kp_form form;
	const char *module;          /* NULL: vmlinux */
	const char *name;            /* the function (symbol) */
	uint64_t addr;               /* KP_ABSOLUTE */
	bool ret;                    /* at return */
	int64_t maxactive;           /* 0: the kernel's default */
	bool optional;               /* from a wildcard or a `?` point */
	const struct ti_function *fn;   /* KP_FUNCTION */
	const struct ti_dw_site *site;  /* KP_FUNCTION from DWARF: the variables
					   there; addr is its offset in the function */
};

/* ---- the point ---- */

/* What the concrete point says, component by component. */
struct kp_point {
	enum kp_form form;
	int fn_arg;                  /* component with the function name, or -1 */
	int module_arg;              /* component with the module name, or -1 */
	bool ret, call, exported, inline_, absolute, statement;
	int64_t maxactive;
};

static void read_point(const struct pp_request *req, struct kp_point *kp)
{
	memset(kp, 0, sizeof(*kp));
	kp->fn_arg = kp->module_arg = -1;
	int j = 0;
	for (const struct pp_comp *c = req->point->comps; c; c = c->next, j++) {
		if (j == 0)
			kp->form = strcmp(c->name, "kprobe") == 0 ? KP_SYMBOL : KP_FUNCTION;
		if (strcmp(c->name, "function") == 0)
			kp->fn_arg = j;
		else if (strcmp(c->name, "module") == 0 && c->arg)
			kp->module_arg = j;
		else if (strcmp(c->name, "return") == 0)
			kp->ret = true;
		else if (strcmp(c->name, "maxactive") == 0)
			kp->maxactive = pp_num_arg(req, j);
		else if (strcmp(c->name, "exported") == 0)
			kp->exported = true;
		else if (strcmp(c->name, "inline") == 0)
			kp->inline_ = true;
		else if (strcmp(c->name, "call") == 0)
			kp->call = true;
		else if (strcmp(c->name, "absolute") == 0)
			kp->absolute = true;
		else if (strcmp(c->name, "statement") == 0 && c->arg) {
			kp->statement = true;
			kp->fn_arg = j;
		}
	}
	if (kp->absolute)
		kp->form = KP_ABSOLUTE;
}

static const char *str_arg(const struct pp_request *req, int j)
{
	return j >= 0 && req->args[j] && req->args[j]->kind == ND_STR ? req->args[j]->u.str.s
									: NULL;
}

/* ---- resolution ---- */

static struct kp_data *data_for(struct pp_request *req, const struct kp_point *kp,
				const char *module, const char *name)
{
	struct kp_data *d = arena_alloc(req->arena, sizeof(*d));
	d->form = kp->form;
	/* as the kernel names modules: nf-conntrack is nf_conntrack */
	char *m = module ? arena_strdup(req->arena, module) : NULL;
	for (char *c = m; c && *c; c++)
		if (*c == '-')
			*c = '_';
	d->module = m;
	d->name = name;
	d->ret = kp->ret;
	d->maxactive = kp->maxactive;
	d->optional = req->point->optional;
	return d;
}

/* Why a function cannot be probed, in words. */
static const char *refusal(struct arena *a, enum ti_fn_status st, const char *detail)
{
	switch (st) {
	case TI_FN_NO_SYMBOL:
		return "the kernel has no such symbol (inlined everywhere, or not built in)";
	case TI_FN_CLONE_ONLY:
		return arena_printf(a, "the compiler left only clones of it (%s), whose arguments "
				    "need not match its prototype: probe one by name with "
				    "kprobe.function", detail ? detail : "NAME.isra.0 ...");
	case TI_FN_INIT:
		return "it is __init code, freed after boot";
	case TI_FN_BLACKLISTED:
		return "the kernel forbids kprobes there (its kprobe blacklist)";
	case TI_FN_NOTRACE:
		return "it is not traceable (notrace): probing it could recurse into the probe "
		       "machinery";
	case TI_FN_PROBEABLE: case TI_FN_UNKNOWN:
		break;
	}
	return "unknown";
}

static void resolve_absolute(struct pp_request *req, const struct kp_point *kp)
{
	if (!req->sess->guru) {
		pp_error(req, "probes on absolute addresses need guru mode (-g)");
		return;
	}
	int64_t addr = req->args[1] ? req->args[1]->u.num : 0;
	if (!addr) {
		pp_error(req, "no address given");
		return;
	}
	struct kp_data *d = data_for(req, kp, NULL, NULL);
	d->addr = (uint64_t)addr;
	pp_emit(req, req->point, d);
}

/* kprobe.function("NAME"): the kernel looks the symbol up at start. */
static void resolve_symbol(struct pp_request *req, const struct kp_point *kp, const char *module,
			   const char *name)
{
	if (!*name || strpbrk(name, "*?[")) {
		pp_error(req, "kprobe.function takes one symbol name, not a pattern: "
			 "use kernel.function(\"%s\") for a wildcard", name);
		return;
	}
	/* Only what the kernel would refuse for certain: a notrace
	 * function takes an int3 kprobe. */
	const char *detail = NULL;
	enum ti_fn_status st = ti_function_status(req->ti, module, name, &detail);
	if (st == TI_FN_NO_SYMBOL || st == TI_FN_CLONE_ONLY || st == TI_FN_INIT ||
	    st == TI_FN_BLACKLISTED) {
		pp_error(req, "cannot probe %s%s%s: %s", module ? module : "", module ? ":" : "",
			 name, refusal(req->arena, st, detail));
		return;
	}
	pp_emit(req, req->point, data_for(req, kp, module, name));
}

static void resolve_function(struct pp_request *req, const struct kp_point *kp,
			     const char *module, const char *pattern)
{
	const char *what = module ? arena_printf(req->arena, "module(\"%s\").function", module)
				  : "kernel.function";
	if (strchr(pattern, '@')) {
		pp_error(req, "%s(\"%s\"): @file and @file:line need the kernel's DWARF debug "
			 "information, which is not installed (BTF has no source files or line "
			 "numbers): name the function alone", what, pattern);
		return;
	}
	if (kp->inline_) {
		pp_error(req, "%s(\"%s\").inline: inlined instances need the kernel's DWARF debug "
			 "information, which is not installed (BTF lists only out-of-line "
			 "functions)", what, pattern);
		return;
	}
	const char *why = NULL;
	int n;
	const struct ti_function *fns = ti_functions(req->ti, module, &n, &why);
	if (!n) {
		pp_error(req, "%s: no functions known: %s", what, why ? why : "no BTF");
		return;
	}
	bool wild = strpbrk(pattern, "*?") != NULL;
	int found = 0, not_exported = 0, first = 0, end = n;
	if (!wild) {
		/* one name: no scan (a script may name hundreds) */
		const struct ti_function *fn = ti_function(req->ti, module, pattern);
		first = fn ? (int)(fn - fns) : 0;
		end = fn ? first + 1 : 0;
	}
	int skipped[TI_FN_NOTRACE + 1] = { 0 };
	const char *refused = NULL;
	for (int i = first; i < end; i++) {
		const struct ti_function *fn = &fns[i];
		if (wild && !pp_glob(pattern, fn->name))
			continue;
		const char *detail = NULL;
		enum ti_fn_status st = ti_function_status(req->ti, module, fn->name, &detail);
		/* A notrace function takes an int3 kprobe: named, it is the
		 * user's call; a wildcard leaves those out (the ones the probe
		 * machinery itself runs are among them). */
		if (st != TI_FN_PROBEABLE && st != TI_FN_UNKNOWN && (wild || st != TI_FN_NOTRACE)) {
			/* a wildcard takes what it can; a name asks for this one */
			skipped[st]++;
			if (!wild)
				refused = refusal(req->arena, st, detail);
			continue;
		}
		if (kp->exported) {
			const char *no_symvers = NULL;
			if (!ti_function_exported(req->ti, module, fn->name, &no_symvers)) {
				if (no_symvers) {
					pp_error(req, ".exported: %s", no_symvers);
					return;
				}
				not_exported++;
				continue;
			}
		}
		found++;
		struct kp_data *d = data_for(req, kp, module, fn->name);
		d->fn = fn;
		d->optional |= wild;
		pp_emit(req, wild ? pp_with_string(req->arena, req->point, kp->fn_arg, fn->name)
				  : req->point, d);
	}
	int nskipped = 0;
	for (int k = 0; k <= TI_FN_NOTRACE; k++)
		nskipped += skipped[k];
	if (nskipped && wild && !req->quiet && req->sess->verbose[1] > 0)
		fprintf(stderr, "%s(\"%s\"): %d functions cannot be probed: %d __init, %d "
			"blacklisted, %d notrace, %d without a symbol\n", what, pattern, nskipped,
			skipped[TI_FN_INIT], skipped[TI_FN_BLACKLISTED], skipped[TI_FN_NOTRACE],
			skipped[TI_FN_NO_SYMBOL] + skipped[TI_FN_CLONE_ONLY]);
	if (found)
		return;
	if (refused) {
		pp_error(req, "%s(\"%s\") cannot be probed: %s", what, pattern, refused);
		return;
	}
	if (not_exported) {
		pp_no_match(req, "%s(\"%s\").exported: %s", what, pattern,
			    wild ? "none of the matching functions is exported"
				 : "the function is not exported");
		return;
	}
	if (!wild && !req->quiet) {
		const char *detail = NULL;
		enum ti_fn_status st = ti_function_status(req->ti, module, pattern, &detail);
		if (st == TI_FN_CLONE_ONLY || st == TI_FN_BLACKLISTED || st == TI_FN_INIT) {
			pp_error(req, "%s(\"%s\") cannot be probed: %s", what, pattern,
				 refusal(req->arena, st, detail));
			return;
		}
		if (st == TI_FN_PROBEABLE || st == TI_FN_NOTRACE) {
			pp_no_match(req, "%s(\"%s\"): the kernel has this symbol but its BTF "
				    "describes no such function (assembly?): probe it with "
				    "kprobe.function(\"%s\")", what, pattern, pattern);
			return;
		}
	}
	int near = -1, near_dist = 0;
	for (int i = 0; !wild && !req->quiet && i < n; i++) {
		int dist = elab_distance(pattern, fns[i].name);
		if (near < 0 || dist < near_dist) {
			near = i;
			near_dist = dist;
		}
	}
	bool close = near >= 0 && near_dist <= (int)strlen(pattern) / 3 + 1;
	pp_no_match(req, "no function matches %s(\"%s\") in the %s's BTF%s%s%s", what, pattern,
		    module ? "module" : "kernel", close ? " (did you mean '" : "",
		    close ? fns[near].name : "", close ? "'?)" : "");
}

/* ---- from DWARF ---- */

/* kernel.function("F@FILE[:LINE]"), kernel.statement("F@FILE:LINE"), and
 * the same for a module; any function of a module that only DWARF
 * describes (one given by path without BTF).  .function probes each
 * matching function at its entry (with :LINE, each function that has
 * code on that line); .statement probes the line itself, with the
 * locals in scope there. */
static void resolve_dwarf(struct pp_request *req, const struct kp_point *kp, const char *module,
			  const char *pattern)
{
	const char *what = arena_printf(req->arena, "%s.%s", module
					? arena_printf(req->arena, "module(\"%s\")", module) : "kernel",
					kp->statement ? "statement" : "function");
	const char *fn_pat, *file_pat, *why = NULL;
	int line;
	if (!pp_split_function(req, what, pattern, &fn_pat, &file_pat, &line))
		return;
	if (kp->statement && !line) {
		pp_error(req, "%s(\"%s\"): name the line, FUNCTION@FILE:LINE", what, pattern);
		return;
	}
	int n;
	const struct ti_dw_function *fns = ti_dwarf_functions(req->ti, module, &n, &why);
	if (!n) {
		pp_error(req, "%s(\"%s\"): source files, lines and locals need DWARF debug "
			 "information: %s", what, pattern, why ? why : "none found");
		return;
	}
	bool wild = strpbrk(fn_pat, "*?[") || (file_pat && strpbrk(file_pat, "*?["));
	int found = 0, skipped = 0;
	const char *last_why = NULL;
	int inlined_only = 0;
	for (int i = 0; i < n; i++) {
		const struct ti_dw_function *f = &fns[i];
		if (!pp_glob(fn_pat, f->name) || (file_pat && !ti_file_matches(file_pat, f->file)))
			continue;
		/* .function is both, .call the out-of-line code, .inline the
		 * inlined instances; a return or a line needs out-of-line code */
		if (f->inlined ? kp->call || kp->ret || kp->statement : kp->inline_) {
			inlined_only += f->inlined;
			continue;
		}
		const char *detail = NULL;
		enum ti_fn_status st = ti_function_status(req->ti, module, f->symbol, &detail);
		if (st != TI_FN_PROBEABLE && st != TI_FN_UNKNOWN && st != TI_FN_CLONE_ONLY &&
		    (wild || st != TI_FN_NOTRACE)) {
			skipped++;
			last_why = arena_printf(req->arena, "%s cannot be probed: %s", f->symbol,
						refusal(req->arena, st, detail));
			continue;
		}
		struct ti_dw_site *site = arena_alloc(req->arena, sizeof(*site));
		if (!ti_dwarf_site(req->ti, module, f, kp->statement ? line : 0, site, &why)) {
			last_why = why;
			continue;
		}
		/* .function("F@FILE:LINE"): the functions with code on that line */
		struct ti_dw_site at_line;
		if (line && !kp->statement &&
		    !ti_dwarf_site(req->ti, module, f, line, &at_line, &why)) {
			last_why = why;
			continue;
		}
		found++;
		struct kp_data *d = data_for(req, kp, module, f->symbol);
		d->fn = &site->fn;
		d->site = site;
		d->addr = site->offset;
		d->optional |= wild;
		const char *where = arena_printf(req->arena, "%s@%s:%d", f->name, site->file,
						 site->line);
		pp_emit(req, wild ? pp_with_string(req->arena, req->point, kp->fn_arg, where)
				  : req->point, d);
	}
	if (skipped && wild && !req->quiet && req->sess->verbose[1] > 0)
		fprintf(stderr, "%s(\"%s\"): %d functions cannot be probed\n", what, pattern,
			skipped);
	if (found)
		return;
	if (last_why && !wild) {
		pp_error(req, "%s(\"%s\"): %s", what, pattern, last_why);
		return;
	}
	if (inlined_only && !last_why)
		last_why = kp->ret ? "only inlined instances match, and they have no return"
				   : "only inlined instances match";
	pp_no_match(req, "no function matches %s(\"%s\") in %s%s%s", what, pattern,
		    ti_dwarf_path(req->ti, module, NULL), last_why ? ": " : "",
		    last_why ? last_why : "");
}

/* Whether a module's functions come from its DWARF: when it has no BTF
 * (an out-of-tree module built without pahole) but has DWARF. */
static bool module_needs_dwarf(struct pp_request *req, const char *module)
{
	int n;
	if (!module)
		return false;
	ti_functions(req->ti, module, &n, NULL);
	return !n && ti_dwarf_path(req->ti, module, NULL);
}

static void resolve(struct pp_request *req)
{
	struct kp_point kp;
	read_point(req, &kp);
	if (kp.form == KP_ABSOLUTE) {
		resolve_absolute(req, &kp);
		return;
	}
	if (kp.maxactive < 0 || kp.maxactive > 4096) {
		pp_error(req, ".maxactive(%lld): between 0 and 4096", (long long)kp.maxactive);
		return;
	}
	const char *module = str_arg(req, kp.module_arg);
	const char *name = str_arg(req, kp.fn_arg);
	if (!name)
		return;
	if (module && strchr(module, '/')) {
		const char *why = NULL;
		const char *path = module;
		module = ti_module_from_path(req->ti, path, &why);
		if (!module) {
			pp_error(req, "module(\"%s\"): %s", path, why);
			return;
		}
	} else if (module && (!*module || strpbrk(module, "*?"))) {
		pp_error(req, "module(\"%s\"): name one module, as lsmod shows it, or its "
			 ".ko file by path", module);
		return;
	}
	if (kp.form == KP_SYMBOL)
		resolve_symbol(req, &kp, module, name);
	else if (kp.statement || strchr(name, '@') || module_needs_dwarf(req, module) ||
		 (kp.inline_ && ti_dwarf_path(req->ti, module, NULL)))
		resolve_dwarf(req, &kp, module, name);
	else
		resolve_function(req, &kp, module, name);
}

static struct fv_func fv_of(const struct kp_data *d)
{
	return (struct fv_func){ d->fn, d->site, d->ret, false };
}

static void list_vars(FILE *out, const struct elab_probe *p)
{
	const struct kp_data *d = p->data;
	if (!d->fn)
		return;
	struct fv_func f = fv_of(d);
	fv_list_vars(out, &f);
}

static enum stap_type target_var(struct arena *a, const struct elab_probe *p, struct node *n,
				 const char **why)
{
	const struct kp_data *d = p->data;
	if (n->kind != ND_TARGET)
		return TYPE_UNKNOWN;
	if (!d->fn) {
		const char *name = n->u.tgt.name;
		bool members = n->u.tgt.comps && !(tv_is_pretty(n) && !n->u.tgt.comps->next);
		if (d->ret && strcmp(name, "$return") == 0 && !members && !n->u.tgt.addr_of) {
			struct tv_access *acc = arena_alloc(a, sizeof(*acc));
			acc->base_c = "(int64_t)regs_return_value(c->regs)";
			n->u.tgt.access = acc;
			return TYPE_LONG;
		}
		*why = d->form == KP_SYMBOL
			? "kprobe probes have no target variables but $return (use "
			  "kernel.function for parameters, or int_arg(N), pointer_arg(N) ...)"
			: "statement probes have no target variables";
		return TYPE_UNKNOWN;
	}
	struct fv_func f = fv_of(d);
	return fv_target_var(a, &f, n, why);
}

static void *entry_half(struct arena *a, const struct elab_probe *p, const char **why)
{
	const struct kp_data *d = p->data;
	if (!d->ret) {
		*why = "@entry is only valid in a .return probe";
		return NULL;
	}
	struct kp_data *h = arena_alloc(a, sizeof(*h));
	*h = *d;
	h->ret = false;
	return h;
}

/* ---- pass 3 ---- */

static const char *emit(struct pp_table_req *e)
{
	fputs("static const struct stp_kprobe_probe stp_kprobe_probe[] = {\n", e->out);
	e->entries = 0;
	for (int k = 0; k < e->n; k++) {
		const struct elab_probe *p = e->probes[k];
		const struct kp_data *d = p->data;
		if (p->entry_of)
			continue;      /* an entry half runs from its .return probe's entry */
		const char *sym = d->form == KP_ABSOLUTE ? NULL
			: d->module ? arena_printf(e->arena, "%s:%s", d->module, d->name) : d->name;
		int half = pp_table_probe_and_half(e, k);
		fprintf(e->out, "%s, %s, %#llxul, %s, %s, %lld, %s },\n",
			sym ? emit_cstr(e->arena, sym, strlen(sym)) : "NULL",
			d->module ? emit_cstr(e->arena, d->module, strlen(d->module)) : "NULL",
			(unsigned long long)d->addr, d->ret ? "true" : "false",
			d->optional ? "true" : "false", (long long)d->maxactive,
			half >= 0 && p->entry_size ? p->entry_size : "0");
		e->entries++;
	}
	fputs("};\n", e->out);
	return "stp_kprobe_probe";
}

const struct probe_family probe_family_kprobe = {
	.name = "kprobe",
	.patterns = patterns,
	.target_vars = true,
	.resolve = resolve,
	.list_vars = list_vars,
	.target_var = target_var,
	.entry_half = entry_half,
	.runtime = "probes/kprobe.c",
	.ops = "_stp_kprobe_ops",
	.emit = emit,
};
