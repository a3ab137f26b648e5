/* emit.c - pass 3 driver: the elaborated program becomes the C source of
 * one kernel module, laid out as doc/module-layout.md says:
 *
 *   header comment, STP_MODULE_NAME, -D defines, #include "runtime.h"
 *   top-level %{ %} blocks (once each, in pass 2's order)
 *   helpers of the generated code (static inline)
 *   globals (emit_tables.c), frames and union stp_frame
 *   functions fn_NAME_ARITY(c), probe handlers probe_I(c), each script
 *   body a NAME_body(c, l) that they call (write_body says why)
 *   probe tables, stp_globals_init/exit (emit_tables.c)
 *   #include "runtime.c"
 *   the families' runtime files and tables, stp_module (emit_tables.c)
 *
 * Every body is generated first into memory (emit_stmt.c and friends),
 * because the frames and the temporaries it declares are known only
 * after; then the file is written in order.  Input is read-only; all
 * memory comes from pass 3's own arena.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compat.h"
#include "diag.h"
#include "emit_int.h"
#include "pass3.h"
#include "session.h"

/* Declared in emit_tables.c. */
void emit_tables_globals(struct emit *E, FILE *out);
void emit_tables_probes(struct emit *E, FILE *out, const struct emit_lockset *locks);
void emit_tables_init(struct emit *E, FILE *out);
void emit_tables_module(struct emit *E, FILE *out);

/* A generated body and what its frame holds. */
struct body_out {
	struct emit_body b;
	const char *frame;          /* struct frame_<frame> */
	const struct symbol *locals, *params;
	enum stap_type ret;         /* TYPE_UNKNOWN: no return value */
};

static const char helpers[] =
	"/* helpers of the generated code */\n"
	"#define STP_FRAME_HERE(c) ((void *)((c)->frames + (size_t)(c)->nesting * "
	"sizeof(union stp_frame)))\n"
	"#define STP_NEXT_FRAME(c) ((void *)((c)->frames + (size_t)((c)->nesting + 1) * "
	"sizeof(union stp_frame)))\n"
	"static __always_inline bool stp_act(struct context *c, long *ac, long n, "
	"const char *loc)\n"
	"{\n\t*ac += n;\n\tif (likely(*ac <= STP_MAXACTION_MIN) || *ac <= c->actionlimit)\n"
	"\t\treturn false;\n"
	"\tc->actioncount = *ac;\n\t_stp_error(c, \"MAXACTION exceeded\", loc);\n"
	"\treturn true;\n}\n"
	"static inline int64_t stp_div(int64_t a, int64_t b)\n"
	"{\n\treturn b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b;\n}\n"
	"static inline int64_t stp_mod(int64_t a, int64_t b)\n"
	"{\n\treturn b == -1 ? 0 : a % b;\n}\n"
	"static inline int64_t stp_shl(int64_t a, int64_t b)\n"
	"{\n\treturn (int64_t)((uint64_t)a << (b & 63));\n}\n"
	"static inline int64_t stp_shr(int64_t a, int64_t b)\n"
	"{\n\treturn a >> (b & 63);\n}\n"
	"static inline int64_t stp_map_get_long(struct stp_map *m, const union stp_key *k)\n"
	"{\n\tstruct stp_map_entry *e = _stp_map_find(m, k);\n\n"
	"\treturn e ? *_stp_entry_long(e) : 0;\n}\n"
	"static inline const char *stp_map_get_str(struct stp_map *m, const union stp_key *k)\n"
	"{\n\tstruct stp_map_entry *e = _stp_map_find(m, k);\n\n"
	"\treturn e ? _stp_entry_str(e) : \"\";\n}\n"
	"static inline const struct stp_stat *stp_map_get_stat(struct stp_map *m,\n"
	"\t\t\t\t\t\t     const union stp_key *k)\n"
	"{\n\tstruct stp_map_entry *e = _stp_map_find(m, k);\n\n"
	"\treturn e ? _stp_entry_stat(e) : NULL;\n}\n"
	"static inline int64_t stp_map_any(struct stp_map *m, const union stp_key *k,\n"
	"\t\t\t\t  const bool *wild)\n"
	"{\n\tstruct stp_map_entry *e;\n\n"
	"\tfor (e = _stp_map_first(m); e; e = _stp_map_next(m, e))\n"
	"\t\tif (_stp_map_matches(m, e, k, wild))\n\t\t\treturn 1;\n"
	"\treturn 0;\n}\n\n";

