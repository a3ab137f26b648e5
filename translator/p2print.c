/* p2print.c - `stap -p2`: the elaborated program, as upstream prints it.
 *
 *   # global embedded code
 *   %{ C %}                        top-level blocks of the files used
 *   # globals
 *   name:type                      a scalar (name[N], name% or name%[N]
 *                                  for a sized or wrapping array)
 *   name:type [keytype, keytype]   an array (type of its values)
 *   # functions
 *   name:type (param:type, ...)    reachable ones, sorted (unknown: no value)
 *     # locals                     with their locals
 *   # probes
 *   POINT [if (COND)] /\* <- ALIAS = POINTS <- ... <- USER POINTS *\/
 *     # locals
 *     name:type
 *
 * With -vv (pass-2 verbosity 2) each probe and function body follows,
 * as elaborated and optimized.  A section with nothing in it is left out; so is "# locals" of a probe
 * without locals.  The order is stable: globals as declared, probes as
 * derived, the global display last.
 */
#include "config.h"

#include "pass2.h"

#include "elab_int.h"
#include "unparse.h"

static void print_symbol(FILE *out, const struct symbol *s)
{
	fputs(s->name, out);
	if (s->decl && s->decl->wrap)
		fputc('%', out);
	if (s->decl && s->decl->max_size)
		fprintf(out, "[%lld]", (long long)s->decl->max_size);
	fprintf(out, ":%s", elab_type_name(s->type));
	if (s->arity <= 0)
		return;
	fputs(" [", out);
	for (int i = 0; i < s->arity; i++)
		fprintf(out, "%s%s", i ? ", " : "", elab_type_name(s->key_types[i]));
	fputc(']', out);
}

static void print_function(FILE *out, const struct elab_func *f)
{
	fprintf(out, "%s:%s (", f->fn->name, elab_type_name(f->ret));
	for (const struct symbol *p = f->params; p; p = p->next)
		fprintf(out, "%s%s:%s", p == f->params ? "" : ", ", p->name,
			elab_type_name(p->type));
	fputs(")\n", out);
}

static void print_locals(FILE *out, const struct symbol *locals)
{
	if (!locals)
		return;
	fputs("  # locals\n", out);
	for (const struct symbol *s = locals; s; s = s->next) {
		fputs("  ", out);
		print_symbol(out, s);
		fputc('\n', out);
	}
}

static void print_embeds(FILE *out, const struct elab_program *ep)
{
	if (!ep->nembeds)
		return;
	fputs("# global embedded code\n", out);
	for (int i = 0; i < ep->nembeds; i++) {
		fputs("%{", out);
		fwrite(ep->embeds[i]->code, 1, ep->embeds[i]->len, out);
		fputs("%}\n", out);
	}
}

static void print_probe(FILE *out, const struct elab_probe *p, int verbose)
{
	unparse_probe_point(out, p->point);
	if (p->cond) {
		fputs(" if (", out);
		unparse_expr(out, p->cond);
		fputc(')', out);
	}
	elab_print_derivation(out, p);
	fputc('\n', out);
	print_locals(out, p->locals);
	if (verbose >= 2)
		unparse_stmt(out, p->body, 0);
}

void elab_print(FILE *out, const struct elab_program *ep, int verbose)
{
	print_embeds(out, ep);
	if (ep->globals) {
		fputs("# globals\n", out);
		for (const struct symbol *g = ep->globals; g; g = g->next) {
			print_symbol(out, g);
			fputc('\n', out);
		}
	}
	if (ep->functions) {
		fputs("# functions\n", out);
		for (const struct elab_func *f = ep->functions; f; f = f->next) {
			print_function(out, f);
			print_locals(out, f->locals);
			if (verbose >= 2 && f->fn->body)
				unparse_stmt(out, f->fn->body, 0);
		}
	}
	fputs("# probes\n", out);
	for (const struct elab_probe *p = ep->probes; p; p = p->next)
		/* an @entry half is an implementation detail of its .return
		 * probe: shown only with its body (-vv) */
		if (!p->entry_of || verbose >= 2)
			print_probe(out, p, verbose);
}

void elab_print_function(FILE *out, const struct elab_func *f)
{
	print_function(out, f);
}

void elab_print_symbol(FILE *out, const struct symbol *s)
{
	print_symbol(out, s);
}
