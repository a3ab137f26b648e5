/* listing.c - stap -l / -L PROBE, --dump-probe-types,
 * --dump-probe-aliases, --dump-functions.
 *
 *   -l PP   elaborate `probe PP {}` (unoptimized, unmatched points quiet)
 *           and print the user-level name of every derived probe: the
 *           alias it came through, or the concrete point; sorted, once
 *           each.  Exit 1 when nothing matched.
 *   -L PP   the same, each name followed by its variables: the locals the
 *           alias prologues set (` name:type`), then the family's target
 *           variables (` $name:type`).
 *   --dump-probe-types    every family pattern, sorted
 *   --dump-probe-aliases  every tapset alias `NAME = P1, P2?`, sorted, but
 *                         those whose name starts with '_' (internal)
 *   --dump-functions      every public tapset function with its
 *                         (inferred) signature, sorted (not private ones,
 *                         not those whose name starts with '_')
 *   --dump-kernel-functions[=[MODULE:]GLOB]  ours: `kernel.function("NAME")`
 *                         for every function of the target's BTF, or
 *                         `module("MODULE").function("NAME")` for every
 *                         function symbol of MODULE's .ko (matching GLOB;
 *                         a GLOB without wildcards is asked about even
 *                         when the list lacks it) that typeinfo says a
 *                         kprobe can take (PROBEABLE, or UNKNOWN when there
 *                         are no symbols), sorted.  -v: a count per status
 *                         on stderr; -vv: also why each other one is not
 *                         listed.  Upstream has no such option (its
 *                         --dump-functions is the tapset's); its
 *                         `-l 'kernel.function("*")'` is the
 *                         kernel.function family's to print.
 * A syntax error in PP is reported; problems inside the tapsets are not
 * (they concern scripts that use them).
 */
#include "config.h"

#include "pass2.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "elab_int.h"
#include "pass1.h"
#include "session.h"
#include "typeinfo/typeinfo.h"

/* Lines to print sorted and without repeats. */
struct lines {
	struct elab *e;
	const char **items;
	int n, cap;
};

/* Run print(out, ctx) into a string in the arena. */
static const char *capture(struct arena *a, void (*print)(FILE *out, const void *ctx),
			   const void *ctx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return "";
	print(f, ctx);
	fclose(f);
	const char *s = arena_strndup(a, buf, len);
	free(buf);
	return s;
}

