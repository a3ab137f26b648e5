/* lexer.c - SystemTap source text to raw tokens.
 *
 * Input: one struct source (need not be NUL-terminated; it may contain NUL
 * bytes, which are bad characters).  Output: one token per lex_next() call,
 * TK_EOF at the end, forever.  Positions are line:col in bytes from 1,
 * tracked incrementally (no rescanning), so lexing is linear in the input.
 *
 * Lexical errors (bad character, unterminated string/comment/embedded C,
 * malformed or too large number) are reported here; lexing always goes on
 * with a best-effort token, so one bad byte costs one diagnostic.
 *
 * Command-line argument references are not substituted here: $N, @N, $#
 * and @# come out as TK_ARG and the preprocessor pastes them.
 *
 * Also here: the name intern table, and token spelling/description helpers.
 */
#include "config.h"

#include "pass1_int.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"

/* ---- interned names ---- */

static const char *const keyword_names[] = {
	[KW_NONE] = "",
	[KW_PROBE] = "probe", [KW_GLOBAL] = "global", [KW_PRIVATE] = "private",
	[KW_FUNCTION] = "function", [KW_IF] = "if", [KW_ELSE] = "else",
	[KW_FOR] = "for", [KW_FOREACH] = "foreach", [KW_IN] = "in",
	[KW_LIMIT] = "limit", [KW_RETURN] = "return", [KW_DELETE] = "delete",
	[KW_WHILE] = "while", [KW_BREAK] = "break", [KW_CONTINUE] = "continue",
	[KW_NEXT] = "next", [KW_STRING] = "string", [KW_LONG] = "long",
	[KW_TRY] = "try", [KW_CATCH] = "catch",
};
_Static_assert(sizeof(keyword_names) / sizeof(keyword_names[0]) == KW_COUNT,
	       "every keyword needs a spelling");

/* FNV-1a, then a final mix so the low bits used for the slot depend on
 * every byte (names like g1 ... g99999 would otherwise cluster). */
