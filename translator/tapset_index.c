/* tapset_index.c - the fast scan of the tapset library (see
 * tapset_index.h).
 *
 * Contract: reads every *.stp of the search path once, into one reused
 * buffer, and records names only; it reports nothing (a file that cannot
 * be read is skipped: its parse, if ever needed, reports).  Cost is one
 * pass over the bytes: the whole library in a few milliseconds.
 */
#include "config.h"

#include "tapset_index.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "paths.h"
#include "session.h"
#include "strmap.h"

struct tsi_maps {
	struct strmap functions;   /* name -> struct ts_def list */
	struct strmap globals;     /* name -> struct ts_def list */
	struct strmap aliases;     /* first component -> struct ts_alias bucket */
	struct ts_alias **alias_tail;
	struct ts_file **file_tail;
};

/* ---- the tokenizer ---- */

enum stok_kind { ST_EOF, ST_IDENT, ST_STRING, ST_NUMBER, ST_PUNCT };

struct stok {
	enum stok_kind kind;
	const char *text;
	size_t len;
	int punct;              /* ST_PUNCT: the char, or 'A' for +=, 'R' for ->, 'E' for == */
};

struct scan {
	const char *p, *end;
	struct stok back;       /* one token of push-back */
	bool has_back;
	struct stok prev;       /* the token before the current one */
};

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c == '@';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* Skip what is no token: blanks, comments, embedded C, %( %? %: %).
 * Returns false at the end. */
static bool skip_space(struct scan *s)
{
	const char *p = s->p, *e = s->end;
	while (p < e) {
		char c = *p;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			p++;
		} else if (c == '#' || (c == '/' && p + 1 < e && p[1] == '/')) {
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			p = nl ? nl + 1 : e;
		} else if (c == '/' && p + 1 < e && p[1] == '*') {
			p += 2;
			while (p + 1 < e && !(p[0] == '*' && p[1] == '/'))
				p++;
			p = p + 1 < e ? p + 2 : e;
		} else if (c == '%' && p + 1 < e && p[1] == '{') {
			p += 2;
			while (p + 1 < e && !(p[0] == '%' && p[1] == '}'))
				p++;
			p = p + 1 < e ? p + 2 : e;
		} else if (c == '%' && p + 1 < e && strchr("(?:)", p[1])) {
			p += 2;
		} else {
			break;
		}
	}
	s->p = p;
	return p < e;
}

static void lex(struct scan *s, struct stok *t)
{
	t->kind = ST_EOF;
	t->len = 0;
	if (!skip_space(s))
		return;
	const char *p = s->p, *e = s->end;
	t->text = p;
	if (ident_start(*p)) {
		while (p < e && ident_char(*p))
			p++;
		t->kind = ST_IDENT;
	} else if (*p >= '0' && *p <= '9') {
		while (p < e && ident_char(*p))
			p++;
		t->kind = ST_NUMBER;
	} else if (*p == '"') {
		for (p++; p < e && *p != '"'; p++)
			if (*p == '\\' && p + 1 < e)
				p++;
		p = p < e ? p + 1 : e;
		t->kind = ST_STRING;
	} else {
		t->kind = ST_PUNCT;
		t->punct = *p++;
		if (p < e) {
			if (t->punct == '+' && *p == '=')
				t->punct = 'A', p++;
			else if (t->punct == '-' && *p == '>')
				t->punct = 'R', p++;
			else if (t->punct == '=' && *p == '=')
				t->punct = 'E', p++;
		}
	}
	t->len = (size_t)(p - t->text);
	s->p = p;
}

static void next(struct scan *s, struct stok *t)
{
	if (s->has_back) {
		*t = s->back;
		s->has_back = false;
	} else {
		lex(s, t);
	}
}

static void unget(struct scan *s, const struct stok *t)
{
	s->back = *t;
	s->has_back = true;
}

static bool is_word(const struct stok *t, const char *w)
{
	size_t n = strlen(w);
	return t->kind == ST_IDENT && t->len == n && memcmp(t->text, w, n) == 0;
}

