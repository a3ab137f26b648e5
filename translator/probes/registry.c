/* registry.c - the table of probe families, pattern parsing and the
 * component matcher shared by families and aliases (see registry.h).
 *
 * Contract: pp_match() decides whether a user's point (possibly with
 * wildcards) names a pattern; it never allocates.  pp_concrete() builds
 * the concrete point of a match.  The registry is a static table of every
 * family's patterns, parsed on first use, sorted by text.
 */
#include "config.h"

#include "probes/registry.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "pass2.h"

/* ---- glob and component matching ---- */

/* Dynamic programming over (pattern, name) prefixes: linear in each, so
 * no pattern can make matching exponential.  row[i]: the pattern so far
 * matches the first i bytes of s. */
bool pp_glob(const char *pat, const char *s)
{
	size_t n = strlen(s);
	bool small[257];
	bool *row = small;
	if (n + 1 > sizeof(small) / sizeof(small[0])) {
		row = malloc(n + 1);
		if (!row)
			return false;
	}
	row[0] = true;
	for (size_t i = 1; i <= n; i++)
		row[i] = false;
	for (const char *p = pat; *p;) {
		if (*p == '*') {
			bool cross = p[1] == '*';
			while (*p == '*')
				p++;
			/* a star extends any match over more bytes (no '.' unless **) */
			for (size_t i = 1; i <= n; i++)
				if (!row[i] && row[i - 1] && (cross || s[i - 1] != '.'))
					row[i] = true;
			continue;
		}
		for (size_t i = n; i > 0; i--)
			row[i] = row[i - 1] && s[i - 1] == *p;
		row[0] = false;
		p++;
	}
	bool ok = row[n];
	if (row != small)
		free(row);
	return ok;
}

bool pp_has_wildcard(const struct probe_point *pt)
{
	for (const struct pp_comp *c = pt->comps; c; c = c->next)
		if (strchr(c->name, '*'))
			return true;
	return false;
}

static bool literal_equal(const struct node *a, const struct node *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == ND_NUM)
		return a->u.num == b->u.num;
	return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
}

static bool param_ok(const struct pp_pattern_comp *pc, const struct node *arg)
{
	switch (pc->param) {
	case PP_PARAM_NONE: return arg == NULL;
	case PP_PARAM_NUMBER: return arg && arg->kind == ND_NUM;
	case PP_PARAM_STRING: return arg && arg->kind == ND_STR;
	case PP_PARAM_LITERAL: return arg && literal_equal(arg, pc->literal);
	}
	return false;
}

static bool match_from(const struct pp_comp *u, const struct pp_pattern *pat, int j,
		       bool allow_prefix, struct pp_match *m);

/* A user component holding `**`: it may stand for pattern components
 * j..k joined by dots (none but the last taking a parameter). */
static bool match_span(const struct pp_comp *u, const struct pp_pattern *pat, int j,
		       bool allow_prefix, struct pp_match *m)
{
	char buf[1024];
	size_t len = 0;
	for (int k = j; k < pat->ncomps; k++) {
		const struct pp_pattern_comp *pc = &pat->comps[k];
		size_t n = strlen(pc->name);
		if (len + n + 2 > sizeof(buf))
			return false;
		if (k > j)
			buf[len++] = '.';
		memcpy(buf + len, pc->name, n + 1);
		len += n;
		if (pp_glob(u->name, buf) && param_ok(pc, u->arg)) {
			m->arg[k] = u->arg;
			m->argpos[k] = &u->pos;
			if (match_from(u->next, pat, k + 1, allow_prefix, m))
				return true;
		}
		if (pc->param != PP_PARAM_NONE)
			return false;
	}
	return false;
}

static bool match_from(const struct pp_comp *u, const struct pp_pattern *pat, int j,
		       bool allow_prefix, struct pp_match *m)
{
	if (!u)
		return j == pat->ncomps;
	if (j == pat->ncomps) {
		if (!allow_prefix || j == 0)
			return false;
		m->suffix_comp = u;
		return true;
	}
	if (strstr(u->name, "**"))
		return match_span(u, pat, j, allow_prefix, m);
	const struct pp_pattern_comp *pc = &pat->comps[j];
	if (!pp_glob(u->name, pc->name) || !param_ok(pc, u->arg))
		return false;
	m->arg[j] = u->arg;
	m->argpos[j] = &u->pos;
	return match_from(u->next, pat, j + 1, allow_prefix, m);
}

