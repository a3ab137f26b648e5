/* elab_int.h - internals shared by the pass-2 files.  Nothing outside
 * pass 2 includes this; the public interface is pass2.h.
 *
 * Data flow (elaborate.c drives it):
 *   tapset_index.c  which library file defines what (fast scan)
 *   elaborate.c     take declarations in (user script, then each tapset
 *                   file as it is needed), the fixpoint loop
 *   alias.c         probe points -> derived probes (families, aliases,
 *                   wildcards, ? ! and conditions), merged bodies
 *   resolve.c       names -> symbols and functions; control-flow,
 *                   lvalue, target-variable and privilege checks
 *   types.c         type inference to a fixpoint; printf formats
 *   autoprint.c     end probes printing globals nobody reads
 *   optimize.c      dead code, constant folding, unused symbols
 *   p2print.c       stap -p2 output;  listing.c  -l -L --dump-*
 */
#ifndef STAP_ELAB_INT_H
#define STAP_ELAB_INT_H

#include <stdbool.h>

#include "ast.h"
#include "pass2.h"
#include "probes/registry.h"
#include "strmap.h"
#include "tapset_index.h"

struct arena;
struct pass1;
struct session;
struct ti;

/* A parsed probe alias with its name as a match pattern. */
struct alias_entry {
	struct stap_alias *al;
	struct pp_pattern pat;
	struct alias_entry *next;          /* all, in definition order */
	struct alias_entry *bucket_next;   /* same first component */
};

/* Globals of one name (private ones in different files differ). */
struct global_entry {
	struct symbol *sym;
	struct global_entry *next;
};

/* Functions of one name: elab_func chained through hnext. */
struct func_entry {
	struct elab_func *f;
	struct func_entry *next;
};

struct elab {
	struct arena *arena;
	const struct session *sess;
	struct pass1 *p1;
	struct program *prog;
	struct tapset_index *index;
	struct ti *ti;                /* the target kernel's type information */
	bool listing;                 /* -l/-L: unmatched points are not errors */
	bool quiet_types;             /* listing: infer types, report nothing unknown */

	struct decl *last_decl;       /* declarations taken in so far */
	struct strmap loaded;         /* tapset path -> struct ts_file, once parsed */
	int tapset_files;

	struct strmap globals;        /* name -> struct global_entry list */
	struct symbol *globals_head, **globals_tail;
	int nglobals;
	struct strmap functions;      /* name -> struct func_entry list */
	struct elab_func *funcs_head, **funcs_tail;
	int nfuncs;
	struct strmap aliases;        /* first component -> alias_entry bucket */
	struct alias_entry *aliases_head, **aliases_tail;
	struct stap_probe **probe_decls;   /* probe declarations not derived yet */
	int nprobe_decls, probe_decls_cap;
	struct stap_embedded **embeds;
	int nembeds, embeds_cap;

	struct elab_probe *probes, **probes_tail;
	int nprobes;
	const char **ksyms;           /* kernel symbols @var reads ("name", "mod:name") */
	int nksyms, ksyms_cap;
	long derive_steps;            /* alias expansion budget used */
	bool derive_overflow;         /* the budget ran out (reported) */
	struct elab_func **work;      /* functions reached, symbols not resolved */
	int nwork, work_cap;
	struct strmap reported;       /* "src:line:col:tag" already reported */
	int stamp;                    /* visit stamps for walks over functions */
	int global_refs;              /* globals referenced so far */
};

/* ---- elaborate.c ---- */

/* A pass-2 context for prog (parsed with p1); the tapset index is built. */
struct elab *elab_create(struct pass1 *p1, const struct session *s, struct program *prog);
/* Derive and resolve everything pending, loading tapset files, until
 * nothing changes. */
void elab_settle(struct elab *e);

/* Take in the declarations parsed since the last call. */
void elab_take_decls(struct elab *e);
/* Parse the unloaded tapset files that define a function / global named
 * name (public, or private to file src).  True if any was parsed. */
