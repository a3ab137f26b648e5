/* registry.h - the probe-point families pass 2 binds probe points to.
 *
 * A family (one file each under probes/: begin_end.c, never.c, timer.c,
 * later kprobe.c, tracepoint.c, ...) registers the patterns it serves, as
 * text with parameter kinds:
 *
 *     "timer.ms(number).randomize(number)"    "kernel.trace(string)"
 *
 * Pass 2 matches a user's probe point against every pattern component by
 * component (wildcards `*` within a component, `**` across components),
 * then hands each concrete match to the family's resolve callback, which
 * validates the parameters and emits zero or more derived probes (a
 * family like kernel.function("vfs_*") emits one per function it finds).
 * Emitting none is "no match": an error unless the point is optional.
 *
 * The same matcher serves probe aliases (alias.c): an alias name is a
 * pattern whose parameters, if any, are literals.
 *
 * A family is a whole plug-in: it also owns how its probes reach the
 * module.  In pass 3, emit_tables.c loops over the registry (it names no
 * family): for each family with probes in the program it includes the
 * family's runtime file (runtime/probes/NAME.c, which defines the entry
 * type of its table and a struct stp_family_ops), calls its emit hook to
 * write the table (and any glue its probes need), and lists the family in
 * stp_module.families (runtime/runtime.h says what the runtime does with
 * it).  A new family is translator/probes/NAME.c, runtime/probes/NAME.c
 * and a row in registry.c.
 */
#ifndef STAP_PROBES_REGISTRY_H
#define STAP_PROBES_REGISTRY_H

#include <stdbool.h>
#include <stdio.h>

#include "ast.h"

struct arena;
struct session;
struct elab;
struct elab_probe;
struct ti;

#define PP_MAX_COMPS 16

/* What a pattern component takes in parentheses. */
enum pp_param {
	PP_PARAM_NONE,     /* nothing: timer.profile */
	PP_PARAM_NUMBER,   /* (number) */
	PP_PARAM_STRING,   /* (string) */
	PP_PARAM_LITERAL,  /* exactly this literal (alias names) */
};

struct pp_pattern_comp {
	const char *name;
	enum pp_param param;
	struct node *literal;         /* PP_PARAM_LITERAL */
};

struct pp_pattern {
	int ncomps;
	struct pp_pattern_comp comps[PP_MAX_COMPS];
};

/* A match of a user's point against a pattern. */
struct pp_match {
	/* arg[j]: the user's argument given to pattern component j, or NULL */
	struct node *arg[PP_MAX_COMPS];
	const struct srcpos *argpos[PP_MAX_COMPS];
	int suffix;        /* first user component left over (prefix match), or -1 */
	const struct pp_comp *suffix_comp;
};

/* Match user point comps against pattern.  allow_prefix: the pattern may
 * end before the user's point does (alias suffixes); m->suffix tells where
 * the rest starts.  Wildcards: `*` in a component name matches within one
 * component, `**` also across dots. */
bool pp_match(const struct pp_comp *user, const struct pp_pattern *pat, bool allow_prefix,
	      struct pp_match *m);

/* Glob match of one name: `*` does not cross '.', `**` does. */
bool pp_glob(const char *pat, const char *s);
bool pp_has_wildcard(const struct probe_point *pt);

/* A concrete point built from a pattern and a match: the pattern's names,
 * the user's arguments, then the user's leftover components (suffix). */
struct probe_point *pp_concrete(struct arena *a, const struct probe_point *user,
				const struct pp_pattern *pat, const struct pp_match *m);

/* Parse "a.b(number).c(string)" into pat; false if malformed. */
bool pp_pattern_parse(const char *text, struct pp_pattern *pat);
/* Pattern text as --dump-probe-types prints it. */
void pp_pattern_print(FILE *out, const struct pp_pattern *pat);

/* ---- families ---- */

/* A resolve request: one concrete match, and where the results go. */
struct pp_request {
	struct arena *arena;
	const struct session *sess;
	struct ti *ti;                      /* the target's type info (typeinfo.h) */
	struct elab *elab;                  /* the elaboration (elab_ksym) */
	const struct probe_family *family;
	int pattern;                        /* index in family->patterns */
	const struct probe_point *point;    /* concrete point (no wildcards) */
	struct node *const *args;           /* args[j] of pattern component j */
	const struct srcpos *pos;           /* the user's point, for diagnostics */
	bool quiet;                         /* optional point: report nothing */
	bool listing;                       /* -l/-L: only names and types needed */
	bool failed;                        /* an error was found */
	/* the caller's sink for derived probes */
	void (*emit)(struct pp_request *req, const struct probe_point *point, void *data);
	void *sink;
};

/* A copy of point whose component j takes the string argument text
 * (kernel.trace("sched_*") -> kernel.trace("sched:sched_switch")). */
struct probe_point *pp_with_string(struct arena *a, const struct probe_point *point, int j,
				   const char *text);
/* Emit one derived probe for point (usually req->point) with the
 * family's data. */
void pp_emit(struct pp_request *req, const struct probe_point *point, void *data);
/* Report a bad parameter (D_SEM_PROBE_BAD_PARAM) unless quiet; marks the
 * request failed. */