bool pp_match(const struct pp_comp *user, const struct pp_pattern *pat, bool allow_prefix,
	      struct pp_match *m)
{
	memset(m, 0, sizeof(*m));
	m->suffix = -1;
	if (!match_from(user, pat, 0, allow_prefix, m))
		return false;
	if (m->suffix_comp) {
		int i = 0;
		for (const struct pp_comp *c = user; c != m->suffix_comp; c = c->next)
			i++;
		m->suffix = i;
	}
	return true;
}

struct probe_point *pp_concrete(struct arena *a, const struct probe_point *user,
				const struct pp_pattern *pat, const struct pp_match *m)
{
	struct probe_point *pt = arena_alloc(a, sizeof(*pt));
	pt->pos = user->pos;
	pt->optional = user->optional;
	pt->sufficient = user->sufficient;
	struct pp_comp **tail = &pt->comps;
	for (int j = 0; j < pat->ncomps; j++) {
		struct pp_comp *c = arena_alloc(a, sizeof(*c));
		c->name = pat->comps[j].name;
		c->arg = pat->comps[j].param == PP_PARAM_LITERAL ? pat->comps[j].literal
								 : m->arg[j];
		c->pos = m->argpos[j] ? *m->argpos[j] : user->pos;
		*tail = c;
		tail = &c->next;
		pt->ncomps++;
	}
	for (const struct pp_comp *s = m->suffix_comp; s; s = s->next) {
		struct pp_comp *c = arena_alloc(a, sizeof(*c));
		*c = *s;
		c->next = NULL;
		*tail = c;
		tail = &c->next;
		pt->ncomps++;
	}
	return pt;
}

/* ---- pattern text ---- */

/* Component names of the static pattern table: a fixed pool, filled once
 * per process (patterns are a few kilobytes of text in all). */
static char *pool_alloc(size_t n)
{
	static char pool[1 << 16];
	static size_t used;
	if (used + n > sizeof(pool))
		return NULL;
	used += n;
	return pool + used - n;
}

bool pp_pattern_parse(const char *text, struct pp_pattern *pat)
{
	memset(pat, 0, sizeof(*pat));
	const char *p = text;
	while (*p) {
		if (pat->ncomps == PP_MAX_COMPS)
			return false;
		struct pp_pattern_comp *pc = &pat->comps[pat->ncomps++];
		size_t n = strcspn(p, ".(");
		if (n == 0)
			return false;
		char *name = pool_alloc(n + 1);
		if (!name)
			return false;
		memcpy(name, p, n);
		name[n] = '\0';
		pc->name = name;
		p += n;
		if (*p == '(') {
			if (strncmp(p, "(number)", 8) == 0) {
				pc->param = PP_PARAM_NUMBER;
				p += 8;
			} else if (strncmp(p, "(string)", 8) == 0) {
				pc->param = PP_PARAM_STRING;
				p += 8;
			} else {
				return false;
			}
		}
		if (*p == '.')
			p++;
		else if (*p)
			return false;
	}
	return pat->ncomps > 0;
}

void pp_pattern_print(FILE *out, const struct pp_pattern *pat)
{
	for (int j = 0; j < pat->ncomps; j++) {
		fprintf(out, "%s%s", j ? "." : "", pat->comps[j].name);
		if (pat->comps[j].param == PP_PARAM_NUMBER)
			fputs("(number)", out);
		else if (pat->comps[j].param == PP_PARAM_STRING)
			fputs("(string)", out);
	}
}

/* ---- requests ---- */

void pp_emit(struct pp_request *req, const struct probe_point *point, void *data)
{
	req->emit(req, point, data);
}

struct probe_point *pp_with_string(struct arena *a, const struct probe_point *point, int j,
				   const char *text)
{
	struct probe_point *pt = arena_alloc(a, sizeof(*pt));
	*pt = *point;
	struct pp_comp **tail = &pt->comps;
	int k = 0;
	for (const struct pp_comp *c = point->comps; c; c = c->next, k++) {
		struct pp_comp *copy = arena_alloc(a, sizeof(*copy));
		*copy = *c;
		if (k == j) {
			struct node *s = ast_node_new(a, ND_STR, c->arg ? &c->arg->pos : &c->pos);
			s->u.str.s = text;
			s->u.str.len = strlen(text);
			copy->arg = s;
		}
		*tail = copy;
		tail = &copy->next;
	}
	*tail = NULL;
	return pt;
}

