/* ast.c - constructors and small queries for the tree in ast.h. */
#include "config.h"

#include "ast.h"

#include <stddef.h>

#include "arena.h"

struct program *ast_program_new(struct arena *a)
{
	struct program *p = arena_alloc(a, sizeof(*p));
	p->decls_tail = &p->decls;
	p->globals_tail = &p->globals;
	p->functions_tail = &p->functions;
	p->probes_tail = &p->probes;
	p->aliases_tail = &p->aliases;
	p->embeds_tail = &p->embeds;
	return p;
}

#define HEADER offsetof(struct node, u)
#define WITH(member) (HEADER + sizeof(((struct node *)0)->u.member))

/* Bytes each kind needs: the header and the union member it uses. */
static const unsigned short node_sizes[] = {
	[ND_NUM] = WITH(num), [ND_STR] = WITH(str), [ND_EMBEDDED_EXPR] = WITH(str),
	[ND_VAR] = WITH(var), [ND_TARGET] = WITH(tgt), [ND_CAST] = WITH(tgt),
	[ND_ATVAR] = WITH(tgt), [ND_AUTOCAST] = WITH(tgt), [ND_ENTRY] = WITH(expr),
	[ND_DEFINED] = WITH(expr), [ND_PROBEWRITE] = WITH(expr), [ND_PERF] = WITH(str),
	[ND_CONST] = WITH(str), [ND_REGISTER] = WITH(num),
	[ND_DEREF] = WITH(deref), [ND_UNARY] = WITH(expr),
	[ND_PRE_INCDEC] = WITH(expr), [ND_POST_INCDEC] = WITH(expr), [ND_BINARY] = WITH(bin),
	[ND_LOGICAL] = WITH(bin), [ND_COMPARE] = WITH(bin), [ND_REGEX] = WITH(bin),
	[ND_TERNARY] = WITH(cond), [ND_ASSIGN] = WITH(bin), [ND_IN] = WITH(index),
	[ND_INDEX] = WITH(index), [ND_WILDCARD] = HEADER, [ND_CALL] = WITH(call),
	[ND_PRINT] = WITH(call), [ND_STAT_OP] = WITH(stat), [ND_HIST_OP] = WITH(stat),
	[ND_BLOCK] = WITH(block), [ND_EXPR_STMT] = WITH(expr), [ND_EMPTY] = HEADER,
	[ND_IF] = WITH(cond), [ND_FOR] = WITH(loop), [ND_FOREACH] = WITH(fe),
	[ND_BREAK] = HEADER, [ND_CONTINUE] = HEADER, [ND_NEXT] = HEADER,
	[ND_RETURN] = WITH(expr), [ND_DELETE] = WITH(expr), [ND_TRY] = WITH(try_),
	[ND_EMBEDDED_STMT] = WITH(str),
};
_Static_assert(sizeof(node_sizes) / sizeof(node_sizes[0]) == ND_KIND_COUNT,
	       "every node kind needs a size");

struct node *ast_node_new(struct arena *a, enum node_kind kind, const struct srcpos *pos)
{
	unsigned size = node_sizes[kind];
	struct node *n = arena_alloc(a, size);
	n->kind = kind;
	n->pos = *pos;
	n->size = size;
	return n;
}

bool ast_node_fits(const struct node *n, enum node_kind kind)
{
	return node_sizes[kind] <= n->size;
}

static struct decl *add_decl(struct arena *a, struct program *p, enum decl_kind kind)
{
	struct decl *d = arena_alloc(a, sizeof(*d));
	d->kind = kind;
	*p->decls_tail = d;
	p->decls_tail = &d->next;
	p->ndecls++;
	return d;
}

void ast_add_global(struct arena *a, struct program *p, struct stap_global *g)
{
	add_decl(a, p, DECL_GLOBAL)->u.global = g;
	*p->globals_tail = g;
	p->globals_tail = &g->next;
}