void pp_error(struct pp_request *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Report that the family has nothing by that name (D_SEM_PROBE_NO_MATCH)
 * unless quiet: a better message than the generic "no match". */
void pp_no_match(struct pp_request *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Split a function probe's "FUNC[@FILE[:LINE]]" (kernel and programs
 * alike); false after reporting, as what("PATTERN"), a line that is no
 * number. */
bool pp_split_function(struct pp_request *req, const char *what, const char *pattern,
		       const char **fn, const char **file, int *line);
/* The number argument of pattern component j (0 if absent). */
int64_t pp_num_arg(const struct pp_request *req, int j);

#define PPF_UNPRIV 0x1   /* allowed for --privilege=stapusr */

struct pp_family_pattern {
	const char *text;        /* "timer.ms(number).randomize(number)" */
	unsigned flags;          /* PPF_* */
};

/* Pass 3's request to a family: write the table of these probes. */
struct pp_table_req {
	struct arena *arena;
	FILE *out;
	int n;                                   /* how many of the family's probes */
	const struct elab_probe *const *probes;  /* each one, in script order */
	const int *index;                        /* its index in stp_probes[] */
	int entries;                             /* entries the table has: n unless
						    the emit hook says fewer */
};

/* For a family whose .return probes may have an entry half (@entry):
 * write "\t{ &stp_probes[I], &stp_probes[H], " (H the half's, or NULL)
 * for probe k of the request; the half's index, or -1. */
int pp_table_probe_and_half(struct pp_table_req *e, int k);

struct probe_family {
	const char *name;                         /* for messages: "timer" */
	const struct pp_family_pattern *patterns; /* terminated by a NULL text */
	bool target_vars;                         /* probes may have $variables */
	/* Validate the request and pp_emit() its derived probes (none: no
	 * match).  Errors go through pp_error(). */
	void (*resolve)(struct pp_request *req);
	/* -L: append " $name:type" for each variable of a derived probe (NULL:
	 * none). */
	void (*list_vars)(FILE *out, const struct elab_probe *p);
	/* Pass 2: resolve a target expression (ND_TARGET with its component
	 * chain, &$x, $$name ...) in one of the family's derived probes:
	 * store its access path in expr->u.tgt.access (tvar.h), or an
	 * expression that stands for it in expr->u.tgt.expansion ($$parms:
	 * a sprintf of the arguments, resolved in turn), and return its type;
	 * TYPE_UNKNOWN after pointing *why at the reason (no such variable,
	 * no such member).  NULL: the family has none. */
	enum stap_type (*target_var)(struct arena *a, const struct elab_probe *p,
				     struct node *expr, const char **why);
	/* Pass 2, @entry(expr) in one of the family's derived probes p: the
	 * data of a probe of this family at the entry of the function p
	 * returns from (its "entry half", which evaluates expr there), or
	 * NULL after pointing *why at the reason (p is not a .return
	 * probe).  target_var may ask for it by expanding $x into
	 * @entry($x), as a .return probe's parameters are their values at
	 * entry.  NULL: the family has no @entry. */
	void *(*entry_half)(struct arena *a, const struct elab_probe *p, const char **why);
	/* Pass 2, an assignment (ND_ASSIGN) to one of the family's target
	 * variables that the family carries out itself (procfs's $value):
	 * the expression that does it instead (a call, resolved in turn; it
	 * takes the assignment's place in its list), or NULL after pointing
	 * *why at the reason.  NULL: such writes need guru mode, as any. */
	struct node *(*target_assign)(struct arena *a, const struct elab_probe *p,
				      struct node *assign, const char **why);
	/* Pass 3.  runtime: its file under runtime/ ("probes/timer.c"); ops:
	 * the struct stp_family_ops that file defines.  emit writes, after
	 * that file, the family's table (entries pointing at &stp_probes[I])
	 * and returns the table's C name.  All NULL for a family whose probes
	 * never run (never). */
	const char *runtime;
	const char *ops;
	const char *(*emit)(struct pp_table_req *e);
};

/* The families, and their patterns parsed once. */
struct registry_entry {
	const struct probe_family *family;
	int pattern;
	const char *text;
	unsigned flags;
	struct pp_pattern pat;
};

/* Every family, begin/end first (the module's families run in this
 * order, runtime.h); *n gets the count. */
const struct probe_family *const *registry_families(int *n);
/* All patterns of all families, sorted by text; *n gets the count. */
const struct registry_entry *registry_entries(int *n);
/* --dump-probe-types */
void registry_dump(FILE *out);

extern const struct probe_family probe_family_begin_end;
extern const struct probe_family probe_family_never;
extern const struct probe_family probe_family_timer;
extern const struct probe_family probe_family_tracepoint;
extern const struct probe_family probe_family_kprobe;
extern const struct probe_family probe_family_procfs;
extern const struct probe_family probe_family_netfilter;
extern const struct probe_family probe_family_perf;
extern const struct probe_family probe_family_hwbkpt;
extern const struct probe_family probe_family_uprobe;
extern const struct probe_family probe_family_process;

#endif
