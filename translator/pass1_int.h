/* pass1_int.h - internals shared by the pass-1 files (lexer.c, target.c,
 * preprocess.c, macro.c, parser.c, parse_expr.c, pass1.c).  Nothing outside
 * pass 1 includes this; the public interface is pass1.h.
 *
 * Data flow:  source text -> lexer (lex_next) -> preprocessor (pp_next:
 * %( %) conditionals, @define macros, $N/@N arguments) -> parser (a ring
 * of PARSE_LOOKAHEAD tokens) -> struct program.
 */
#ifndef STAP_PASS1_INT_H
#define STAP_PASS1_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "pass1.h"
#include "session.h"
#include "target.h"
#include "token.h"

struct arena;

/* ---- interned names (lexer.c) ---- */

struct intern_entry {
	const char *s;
	uint32_t len;
	uint32_t hash;
	short kw;            /* enum keyword, or KW_NONE */
	short special;       /* parser's class of a well-known name, or 0 */
};

struct intern {
	struct arena *arena;
	struct intern_entry *slots;
	size_t cap;          /* power of two */
	size_t count;
};

void intern_init(struct intern *in, struct arena *a);
/* The unique copy of s[0..len); *kw (if not NULL) gets its keyword. */
const char *intern_name(struct intern *in, const char *s, size_t len, int *kw);
/* Mark a name so the lexer hands its class to the parser in token->op
 * (identifiers only; see parse_register_names). */
void intern_set_special(struct intern *in, const char *name, int special);

/* ---- lexer (lexer.c) ---- */

struct lexer {
	struct pass1 *ctx;
	const struct source *src;
	const char *p, *end;
	const char *line_start;
	int line;
	unsigned extra_flags;        /* OR-ed into every token (TF_FROM_ARG) */
};

void lex_init(struct lexer *lx, struct pass1 *ctx, const struct source *src);
/* The next raw token; lexical errors are reported here and lexing goes on. */
void lex_next(struct lexer *lx, struct token *t);

/* ---- macros (macro.c) ---- */

struct macro {
	const char *name;            /* interned, without '@' */
	const char **params;         /* interned */
	int nparams;
	bool has_parens;             /* @define name(...) */
	struct token *body;
	int nbody;
	struct srcpos pos;
	struct macro *hnext;
};

struct macro_table {
	struct macro **buckets;
	size_t nbuckets;             /* power of two, or 0 */
	size_t count;
};

struct macro *macro_lookup(const struct macro_table *t, const char *name);
void macro_insert(struct arena *a, struct macro_table *t, struct macro *m);

/* The arguments of one macro use, visible to @param inside its body. */
struct macro_env {
	const struct macro *macro;
	const struct token **args;
	int *nargs;
	const struct expansion *args_exp; /* expansion the argument tokens came from */
	const struct macro_env *caller;  /* env the arguments were written in */
};

/* ---- preprocessor (preprocess.c) ---- */

struct pp_frame {
	struct lexer *lx;            /* a lexer frame, or NULL for a token list */
	const struct token *toks;
	int n, i;
	const struct macro_env *env; /* @param bindings for these tokens */
	const struct expansion *exp; /* given to tokens that have none */
	int cond_base;               /* open conditionals when pushed */
	bool is_arg;                 /* a pasted command-line argument */
	bool is_macro;               /* a macro body */
};

struct pp_cond {
	struct srcpos pos;           /* the %( */
	bool in_else;
};

struct pp {
	struct pass1 *ctx;
	const struct source *src;
	bool is_library;             /* a .stpm file: only @define at top level */
	struct macro_table locals;
	struct lexer lx;
	struct pp_frame *frames;
	int nframes, frames_cap;
	struct pp_cond *conds;
	int nconds, conds_cap;
	int macro_depth;
	bool in_cond;                /* reading a %( condition: %? etc. are plain */
	bool expansion_dead;         /* runaway expansion: stop expanding */
	long expanded;               /* tokens produced by macro bodies */
	bool cond_failed;            /* the current %( condition had an error */
	bool saw_then;               /* the condition's %? has been consumed */
	bool has_la;                 /* condition parser lookahead */
	struct token la;
};

void pp_init(struct pp *pp, struct pass1 *ctx, const struct source *src, bool is_library);
/* The next token after conditionals, macros and arguments. */
void pp_next(struct pp *pp, struct token *t);

/* Read a raw token from the top frame only (no expansion, no popping);
 * TK_EOF at the end of that frame. */
void pp_raw_top(struct pp *pp, struct token *t);
/* Drop every frame above the source (a runaway expansion ends). */
void pp_kill_expansion(struct pp *pp);
void pp_push_tokens(struct pp *pp, const struct token *toks, int n,
		    const struct macro_env *env, const struct expansion *exp,
		    bool is_macro, bool is_arg);

/* Called by pp_next for @define and @name uses (macro.c). */
void macro_define(struct pp *pp, const struct token *at_define);
/* True when the token was a macro or parameter use and has been expanded. */
bool macro_try_expand(struct pp *pp, const struct token *t);