void ast_add_function(struct arena *a, struct program *p, struct stap_function *f)
{
	add_decl(a, p, DECL_FUNCTION)->u.function = f;
	*p->functions_tail = f;
	p->functions_tail = &f->next;
}

void ast_add_probe(struct arena *a, struct program *p, struct stap_probe *pr)
{
	add_decl(a, p, DECL_PROBE)->u.probe = pr;
	*p->probes_tail = pr;
	p->probes_tail = &pr->next;
}

void ast_add_alias(struct arena *a, struct program *p, struct stap_alias *al)
{
	add_decl(a, p, DECL_ALIAS)->u.alias = al;
	*p->aliases_tail = al;
	p->aliases_tail = &al->next;
}

void ast_add_embedded(struct arena *a, struct program *p, struct stap_embedded *e)
{
	add_decl(a, p, DECL_EMBEDDED)->u.embedded = e;
	*p->embeds_tail = e;
	p->embeds_tail = &e->next;
}

static const char *const kind_names[] = {
	[ND_NUM] = "ND_NUM", [ND_STR] = "ND_STR", [ND_EMBEDDED_EXPR] = "ND_EMBEDDED_EXPR",
	[ND_VAR] = "ND_VAR", [ND_TARGET] = "ND_TARGET", [ND_CAST] = "ND_CAST",
	[ND_ATVAR] = "ND_ATVAR", [ND_AUTOCAST] = "ND_AUTOCAST", [ND_ENTRY] = "ND_ENTRY",
	[ND_DEFINED] = "ND_DEFINED", [ND_PROBEWRITE] = "ND_PROBEWRITE", [ND_PERF] = "ND_PERF",
	[ND_CONST] = "ND_CONST", [ND_REGISTER] = "ND_REGISTER",
	[ND_DEREF] = "ND_DEREF", [ND_UNARY] = "ND_UNARY",
	[ND_PRE_INCDEC] = "ND_PRE_INCDEC", [ND_POST_INCDEC] = "ND_POST_INCDEC",
	[ND_BINARY] = "ND_BINARY", [ND_LOGICAL] = "ND_LOGICAL", [ND_COMPARE] = "ND_COMPARE",
	[ND_REGEX] = "ND_REGEX", [ND_TERNARY] = "ND_TERNARY", [ND_ASSIGN] = "ND_ASSIGN",
	[ND_IN] = "ND_IN", [ND_INDEX] = "ND_INDEX", [ND_WILDCARD] = "ND_WILDCARD",
	[ND_CALL] = "ND_CALL", [ND_PRINT] = "ND_PRINT", [ND_STAT_OP] = "ND_STAT_OP",
	[ND_HIST_OP] = "ND_HIST_OP", [ND_BLOCK] = "ND_BLOCK", [ND_EXPR_STMT] = "ND_EXPR_STMT",
	[ND_EMPTY] = "ND_EMPTY", [ND_IF] = "ND_IF", [ND_FOR] = "ND_FOR",
	[ND_FOREACH] = "ND_FOREACH", [ND_BREAK] = "ND_BREAK", [ND_CONTINUE] = "ND_CONTINUE",
	[ND_NEXT] = "ND_NEXT", [ND_RETURN] = "ND_RETURN", [ND_DELETE] = "ND_DELETE",
	[ND_TRY] = "ND_TRY", [ND_EMBEDDED_STMT] = "ND_EMBEDDED_STMT",
};
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == ND_KIND_COUNT,
	       "every node kind needs a name");

const char *ast_kind_name(enum node_kind kind)
{
	return (unsigned)kind < ND_KIND_COUNT ? kind_names[kind] : "ND_?";
}

bool ast_is_target(const struct node *n)
{
	return n->kind == ND_TARGET || n->kind == ND_CAST || n->kind == ND_ATVAR ||
	       n->kind == ND_AUTOCAST;
}
