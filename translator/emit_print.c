/* emit_print.c - pass 3: print, println, printd, printdln, printf and
 * their sprint* forms.
 *
 * The format of printf is a literal (pass 1 checked it, pass 2 matched
 * its arguments): it is parsed here once more with format.c and becomes
 * one runtime call per directive (_stp_fmt, or _stp_put_long/_stp_puts
 * for a bare %d/%s) and one _stp_put per literal run, so nothing parses
 * formats at run time.  print* writes the hit's buffer (&c->out);
 * sprint* writes a string sink over a fresh string temporary.
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "compat.h"
#include "emit_int.h"
#include "format.h"
#include "session.h"

static const char *const conv_names[] = {
	[FMT_LITERAL] = "0",
	[FMT_SIGNED] = "STP_FMT_SIGNED", [FMT_UNSIGNED] = "STP_FMT_UNSIGNED",
	[FMT_OCTAL] = "STP_FMT_OCTAL", [FMT_HEX] = "STP_FMT_HEX",
	[FMT_POINTER] = "STP_FMT_POINTER", [FMT_CHAR] = "STP_FMT_CHAR",
	[FMT_STRING] = "STP_FMT_STRING", [FMT_BINARY] = "STP_FMT_BINARY",
	[FMT_MEMORY] = "STP_FMT_MEMORY", [FMT_MEMHEX] = "STP_FMT_MEMHEX",
};
_Static_assert(sizeof(conv_names) / sizeof(conv_names[0]) == FMT_MEMHEX + 1,
	       "one name per conversion");

struct directives {
	struct arena *arena;
	struct fmt_directive *d;
	int n, cap;
};

static void collect(const struct fmt_directive *d, void *ctx)
{
	struct directives *ds = ctx;
	if (ds->n == ds->cap) {
		int cap = ds->cap ? ds->cap * 2 : 8;
		ds->d = arena_realloc(ds->arena, ds->d, (size_t)ds->cap * sizeof(*ds->d),
				      (size_t)cap * sizeof(*ds->d));
		ds->cap = cap;
	}
	ds->d[ds->n++] = *d;
}

/* Literal bytes to the sink. */
static void put_literal(struct emit *E, const char *sink, const char *s, size_t len)
{
	if (len == 0)
		return;
	if (len == 1 && s[0] != '\\' && s[0] != '\'' && s[0] >= 0x20 && s[0] < 0x7f)
		emit_line(E, "_stp_putc(%s, '%c');", sink, s[0]);
	else if (len == 1 && s[0] == '\n')
		emit_line(E, "_stp_putc(%s, '\\n');", sink);
	else
		emit_line(E, "_stp_put(%s, %s, %zu);", sink, emit_cstr(E->arena, s, len), len);
}

/* FMT_F_* as the runtime's STP_FMT_F_* names. */
static const char *flags_text(struct emit *E, unsigned flags)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ FMT_F_LEFT, "STP_FMT_F_LEFT" }, { FMT_F_PLUS, "STP_FMT_F_PLUS" },
		{ FMT_F_SPACE, "STP_FMT_F_SPACE" }, { FMT_F_ALT, "STP_FMT_F_ALT" },
		{ FMT_F_ZERO, "STP_FMT_F_ZERO" }, { FMT_F_UPPER, "STP_FMT_F_UPPER" },
	};
	const char *text = NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			text = text ? arena_printf(E->arena, "%s | %s", text, names[i].name) :
				names[i].name;
	return text ? text : "0";
}

static void directive(struct emit *E, const char *sink, const struct fmt_directive *d,
		      const struct val *vals, int *next)
{
	const char *width = "-1", *prec = "-1";
	if (d->width == FMT_STAR)
		width = arena_printf(E->arena, "_stp_fmt_star(%s)", vals[(*next)++].c);
	else if (d->width >= 0)
		width = arena_printf(E->arena, "%d", d->width);
	if (d->precision == FMT_STAR)
		prec = arena_printf(E->arena, "_stp_fmt_star(%s)", vals[(*next)++].c);
	else if (d->precision >= 0)
		prec = arena_printf(E->arena, "%d", d->precision);
	const char *v = vals[(*next)++].c;
	const char *conv = conv_names[d->conv];
	if (d->conv == FMT_POINTER && compat_before(E->sess->compatible, COMPAT_PTR_FORMAT))
		conv = "STP_FMT_POINTER_PADDED";
	bool plain = d->flags == 0 && d->width == FMT_NONE && d->precision == FMT_NONE;
	if (plain && d->conv == FMT_SIGNED)
		emit_line(E, "_stp_put_long(%s, %s);", sink, v);
	else if (plain && d->conv == FMT_STRING)
		emit_line(E, "_stp_puts(%s, %s);", sink, v);
	else if (d->conv == FMT_MEMORY || d->conv == FMT_MEMHEX)
		emit_line(E, "if (_stp_fmt_memory(%s, %s, %s, %s, %s, (unsigned long)%s) < 0 && "
			  "!pfault) { pfault = 1; paddr = (unsigned long)%s; }",
			  sink, conv_names[d->conv], flags_text(E, d->flags), width, prec, v, v);
	else if (d->conv == FMT_STRING)
		emit_line(E, "_stp_fmt(%s, %s, %s, %s, %s, 0, %s);", sink, conv_names[d->conv],
			  flags_text(E, d->flags), width, prec, v);
	else
		emit_line(E, "_stp_fmt(%s, %s, %s, %s, %s, %s, NULL);", sink,
			  conv, flags_text(E, d->flags), width, prec, v);
}

