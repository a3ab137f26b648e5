/* token.h - the tokens of the SystemTap language, shared by the lexer,
 * the preprocessor (conditionals, macros, argument pasting) and the parser.
 *
 * A token is a small value copied between the three stages.  Its text
 * points into the source buffer (or into the arena for pasted command-line
 * arguments); identifiers and keywords also carry an interned name, so two
 * names are equal exactly when their pointers are.  Every token knows where
 * it was written and whether it came out of a macro expansion or a pasted
 * argument, so a diagnostic can say both.
 */
#ifndef STAP_TOKEN_H
#define STAP_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct arena;

enum tok_kind {
	TK_EOF,       /* end of the current source */
	TK_IDENT,     /* name, $name, @name (anything not a keyword) */
	TK_KEYWORD,   /* a reserved word; tok->op is its enum keyword */
	TK_NUMBER,    /* 64-bit integer literal; tok->num (wrapped to signed) */
	TK_STRING,    /* string literal; tok->str/str_len are the decoded bytes */
	TK_OP,        /* punctuation; tok->op is its enum tok_op */
	TK_EMBEDDED,  /* %{ ... %}; tok->str/str_len is the code between */
	TK_ARG,       /* $N @N $# @#; tok->op is N (0 for the counts) */
};

/* Punctuation, longest spelling first where prefixes overlap. */
enum tok_op {
	OP_NONE,
	OP_LPAREN, OP_RPAREN, OP_LBRACKET, OP_RBRACKET, OP_LBRACE, OP_RBRACE,
	OP_COMMA, OP_SEMI, OP_COLON, OP_QUESTION, OP_DOT, OP_ARROW,
	OP_PLUS, OP_MINUS, OP_STAR, OP_SLASH, OP_PERCENT,
	OP_INC, OP_DEC, OP_NOT, OP_TILDE, OP_AMP, OP_PIPE, OP_CARET,
	OP_ANDAND, OP_OROR, OP_SHL, OP_SHR,
	OP_LT, OP_GT, OP_LE, OP_GE, OP_EQ, OP_NE, OP_MATCH, OP_NOMATCH,
	OP_ASSIGN, OP_ADD_ASSIGN, OP_SUB_ASSIGN, OP_MUL_ASSIGN, OP_DIV_ASSIGN,
	OP_MOD_ASSIGN, OP_SHL_ASSIGN, OP_SHR_ASSIGN, OP_AND_ASSIGN, OP_XOR_ASSIGN,
	OP_OR_ASSIGN, OP_CAT_ASSIGN, OP_AGGREGATE,
	OP_PP_IF,     /* %( */
	OP_PP_THEN,   /* %? */
	OP_PP_ELSE,   /* %: */
	OP_PP_END,    /* %) */
	OP_COUNT
};

enum keyword {
	KW_NONE,
	KW_PROBE, KW_GLOBAL, KW_PRIVATE, KW_FUNCTION, KW_IF, KW_ELSE, KW_FOR,
	KW_FOREACH, KW_IN, KW_LIMIT, KW_RETURN, KW_DELETE, KW_WHILE, KW_BREAK,
	KW_CONTINUE, KW_NEXT, KW_STRING, KW_LONG, KW_TRY, KW_CATCH,
	KW_COUNT
};

/* Token flags. */
#define TF_SPACE     0x01  /* whitespace or a comment came right before it */
#define TF_FROM_ARG  0x02  /* pasted from a $N command-line argument */
#define TF_AT_ARG    0x04  /* TK_ARG: @N / @# (string form), not $N / $# */
#define TF_LEX_ERROR 0x08  /* the lexer already reported this token as bad */
#define TF_COMMENT   0x10  /* a comment came right before it (with TF_SPACE) */

/* One macro expansion, for "in expansion of macro '@m'" notes. */
struct expansion {
	const char *macro;               /* interned macro name without '@' */
	struct srcpos use;               /* where the macro was used */
	const struct expansion *parent;  /* expansion the use itself came from */
};

struct token {
	enum tok_kind kind;
	int op;                   /* enum tok_op, enum keyword, arg index, or
				     the parser's class of a well-known name */
	unsigned flags;           /* TF_* */
	struct srcpos pos;        /* where it was written */
	const char *text;         /* spelling, text[0..len) */
	size_t len;
	const char *name;         /* TK_IDENT / TK_KEYWORD: interned spelling */
	int64_t num;              /* TK_NUMBER */
	const char *str;          /* TK_STRING / TK_EMBEDDED: contents */
	size_t str_len;
	const struct expansion *exp;  /* macro expansion it came from, or NULL */
};

/* The spelling of an operator ("<<=") and of a keyword ("foreach"). */
const char *tok_op_spelling(enum tok_op op);
const char *tok_keyword_spelling(enum keyword kw);

/* Describe a token for "saw X" in a message: 'foo', end of input, ... into
 * buf (always NUL-terminated). */
const char *tok_describe(const struct token *t, char *buf, size_t len);

#endif
