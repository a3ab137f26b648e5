/* ast.h - the map of every pass: the tree pass 1 builds from a script and
 * passes 2 and 3 annotate and consume.
 *
 * Expressions and statements are one struct node, told apart by one enum
 * node_kind (STYLE habit 1): every pass switches over it without a
 * default: so -Wswitch names the pass a new kind forgot.  Each node keeps
 * the source position of the token that made it.  Kind-specific fields
 * live in a union; the comment on each kind says which member it uses.
 *
 * Declarations (globals, functions, probes, aliases, top-level embedded C)
 * are their own small structs, collected in struct program both per kind
 * and in one list in source order.
 *
 * All memory comes from the run's arena; nothing here is freed piecemeal.
 * Names are interned by the lexer: equal names are equal pointers within
 * one struct pass1 (see pass1.h).
 */
#ifndef STAP_AST_H
#define STAP_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "token.h"

struct arena;
struct symbol;         /* pass 2: a resolved variable */
struct stap_function;
struct elab_func;      /* pass 2: facts about a function */

/* The value types of the language; pass 2 fills node->type. */
enum stap_type {
	TYPE_UNKNOWN,
	TYPE_LONG,
	TYPE_STRING,
	TYPE_STATS,
};

enum node_kind {
	/* expressions */
	ND_NUM,            /* integer literal: u.num */
	ND_STR,            /* string literal (adjacent literals joined): u.str */
	ND_EMBEDDED_EXPR,  /* %{ C %} used as a value (guru): u.str */
	ND_VAR,            /* a script variable or array name: u.var */
	ND_TARGET,         /* $name with ->f [i] $ $$ components: u.tgt (name) */
	ND_CAST,           /* @cast(expr, "type"[, "module"]) + components: u.tgt */
	ND_ATVAR,          /* @var("name@file"[, "module"]) + components: u.tgt */
	ND_AUTOCAST,       /* expr->f... on a non-target value: u.tgt (base) */
	ND_ENTRY,          /* @entry(expr): u.expr */
	ND_DEFINED,        /* @defined(expr): u.expr */
	ND_PROBEWRITE,     /* @probewrite(expr): u.expr */
	ND_PERF,           /* @perf("counter"): u.str */
	ND_CONST,          /* @const("C_NAME") (guru): u.str */
	ND_REGISTER,       /* @kregister(N) (op 'k') / @uregister(N) (op 'u'): u.num */
	ND_DEREF,          /* @kderef(SIZE, addr) (op 'k') / @uderef (op 'u'): u.deref */
	ND_UNARY,          /* op: OP_MINUS OP_PLUS OP_NOT OP_TILDE OP_AMP; u.expr */
	ND_PRE_INCDEC,     /* op: OP_INC OP_DEC, before the operand: u.expr */
	ND_POST_INCDEC,    /* op: OP_INC OP_DEC, after the operand: u.expr */
	ND_BINARY,         /* op: + - * / % << >> & | ^ . : u.bin */
	ND_LOGICAL,        /* op: OP_ANDAND OP_OROR: u.bin */
	ND_COMPARE,        /* op: < > <= >= == != : u.bin */
	ND_REGEX,          /* op: OP_MATCH OP_NOMATCH; rhs is an ND_STR: u.bin */
	ND_TERNARY,        /* cond ? then : els: u.cond */
	ND_ASSIGN,         /* op: = += -= ... .= <<<; right associative: u.bin */
	ND_IN,             /* [k1, k2] in array: u.index (base is the array) */
	ND_INDEX,          /* base[k1, k2]; base is usually an ND_VAR: u.index */
	ND_WILDCARD,       /* '*' in an index list (slices, delete, in) */
	ND_CALL,           /* name(args): u.call */
	ND_PRINT,          /* print family, op is enum print_fn: u.call */
	ND_STAT_OP,        /* op is enum stat_op: @count(x) ... @variance(x[, n]): u.stat */
	ND_HIST_OP,        /* op is enum hist_op: @hist_linear(x, lo, hi, step), @hist_log(x): u.stat */
	/* statements */
	ND_BLOCK,          /* { stmts }: u.block */
	ND_EXPR_STMT,      /* expr [;]: u.expr */
	ND_EMPTY,          /* ; */
	ND_IF,             /* if (cond) then [else els]: u.cond */
	ND_FOR,            /* for (init; cond; incr) body, and while (cond): u.loop */
	ND_FOREACH,        /* foreach (...) body: u.fe */
	ND_BREAK,          /* break */
	ND_CONTINUE,       /* continue */
	ND_NEXT,           /* next */
	ND_RETURN,         /* return [expr] (functions only): u.expr (may be NULL) */
	ND_DELETE,         /* delete expr: u.expr */
	ND_TRY,            /* try { } catch [(var)] { }: u.try_ */
	ND_EMBEDDED_STMT,  /* %{ C %} as a statement (guru): u.str */
	ND_KIND_COUNT
};

