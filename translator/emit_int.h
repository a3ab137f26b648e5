/* emit_int.h - internals shared by the pass-3 files.  Nothing outside
 * pass 3 includes this; the public interface is pass3.h.
 *
 * Data flow (emit.c drives it):
 *   emit.c        the file layout of doc/module-layout.md: defines, embeds,
 *                 globals, frames, functions, probes, tables, stp_module
 *   emit_util.c   text helpers: C literals, mangled names, "near" locations,
 *                 temporaries, labels, the line writer
 *   emit_locks.c  which globals each probe touches (transitively), how
 *   emit_expr.c   expressions -> C statements + one pure C expression
 *   emit_data.c   arrays, statistics, foreach, delete, in
 *   emit_stmt.c   statements, control flow, try/catch, MAXACTION
 *   emit_print.c  the print family and printf directives
 *
 * Code generation model: an expression is emitted as zero or more C
 * statements (into the body being built) followed by one C expression
 * text (struct val) that has no side effects and cannot fail, so it may
 * be used later in any order.  Subexpressions are evaluated left to
 * right: an operand whose later sibling has side effects is first copied
 * into a temporary ("materialized").  Errors jump to the current error
 * label: the innermost try's catch, or the body's out label.
 *
 * Temporaries: longs, map entries and key arrays are C locals of the
 * handler (declared at its top, numbered); strings are MAXSTRINGLEN
 * buffers in the body's frame.  A statement releases the temporaries it
 * took (stack discipline), so the frame holds the deepest statement's.
 */
#ifndef STAP_EMIT_INT_H
#define STAP_EMIT_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "ast.h"
#include "pass2.h"
#include "pass3.h"

struct arena;
struct session;

/* Kinds of temporaries of a body. */
enum tmp_kind {
	TMP_LONG,      /* int64_t nK (C local) */
	TMP_STR,       /* char tK[MAXSTRINGLEN] (frame field l->tK) */
	TMP_ENTRY,     /* struct stp_map_entry *eK (C local) */
	TMP_KEYS,      /* union stp_key kK[max arity] (C local) */
	TMP_KIND_COUNT
};

/* A loop being emitted: where break and continue go. */
struct emit_loop {
	int brk, cont;              /* label ids */
	struct emit_loop *outer;
};

/* A statistics array aggregated for the body of a foreach over it:
 * element reads inside use the merged map instead of merging again. */
struct emit_agg {
	const struct symbol *g;
	const char *map;            /* C expression of the merged map */
	struct emit_agg *outer;
};

/* One probe handler or function being generated. */
struct emit_body {
	FILE *code;                 /* the statements (a memory stream) */
	char *code_buf;
	size_t code_len;
	int indent;
	int ntmp[TMP_KIND_COUNT];   /* in use now */
	int maxtmp[TMP_KIND_COUNT]; /* most ever in use: what to declare */
	int max_arity;              /* key arrays' length */
	int nlabels;                /* label 0 is "out" */
	bool *label_used;
	int labels_cap;
	int err_label;              /* where an error jumps now */
	struct emit_loop *loop;
	struct emit_agg *agg;
	const struct elab_func *fn; /* NULL in a probe */
	bool precharged;            /* the next emit_block was charged by its loop */
	bool c_longs;               /* long locals are C locals v_NAME, not frame fields */
};

/* A global as pass 3 names and stores it. */
struct emit_global {
	const struct symbol *sym;
	const char *cname;          /* g_name: struct { rwlock_t lock; value } */
	int64_t shift;              /* @variance shift of statistics */
	bool variance, minmax;      /* statistics: @variance, @min/@max are read */
};

/* A function as pass 3 names it. */
struct emit_func {
	const struct elab_func *f;
	const char *cname;          /* fn_name_arity */
};

struct emit {
	struct arena *arena;
	const struct session *sess;
	const struct elab_program *ep;
	const char *module;
	struct emit_global *globals;
	int nglobals;
	struct emit_func *funcs;
	int nfuncs;
	struct emit_body *body;     /* the body being generated */
	int *probe_impl;            /* probe i runs probe_<probe_impl[i]>'s handler */
	int errors;
};

/* ---- usyms.c ---- */
/* The user-space symbol tables (when the script names user symbols), and
 * in *fields the stp_module initializers naming them. */
void emit_usyms(struct emit *E, FILE *out, const char **fields);

/* ---- emit_util.c ---- */
/* emit_cstr and emit_num: pass3.h (probe families use them too). */
/* name with anything but [A-Za-z0-9_] spelled as _XX hex. */
const char *emit_mangle(struct arena *a, const char *name);
/* The "near" location of n as upstream names its token, as a C literal:
 * "operator '/' at t.stp:3:9", "identifier 'f' at <input>:1:2", ... */
const char *emit_loc(struct emit *E, const struct node *n);
/* The same for the keyword that starts a statement. */
const char *emit_loc_keyword(struct emit *E, const struct srcpos *pos);
/* identifier 'name' at pos (a function's name in its declaration). */
const char *emit_loc_ident(struct emit *E, const char *name, const struct srcpos *pos);