/* Long locals (not parameters: the caller writes those into the frame)
 * live in C locals, where the compiler can keep them in registers across
 * calls and stores through other pointers; a frame keeps the strings.
 * Bodies with very many of them keep them in the frame to bound the
 * kernel stack a deep recursion takes. */
#define EMIT_MAX_C_LONGS 32

static bool is_long(const struct symbol *s)
{
	return s->type != TYPE_STRING;
}

bool emit_is_c_local(struct emit *E, const struct symbol *sym)
{
	return sym->kind == SYM_LOCAL && is_long(sym) && E->body && E->body->c_longs;
}

static void body_begin(struct emit *E, struct emit_body *b, const struct elab_func *fn,
		       const struct symbol *locals)
{
	int nlongs = 0;

	for (const struct symbol *s = locals; s; s = s->next)
		nlongs += is_long(s);
	memset(b, 0, sizeof(*b));
	b->code = open_memstream(&b->code_buf, &b->code_len);
	if (!b->code) {
		perror("stap: open_memstream");
		exit(1);
	}
	b->indent = 1;
	b->fn = fn;
	b->c_longs = nlongs <= EMIT_MAX_C_LONGS;
	E->body = b;
	emit_label_new(E);   /* 0: out */
}

static void body_end(struct emit *E)
{
	fclose(E->body->code);
	E->body = NULL;
}

/* The long locals of a c_longs body, as C locals set to 0. */
static void declare_c_longs(FILE *out, const struct symbol *s, struct arena *a)
{
	for (; s; s = s->next)
		if (is_long(s))
			fprintf(out, "\tint64_t v_%s __maybe_unused = 0;\n", emit_mangle(a, s->name));
}

/* Zero/"" for each variable of a list in the frame (it holds garbage). */
static void init_vars(FILE *out, const struct symbol *s, struct arena *a, bool c_longs)
{
	for (; s; s = s->next) {
		const char *name = emit_mangle(a, s->name);
		if (c_longs && is_long(s))
			continue;
		if (s->type == TYPE_STRING)
			fprintf(out, "\tl->v_%s[0] = '\\0';\n", name);
		else if (s->type == TYPE_LONG)
			fprintf(out, "\tl->v_%s = 0;\n", name);
	}
}

/* The C locals of a body: long, entry and key temporaries. */
static void declare_temps(FILE *out, const struct emit_body *b)
{
	static const char *const fmt[] = { "int64_t n%d", NULL, "struct stp_map_entry *e%d",
					    "union stp_key k%d[%d]" };
	for (int k = 0; k < TMP_KIND_COUNT; k++) {
		if (!fmt[k])
			continue;
		for (int i = 0; i < b->maxtmp[k]; i++) {
			fputc('\t', out);
			fprintf(out, fmt[k], i, b->max_arity ? b->max_arity : 1);
			fputs(";\n", out);
		}
	}
}

static void frame_fields(FILE *out, const struct symbol *s, struct arena *a, bool c_longs)
{
	for (; s; s = s->next) {
		const char *name = emit_mangle(a, s->name);
		if (c_longs && is_long(s))
			continue;
		if (s->type == TYPE_STRING)
			fprintf(out, "\tchar v_%s[MAXSTRINGLEN];\n", name);
		else
			fprintf(out, "\tint64_t v_%s;\n", name);
	}
}

