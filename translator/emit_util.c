/* emit_util.c - pass 3's text helpers: C literals and names, the "near"
 * locations of runtime errors, the line writer, temporaries and labels
 * of the body being generated (see emit_int.h for the model).
 *
 * Locations name the token the way upstream prints one: its type, its
 * text in quotes (not for keywords), and where:
 *   operator '/' at t.stp:3:9    identifier 'x' at <input>:1:20
 *   number '10' at ...           string 'abc' at ...    keyword at ...
 * The file is named as the user gave it ("<input>" for -e).
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit_int.h"

const char *emit_cstr(struct arena *a, const char *s, size_t len)
{
	char *out = arena_alloc(a, len * 4 + 3), *p = out;
	*p++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c == '\n') {
			*p++ = '\\';
			*p++ = 'n';
		} else if (c == '\t') {
			*p++ = '\\';
			*p++ = 't';
		} else if (c == '?' && i > 0 && s[i - 1] == '?') {
			*p++ = '\\';   /* never a trigraph */
			*p++ = '?';
		} else if (c < 0x20 || c >= 0x7f) {
			/* always three digits: a following digit cannot join */
			*p++ = '\\';
			*p++ = (char)('0' + (c >> 6));
			*p++ = (char)('0' + ((c >> 3) & 7));
			*p++ = (char)('0' + (c & 7));
		} else {
			*p++ = (char)c;
		}
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