/* Load every *.stpm of the library path once (macro.c). */
void macro_load_library(struct pass1 *ctx);
struct macro *macro_lookup_library(struct pass1 *ctx, const char *name);

/* Evaluate the condition after a %( (preprocess.c). */
bool pp_eval_condition(struct pp *pp, const struct token *opener);

/* ---- the whole pass (pass1.c) ---- */

#define PASS1_MAX_DEPTH 1000        /* expression/statement nesting */
#define PASS1_MAX_MACRO_DEPTH 200   /* nested macro expansions */
#define PASS1_MAX_FRAMES 512        /* macro + parameter + argument frames */
#define PASS1_MAX_EXPANSION 1000000 /* tokens produced by macros, per source */
#define PASS1_MAX_PP_NEST 1000      /* nested %( conditionals */

struct pass1 {
	struct arena *arena;
	const struct session *sess;
	unsigned flags;              /* PASS1_* from pass1.h */
	struct intern names;
	struct target *target;       /* created on first use */
	bool guru;
	const char *systemtap_v;
	const char *privilege;
	const char *runtime;
	/* command-line arguments, lexed on first use */
	struct token **arg_toks;
	int *arg_ntoks;
	struct expansion *arg_exp;
	/* the macro library (*.stpm) */
	struct macro_table library;
	bool library_loaded;
	int library_files;
	int script_count;            /* -E scripts named <input1> ... */
};

/* The whole file as an arena string (NUL-terminated), or NULL. */
char *pass1_slurp(struct arena *a, const char *path, size_t *len);

/* ---- parser (parser.c: declarations, statements, probe points;
 *      parse_expr.c: expressions) ---- */

#define PARSE_LOOKAHEAD 4

struct parser {
	struct pass1 *ctx;
	struct pp *pp;
	struct arena *arena;
	struct program *prog;
	bool is_tapset;
	bool guru;                   /* embedded C and guru-only operators allowed */
	struct token la[PARSE_LOOKAHEAD];
	int la_start, la_n;
	struct token eof;            /* what peek() shows while recovering */
	bool panic;                  /* an error is unwinding: peek() shows eof */
	int depth;                   /* nesting, bounded by PASS1_MAX_DEPTH */
	bool too_deep_reported;
	bool in_function;
	bool paren_primary;          /* the primary just parsed was ( expr ) */
	unsigned long consumed;      /* tokens consumed, to prove progress */
	struct token marker;         /* the last foreach sort marker */
	bool eof_unclosed;           /* an unclosed '{' at end of input was reported */
	int pp_budget;               /* probe point components left to expand */
	struct parse_open *opens;    /* brackets consumed and not yet closed */
	int nopens, opens_cap;
	const char **globals;        /* names declared global in this source */
	size_t globals_cap, nglobals;
};

struct parse_open {
	struct srcpos pos;
	int op;
};

/* Parse one preprocessed token stream into prog; returns the number of
 * declarations parsed. */
int parse_program(struct pass1 *ctx, struct pp *pp, bool is_tapset, struct program *prog);

#define LA_MASK (PARSE_LOOKAHEAD - 1)

void parse_fill(struct parser *p, int k);
void parse_advance(struct parser *p);

/* The k-th token ahead (k < PARSE_LOOKAHEAD); end of input while
 * recovering from an error. */
static inline const struct token *parse_peek(struct parser *p, int k)
{
	if (p->panic)
		return &p->eof;
	if (p->la_n <= k)
		parse_fill(p, k);
	return &p->la[(unsigned)(p->la_start + k) & LA_MASK];
}

static inline bool parse_is_op(const struct token *t, int op)
{
	return t->kind == TK_OP && t->op == op;
}

bool parse_accept_op(struct parser *p, int op);
/* Report "expected WHAT, saw X" at the next token and start recovering. */
void parse_expected(struct parser *p, enum diag_tag tag, const char *what);
void parse_error_at(struct parser *p, enum diag_tag tag, const struct token *t,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool parse_expect_op(struct parser *p, enum diag_tag tag, int op);
/* Expect the closer of a bracket opened by *opener (names it if missing). */
bool parse_expect_close(struct parser *p, int op, const struct token *opener);
bool parse_enter(struct parser *p);
void parse_leave(struct parser *p);
struct node *parse_new(struct parser *p, enum node_kind kind, const struct token *t);
/* STRING {STRING}: adjacent literals joined; false (reported) if none. */
bool parse_string_literal(struct parser *p, enum diag_tag tag, const char **s, size_t *len);

struct node *parse_expr(struct parser *p);
/* An array name or a histogram operator (foreach, in). */
struct node *parse_indexable(struct parser *p);
/* '[' key {',' key} ']' with '*' wildcards; returns the list. */
struct node *parse_key_list(struct parser *p, int *n);

/* Builtin @operators that are never macro names (parse_expr.c). */
bool parse_is_builtin_at(const char *name_without_at);
/* Mark the print family and @operators in the name table (parse_expr.c). */
void parse_register_names(struct intern *in);

#endif