static void write_frame(struct emit *E, FILE *out, const struct body_out *bo)
{
	fprintf(out, "struct frame_%s {\n", bo->frame);
	frame_fields(out, bo->params, E->arena, false);
	frame_fields(out, bo->locals, E->arena, bo->b.c_longs);
	if (bo->ret == TYPE_STRING)
		fputs("\tchar __retvalue[MAXSTRINGLEN];\n", out);
	else if (bo->ret == TYPE_LONG)
		fputs("\tint64_t __retvalue;\n", out);
	for (int i = 0; i < bo->b.maxtmp[TMP_STR]; i++)
		fprintf(out, "\tchar t%d[MAXSTRINGLEN];\n", i);
	fputs("\tchar __none;\n};\n\n", out);
}

/* A script function: its body generated now, written later. */
static void gen_function(struct emit *E, const struct emit_func *ef, struct body_out *bo)
{
	const struct elab_func *f = ef->f;
	bo->frame = ef->cname;
	bo->params = f->params;
	bo->locals = f->locals;
	bo->ret = f->ret == TYPE_LONG || f->ret == TYPE_STRING ? f->ret : TYPE_UNKNOWN;
	body_begin(E, &bo->b, f, f->locals);
	if (f->fn->embedded)
		bo->b.c_longs = false;  /* its C code knows only the frame */
	if (f->fn->body)
		emit_block(E, f->fn->body);
	body_end(E);
}

static void gen_probe(struct emit *E, const struct elab_probe *p, int i, struct body_out *bo)
{
	bo->frame = arena_printf(E->arena, "probe_%d", i);
	bo->locals = p->locals;
	bo->ret = TYPE_UNKNOWN;
	body_begin(E, &bo->b, NULL, p->locals);
	if (p->cond) {
		int mark[TMP_KIND_COUNT];
		emit_tmp_mark(E, mark);
		const char *cond = emit_cond(E, p->cond);
		emit_line(E, "if (!%s)", cond);
		emit_line(E, "\tgoto out;");
		E->body->label_used[0] = true;
		emit_tmp_release(E, mark);
	}
	emit_block(E, p->body);
	body_end(E);
}

/* Before 1.8 embedded C named its arguments and return value THIS->name
 * and THIS->__retvalue: a struct of those names, strings as pointers to
 * the frame's; a long return value is copied back if the body set it
 * (non-zero: the frame's starts at 0). */
static bool uses_this(const struct emit *E, const struct elab_func *f)
{
	return compat_before(E->sess->compatible, COMPAT_THIS) &&
	       memmem(f->fn->embedded, f->fn->embedded_len, "THIS->", 6);
}

static void write_this_begin(struct emit *E, FILE *out, const struct elab_func *f)
{
	bool ret = f->ret == TYPE_LONG || f->ret == TYPE_STRING;
	fputs("\tstruct {\n", out);
	for (const struct symbol *p = f->params; p; p = p->next)
		fprintf(out, "\t\t%s %s;\n", p->type == TYPE_STRING ? "char *" : "int64_t", p->name);
	if (ret)
		fprintf(out, "\t\t%s __retvalue;\n", f->ret == TYPE_STRING ? "char *" : "int64_t");
	fputs("\t} stp_this = {", out);
	for (const struct symbol *p = f->params; p; p = p->next)
		fprintf(out, " l->v_%s,", emit_mangle(E->arena, p->name));
	if (ret)
		fputs(" l->__retvalue", out);
	fputs(" }, *THIS = &stp_this;\n", out);
}

static void write_this_end(FILE *out, const struct elab_func *f)
{
	if (f->ret == TYPE_LONG)
		fputs("\tif (stp_this.__retvalue)\n\t\tl->__retvalue = stp_this.__retvalue;\n", out);
}