const char *emit_mangle(struct arena *a, const char *name)
{
	size_t len = strlen(name);
	char *out = arena_alloc(a, len * 3 + 1), *p = out;
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (isalnum(c) || c == '_') {
			*p++ = (char)c;
		} else {
			*p++ = '_';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

const char *emit_num(struct arena *a, int64_t v)
{
	if (v == INT64_MIN)
		return "(-9223372036854775807LL - 1)";
	if (v < 0)
		return arena_printf(a, "(%" PRId64 "LL)", v);
	return arena_printf(a, "%" PRId64 "LL", v);
}

static const char *src_name(const struct srcpos *pos)
{
	return pos->src && pos->src->name ? pos->src->name : "<input>";
}

/* The spelling of a number token, read back from its source. */
static const char *number_text(struct emit *E, const struct node *n)
{
	const struct source *src = n->pos.src;
	if (src && src->text) {
		const char *p = src->text;
		for (int line = 1; line < n->pos.line && *p; p++)
			if (*p == '\n')
				line++;
		p += n->pos.col - 1;
		if (p < src->text + src->len && isdigit((unsigned char)*p)) {
			size_t k = 0;
			while (isalnum((unsigned char)p[k]))
				k++;
			return arena_strndup(E->arena, p, k);
		}
	}
	return arena_printf(E->arena, "%" PRId64, n->u.num);
}

/* String content as upstream shows it: unprintable bytes as '?'. */
static const char *shown(struct emit *E, const char *s, size_t len)
{
	char *out = arena_strndup(E->arena, s, len);
	for (size_t i = 0; i < len; i++)
		if (!isprint((unsigned char)out[i]))
			out[i] = '?';
	return out;
}

/* The token a node was made from: its type word and text. */
static void token_of(struct emit *E, const struct node *n, const char **type, const char **text)
{
	*type = "operator";
	*text = NULL;
	switch (n->kind) {
	case ND_NUM:
		*type = "number";
		*text = number_text(E, n);
		return;
	case ND_STR:
		*type = "string";
		*text = shown(E, n->u.str.s, n->u.str.len);
		return;
	case ND_EMBEDDED_EXPR: case ND_EMBEDDED_STMT:
		*type = "embedded-code";
		return;
	case ND_VAR:
		*type = "identifier";
		*text = n->u.var.name;
		return;
	case ND_CALL: case ND_PRINT:
		*type = "identifier";
		*text = n->u.call.name;
		return;
	case ND_TARGET: case ND_ATVAR:
		*type = "identifier";
		*text = n->u.tgt.name;
		return;
	case ND_STAT_OP: case ND_HIST_OP:
		*text = "@";
		return;
	case ND_CAST: case ND_ENTRY: case ND_DEFINED:
	case ND_PROBEWRITE: case ND_PERF: case ND_CONST: case ND_REGISTER:
		*type = "identifier";
		*text = "@";
		return;
	case ND_INDEX:
		*text = "[";
		return;
	case ND_WILDCARD:
		*text = "*";
		return;
	case ND_IN: case ND_BLOCK: case ND_EXPR_STMT: case ND_EMPTY: case ND_IF: case ND_FOR:
	case ND_FOREACH: case ND_BREAK: case ND_CONTINUE: case ND_NEXT: case ND_RETURN:
	case ND_DELETE: case ND_TRY:
		*type = "keyword";
		return;
	case ND_AUTOCAST:
		*text = "->";
		return;
	case ND_DEREF:
		*text = n->op == 'k' ? "@kderef" : "@uderef";
		return;
	case ND_UNARY: case ND_PRE_INCDEC: case ND_POST_INCDEC: case ND_BINARY:
	case ND_LOGICAL: case ND_COMPARE: case ND_REGEX: case ND_ASSIGN:
		*text = tok_op_spelling((enum tok_op)n->op);
		return;
	case ND_TERNARY:
		*text = "?";
		return;
	case ND_KIND_COUNT:
		break;
	}
}

static const char *stat_names[] = {
	[STAT_COUNT] = "@count", [STAT_SUM] = "@sum", [STAT_MIN] = "@min",
	[STAT_MAX] = "@max", [STAT_AVG] = "@avg", [STAT_VARIANCE] = "@variance",
};

const char *emit_loc(struct emit *E, const struct node *n)
{
	const char *type, *text;
	token_of(E, n, &type, &text);
	if (n->kind == ND_STAT_OP && n->op >= 0 && n->op <= STAT_VARIANCE)
		text = stat_names[n->op];
	else if (n->kind == ND_HIST_OP)
		text = n->op == HIST_LOG ? "@hist_log" : "@hist_linear";
	char *loc;
	if (text)
		loc = arena_printf(E->arena, "%s '%s' at %s:%d:%d", type, text,
				   src_name(&n->pos), n->pos.line, n->pos.col);
	else
		loc = arena_printf(E->arena, "%s at %s:%d:%d", type, src_name(&n->pos),
				   n->pos.line, n->pos.col);
	return emit_cstr(E->arena, loc, strlen(loc));
}

const char *emit_loc_ident(struct emit *E, const char *name, const struct srcpos *pos)
{
	char *loc = arena_printf(E->arena, "identifier '%s' at %s:%d:%d", name, src_name(pos),
				 pos->line, pos->col);
	return emit_cstr(E->arena, loc, strlen(loc));
}

const char *emit_loc_keyword(struct emit *E, const struct srcpos *pos)
{
	char *loc = arena_printf(E->arena, "keyword at %s:%d:%d", src_name(pos), pos->line,
				 pos->col);
	return emit_cstr(E->arena, loc, strlen(loc));
}

void emit_line(struct emit *E, const char *fmt, ...)
{
	struct emit_body *b = E->body;
	for (int i = 0; i < b->indent; i++)
		fputc('\t', b->code);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(b->code, fmt, ap);
	va_end(ap);
	fputc('\n', b->code);
}

const char *emit_tmp(struct emit *E, enum tmp_kind k)
{
	struct emit_body *b = E->body;
	int i = b->ntmp[k]++;
	if (b->ntmp[k] > b->maxtmp[k])
		b->maxtmp[k] = b->ntmp[k];
	switch (k) {
	case TMP_LONG: return arena_printf(E->arena, "n%d", i);
	case TMP_STR: return arena_printf(E->arena, "l->t%d", i);
	case TMP_ENTRY: return arena_printf(E->arena, "e%d", i);
	case TMP_KEYS: return arena_printf(E->arena, "k%d", i);
	case TMP_KIND_COUNT: break;
	}
	return "?";
}

void emit_tmp_mark(struct emit *E, int mark[TMP_KIND_COUNT])
{
	memcpy(mark, E->body->ntmp, sizeof(E->body->ntmp));
}

void emit_tmp_release(struct emit *E, const int mark[TMP_KIND_COUNT])
{
	memcpy(E->body->ntmp, mark, sizeof(E->body->ntmp));
}

int emit_label_new(struct emit *E)
{
	struct emit_body *b = E->body;
	if (b->nlabels == b->labels_cap) {
		int cap = b->labels_cap ? b->labels_cap * 2 : 16;
		b->label_used = arena_realloc(E->arena, b->label_used, (size_t)b->labels_cap,
					      (size_t)cap);
		b->labels_cap = cap;
	}
	b->label_used[b->nlabels] = false;
	return b->nlabels++;
}

const char *emit_label_name(struct emit *E, int id)
{
	return id == 0 ? "out" : arena_printf(E->arena, "L%d", id);
}

void emit_goto(struct emit *E, int id)
{
	E->body->label_used[id] = true;
	emit_line(E, "goto %s;", emit_label_name(E, id));
}

/* Labels are placed after every goto to them was emitted (all jumps go
 * forward), so an unused one can simply be left out. */
void emit_label_place(struct emit *E, int id)
{
	if (!E->body->label_used[id])
		return;
	int indent = E->body->indent;
	E->body->indent = indent > 0 ? indent - 1 : 0;
	emit_line(E, "%s: ;", emit_label_name(E, id));
	E->body->indent = indent;
}

void emit_check_error(struct emit *E, const char *loc)
{
	E->body->label_used[E->body->err_label] = true;
	if (loc)
		emit_line(E, "if (unlikely(c->last_error)) { if (!c->last_loc) c->last_loc = %s; "
			  "goto %s; }", loc, emit_label_name(E, E->body->err_label));
	else
		emit_line(E, "if (unlikely(c->last_error)) goto %s;",
			  emit_label_name(E, E->body->err_label));
}

void emit_raise(struct emit *E, const char *msg, const char *loc)
{
	E->body->label_used[E->body->err_label] = true;
	emit_line(E, "_stp_error(c, %s, %s);", msg, loc);
	emit_line(E, "goto %s;", emit_label_name(E, E->body->err_label));
}

void emit_unsupported(struct emit *E, const struct node *n, const char *what)
{
	diag_error(D_NOT_IMPLEMENTED, &n->pos, "%s cannot be translated yet", what);
	E->errors++;
}

const struct emit_global *emit_global_of(struct emit *E, const struct symbol *sym)
{
	for (int i = 0; i < E->nglobals; i++)
		if (E->globals[i].sym == sym)
			return &E->globals[i];
	return NULL;
}

const struct emit_func *emit_func_of(struct emit *E, const struct elab_func *f)
{
	for (int i = 0; i < E->nfuncs; i++)
		if (E->funcs[i].f == f)
			return &E->funcs[i];
	return NULL;
}

void emit_capture_begin(struct emit *E, struct emit_capture *cap)
{
	cap->saved = E->body->code;
	cap->buf = NULL;
	cap->len = 0;
	E->body->code = open_memstream(&cap->buf, &cap->len);
	if (!E->body->code) {
		perror("stap: open_memstream");
		exit(1);
	}
}

void emit_capture_end(struct emit *E, struct emit_capture *cap)
{
	fclose(E->body->code);
	E->body->code = cap->saved;
}

void emit_raw(struct emit *E, const char *text, size_t len)
{
	fwrite(text, 1, len, E->body->code);
}