/* The print family: bit flags combined in node->op of ND_PRINT. */
enum print_fn {
	PF_STRING = 1,     /* sprint...: returns the text instead of printing */
	PF_NEWLINE = 2,    /* ...ln: a newline after the values */
	PF_DELIM = 4,      /* ...d...: args[0] is the delimiter (a literal) */
	PF_FORMAT = 8,     /* ...f: args[0] is the format (a literal) */
};

enum stat_op { STAT_COUNT, STAT_SUM, STAT_MIN, STAT_MAX, STAT_AVG, STAT_VARIANCE };
enum hist_op { HIST_LINEAR, HIST_LOG };

struct tv_access;

/* One step of a target-variable access chain. */
enum target_comp_kind {
	COMP_FIELD,        /* ->name */
	COMP_INDEX,        /* [expr] */
	COMP_PRETTY,       /* trailing $ (depth 1) or $$ (depth 2) */
};

struct target_comp {
	enum target_comp_kind kind;
	struct srcpos pos;
	const char *name;        /* COMP_FIELD */
	struct node *index;      /* COMP_INDEX */
	int depth;               /* COMP_PRETTY */
	struct target_comp *next;
};

/* A node is allocated with room for its own kind's union member only
 * (most are far smaller than the largest), ast_node_new() records the size.
 * Changing a node's kind in place is allowed only when ast_node_fits() says
 * the new kind's member fits; otherwise allocate a new node. */
struct node {
	enum node_kind kind;
	int op;                  /* operator or variant, per kind */
	struct srcpos pos;
	struct node *next;       /* next in a statement/argument/key list */
	/* pass 2 */
	struct symbol *sym;
	enum stap_type type;
	unsigned size;           /* bytes allocated for this node */
	union {
		int64_t num;
		struct {
			const char *s;   /* decoded bytes, NUL-terminated */
			size_t len;      /* may contain NULs before len */
		} str;
		struct {
			const char *name;
		} var;
		struct {
			struct node *e;
		} expr;
		struct {
			struct node *e;      /* the address; first, as in expr */
			int64_t size;        /* bytes: 1, 2, 4 or 8 (pass 2 checks) */
		} deref;
		struct {
			struct node *lhs, *rhs;
		} bin;
		struct {
			struct node *cond, *then, *els;
		} cond;
		struct {
			const char *name;
			struct node *args;
			int nargs;
			struct stap_function *func;   /* pass 2 */
		} call;
		struct {
			struct node *base;   /* array (ND_VAR, ND_HIST_OP) or any value */
			struct node *keys;   /* may contain ND_WILDCARD */
			int nkeys;
		} index;
		struct {
			const char *name;    /* ND_TARGET: "$foo"; ND_ATVAR: "name@file" */
			struct node *base;   /* ND_CAST, ND_AUTOCAST: the pointer value */
			const char *type_name;   /* ND_CAST */
			const char *module;      /* ND_CAST, ND_ATVAR; NULL if absent */
			struct target_comp *comps;
			bool addr_of;        /* &... */
			struct tv_access *access;  /* pass 2: how to read it (tvar.h) */
			struct node *expansion;    /* pass 2: the expression it stands
						      for ($$parms: a sprintf), or NULL */
		} tgt;
		struct {
			struct node *operand;
			struct node *params;  /* @variance bucket; histogram bounds */
			int nparams;
		} stat;
		struct {
			struct node *stmts;
		} block;
		struct {
			struct node *init, *cond, *incr, *body;  /* any may be NULL but body */
		} loop;
		struct {
			struct node *value;     /* ND_VAR for "v = [...]", or NULL */
			struct node *keys;      /* ND_VAR list */
			int nkeys;
			struct node *array;     /* ND_VAR or ND_HIST_OP */
			struct node *slice;     /* index list of array[...], or NULL */
			int nslice;
			int sort_key;           /* -1 none, 0 the value, k the k-th key */
			int sort_dir;           /* +1 ascending, -1 descending */
			int sort_aggr;          /* enum stat_op sorting a stats array, or -1 */
			struct node *limit;     /* or NULL */
			struct node *body;
		} fe;
		struct {
			struct node *body;
			struct node *var;       /* ND_VAR receiving the message, or NULL */
			struct node *handler;
		} try_;
	} u;
};

