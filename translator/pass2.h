/* pass2.h - pass 2 (elaboration): the parsed user script plus the tapset
 * library become one resolved, typed, optimized program that pass 3
 * translates.
 *
 * Input: the struct program of pass 1 and its pass-1 context (tapset files
 * are parsed lazily into the same program, sharing names and macros).
 * Output: a struct elab_program, the data model pass 3 consumes:
 *
 *   probes     every derived probe: one concrete probe point bound to its
 *              family (probes/registry.h), the chain of aliases it came
 *              through, its combined condition, and a private copy of its
 *              body (alias prologues, the user's body, alias epilogues)
 *              with its own locals;
 *   functions  the functions reachable from the probes, each with its
 *              parameters and locals as symbols;
 *   globals    the globals in use (script and tapset), typed;
 *   embeds     the top-level %{ %} blocks of the user scripts and of the
 *              tapset files that were used.
 *
 * After a successful elab_run() every expression node has node->type set
 * (TYPE_UNKNOWN only for values nobody uses: print calls, void function
 * calls, histograms), every ND_VAR and array base has node->sym, and every
 * ND_CALL has u.call.func.  Everything lives in the run's arena.
 */
#ifndef STAP_PASS2_H
#define STAP_PASS2_H

#include <stdbool.h>
#include <stdio.h>

#include "ast.h"

struct pass1;
struct session;
struct probe_family;

enum sym_kind {
	SYM_LOCAL,   /* a probe's or function's local variable */
	SYM_PARAM,   /* a function parameter */
	SYM_GLOBAL,  /* a global (script or tapset) */
	SYM_ENTRY,   /* a value @entry saves at function entry for a .return
			probe: only on its ND_ENTRY nodes (entry.c) */
};

/* A resolved variable.  node->sym of ND_VAR (and of the ND_VAR base of an
 * index, foreach, delete, in) points here. */
struct symbol {
	const char *name;
	enum sym_kind kind;
	enum stap_type type;          /* value type; TYPE_STATS for statistics */
	int arity;                    /* -1 not known yet, 0 scalar, N keys */
	enum stap_type *key_types;    /* [arity] when arity > 0 */
	struct srcpos pos;            /* declaration, or the first use of a local */
	struct srcpos type_pos;       /* where the type was first inferred */
	struct srcpos arity_pos;      /* where the arity was first inferred */
	struct srcpos *key_pos;       /* [arity]: where each key type was inferred */
	struct stap_global *decl;     /* SYM_GLOBAL */
	struct stap_param *param;     /* SYM_PARAM */
	const struct source *file;    /* private global: the only file that sees it */
	int reads, writes;            /* uses counted by the last resolve/optimize walk */
	bool used;                    /* SYM_GLOBAL: referenced by kept code */
	bool autoprint;               /* SYM_GLOBAL: printed by a synthesized end probe */
	const struct node *hist;      /* statistics: the histogram operator that fixed its shape */
	int ref_order;                /* SYM_GLOBAL: order of first reference (1, 2, ...) */
	int index;                    /* position in its owner's list */
	const char *entry_offset;     /* SYM_ENTRY: its byte offset in the call's
					 saved values, a C expression */
	const struct node *entry_expr;  /* SYM_ENTRY: the expression saved */
	struct symbol *next;          /* next in its owner's list */
};

/* Markers found in an embedded-C function body (doc/runtime-api.md). */
#define FN_PURE        0x01   /* no side effects */
#define FN_STABLE      0x02   /* same value for the whole probe hit */
#define FN_UNPRIV      0x04   /* allowed for stapusr */
#define FN_MYPROC      0x08   /* allowed for stapusr (own processes) */
#define FN_GURU        0x10   /* needs -g */

/* Pass-2 facts about one function (stap_function->elab). */
struct elab_func {
	struct stap_function *fn;
	struct symbol *params;        /* in declaration order */
	struct symbol *locals;        /* excluding parameters */
	int nlocals;
	enum stap_type ret;           /* return type: declared or inferred */
	struct srcpos ret_pos;        /* where ret was first inferred */
	unsigned markers;             /* FN_* (embedded C bodies only) */
	bool impure;                  /* has (or may have) side effects */
	bool reachable;               /* called from a kept probe or function */
	const struct node *reached_by;  /* the call that first made it reachable, */
	struct elab_func *reached_in;   /* in this function (NULL: a probe) */
	bool resolved;                /* symbols resolved */
	int visit;                    /* pass-2 walks: last visit stamp */
	int seq;                      /* definition order */
	struct elab_func *next;       /* elab_program.functions, or the name chain */
};

/* One alias expansion step a derived probe went through. */
struct elab_step {
	const struct stap_alias *alias;
	struct elab_step *next;       /* towards the user's probe */
};

/* One derived probe: a concrete probe point and the code it runs. */
struct elab_probe {
	const struct probe_point *point;  /* concrete: no wildcards, args literal */
	const struct probe_family *family;
	int pattern;                  /* which of the family's patterns matched */
	void *data;                   /* the family's own resolved data */
	const struct stap_probe *origin;  /* the probe declaration it came from */
	const struct probe_point *user_point;  /* the origin's point that led here */
	const struct probe_point *listing_point;  /* what -l shows: the outermost
						     alias name (with any suffix), or point */
	struct elab_step *chain;      /* aliases, innermost (nearest the point) first */
	struct node *cond;            /* combined condition, or NULL */
	struct node *body;            /* ND_BLOCK, private to this probe */
	struct symbol *locals;
	int nlocals;
	bool synthetic;               /* made by pass 2 (global display, entry half) */
	/* @entry (entry.c): a .return probe's entry half, a probe of the
	 * same family at the function's entry that saves the values; the
	 * half points back at its .return probe.  The values (SYM_ENTRY
	 * symbols chained through next) take entry_size bytes per call (a C
	 * expression, since MAXSTRINGLEN is the module's; NULL: none). */
	struct elab_probe *entry_half;
	const struct elab_probe *entry_of;
	struct symbol *entry_slots;
	const char *entry_size;
	int index;
	struct elab_probe *next;
};

struct ti;

struct elab_program {
	struct program *prog;         /* all parsed declarations, user and tapset */
	struct elab_probe *probes;
	int nprobes;
	struct elab_func *functions;  /* reachable, sorted by name then arity */
	int nfunctions;
	struct symbol *globals;       /* in use, in order of first reference */
	int nglobals;
	struct stap_embedded **embeds;
	int nembeds;
	int tapset_files;             /* tapset files parsed */
	const char **ksyms;           /* kernel symbols whose addresses staprun
					 gives the module at load time (@var):
					 "name" (vmlinux) or "module:name" */
	int nksyms;
	struct ti *ti;                /* the type information pass 2 loaded (pass 3
					 reads programs' files through it again) */
};

/* Elaborate prog (from pass1_run with p1).  Returns 0 and sets *out, or 1
 * after reporting errors. */
int elab_run(struct pass1 *p1, const struct session *s, struct program *prog,
	     struct elab_program **out);

/* stap -p2: globals, functions and probes with their locals and types;
 * with bodies too when verbose >= 2 (-vv). */
void elab_print(FILE *out, const struct elab_program *ep, int verbose);

/* stap -l / -L / --dump-probe-types / --dump-probe-aliases /
 * --dump-functions, per s->listing.  Returns the exit status. */
int elab_list(struct pass1 *p1, const struct session *s);

/* The type's name as -p2 prints it: long, string, stats, unknown. */
const char *elab_type_name(enum stap_type t);

#endif