static bool is_punct(const struct stok *t, int c)
{
	return t->kind == ST_PUNCT && t->punct == c;
}

/* ---- recording ---- */

struct indexer {
	struct arena *arena;
	struct tapset_index *x;
	struct ts_file *file;
};

static void add_def(struct indexer *ix, struct strmap *m, const struct stok *name, bool priv)
{
	char *key = arena_strndup(ix->arena, name->text, name->len);
	struct ts_def *d = arena_alloc(ix->arena, sizeof(*d));
	d->name = key;
	d->file = ix->file;
	d->is_private = priv;
	void **slot = strmap_put(m, key);
	struct ts_def **tail = (struct ts_def **)slot;
	while (*tail)
		tail = &(*tail)->next;
	*tail = d;
}

/* global NAME [ '[' ... ']' | '%' ] [ '=' literal ] { ',' ... } */
static void scan_globals(struct indexer *ix, struct scan *s, bool priv)
{
	struct stok t;
	for (;;) {
		next(s, &t);
		if (t.kind != ST_IDENT) {
			unget(s, &t);
			return;
		}
		add_def(ix, &ix->x->maps->globals, &t, priv);
		next(s, &t);
		if (is_punct(&t, '%'))
			next(s, &t);
		if (is_punct(&t, '[')) {
			while (t.kind != ST_EOF && !is_punct(&t, ']'))
				next(s, &t);
			next(s, &t);
		}
		if (is_punct(&t, '=')) {
			next(s, &t);
			if (is_punct(&t, '-'))
				next(s, &t);
			do
				next(s, &t);
			while (t.kind == ST_STRING);
		}
		if (!is_punct(&t, ',')) {
			unget(s, &t);
			return;
		}
	}
}

/* The name of an alias being defined: IDENT ['(' literal ')'] { '.' ... }
 * then '=' or '+='.  Anything else (a probe, wildcards, sets) is not an
 * alias definition and is skipped. */
static void scan_probe(struct indexer *ix, struct scan *s)
{
	struct stok t;
	struct pp_pattern pat = { 0 };
	const char *start = NULL, *stop = NULL;
	for (;;) {
		next(s, &t);
		if (t.kind != ST_IDENT || pat.ncomps == PP_MAX_COMPS)
			return;
		if (!start)
			start = t.text;
		struct pp_pattern_comp *pc = &pat.comps[pat.ncomps++];
		pc->name = arena_strndup(ix->arena, t.text, t.len);
		stop = t.text + t.len;
		next(s, &t);
		if (is_punct(&t, '(')) {
			next(s, &t);
			if (is_punct(&t, '-'))
				next(s, &t);
			pc->param = t.kind == ST_STRING ? PP_PARAM_STRING : PP_PARAM_NUMBER;
			next(s, &t);
			if (!is_punct(&t, ')'))
				return;
			stop = t.text + t.len;
			next(s, &t);
		}
		if (!is_punct(&t, '.'))
			break;
	}
	if (!is_punct(&t, '=') && !is_punct(&t, 'A'))
		return;
	struct ts_alias *al = arena_alloc(ix->arena, sizeof(*al));
	al->text = arena_strndup(ix->arena, start, (size_t)(stop - start));
	al->pat = pat;
	al->file = ix->file;
	*ix->x->maps->alias_tail = al;
	ix->x->maps->alias_tail = &al->next;
	ix->x->naliases++;
	struct ts_alias **bucket = (struct ts_alias **)strmap_put(&ix->x->maps->aliases,
								  pat.comps[0].name);
	while (*bucket)
		bucket = &(*bucket)->bucket_next;
	*bucket = al;
}