static void add_line(struct lines *l, const char *s)
{
	elab_push(l->e, (void ***)&l->items, &l->n, &l->cap, (void *)s);
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_lines(struct lines *l, size_t key_len_of(const char *))
{
	if (l->n)
		qsort(l->items, (size_t)l->n, sizeof(*l->items), line_cmp);
	const char *prev = NULL;
	size_t prev_len = 0;
	for (int i = 0; i < l->n; i++) {
		size_t k = key_len_of(l->items[i]);
		if (prev && k == prev_len && strncmp(prev, l->items[i], k) == 0)
			continue;
		printf("%s\n", l->items[i]);
		prev = l->items[i];
		prev_len = k;
	}
}

static size_t whole_line(const char *s)
{
	return strlen(s);
}

static size_t first_word(const char *s)
{
	return strcspn(s, " ");
}

/* Diagnostics about the library go nowhere while listing. */
static FILE *quiet_begin(void)
{
	FILE *null = fopen("/dev/null", "w");
	if (null)
		diag_set_stream(null);
	diag_configure(true, false, INT_MAX);
	return null;
}

static void quiet_end(FILE *null)
{
	diag_set_stream(NULL);
	if (null)
		fclose(null);
	diag_reset();
}

static void load_all(struct elab *e)
{
	for (struct ts_file *f = e->index->files; f; f = f->next)
		elab_load_file(e, f);
}

/* ---- -l / -L ---- */

static void print_listing(FILE *out, const void *ctx)
{
	const struct elab_probe *p = ctx;
	elab_print_listing_name(out, p);
}

static void print_listing_vars(FILE *out, const void *ctx)
{
	const struct elab_probe *p = ctx;
	elab_print_listing_name(out, p);
	for (const struct symbol *s = p->locals; s; s = s->next) {
		/* a tapset's own temporaries (__name) are not the alias's
		 * variables */
		if (strncmp(s->name, "__", 2) == 0)
			continue;
		fputc(' ', out);
		elab_print_symbol(out, s);
	}
	if (p->family->list_vars)
		p->family->list_vars(out, p);
}

static int list_probes(struct pass1 *p1, const struct session *s)
{
	struct arena *a = pass1_arena(p1);
	struct program *prog = ast_program_new(a);
	struct source *src = arena_alloc(a, sizeof(*src));
	src->name = "<input>";
	src->text = arena_printf(a, "probe %s {}", s->list_pattern);
	src->len = strlen(src->text);
	pass1_parse_source(p1, src, false, prog);
	if (diag_error_count() > 0)
		return 1;
	FILE *null = quiet_begin();
	struct elab *e = elab_create(p1, s, prog);
	e->listing = true;
	e->quiet_types = true;
	elab_take_decls(e);
	elab_settle(e);
	if (s->listing == LIST_PROBES_VARS)
		elab_infer_types(e);
	quiet_end(null);
	struct lines l = { .e = e };
	for (const struct elab_probe *p = e->probes; p; p = p->next)
		/* not the probes of tapsets read, nor a .return probe's entry
		 * half (@entry), which has its name but none of its variables */
		if (p->origin->pos.src == src && !p->entry_of)
			add_line(&l, capture(a, s->listing == LIST_PROBES ? print_listing
									: print_listing_vars, p));
	print_lines(&l, first_word);
	return l.n ? 0 : 1;
}

/* ---- --dump-* ---- */

static void print_alias(FILE *out, const void *ctx)
{
	elab_print_alias(out, ctx);
}

static int dump_aliases(struct pass1 *p1, const struct session *s)
{
	struct arena *a = pass1_arena(p1);
	FILE *null = quiet_begin();
	struct elab *e = elab_create(p1, s, ast_program_new(a));
	load_all(e);
	quiet_end(null);
	struct lines l = { .e = e };
	for (const struct alias_entry *ae = e->aliases_head; ae; ae = ae->next)
		if (ae->pat.comps[0].name[0] != '_')  /* internal, as upstream */
			add_line(&l, capture(a, print_alias, ae->al));
	print_lines(&l, whole_line);
	return 0;
}

static void print_function(FILE *out, const void *ctx)
{
	const struct elab_func *f = ctx;
	elab_print_function(out, f);
}

static size_t without_newline(const char *s)
{
	return strcspn(s, "\n");
}

static int dump_functions(struct pass1 *p1, const struct session *s)
{
	struct arena *a = pass1_arena(p1);
	FILE *null = quiet_begin();
	struct elab *e = elab_create(p1, s, ast_program_new(a));
	e->listing = true;
	e->quiet_types = true;
	load_all(e);
	for (struct elab_func *f = e->funcs_head; f; f = f->next)
		elab_resolve_function(e, f);
	elab_settle(e);
	elab_infer_types(e);
	quiet_end(null);
	struct lines l = { .e = e };
	for (const struct elab_func *f = e->funcs_head; f; f = f->next) {
		if (f->fn->is_private || f->fn->name[0] == '_')
			continue;
		const char *line = capture(a, print_function, f);
		add_line(&l, arena_strndup(a, line, without_newline(line)));
	}
	print_lines(&l, whole_line);
	return 0;
}

static const char *const status_names[] = {
	[TI_FN_PROBEABLE] = "probeable", [TI_FN_UNKNOWN] = "unknown",
	[TI_FN_NO_SYMBOL] = "no symbol", [TI_FN_CLONE_ONLY] = "clones only",
	[TI_FN_INIT] = "init", [TI_FN_BLACKLISTED] = "blacklisted",
	[TI_FN_NOTRACE] = "notrace",
};
_Static_assert(sizeof(status_names) / sizeof(status_names[0]) == TI_FN_NOTRACE + 1,
	       "every status needs a name");

/* The names --dump-kernel-functions[=[MODULE:]GLOB] goes through: BTF's
 * functions of vmlinux, or the module's function symbols; NULL after
 * saying why not. */
static const char *const *kernel_functions(struct ti *ti, const char *module, int *n)
{
	const char *why;
	const char *const *fns = module ? ti_module_functions(ti, module, n)
					: ti_btf_functions(ti, n);
	if (!fns && module)
		ti_function_status(ti, module, "", &why);
	if (!fns)
		fprintf(stderr, "stap: %s\n", module ? why : ti_error(ti));
	return fns;
}

static int dump_kernel_functions(struct pass1 *p1, const struct session *s)
{
	struct arena *a = pass1_arena(p1);
	struct elab *e = elab_create(p1, s, ast_program_new(a));
	const char *glob = s->list_pattern, *module = NULL;
	const char *colon = glob ? strchr(glob, ':') : NULL;
	int n, shown = 0, count[TI_FN_NOTRACE + 1] = { 0 };
	if (colon) {
		module = arena_strndup(a, glob, (size_t)(colon - glob));
		glob = colon + 1;
	}
	const char *const *fns = kernel_functions(e->ti, module, &n);
	if (!fns)
		return 1;
	/* A plain name is asked about whether the list has it or not. */
	bool plain = glob && !strpbrk(glob, "*?[");
	if (plain) {
		fns = &glob;
		n = 1;
	}
	for (int i = 0; i < n; i++) {
		if (glob && !plain && fnmatch(glob, fns[i], 0) != 0)
			continue;
		const char *why;
		enum ti_fn_status st = ti_function_status(e->ti, module, fns[i], &why);
		count[st]++;
		shown++;
		if ((st == TI_FN_PROBEABLE || st == TI_FN_UNKNOWN) && module)
			printf("module(\"%s\").function(\"%s\")\n", module, fns[i]);
		else if (st == TI_FN_PROBEABLE || st == TI_FN_UNKNOWN)
			printf("kernel.function(\"%s\")\n", fns[i]);
		else if (s->verbose[1] >= 2)
			fprintf(stderr, "%s: %s: %s\n", fns[i], status_names[st], why);
	}
	if (s->verbose[1] >= 1) {
		const char *src = module ? arena_printf(a, "module %s's .ko", module)
					 : ti_ksyms_source(e->ti);
		fprintf(stderr, "%d %s, symbols from %s:", shown, plain ? "function"
			: module ? "functions" : "BTF functions", src ? src : "nowhere");
		for (int st = 0; st <= TI_FN_NOTRACE; st++)
			fprintf(stderr, "%s %d %s", st ? "," : "", count[st], status_names[st]);
		fputc('\n', stderr);
	}
	return 0;
}

int elab_list(struct pass1 *p1, const struct session *s)
{
	switch (s->listing) {
	case LIST_DUMP_PROBE_TYPES: registry_dump(stdout); return 0;
	case LIST_DUMP_PROBE_ALIASES: return dump_aliases(p1, s);
	case LIST_DUMP_FUNCTIONS: return dump_functions(p1, s);
	case LIST_DUMP_KERNEL_FUNCTIONS: return dump_kernel_functions(p1, s);
	case LIST_PROBES: case LIST_PROBES_VARS: return list_probes(p1, s);
	case LIST_NONE: case LIST_EXAMPLES: break;
	}
	return 0;
}