static void write_embedded(struct emit *E, FILE *out, const struct emit_func *ef)
{
	const struct elab_func *f = ef->f;
	bool this = uses_this(E, f);
	for (const struct symbol *p = f->params; p; p = p->next) {
		const char *name = emit_mangle(E->arena, p->name);
		fprintf(out, "#define STAP_ARG_%s (l->v_%s)\n", name, name);
	}
	if (f->ret == TYPE_LONG || f->ret == TYPE_STRING)
		fputs("#define STAP_RETVALUE (l->__retvalue)\n", out);
	if (this)
		write_this_begin(E, out, f);
	fputs("\t{\n", out);
	fwrite(f->fn->embedded, 1, f->fn->embedded_len, out);
	fputs("\n\t}\n\tgoto stp_embedded_out;\nstp_embedded_out:\n\t;\n", out);
	if (this)
		write_this_end(out, f);
	for (const struct symbol *p = f->params; p; p = p->next)
		fprintf(out, "#undef STAP_ARG_%s\n", emit_mangle(E->arena, p->name));
	if (f->ret == TYPE_LONG || f->ret == TYPE_STRING)
		fputs("#undef STAP_RETVALUE\n", out);
}

static void init_retvalue(FILE *out, const struct body_out *bo)
{
	if (bo->ret == TYPE_STRING)
		fputs("\tl->__retvalue[0] = '\\0';\n", out);
	else if (bo->ret == TYPE_LONG)
		fputs("\tl->__retvalue = 0;\n", out);
}

/* A script body is NAME_body(c, l) under a NAME(c) that finds its frame.
 * The kernel builds with -fno-strict-aliasing, so without `restrict` every
 * store through c (output, the error state) would make the compiler
 * reload the frame's locals; the action count stays in the C local ac
 * for the same reason, and goes back to c->actioncount for calls (the
 * callee counts on), for errors (stp_act) and when the body ends. */
static void write_body(struct emit *E, FILE *out, const char *name, const struct body_out *bo,
		       const struct emit_func *ef)
{
	if (ef && ef->f->fn->embedded) {
		fprintf(out, "static void %s(struct context *c)\n{\n", name);
		fprintf(out, "\tstruct frame_%s *l __maybe_unused = STP_FRAME_HERE(c);\n",
			bo->frame);
		declare_temps(out, &bo->b);
		fputc('\n', out);
		init_retvalue(out, bo);
		write_embedded(E, out, ef);
		fputs("}\n\n", out);
		return;
	}
	fprintf(out, "static void %s_body(struct context *c, struct frame_%s *restrict l)\n{\n",
		name, bo->frame);
	fputs("\tlong ac = c->actioncount;\n", out);
	declare_temps(out, &bo->b);
	if (bo->b.c_longs)
		declare_c_longs(out, bo->locals, E->arena);
	fputc('\n', out);
	init_retvalue(out, bo);
	init_vars(out, bo->locals, E->arena, bo->b.c_longs);
	fwrite(bo->b.code_buf, 1, bo->b.code_len, out);
	if (bo->b.label_used[0])
		fputs("out:\n", out);
	fputs("\tc->actioncount = ac;\n}\n\n", out);
	fprintf(out, "static void %s(struct context *c)\n{\n", name);
	fprintf(out, "\t%s_body(c, STP_FRAME_HERE(c));\n}\n\n", name);
}

/* C names for globals and functions: g_NAME, fn_NAME_ARITY, made unique. */
static void name_things(struct emit *E)
{
	const struct elab_program *ep = E->ep;
	E->globals = arena_alloc(E->arena, ((size_t)ep->nglobals + 1) * sizeof(*E->globals));
	for (const struct symbol *g = ep->globals; g; g = g->next) {
		struct emit_global *eg = &E->globals[E->nglobals];
		eg->sym = g;
		eg->cname = arena_printf(E->arena, "g_%s", emit_mangle(E->arena, g->name));
		for (int j = 0; j < E->nglobals; j++)
			if (strcmp(E->globals[j].cname, eg->cname) == 0)
				eg->cname = arena_printf(E->arena, "%s_%d", eg->cname, E->nglobals);
		E->nglobals++;
	}
	E->funcs = arena_alloc(E->arena, ((size_t)ep->nfunctions + 1) * sizeof(*E->funcs));
	for (const struct elab_func *f = ep->functions; f; f = f->next) {
		struct emit_func *ef = &E->funcs[E->nfuncs];
		ef->f = f;
		ef->cname = arena_printf(E->arena, "fn_%s_%d", emit_mangle(E->arena, f->fn->name),
					 f->fn->nparams);
		for (int j = 0; j < E->nfuncs; j++)
			if (strcmp(E->funcs[j].cname, ef->cname) == 0)
				ef->cname = arena_printf(E->arena, "%s_%d", ef->cname, E->nfuncs);
		E->nfuncs++;
	}
}