static void scan_text(struct indexer *ix, const char *text, size_t len)
{
	struct scan s = { .p = text, .end = text + len };
	struct stok t, prev = { 0 };
	bool priv = false;
	for (next(&s, &t); t.kind != ST_EOF; prev = t, next(&s, &t)) {
		/* a reserved word after '.' or '->' is a component or field name */
		if (t.kind != ST_IDENT || is_punct(&prev, '.') || is_punct(&prev, 'R'))
			continue;
		if (is_word(&t, "private")) {
			priv = true;
			continue;
		}
		if (is_word(&t, "function")) {
			struct stok name;
			next(&s, &name);
			if (name.kind == ST_IDENT)
				add_def(ix, &ix->x->maps->functions, &name, priv);
			else
				unget(&s, &name);
		} else if (is_word(&t, "global")) {
			scan_globals(ix, &s, priv);
		} else if (is_word(&t, "probe")) {
			scan_probe(ix, &s);
		}
		priv = false;
	}
}

/* ---- the search path ---- */

struct reader {
	char *buf;
	size_t cap;
};

static bool read_file(struct arena *a, struct reader *r, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	struct stat st;
	size_t want = fstat(fileno(f), &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
	if (want + 1 > r->cap) {
		r->cap = want + 1 > 2 * r->cap ? want + 1 : 2 * r->cap;
		r->buf = arena_alloc(a, r->cap);
	}
	size_t n = fread(r->buf, 1, want, f);
	bool ok = !ferror(f);
	fclose(f);
	*len = n;
	return ok;
}

static int stp_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 4 && strcmp(d->d_name + n - 4, ".stp") == 0 && d->d_name[0] != '.';
}

static void scan_dir(struct indexer *ix, struct reader *r, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	struct dirent **list;
	int n = scandir(dir, &list, stp_filter, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		char *path = arena_printf(ix->arena, "%s/%s", dir, list[i]->d_name);
		free(list[i]);
		size_t len;
		if (!read_file(ix->arena, r, path, &len))
			continue;
		struct ts_file *f = arena_alloc(ix->arena, sizeof(*f));
		f->path = path;
		f->order = ix->x->nfiles++;
		*ix->x->maps->file_tail = f;
		ix->x->maps->file_tail = &f->next;
		ix->file = f;
		scan_text(ix, r->buf, len);
	}
	free(list);
}

static void scan_root(struct indexer *ix, struct reader *r, const char *root, const char *arch)
{
	scan_dir(ix, r, arena_printf(ix->arena, "%s/linux/%s", root, arch));
	scan_dir(ix, r, arena_printf(ix->arena, "%s/linux", root));
	scan_dir(ix, r, arena_printf(ix->arena, "%s/%s", root, arch));
	scan_dir(ix, r, root);
}

struct tapset_index *tsi_build(struct arena *a, const struct session *s, const char *arch)
{
	struct tapset_index *x = arena_alloc(a, sizeof(*x));
	x->maps = arena_alloc(a, sizeof(*x->maps));
	strmap_init(&x->maps->functions, a);
	strmap_init(&x->maps->globals, a);
	strmap_init(&x->maps->aliases, a);
	x->maps->alias_tail = &x->aliases;
	x->maps->file_tail = &x->files;
	struct indexer ix = { .arena = a, .x = x };
	struct reader r = { 0 };
	scan_root(&ix, &r, paths_tapset_dir(), arch);
	if (s)
		for (int i = 0; i < s->include_dirs.count; i++)
			scan_root(&ix, &r, s->include_dirs.items[i], arch);
	return x;
}

const struct ts_def *tsi_functions(const struct tapset_index *x, const char *name)
{
	return strmap_get(&x->maps->functions, name);
}

const struct ts_def *tsi_globals(const struct tapset_index *x, const char *name)
{
	return strmap_get(&x->maps->globals, name);
}

const struct ts_alias *tsi_aliases_for(const struct tapset_index *x, const char *first)
{
	return first ? strmap_get(&x->maps->aliases, first) : x->aliases;
}

const struct ts_alias *tsi_alias_next(const struct ts_alias *a, const char *first)
{
	return first ? a->bucket_next : a->next;
}

void tsi_each_function(const struct tapset_index *x, void (*f)(const char *name, void *ctx),
		       void *ctx)
{
	const struct strmap *m = &x->maps->functions;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		for (const struct ts_def *d = m->slots[i].value; d; d = d->next) {
			if (!d->is_private) {
				f(d->name, ctx);
				break;
			}
		}
	}
}