/* One line of code at the body's indentation. */
void emit_line(struct emit *E, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Code emitted between begin and end goes to cap->buf (cap->len bytes,
 * malloc'd, 0 when nothing was emitted) instead of the body: for the
 * right operand of && || and the arms of ?:, which need an if around
 * them only when they emit statements.  emit_raw() puts it back; free
 * cap->buf after. */
struct emit_capture {
	FILE *saved;
	char *buf;
	size_t len;
};
void emit_capture_begin(struct emit *E, struct emit_capture *cap);
void emit_capture_end(struct emit *E, struct emit_capture *cap);
void emit_raw(struct emit *E, const char *text, size_t len);
/* A fresh temporary of kind: its C name ("n3", "l->t2", "e0", "k1"). */
const char *emit_tmp(struct emit *E, enum tmp_kind k);
/* Stack discipline: a statement's temporaries are released after it. */
void emit_tmp_mark(struct emit *E, int mark[TMP_KIND_COUNT]);
void emit_tmp_release(struct emit *E, const int mark[TMP_KIND_COUNT]);
/* A new label id; its C name; goto it (marking it used); place it. */
int emit_label_new(struct emit *E);
const char *emit_label_name(struct emit *E, int id);
void emit_goto(struct emit *E, int id);
void emit_label_place(struct emit *E, int id);
/* if (c->last_error) goto the error label, with loc when none was set. */
void emit_check_error(struct emit *E, const char *loc);
/* _stp_error(c, msg, loc) and goto the error label; msg a C expression. */
void emit_raise(struct emit *E, const char *msg, const char *loc);
/* Report a construct pass 3 cannot translate. */
void emit_unsupported(struct emit *E, const struct node *n, const char *what);

const struct emit_global *emit_global_of(struct emit *E, const struct symbol *sym);
const struct emit_func *emit_func_of(struct emit *E, const struct elab_func *f);

/* ---- emit_expr.c ---- */
struct val {
	const char *c;              /* C expression: int64_t, or const char * */
	bool fresh;                 /* a string temporary owned by this value */
	bool constant;              /* a literal: never needs a copy */
};

/* Evaluate n; its statements go to the body, the value is returned. */
struct val emit_expr(struct emit *E, const struct node *n);
/* Evaluate n for its effects only. */
void emit_expr_void(struct emit *E, const struct node *n);
/* Evaluate a long condition: a C expression true when n is nonzero. */
const char *emit_cond(struct emit *E, const struct node *n);
/* Copy v into a temporary unless it already is one (or a literal). */
struct val emit_materialize(struct emit *E, struct val v, enum stap_type t);
/* True when evaluating n may change state another operand could read
 * (assignment, call, ++/--, output, =~). */
bool emit_has_effects(const struct node *n);
/* Evaluate a list of operands left to right into vals[0..n). */
void emit_operands(struct emit *E, const struct node *list, struct val *vals, int n);
/* True when local sym of the body being generated is a C local. */
bool emit_is_c_local(struct emit *E, const struct symbol *sym);
/* A variable's C lvalue (long) or buffer (string); scalars only. */
const char *emit_var_ref(struct emit *E, const struct node *var);
/* Call a script or embedded function; the result (a copy) or NULL. */
struct val emit_call(struct emit *E, const struct node *n);

/* ---- emit_tvar.c ---- */
/* A target variable or @cast (u.tgt.access from pass 2): its value. */
struct val emit_tvar(struct emit *E, const struct node *n);

/* ---- emit_data.c ---- */
/* Evaluate the keys of an index list into a key array; wild (when not
 * NULL) gets "true"/"false" per key as a C initializer list.  stable:
 * string keys are copied unless they are temporaries or literals (the
 * caller evaluates more code with effects before using the keys). */
const char *emit_keys(struct emit *E, const struct node *keys, int nkeys,
		      const char **wild, bool stable);
/* base[keys] read as a value (0 / "" when absent). */
struct val emit_index_read(struct emit *E, const struct node *n);
/* The map of a global array, for reading (statistics: merged). */
const char *emit_map_of(struct emit *E, const struct symbol *g);
/* Find or insert base[keys] for writing: the entry temp (errors on a full
 * array).  keys already evaluated into kt. */
const char *emit_index_insert(struct emit *E, const struct node *n, const char *kt);
/* @count(x) ... on a statistic (scalar or element). */
struct val emit_stat_op(struct emit *E, const struct node *n);
/* The struct stp_stat * of a statistics operand, and its histogram spec. */
const char *emit_stat_ptr(struct emit *E, const struct node *operand);
const char *emit_hist_spec(struct emit *E, const struct node *operand);
/* @hist_x(s)[i] */
struct val emit_hist_index(struct emit *E, const struct node *n);
struct val emit_in(struct emit *E, const struct node *n);
void emit_delete(struct emit *E, const struct node *n);
void emit_foreach(struct emit *E, const struct node *n);
/* a[k] <<< v and s <<< v */
void emit_stat_add(struct emit *E, const struct node *lhs, const struct node *rhs);

/* ---- emit_stmt.c ---- */
void emit_stmt(struct emit *E, const struct node *n);
/* A probe or function body: the block, with MAXACTION accounting. */
void emit_block(struct emit *E, const struct node *blk);
/* A loop iteration's charge: 1, plus the body's own when the body is
 * straight-line code (then the body is emitted without a charge). */
void emit_iteration_charge(struct emit *E, const struct node *body, const char *loc);

/* ---- emit_print.c ---- */
/* print/printf/... and sprint...: a string value for the latter. */
struct val emit_print(struct emit *E, const struct node *n);

/* ---- emit_locks.c ---- */
/* Per probe: which globals it locks and how (index into E->globals). */
struct emit_lockset {
	int n;
	int *global;                /* sorted */
	bool *write;
};
/* Compute the lock set of every probe of the program, in probe order. */
struct emit_lockset *emit_locks(struct emit *E);

#endif