/* A probe point: a.b("x").c(1).return?, with its own condition. */
struct pp_comp {
	const char *name;        /* may hold * and ** wildcards */
	struct node *arg;        /* ND_NUM or ND_STR, or NULL */
	struct srcpos pos;
	struct pp_comp *next;
};

struct probe_point {
	struct srcpos pos;
	struct pp_comp *comps;
	int ncomps;
	bool optional;           /* ? */
	bool sufficient;         /* ! */
	struct node *cond;       /* if (expr), or NULL */
	struct probe_point *next;
};

struct stap_probe {
	struct srcpos pos;
	struct probe_point *points;
	struct node *body;       /* ND_BLOCK */
	struct stap_probe *next;
};

struct stap_alias {
	struct srcpos pos;
	struct probe_point *name;     /* the single point being defined */
	bool epilogue;                /* += : body runs after the user's */
	struct probe_point *points;   /* what it expands to */
	struct node *body;            /* before the user's (after it for +=) */
	struct node *epilogue_body;   /* "= PP { before }, { after }": the after */
	struct stap_alias *next;
};

struct stap_param {
	const char *name;
	enum stap_type type;     /* declared :long / :string, or TYPE_UNKNOWN */
	struct srcpos pos;
	struct stap_param *next;
};

struct stap_function {
	struct srcpos pos;
	const char *name;
	enum stap_type ret_type; /* declared, or TYPE_UNKNOWN */
	struct stap_param *params;
	int nparams;
	struct node *body;       /* ND_BLOCK, or NULL when embedded */
	const char *embedded;    /* %{ C %} body, or NULL */
	size_t embedded_len;
	bool is_private;
	struct elab_func *elab;  /* pass 2: its symbols and facts */
	struct stap_function *next;
};

struct stap_global {
	struct srcpos pos;
	const char *name;
	bool is_private;
	struct node *init;       /* ND_NUM or ND_STR, or NULL */
	bool is_array;           /* declared with [size] or % */
	bool wrap;               /* % : overwrite the oldest entry when full */
	int64_t max_size;        /* [N], or 0 */
	struct stap_global *next;
};

struct stap_embedded {
	struct srcpos pos;
	const char *code;
	size_t len;
	struct stap_embedded *next;
};

enum decl_kind { DECL_GLOBAL, DECL_FUNCTION, DECL_PROBE, DECL_ALIAS, DECL_EMBEDDED };

/* One top-level declaration, in source order. */
struct decl {
	enum decl_kind kind;
	union {
		struct stap_global *global;
		struct stap_function *function;
		struct stap_probe *probe;
		struct stap_alias *alias;
		struct stap_embedded *embedded;
	} u;
	struct decl *next;
};

/* Everything parsed so far; the user script first, then -E scripts, then
 * (in pass 2) the tapsets it pulls in.  Each per-kind list keeps source
 * order; decls interleaves them. */
struct program {
	int ndecls;
	struct decl *decls, **decls_tail;
	struct stap_global *globals, **globals_tail;
	struct stap_function *functions, **functions_tail;
	struct stap_probe *probes, **probes_tail;
	struct stap_alias *aliases, **aliases_tail;
	struct stap_embedded *embeds, **embeds_tail;
};

struct program *ast_program_new(struct arena *a);
/* A zeroed node of kind, sized for that kind (see struct node). */
struct node *ast_node_new(struct arena *a, enum node_kind kind, const struct srcpos *pos);
/* True when n's allocation can hold a node of kind. */
bool ast_node_fits(const struct node *n, enum node_kind kind);

/* Append a declaration to its kind list and to the source-order list. */
void ast_add_global(struct arena *a, struct program *p, struct stap_global *g);
void ast_add_function(struct arena *a, struct program *p, struct stap_function *f);
void ast_add_probe(struct arena *a, struct program *p, struct stap_probe *pr);
void ast_add_alias(struct arena *a, struct program *p, struct stap_alias *al);
void ast_add_embedded(struct arena *a, struct program *p, struct stap_embedded *e);

/* The name of a node kind, for debugging output. */
const char *ast_kind_name(enum node_kind kind);

/* A deep copy of n and everything under it, but not n->next (ast_clone);
 * of the whole list starting at n (ast_clone_list).  NULL gives NULL.
 * Pass 2 gives each derived probe its own copy of its body. */
struct node *ast_clone(struct arena *a, const struct node *n);
struct node *ast_clone_list(struct arena *a, const struct node *n);

/* Call fn on every child slot of n (not n->next), in source order; fn may
 * replace *slot (keeping (*slot)->next for list members). */
void ast_each_child(struct node *n, void (*fn)(struct node **slot, void *ctx), void *ctx);

/* True for the kinds that carry a target component chain (u.tgt). */
bool ast_is_target(const struct node *n);

#endif
