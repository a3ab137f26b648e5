/* pass1.c - pass 1 entry points (see pass1.h): build the pass-1 context,
 * read the user's scripts, run lexer + preprocessor + parser over each.
 *
 * The user script is named by its path, "<input>" for -e and for stdin
 * ("-"); -E scripts are "<input1>", "<input2>", ...  A user script with no
 * declaration at all is an error, as upstream.
 */
#include "config.h"

#include "pass1.h"
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "examples.h"
#include "pass1_int.h"
#include "paths.h"

struct pass1 *pass1_new(struct arena *a, const struct session *s, unsigned flags)
{
	struct pass1 *ctx = arena_alloc(a, sizeof(*ctx));
	ctx->arena = a;
	ctx->sess = s;
	ctx->flags = flags;
	intern_init(&ctx->names, a);
	parse_register_names(&ctx->names);
	ctx->guru = s && s->guru;
	ctx->systemtap_v = s && s->compatible ? s->compatible : COMPAT_VERSION;
	ctx->privilege = s ? s->privilege : NULL;
	ctx->runtime = "kernel";
	if (s && s->runtime == RUNTIME_BPF)
		ctx->runtime = "bpf";
	else if (s && s->runtime == RUNTIME_DYNINST)
		ctx->runtime = "dyninst";
	int nargs = s && s->nargs > 0 ? s->nargs : 0;
	ctx->arg_toks = arena_alloc(a, (size_t)(nargs + 1) * sizeof(*ctx->arg_toks));
	ctx->arg_ntoks = arena_alloc(a, (size_t)(nargs + 1) * sizeof(*ctx->arg_ntoks));
	return ctx;
}

struct target *pass1_target(struct pass1 *ctx)
{
	if (!ctx->target)
		ctx->target = target_new(ctx->arena, ctx->sess,
					 !(ctx->flags & PASS1_NO_TARGET_FILES));
	return ctx->target;
}

int pass1_library_files(const struct pass1 *p)
{
	return p->library_files;
}

struct arena *pass1_arena(const struct pass1 *p)
{
	return p->arena;
}

/* Read all of f into the arena, NUL-terminated. */
static char *read_stream(struct arena *a, FILE *f, size_t *len)
{
	struct stat st;
	size_t cap = 65536;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	char *buf = arena_alloc(a, cap + 1);
	size_t n = 0;
	for (;;) {
		if (n == cap) {
			buf = arena_realloc(a, buf, n, cap * 2 + 1);
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		return NULL;
	buf[n] = '\0';
	*len = n;
	return buf;
}

char *pass1_slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *text = read_stream(a, f, len);
	int saved = errno;
	fclose(f);
	errno = saved;
	return text;
}

int pass1_parse_source(struct pass1 *p, const struct source *src, bool is_tapset,
		       struct program *prog)
{
	struct pp pp;
	pp_init(&pp, p, src, false);
	return parse_program(p, &pp, is_tapset, prog);
}

static struct source *new_source(struct arena *a, const char *name, const char *text,
				 size_t len, bool is_tapset)
{
	struct source *src = arena_alloc(a, sizeof(*src));
	src->name = name;
	src->text = text;
	src->len = len;
	src->is_tapset = is_tapset;
	return src;
}

const struct source *pass1_parse_file(struct pass1 *p, const char *path, bool is_tapset,
				      struct program *prog)
{
	size_t len;
	char *text = pass1_slurp(p->arena, path, &len);
	if (!text) {
		diag_error(D_IO, NULL, "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	struct source *src = new_source(p->arena, arena_strdup(p->arena, path), text, len,
					is_tapset);
	pass1_parse_source(p, src, is_tapset, prog);
	return src;
}

/* The main script as a source, or NULL after reporting why not. */
static struct source *main_source(struct arena *a, const struct session *s)
{
	size_t len;
	if (s->script_text)
		return new_source(a, "<input>", s->script_text, strlen(s->script_text), false);
	if (!s->script_file)
		return NULL;
	if (strcmp(s->script_file, "-") == 0) {
		char *text = read_stream(a, stdin, &len);
		if (!text) {
			diag_error(D_IO, NULL, "cannot read the script from stdin: %s",
				   strerror(errno));
			return NULL;
		}
		return new_source(a, "<input>", text, len, false);
	}
	const char *path = s->script_file;
	if (s->example) {
		path = examples_find(a, s->script_file);
		if (!path) {
			diag_error(D_IO, NULL, "no example script named '%s'", s->script_file);
			return NULL;
		}
	}
	char *text = pass1_slurp(a, path, &len);
	if (!text) {
		diag_error(D_IO, NULL, "cannot read script file '%s': %s", path, strerror(errno));
		return NULL;
	}
	return new_source(a, path, text, len, false);
}

static void parse_user_script(struct pass1 *ctx, const struct source *src, struct program *prog)
{
	int before = diag_error_count();
	int n = pass1_parse_source(ctx, src, false, prog);
	if (n == 0 && diag_error_count() == before)
		diag_error(D_PARSE_EMPTY_SCRIPT, NULL,
			   "input file '%s' is empty: no probe, function or global", src->name);
}

int pass1_run(struct pass1 *ctx, struct program **out)
{
	struct arena *a = ctx->arena;
	const struct session *s = ctx->sess;
	struct program *prog = ast_program_new(a);
	*out = prog;
	struct source *src = main_source(a, s);
	if (src)
		parse_user_script(ctx, src, prog);
	for (int i = 0; i < s->extra_scripts.count; i++) {
		const char *text = s->extra_scripts.items[i];
		struct source *e = new_source(a, arena_printf(a, "<input%d>", i + 1), text,
					      strlen(text), false);
		parse_user_script(ctx, e, prog);
	}
	return diag_error_count() > 0 || !src;
}

void pass1_add_timeout(struct pass1 *ctx, struct program *prog)
{
	struct arena *a = ctx->arena;
	long long ms = (long long)ctx->sess->timeout_s * 1000;
	struct program *t = ast_program_new(a);
	char *text = arena_printf(a, "probe timer.ms(%lld) { exit() }\n", ms);
	struct source *src = new_source(a, "<timeout>", text, strlen(text), false);
	pass1_parse_source(ctx, src, false, t);
	if (!t->decls || !t->probes)
		return;
	/* first, as upstream puts it */
	struct decl *d = t->decls;
	d->next = prog->decls;
	prog->decls = d;
	if (prog->decls_tail == &prog->decls)
		prog->decls_tail = &d->next;
	prog->ndecls++;
	struct stap_probe *p = t->probes;
	p->next = prog->probes;
	prog->probes = p;
	if (prog->probes_tail == &prog->probes)
		prog->probes_tail = &p->next;
}

int pass1_parse_buffer_flags(struct arena *a, const struct session *s, const char *name,
			     const char *text, size_t len, unsigned flags,
			     struct program **out)
{
	diag_reset();
	struct pass1 *ctx = pass1_new(a, s, flags);
	struct program *prog = ast_program_new(a);
	char *copy = arena_strndup(a, text, len);
	struct source *src = new_source(a, arena_strdup(a, name ? name : "<input>"), copy, len,
					false);
	*out = prog;
	pass1_parse_source(ctx, src, false, prog);
	return diag_error_count() > 0;
}

int pass1_parse_buffer(struct arena *a, const struct session *s, const char *name,
		       const char *text, size_t len, struct program **out)
{
	return pass1_parse_buffer_flags(a, s, name, text, len,
					PASS1_NO_LIBRARY | PASS1_NO_TARGET_FILES, out);
}