static uint32_t hash_bytes(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

static void intern_grow(struct intern *in)
{
	size_t ncap = in->cap ? in->cap * 2 : 1024;
	struct intern_entry *ns = arena_alloc(in->arena, ncap * sizeof(*ns));
	for (size_t i = 0; i < in->cap; i++) {
		struct intern_entry *e = &in->slots[i];
		if (!e->s)
			continue;
		size_t j = e->hash & (ncap - 1);
		while (ns[j].s)
			j = (j + 1) & (ncap - 1);
		ns[j] = *e;
	}
	in->slots = ns;
	in->cap = ncap;
}

static struct intern_entry *intern_entry(struct intern *in, const char *s, size_t len)
{
	if ((in->count + 1) * 2 > in->cap)
		intern_grow(in);
	uint32_t h = hash_bytes(s, len);
	size_t j = h & (in->cap - 1);
	while (in->slots[j].s) {
		struct intern_entry *e = &in->slots[j];
		if (e->hash == h && e->len == len && memcmp(e->s, s, len) == 0)
			return e;
		j = (j + 1) & (in->cap - 1);
	}
	struct intern_entry *e = &in->slots[j];
	e->s = arena_strndup(in->arena, s, len);
	e->len = (uint32_t)len;
	e->hash = h;
	e->kw = KW_NONE;
	in->count++;
	return e;
}

void intern_init(struct intern *in, struct arena *a)
{
	memset(in, 0, sizeof(*in));
	in->arena = a;
	for (int k = KW_NONE + 1; k < KW_COUNT; k++)
		intern_entry(in, keyword_names[k], strlen(keyword_names[k]))->kw = k;
}

const char *intern_name(struct intern *in, const char *s, size_t len, int *kw)
{
	struct intern_entry *e = intern_entry(in, s, len);
	if (kw)
		*kw = e->kw;
	return e->s;
}

void intern_set_special(struct intern *in, const char *name, int special)
{
	intern_entry(in, name, strlen(name))->special = (short)special;
}

/* ---- spellings ---- */

static const char *const op_names[] = {
	[OP_NONE] = "",
	[OP_LPAREN] = "(", [OP_RPAREN] = ")", [OP_LBRACKET] = "[", [OP_RBRACKET] = "]",
	[OP_LBRACE] = "{", [OP_RBRACE] = "}", [OP_COMMA] = ",", [OP_SEMI] = ";",
	[OP_COLON] = ":", [OP_QUESTION] = "?", [OP_DOT] = ".", [OP_ARROW] = "->",
	[OP_PLUS] = "+", [OP_MINUS] = "-", [OP_STAR] = "*", [OP_SLASH] = "/",
	[OP_PERCENT] = "%", [OP_INC] = "++", [OP_DEC] = "--", [OP_NOT] = "!",
	[OP_TILDE] = "~", [OP_AMP] = "&", [OP_PIPE] = "|", [OP_CARET] = "^",
	[OP_ANDAND] = "&&", [OP_OROR] = "||", [OP_SHL] = "<<", [OP_SHR] = ">>",
	[OP_LT] = "<", [OP_GT] = ">", [OP_LE] = "<=", [OP_GE] = ">=",
	[OP_EQ] = "==", [OP_NE] = "!=", [OP_MATCH] = "=~", [OP_NOMATCH] = "!~",
	[OP_ASSIGN] = "=", [OP_ADD_ASSIGN] = "+=", [OP_SUB_ASSIGN] = "-=",
	[OP_MUL_ASSIGN] = "*=", [OP_DIV_ASSIGN] = "/=", [OP_MOD_ASSIGN] = "%=",
	[OP_SHL_ASSIGN] = "<<=", [OP_SHR_ASSIGN] = ">>=", [OP_AND_ASSIGN] = "&=",
	[OP_XOR_ASSIGN] = "^=", [OP_OR_ASSIGN] = "|=", [OP_CAT_ASSIGN] = ".=",
	[OP_AGGREGATE] = "<<<",
	[OP_PP_IF] = "%(", [OP_PP_THEN] = "%?", [OP_PP_ELSE] = "%:", [OP_PP_END] = "%)",
};
_Static_assert(sizeof(op_names) / sizeof(op_names[0]) == OP_COUNT,
	       "every operator needs a spelling");

const char *tok_op_spelling(enum tok_op op)
{
	return (unsigned)op < OP_COUNT ? op_names[op] : "?";
}

const char *tok_keyword_spelling(enum keyword kw)
{
	return (unsigned)kw < KW_COUNT ? keyword_names[kw] : "?";
}

/* Copy at most 40 bytes of the spelling, replacing unprintable bytes. */
static void quote_spelling(const char *s, size_t n, char *buf, size_t len)
{
	size_t o = 0, max = n > 40 ? 40 : n;
	if (len < 8)
		return;
	buf[o++] = '\'';
	for (size_t i = 0; i < max && o + 6 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
		} else {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		}
	}
	if (n > max && o + 5 < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
}

const char *tok_describe(const struct token *t, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	switch (t->kind) {
	case TK_EOF:
		snprintf(buf, len, "end of input");
		return buf;
	case TK_EMBEDDED:
		snprintf(buf, len, "'%%{...%%}'");
		return buf;
	case TK_OP:
		snprintf(buf, len, "'%s'", tok_op_spelling((enum tok_op)t->op));
		return buf;
	case TK_IDENT:
	case TK_KEYWORD:
	case TK_NUMBER:
	case TK_STRING:
	case TK_ARG:
		break;
	}
	quote_spelling(t->text, t->len, buf, len);
	return buf;
}

/* ---- the lexer ---- */

/* Character classes, one table lookup per byte. */
enum {
	CC_SPACE = 1,        /* blank other than newline */
	CC_IDSTART = 2,      /* [A-Za-z_$@] */
	CC_IDCHAR = 4,       /* [A-Za-z0-9_$] */
	CC_ALNUM = 8,        /* [A-Za-z0-9]: number spelling */
};

static unsigned char cclass[256];

static void init_classes(void)
{
	for (int c = 0; c < 256; c++) {
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		bool digit = c >= '0' && c <= '9';
		cclass[c] = (unsigned char)(
			(c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ? CC_SPACE : 0) |
			(alpha || c == '_' || c == '$' || c == '@' ? CC_IDSTART : 0) |
			(alpha || digit || c == '_' || c == '$' ? CC_IDCHAR : 0) |
			(alpha || digit ? CC_ALNUM : 0));
	}
}

static bool is_ident_start(char c)
{
	return cclass[(unsigned char)c] & CC_IDSTART;
}

static bool is_ident_char(char c)
{
	return cclass[(unsigned char)c] & CC_IDCHAR;
}

static bool is_alnum(char c)
{
	return cclass[(unsigned char)c] & CC_ALNUM;
}

static void init_ops(void);

void lex_init(struct lexer *lx, struct pass1 *ctx, const struct source *src)
{
	memset(lx, 0, sizeof(*lx));
	lx->ctx = ctx;
	lx->src = src;
	lx->p = src->text;
	lx->end = src->text + src->len;
	lx->line_start = lx->p;
	lx->line = 1;
	if (!cclass['a']) {
		init_classes();
		init_ops();
	}
}

static struct srcpos pos_at(const struct lexer *lx, const char *p)
{
	return (struct srcpos){ lx->src, lx->line, (int)(p - lx->line_start) + 1 };
}

/* Move to q, counting the newlines passed. */
static void advance_to(struct lexer *lx, const char *q)
{
	const char *p = lx->p;
	while (p < q) {
		const char *nl = memchr(p, '\n', (size_t)(q - p));
		if (!nl)
			break;
		lx->line++;
		lx->line_start = nl + 1;
		p = nl + 1;
	}
	lx->p = q;
}

static const char *find_pair(const char *p, const char *end, char a, char b)
{
	while (p + 1 < end) {
		const char *q = memchr(p, a, (size_t)(end - p - 1));
		if (!q)
			return NULL;
		if (q[1] == b)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* Skip whitespace and comments; returns TF_SPACE if anything was skipped,
 * with TF_COMMENT if a comment was. */
static unsigned skip_space(struct lexer *lx)
{
	const char *start = lx->p;
	unsigned comment = 0;
	while (lx->p < lx->end) {
		char c = *lx->p;
		if (cclass[(unsigned char)c] & CC_SPACE) {
			lx->p++;
		} else if (c == '\n') {
			lx->p++;
			lx->line++;
			lx->line_start = lx->p;
		} else if (c == '#' || (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '/')) {
			const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
			lx->p = nl ? nl : lx->end;
			comment = TF_COMMENT;
		} else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
			comment = TF_COMMENT;
			const char *close = find_pair(lx->p + 2, lx->end, '*', '/');
			if (!close) {
				struct srcpos pos = pos_at(lx, lx->p);
				diag_error(D_LEX_UNTERMINATED_COMMENT, &pos,
					   "unterminated comment: expected '*/', saw end of input");
				advance_to(lx, lx->end);
				break;
			}
			advance_to(lx, close + 2);
		} else {
			break;
		}
	}
	return lx->p != start ? TF_SPACE | comment : 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Convert s[0..n) (decimal, 0octal or 0xhex) to an unsigned 64-bit value.
 * Returns 0 on success, 1 if malformed, 2 if too large. */
static int convert_number(const char *s, size_t n, uint64_t *out)
{
	unsigned base = 10;
	size_t i = 0;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
		if (n == 2)
			return 1;
	} else if (n >= 2 && s[0] == '0') {
		base = 8;
		i = 1;
	}
	uint64_t v = 0;
	bool overflow = false;
	for (; i < n; i++) {
		int d = digit_value(s[i]);
		if (d >= (int)base)
			return 1;
		if (__builtin_mul_overflow(v, (uint64_t)base, &v) ||
		    __builtin_add_overflow(v, (uint64_t)d, &v))
			overflow = true;
	}
	*out = v;
	return overflow ? 2 : 0;
}

static void lex_number(struct lexer *lx, struct token *t)
{
	const char *s = lx->p;
	while (lx->p < lx->end && is_alnum(*lx->p))
		lx->p++;
	t->kind = TK_NUMBER;
	t->len = (size_t)(lx->p - s);
	uint64_t v = 0;
	int rc = convert_number(s, t->len, &v);
	if (rc == 1) {
		diag_error(D_LEX_BAD_NUMBER, &t->pos, "malformed number '%.*s'",
			   (int)(t->len > 60 ? 60 : t->len), s);
		t->flags |= TF_LEX_ERROR;
		v = 0;
	} else if (rc == 2) {
		diag_error(D_LEX_NUMBER_TOO_LARGE, &t->pos,
			   "number '%.*s' does not fit in 64 bits",
			   (int)(t->len > 60 ? 60 : t->len), s);
		t->flags |= TF_LEX_ERROR;
		v = 0;
	}
	t->num = (int64_t)v;
}

/* Decode one escape after the backslash at *pp (which points past it);
 * returns the byte and advances *pp. */
static unsigned char decode_escape(const char **pp, const char *end)
{
	const char *p = *pp;
	char c = *p++;
	unsigned v = 0;
	int n;
	switch (c) {
	case 'a': v = '\a'; break;
	case 'b': v = '\b'; break;
	case 't': v = '\t'; break;
	case 'n': v = '\n'; break;
	case 'v': v = '\v'; break;
	case 'f': v = '\f'; break;
	case 'r': v = '\r'; break;
	case 'x':
		for (n = 0; n < 2 && p < end && digit_value(*p) < 16; n++)
			v = v * 16 + (unsigned)digit_value(*p++);
		if (n == 0)
			v = 'x';
		break;
	case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		v = (unsigned)(c - '0');
		for (n = 1; n < 3 && p < end && *p >= '0' && *p <= '7'; n++)
			v = v * 8 + (unsigned)(*p++ - '0');
		break;
	default:
		v = (unsigned char)c;  /* \\ \" and unknown escapes: the character */
		break;
	}
	*pp = p;
	return (unsigned char)(v & 0xff);
}

/* "..." with escapes; a raw newline (not escaped) ends it unterminated. */
static void lex_string(struct lexer *lx, struct token *t)
{
	const char *s = lx->p + 1, *q = s;
	bool closed = false;
	while (q < lx->end) {
		if (*q == '"') {
			closed = true;
			break;
		}
		if (*q == '\n')
			break;
		if (*q == '\\') {
			if (q + 1 >= lx->end)
				break;
			q++;
		}
		q++;
	}
	char *buf = arena_alloc(lx->ctx->arena, (size_t)(q - s) + 1);
	size_t n = 0;
	for (const char *p = s; p < q;) {
		if (*p == '\\' && p + 1 < q) {
			p++;
			buf[n++] = (char)decode_escape(&p, q);
		} else {
			buf[n++] = *p++;
		}
	}
	buf[n] = '\0';
	t->kind = TK_STRING;
	t->str = buf;
	t->str_len = n;
	if (!closed) {
		diag_error(D_LEX_UNTERMINATED_STRING, &t->pos,
			   "unterminated string: expected '\"', saw %s",
			   q < lx->end ? "end of line" : "end of input");
		t->flags |= TF_LEX_ERROR;
		advance_to(lx, q);
	} else {
		advance_to(lx, q + 1);
	}
	t->len = (size_t)(lx->p - t->text);
}

static void lex_embedded(struct lexer *lx, struct token *t)
{
	const char *s = lx->p + 2;
	const char *close = find_pair(s, lx->end, '%', '}');
	t->kind = TK_EMBEDDED;
	if (!close) {
		diag_error(D_LEX_UNTERMINATED_EMBEDDED, &t->pos,
			   "unterminated embedded code: expected '%%}', saw end of input");
		t->flags |= TF_LEX_ERROR;
		close = lx->end;
		t->str = arena_strndup(lx->ctx->arena, s, (size_t)(close - s));
		t->str_len = (size_t)(close - s);
		advance_to(lx, lx->end);
	} else {
		t->str = arena_strndup(lx->ctx->arena, s, (size_t)(close - s));
		t->str_len = (size_t)(close - s);
		advance_to(lx, close + 2);
	}
	t->len = (size_t)(lx->p - t->text);
}

/* $N @N $# @#: the argument index (0 for the counts). */
static void lex_arg(struct lexer *lx, struct token *t)
{
	bool at = *lx->p == '@';
	lx->p++;
	t->kind = TK_ARG;
	t->flags |= at ? TF_AT_ARG : 0;
	if (*lx->p == '#') {
		lx->p++;
		t->op = 0;
	} else {
		long n = 0;
		while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9') {
			if (n < 1000000000)
				n = n * 10 + (*lx->p - '0');
			lx->p++;
		}
		t->op = n == 0 ? -1 : (int)n;   /* $0 is out of range like $N */
	}
	t->len = (size_t)(lx->p - t->text);
}

static void lex_ident(struct lexer *lx, struct token *t)
{
	const char *s = lx->p++;
	while (lx->p < lx->end && is_ident_char(*lx->p))
		lx->p++;
	t->len = (size_t)(lx->p - s);
	struct intern_entry *e = intern_entry(&lx->ctx->names, s, t->len);
	t->name = e->s;
	if (e->kw != KW_NONE) {
		t->kind = TK_KEYWORD;
		t->op = e->kw;
	} else {
		t->kind = TK_IDENT;
		t->op = e->special;
	}
}

/* Operators of two and three characters, longest first. */
static const struct {
	char s[4];
	enum tok_op op;
} long_ops[] = {
	{ "<<<", OP_AGGREGATE }, { "<<=", OP_SHL_ASSIGN }, { ">>=", OP_SHR_ASSIGN },
	{ "<<", OP_SHL }, { ">>", OP_SHR }, { "<=", OP_LE }, { ">=", OP_GE },
	{ "->", OP_ARROW }, { "--", OP_DEC }, { "-=", OP_SUB_ASSIGN }, { "++", OP_INC },
	{ "+=", OP_ADD_ASSIGN }, { "&&", OP_ANDAND }, { "&=", OP_AND_ASSIGN },
	{ "||", OP_OROR }, { "|=", OP_OR_ASSIGN }, { "==", OP_EQ }, { "=~", OP_MATCH },
	{ "!=", OP_NE }, { "!~", OP_NOMATCH }, { "%(", OP_PP_IF }, { "%?", OP_PP_THEN },
	{ "%:", OP_PP_ELSE }, { "%)", OP_PP_END }, { "%=", OP_MOD_ASSIGN },
	{ "*=", OP_MUL_ASSIGN }, { "/=", OP_DIV_ASSIGN }, { "^=", OP_XOR_ASSIGN },
	{ ".=", OP_CAT_ASSIGN },
};

static const char single_chars[] = "()[]{},;:?.+-*/%!~&|^<>=";
static const enum tok_op single_ops[] = {
	OP_LPAREN, OP_RPAREN, OP_LBRACKET, OP_RBRACKET, OP_LBRACE, OP_RBRACE, OP_COMMA,
	OP_SEMI, OP_COLON, OP_QUESTION, OP_DOT, OP_PLUS, OP_MINUS, OP_STAR, OP_SLASH,
	OP_PERCENT, OP_NOT, OP_TILDE, OP_AMP, OP_PIPE, OP_CARET, OP_LT, OP_GT, OP_ASSIGN,
};
_Static_assert(sizeof(single_chars) - 1 == sizeof(single_ops) / sizeof(single_ops[0]),
	       "one operator per single character");

#define N_LONG_OPS (sizeof(long_ops) / sizeof(long_ops[0]))

/* Per first byte: the long operators starting with it (index + 1, in
 * long_ops order, so longest first), and the single-byte operator. */
static unsigned char long_by_first[256][6];
static unsigned char single_by_byte[256];

static void init_ops(void)
{
	for (size_t i = 0; i < N_LONG_OPS; i++) {
		unsigned char *slot = long_by_first[(unsigned char)long_ops[i].s[0]];
		while (*slot)
			slot++;
		*slot = (unsigned char)(i + 1);
	}
	for (size_t i = 0; single_chars[i]; i++)
		single_by_byte[(unsigned char)single_chars[i]] = (unsigned char)single_ops[i];
}

/* Match the operator at p; returns OP_NONE if none starts there. */
static enum tok_op match_op(const char *p, const char *end, int *len)
{
	for (const unsigned char *k = long_by_first[(unsigned char)p[0]]; *k; k++) {
		const char *o = long_ops[*k - 1].s;
		if (p + 1 >= end || o[1] != p[1])
			continue;
		if (o[2] && (p + 2 >= end || o[2] != p[2]))
			continue;
		*len = o[2] ? 3 : 2;
		return long_ops[*k - 1].op;
	}
	*len = 1;
	return (enum tok_op)single_by_byte[(unsigned char)p[0]];
}

/* Classify the token starting at lx->p; returns false for a bad byte. */
static bool lex_one(struct lexer *lx, struct token *t)
{
	char c = *lx->p;
	char d = lx->p + 1 < lx->end ? lx->p[1] : 0;
	if (c >= '0' && c <= '9') {
		lex_number(lx, t);
	} else if (c == '"') {
		lex_string(lx, t);
	} else if ((c == '$' || c == '@') && ((d >= '0' && d <= '9') || d == '#')) {
		lex_arg(lx, t);
	} else if (is_ident_start(c)) {
		lex_ident(lx, t);
	} else if (c == '%' && d == '{') {
		lex_embedded(lx, t);
	} else {
		int len;
		enum tok_op op = match_op(lx->p, lx->end, &len);
		if (op == OP_NONE)
			return false;
		t->kind = TK_OP;
		t->op = op;
		t->len = (size_t)len;
		lx->p += len;
	}
	return true;
}

void lex_next(struct lexer *lx, struct token *t)
{
	unsigned flags = 0;
	for (;;) {
		flags |= skip_space(lx);
		t->kind = TK_EOF;
		t->op = 0;
		t->len = 0;
		t->name = NULL;
		t->num = 0;
		t->str = NULL;
		t->str_len = 0;
		t->pos = pos_at(lx, lx->p);
		t->text = lx->p;
		t->flags = flags | lx->extra_flags;
		t->exp = NULL;
		if (lx->p >= lx->end) {
			t->kind = TK_EOF;
			return;
		}
		if (lex_one(lx, t))
			return;
		unsigned char bad = (unsigned char)*lx->p;
		if (bad >= 0x20 && bad < 0x7f)
			diag_error(D_LEX_BAD_CHAR, &t->pos, "unexpected character '%c'", bad);
		else
			diag_error(D_LEX_BAD_CHAR, &t->pos, "unexpected byte 0x%02x", bad);
		lx->p++;
		flags |= TF_SPACE;
	}
}