static void print_format(struct emit *E, const char *sink, const struct node *call,
			 const struct node *fmt, const struct val *vals)
{
	struct directives ds = { E->arena, NULL, 0, 0 };
	const char *err;
	size_t off;
	if (fmt->kind != ND_STR ||
	    !fmt_parse(fmt->u.str.s, fmt->u.str.len, collect, &ds, &err, &off)) {
		emit_unsupported(E, fmt, "a format that is not a valid literal");
		return;
	}
	/* memory that cannot be read is an error that takes back the whole
	 * printf's output, as in systemtap 4.8 */
	bool memory = false;
	for (int i = 0; i < ds.n; i++)
		memory |= ds.d[i].conv == FMT_MEMORY || ds.d[i].conv == FMT_MEMHEX;
	if (memory) {
		emit_line(E, "{");
		E->body->indent++;
		emit_line(E, "unsigned pstart = (%s)->len;", sink);
		emit_line(E, "int pfault = 0;");
		emit_line(E, "unsigned long paddr = 0;");
	}
	int next = 0;
	for (int i = 0; i < ds.n; i++) {
		const struct fmt_directive *d = &ds.d[i];
		const char *text = fmt->u.str.s + d->start;
		if (d->conv != FMT_LITERAL)
			directive(E, sink, d, vals, &next);
		else if (d->len == 2 && text[0] == '%')
			put_literal(E, sink, "%", 1);
		else
			put_literal(E, sink, text, d->len);
	}
	if (memory) {
		emit_line(E, "if (pfault) {");
		E->body->indent++;
		emit_line(E, "_stp_sink_truncate(%s, pstart);", sink);
		emit_line(E, "_stp_errorf(c, %s, \"read fault [man error::fault] at 0x%%lx\", paddr);",
			  emit_loc(E, call));
		E->body->indent--;
		emit_line(E, "}");
		emit_check_error(E, NULL);
		E->body->indent--;
		emit_line(E, "}");
	}
}

/* A histogram's bar chart; an empty statistic is "empty aggregate",
 * reported at the print call as systemtap reports it. */
static void print_hist(struct emit *E, const char *sink, const struct node *call,
		       const struct node *a, struct val v)
{
	emit_line(E, "{");
	E->body->indent++;
	emit_line(E, "const struct stp_stat *hs = %s;", v.c);
	emit_line(E, "if (unlikely(!hs || !hs->count)) {");
	E->body->indent++;
	emit_raise(E, "\"empty aggregate\"", emit_loc(E, call));
	E->body->indent--;
	emit_line(E, "}");
	emit_line(E, "_stp_hist_print(%s, hs, %s);", sink, emit_hist_spec(E, a->u.stat.operand));
	E->body->indent--;
	emit_line(E, "}");
}

/* One value of print/printd: by type; a histogram as its bar chart. */
static void print_value(struct emit *E, const char *sink, const struct node *call,
			const struct node *a, struct val v)
{
	if (a->kind == ND_HIST_OP)
		print_hist(E, sink, call, a, v);
	else if (a->kind == ND_STR)
		put_literal(E, sink, a->u.str.s, a->u.str.len);
	else if (a->type == TYPE_STRING)
		emit_line(E, "_stp_puts(%s, %s);", sink, v.c);
	else
		emit_line(E, "_stp_put_long(%s, %s);", sink, v.c);
}

/* The arguments after the format/delimiter, left to right; a histogram
 * argument evaluates to its struct stp_stat *. */
static struct val *print_args(struct emit *E, const struct node *args, int n)
{
	struct val *vals = arena_alloc(E->arena, (size_t)(n + 1) * sizeof(*vals));
	const struct node **nodes = arena_alloc(E->arena, (size_t)(n + 1) * sizeof(*nodes));
	int i = 0;
	for (const struct node *a = args; a && i < n; a = a->next, i++) {
		nodes[i] = a;
		if (emit_has_effects(a))
			for (int j = 0; j < i; j++)
				if (nodes[j]->kind != ND_HIST_OP)
					vals[j] = emit_materialize(E, vals[j], nodes[j]->type);
		if (a->kind == ND_HIST_OP)
			vals[i] = (struct val){ .c = emit_stat_ptr(E, a->u.stat.operand) };
		else
			vals[i] = emit_expr(E, a);
	}
	return vals;
}

struct val emit_print(struct emit *E, const struct node *n)
{
	const struct node *args = n->u.call.args, *lead = NULL;
	int nargs = n->u.call.nargs;
	if (n->op & (PF_FORMAT | PF_DELIM)) {
		lead = args;
		args = args ? args->next : NULL;
		nargs--;
	}
	struct val *vals = print_args(E, args, nargs);
	const char *sink = "&c->out", *t = NULL;
	if (n->op & PF_STRING) {
		t = emit_tmp(E, TMP_STR);
		emit_line(E, "{");
		E->body->indent++;
		emit_line(E, "struct stp_sink sk;");
		emit_line(E, "_stp_sink_string(&sk, %s);", t);
		sink = "&sk";
	}
	if (n->op & PF_FORMAT) {
		print_format(E, sink, n, lead, vals);
	} else {
		int i = 0;
		for (const struct node *a = args; a && i < nargs; a = a->next, i++) {
			if (i && lead)
				print_value(E, sink, n, lead, (struct val){ .c = "" });
			print_value(E, sink, n, a, vals[i]);
		}
	}
	/* a bar chart ends its own lines: println adds none after one */
	const struct node *last = args;
	while (last && last->next)
		last = last->next;
	bool ends_with_hist = !(n->op & PF_FORMAT) && last && last->kind == ND_HIST_OP;
	if ((n->op & PF_NEWLINE) && !ends_with_hist)
		emit_line(E, "_stp_putc(%s, '\\n');", sink);
	if (!t)
		return (struct val){ .c = "0", .constant = true };
	E->body->indent--;
	emit_line(E, "}");
	return (struct val){ .c = t, .fresh = true };
}