static void report(struct pp_request *req, enum diag_tag tag, const char *fmt, va_list ap)
{
	char msg[512];
	if (req->quiet)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	diag_error(tag, req->pos, "%s", msg);
}

void pp_error(struct pp_request *req, const char *fmt, ...)
{
	va_list ap;
	req->failed = true;
	va_start(ap, fmt);
	report(req, D_SEM_PROBE_BAD_PARAM, fmt, ap);
	va_end(ap);
}

void pp_no_match(struct pp_request *req, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(req, D_SEM_PROBE_NO_MATCH, fmt, ap);
	va_end(ap);
}

int64_t pp_num_arg(const struct pp_request *req, int j)
{
	const struct node *a = req->args[j];
	return a && a->kind == ND_NUM ? a->u.num : 0;
}

bool pp_split_function(struct pp_request *req, const char *what, const char *pattern,
		       const char **fn, const char **file, int *line)
{
	char *f = arena_strdup(req->arena, pattern);
	char *at = strchr(f, '@');
	*fn = f;
	*file = NULL;
	*line = 0;
	if (!at)
		return true;
	*at = '\0';
	*file = at + 1;
	char *colon = strrchr(at + 1, ':');
	if (!colon)
		return true;
	*colon = '\0';
	char *end;
	long n = strtol(colon + 1, &end, 10);
	if (colon == at + 1 || !*fn[0] || *end || n <= 0 || n > 10000000) {
		pp_error(req, "%s(\"%s\"): write FUNCTION@FILE:LINE, the line a number", what,
			 pattern);
		return false;
	}
	*line = (int)n;
	return true;
}

int pp_table_probe_and_half(struct pp_table_req *e, int k)
{
	const struct elab_probe *p = e->probes[k];
	/* stp_probes[] is in elab_program order, which ->index is */
	int half = p->entry_half ? p->entry_half->index : -1;
	fprintf(e->out, "\t{ &stp_probes[%d], ", e->index[k]);
	if (half >= 0)
		fprintf(e->out, "&stp_probes[%d], ", half);
	else
		fputs("NULL, ", e->out);
	return half;
}

/* ---- the table ---- */

/* begin/end first: pass 3 lists the families of a module in this order,
 * and the runtime registers them in it (begin probes before anything
 * else is armed, end probes after everything else is gone). */
static const struct probe_family *const families[] = {
	&probe_family_begin_end,
	&probe_family_never,
	&probe_family_timer,
	&probe_family_tracepoint,
	&probe_family_kprobe,
	&probe_family_procfs,
	&probe_family_netfilter,
	&probe_family_perf,
	&probe_family_hwbkpt,
	&probe_family_uprobe,
	&probe_family_process,
};

static struct registry_entry *entries;
static int nentries;

static int entry_cmp(const void *a, const void *b)
{
	const struct registry_entry *x = a, *y = b;
	return strcmp(x->text, y->text);
}

static void registry_init(void)
{
	int n = 0;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct pp_family_pattern *p = families[f]->patterns; p->text; p++)
			n++;
	static struct registry_entry table[1024];
	if (n > (int)(sizeof(table) / sizeof(table[0]))) {
		fputs("stap: internal error: too many probe patterns for the registry\n", stderr);
		abort();
	}
	entries = table;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		int k = 0;
		for (const struct pp_family_pattern *p = families[f]->patterns;
		     p->text && nentries < n; p++, k++) {
			struct registry_entry *e = &entries[nentries];
			e->family = families[f];
			e->pattern = k;
			e->text = p->text;
			e->flags = p->flags;
			if (!pp_pattern_parse(p->text, &e->pat)) {
				fprintf(stderr, "stap: internal error: bad probe pattern '%s'\n",
					p->text);
				abort();
			}
			nentries++;
		}
	}
	qsort(entries, (size_t)nentries, sizeof(*entries), entry_cmp);
}

const struct probe_family *const *registry_families(int *n)
{
	*n = (int)(sizeof(families) / sizeof(families[0]));
	return families;
}

const struct registry_entry *registry_entries(int *n)
{
	if (!entries)
		registry_init();
	*n = nentries;
	return entries;
}

void registry_dump(FILE *out)
{
	int n;
	const struct registry_entry *e = registry_entries(&n);
	for (int i = 0; i < n; i++) {
		pp_pattern_print(out, &e[i].pat);
		fputc('\n', out);
	}
}