static void write_head(struct emit *E, FILE *out)
{
	const struct session *s = E->sess;
	const char *script = s->script_file ? s->script_file : "<input>";
	fprintf(out, "/* %s.c: generated from %s by stap (SystemTap in C) */\n", E->module,
		script);
	fprintf(out, "#define STP_MODULE_NAME \"%s\"\n", E->module);
	if (s->suppress_time_limits)
		fputs("#define STP_SUPPRESS_TIME_LIMITS 1\n", out);
	for (int i = 0; i < s->c_defines.count; i++) {
		const char *d = s->c_defines.items[i];
		const char *eq = strchr(d, '=');
		if (eq)
			fprintf(out, "#define %.*s %s\n", (int)(eq - d), d, eq + 1);
		else
			fprintf(out, "#define %s 1\n", d);
	}
	fputs("#include \"runtime.h\"\n\n", out);
	fputs("static const struct stp_module_desc stp_module;\n\n", out);
	for (int i = 0; i < E->ep->nembeds; i++) {
		fwrite(E->ep->embeds[i]->code, 1, E->ep->embeds[i]->len, out);
		fputc('\n', out);
	}
	fputs(helpers, out);
}

static void write_frames(struct emit *E, FILE *out, const struct body_out *fb,
			 const struct body_out *pb)
{
	fputs("/* frames: locals, parameters, return value, string temporaries */\n", out);
	for (int i = 0; i < E->nfuncs; i++)
		write_frame(E, out, &fb[i]);
	for (int i = 0; i < E->ep->nprobes; i++)
		if (E->probe_impl[i] == i)
			write_frame(E, out, &pb[i]);
	fputs("union stp_frame {\n", out);
	for (int i = 0; i < E->nfuncs; i++)
		fprintf(out, "\tstruct frame_%s f%d;\n", fb[i].frame, i);
	for (int i = 0; i < E->ep->nprobes; i++)
		if (E->probe_impl[i] == i)
			fprintf(out, "\tstruct frame_%s p%d;\n", pb[i].frame, i);
	fputs("};\n\n", out);
}

/* The frame's fields as text (its name left out), for comparing. */
static char *frame_text(struct emit *E, const struct body_out *bo, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		return NULL;
	struct body_out anon = *bo;
	anon.frame = "";
	write_frame(E, f, &anon);
	fclose(f);
	return text;
}

static uint64_t fnv1a(const char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
	return h;
}

/* Probes whose handlers came out the same (a wildcard's derived probes
 * usually share one body: kernel.function("tcp_*") { n++ } is hundreds)
 * share one C function: E->probe_impl[i] is the probe whose handler
 * probe i runs.  Less C for kbuild to compile, same behaviour: pp() and
 * everything else that differs lives in stp_probes[i]. */