bool elab_load_function(struct elab *e, const char *name);
bool elab_load_global(struct elab *e, const char *name);
/* Parse one tapset file (once). */
void elab_load_file(struct elab *e, struct ts_file *f);
/* Append to a growable pointer array in the arena. */
void elab_push(struct elab *e, void ***items, int *n, int *cap, void *item);
/* True for a position in a tapset file (warnings there are not shown). */
bool elab_in_tapset(const struct srcpos *pos);
/* True the first time a diagnostic with this tag is asked for at pos:
 * every derived probe has its own copy of a shared body, and one mistake
 * is reported once. */
bool elab_once(struct elab *e, const struct srcpos *pos, enum diag_tag tag);
/* A warning, unless pos is in a tapset or it was given there before. */
void elab_warn(struct elab *e, enum diag_tag tag, const struct srcpos *pos, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));

/* ---- alias.c ---- */

void elab_add_alias(struct elab *e, struct stap_alias *al);
/* Derive every probe of one declaration (appended to e->probes). */
void elab_derive(struct elab *e, const struct stap_probe *pr);
/* " /\* <- ... *\/" derivation text of a derived probe. */
void elab_print_derivation(FILE *out, const struct elab_probe *p);
/* "NAME = P1, P2" of an alias, as --dump-probe-aliases prints it. */
void elab_print_alias(FILE *out, const struct stap_alias *al);
/* The user-level name a derived probe answers to for -l: the outermost
 * alias name (with the user's suffix) or the concrete point. */
void elab_print_listing_name(FILE *out, const struct elab_probe *p);

/* ---- p2print.c ---- */

/* "name:type (p:type, ...)" and a newline. */
void elab_print_function(FILE *out, const struct elab_func *f);
/* "name:type" or "name:type [k, k]". */
void elab_print_symbol(FILE *out, const struct symbol *s);

/* ---- resolve.c ---- */

void elab_resolve_probe(struct elab *e, struct elab_probe *p);
void elab_resolve_function(struct elab *e, struct elab_func *f);
/* The function a call names, loading tapset files as needed; NULL after
 * reporting why not. */
struct elab_func *elab_find_function(struct elab *e, const struct node *call);
/* After resolution: never-assigned / never-read warnings. */
void elab_usage_warnings(struct elab *e);
/* Edit distance between two names (99 when too long to matter). */
int elab_distance(const char *a, const char *b);
/* Markers (FN_*) of an embedded-C body. */
unsigned elab_markers(const char *code, size_t len);
/* The index of kernel symbol sym ("name", "module:name") in the module's
 * address table, which staprun fills from /proc/kallsyms at load time. */
int elab_ksym(struct elab *e, const char *sym);

/* ---- entry.c ---- */

/* ret's entry half, made on first use (appended to the probes, resolved
 * after ret); NULL with *why when ret's family has none for it. */
struct elab_probe *elab_entry_half(struct elab *e, struct elab_probe *ret, const char **why);
/* Move @entry node at's expression into ret's entry half as a save; at
 * becomes the read of the new slot. */
struct symbol *elab_entry_slot(struct elab *e, struct elab_probe *ret, struct node *at);
/* After the optimizer: drop entry halves of dropped probes; give each
 * slot its offset and each probe its entry_size. */
void elab_entry_layout(struct elab *e);

/* ---- types.c ---- */

void elab_infer_types(struct elab *e);

/* ---- autoprint.c ---- */

void elab_autoprint(struct elab *e);

/* ---- effects.c ---- */

/* Which functions have side effects (ef->impure), to a fixpoint; and a
 * call inside a foreach that writes the iterated array (D_SEM_READONLY). */
void elab_compute_effects(struct elab *e);
/* True when evaluating n may have an effect beyond its value. */
bool elab_has_side_effects(const struct node *n);

/* ---- optimize.c ---- */

void elab_optimize(struct elab *e);
/* Count symbol reads and writes from the probes (self_reads: x++ and
 * x += 1 read x too) and mark the functions they reach. */
void elab_count(struct elab *e, bool self_reads);
/* The final count: uses, reachable functions, globals in use; unused
 * locals dropped. */
void elab_recount(struct elab *e);

#endif