static void share_handlers(struct emit *E, const struct body_out *pb)
{
	int n = E->ep->nprobes;
	uint64_t *hash = arena_alloc(E->arena, ((size_t)n + 1) * sizeof(*hash));
	char **frame = arena_alloc(E->arena, ((size_t)n + 1) * sizeof(*frame));
	size_t *flen = arena_alloc(E->arena, ((size_t)n + 1) * sizeof(*flen));
	E->probe_impl = arena_alloc(E->arena, ((size_t)n + 1) * sizeof(*E->probe_impl));
	for (int i = 0; i < n; i++) {
		const struct emit_body *b = &pb[i].b;
		E->probe_impl[i] = i;
		frame[i] = frame_text(E, &pb[i], &flen[i]);
		hash[i] = fnv1a(b->code_buf ? b->code_buf : "", b->code_len, 0xcbf29ce484222325ull);
		hash[i] = fnv1a(frame[i] ? frame[i] : "", frame[i] ? flen[i] : 0, hash[i]);
		for (int j = 0; j < i && frame[i]; j++) {
			const struct emit_body *o = &pb[j].b;
			if (E->probe_impl[j] != j || hash[j] != hash[i] || !frame[j] ||
			    o->code_len != b->code_len || flen[j] != flen[i] ||
			    o->label_used[0] != b->label_used[0] || o->c_longs != b->c_longs ||
			    memcmp(o->code_buf, b->code_buf, b->code_len) != 0 ||
			    memcmp(frame[j], frame[i], flen[i]) != 0)
				continue;
			E->probe_impl[i] = j;
			break;
		}
	}
	for (int i = 0; i < n; i++)
		free(frame[i]);
}

/* The kernel symbols @var reads: their names in section .stap_ksyms, in
 * order, which staprun looks up in /proc/kallsyms and passes back as the
 * module parameter _stp_ksym (the addresses, in the same order). */
static void write_ksyms(struct emit *E, FILE *out)
{
	const struct elab_program *ep = E->ep;
	if (!ep->nksyms)
		return;
	fprintf(out, "static unsigned long _stp_ksym[%d];\nstatic int _stp_nksym;\n"
		"module_param_array_named(_stp_ksym, _stp_ksym, ulong, &_stp_nksym, 0400);\n"
		"static const char _stp_ksym_names[] __attribute__((section(\".stap_ksyms\"), "
		"used)) =", ep->nksyms);
	for (int i = 0; i < ep->nksyms; i++)
		fprintf(out, "\n\t%s \"\\0\"",
			emit_cstr(E->arena, ep->ksyms[i], strlen(ep->ksyms[i])));
	fputs(";\n\n", out);
}

int emit_module(FILE *out, const struct session *s, const struct elab_program *ep,
		const char *module_name)
{
	struct emit E = { .arena = arena_new(), .sess = s, .ep = ep, .module = module_name };
	int diag_errors = diag_error_count();  /* a family's table may refuse (procfs) */
	name_things(&E);
	struct body_out *fb = arena_alloc(E.arena, ((size_t)E.nfuncs + 1) * sizeof(*fb));
	struct body_out *pb = arena_alloc(E.arena, ((size_t)ep->nprobes + 1) * sizeof(*pb));
	for (int i = 0; i < E.nfuncs; i++)
		gen_function(&E, &E.funcs[i], &fb[i]);
	int i = 0;
	for (const struct elab_probe *p = ep->probes; p; p = p->next, i++)
		gen_probe(&E, p, i, &pb[i]);
	struct emit_lockset *locks = emit_locks(&E);
	share_handlers(&E, pb);
	if (E.errors == 0) {
		write_head(&E, out);
		emit_tables_globals(&E, out);
		write_ksyms(&E, out);
		write_frames(&E, out, fb, pb);
		for (i = 0; i < E.nfuncs; i++)
			fprintf(out, "static void %s(struct context *c);\n", E.funcs[i].cname);
		fputc('\n', out);
		for (i = 0; i < E.nfuncs; i++)
			write_body(&E, out, E.funcs[i].cname, &fb[i], &E.funcs[i]);
		for (i = 0; i < ep->nprobes; i++)
			if (E.probe_impl[i] == i)
				write_body(&E, out, arena_printf(E.arena, "probe_%d", i), &pb[i],
					   NULL);
		emit_tables_probes(&E, out, locks);
		emit_tables_init(&E, out);
		fputs("#include \"runtime.c\"\n", out);
		emit_tables_module(&E, out);
	}
	for (i = 0; i < E.nfuncs; i++)
		free(fb[i].b.code_buf);
	for (i = 0; i < ep->nprobes; i++)
		free(pb[i].b.code_buf);
	int rc = E.errors || diag_error_count() != diag_errors ? 1 : 0;
	arena_free(E.arena);
	return rc;
}
