/* regex.c - s =~ re: POSIX extended regular expressions.
 *
 * Supported: literals and '\'-escaped characters, '.', bracket expressions
 * ([abc], [^a-z], []x], [[:alpha:]] and the other POSIX classes), '^' and
 * '$' anchors, '*' '+' '?' '{m}' '{m,}' '{m,n}', '|', and groups, of which
 * the first nine are reported to matched(n).  The match is a search (not
 * anchored) for the leftmost-longest match, as POSIX specifies for the
 * whole match; groups take the first (leftmost-preferring) way of matching
 * it.
 *
 * How, in probe context: the pattern is parsed into a small tree (nesting
 * of groups and repeats bounded by RE_MAXDEPTH, the only recursion), the
 * tree is compiled to a program of at most RE_MAXPROG instructions, and
 * the program runs as a Pike VM: all threads advance in lock step over the
 * subject, at most one thread per instruction, so time is bounded by
 * strlen(s) * RE_MAXPROG steps and memory is fixed.  There is no
 * backtracking and no unbounded recursion; RE_MAXSTEPS caps the work anyway
 * and turns into a script error.  All state lives in a per-CPU work area
 * that _stp_regex_init() allocates at module init: a context never runs
 * two matches at once on one CPU (the context's busy flag).
 *
 * Results go to the context: re_subject (a copy of s), re_ngroups (the
 * number of groups plus one for the whole match, at most 10; 0 when the
 * match failed) and re_start/re_end (offsets into re_subject; -1 for a
 * group that took no part in the match).
 */
#include <linux/vmalloc.h>

#define RE_MAXNODES 256
#define RE_MAXPROG 256
#define RE_MAXCLASSES 16
#define RE_MAXDEPTH 10     /* group and repeat nesting: ~250 bytes of stack each */
#define RE_MAXREPEAT 255
#define RE_NCAPS 20             /* 10 groups, start and end */
#define RE_MAXSTEPS 4000000L
#define RE_UNSET 0xffff

enum re_node_kind { RN_CHAR, RN_ANY, RN_CLASS, RN_BOL, RN_EOL, RN_EMPTY,
		    RN_CAT, RN_ALT, RN_GROUP, RN_REPEAT };

struct _stp_re_node {
	u8 kind;
	u8 arg;                 /* RN_CHAR: the byte; RN_CLASS: the class */
	u16 group;              /* RN_GROUP: its number */
	s16 min, max;           /* RN_REPEAT; max -1: unbounded */
	s16 child;              /* first child (RN_CAT, RN_ALT: a list) */
	s16 next;               /* next sibling in a list, -1 */
};

enum re_op { RO_CHAR, RO_ANY, RO_CLASS, RO_BOL, RO_EOL, RO_SPLIT, RO_JMP, RO_SAVE, RO_MATCH };

struct _stp_re_inst {
	u8 op;
	u8 arg;                 /* RO_CHAR byte, RO_CLASS class, RO_SAVE slot */
	u16 x, y;               /* RO_JMP x; RO_SPLIT x (preferred), y */
};

struct _stp_re_thread {
	u16 pc;
	u16 caps[RE_NCAPS];
};

struct _stp_re_work {
	/* parsing */
	const char *re;
	size_t pos;
	int nnodes, nclasses, ngroups;
	const char *err;
	struct _stp_re_node nodes[RE_MAXNODES];
	u8 classes[RE_MAXCLASSES][32];
	/* the program */
	struct _stp_re_inst prog[RE_MAXPROG];
	int nprog;
	/* running it */
	struct _stp_re_thread list[2][RE_MAXPROG];
	int nlist[2];
	struct _stp_re_thread stack[RE_MAXPROG + 1];
	u32 mark[RE_MAXPROG];
	u32 gen;
	long steps;
};

static struct _stp_re_work *_stp_re_works;    /* nr_cpu_ids of them */

/* Module init / exit (process context).  0 or -ENOMEM. */
static int _stp_regex_init(void)
{
	BUILD_BUG_ON(MAXSTRINGLEN >= RE_UNSET);
	if (!_stp_re_works)
		_stp_re_works = vzalloc(nr_cpu_ids * sizeof(*_stp_re_works));
	return _stp_re_works ? 0 : -ENOMEM;
}

static void _stp_regex_exit(void)
{
	vfree(_stp_re_works);
	_stp_re_works = NULL;
}

/* ---- parsing: re -> tree ---- */

static int _stp_re_node(struct _stp_re_work *w, int kind)
{
	struct _stp_re_node *n;

	if (w->nnodes >= RE_MAXNODES) {
		w->err = "regular expression too complex";
		return -1;
	}
	n = &w->nodes[w->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->child = n->next = -1;
	return w->nnodes++;
}

static int _stp_re_peek(struct _stp_re_work *w)
{
	return (unsigned char)w->re[w->pos];
}

static bool _stp_re_in_class(const char *name, size_t len, int ch)
{
#define RE_CLASS(n) (len == sizeof(n) - 1 && !memcmp(name, n, len))
	bool upper = ch >= 'A' && ch <= 'Z', lower = ch >= 'a' && ch <= 'z';
	bool digit = ch >= '0' && ch <= '9';

	if (RE_CLASS("alpha"))
		return upper || lower;
	if (RE_CLASS("digit"))
		return digit;
	if (RE_CLASS("alnum"))
		return upper || lower || digit;
	if (RE_CLASS("upper"))
		return upper;
	if (RE_CLASS("lower"))
		return lower;
	if (RE_CLASS("space"))
		return ch == ' ' || (ch >= '\t' && ch <= '\r');
	if (RE_CLASS("blank"))
		return ch == ' ' || ch == '\t';
	if (RE_CLASS("punct"))
		return ch > 0x20 && ch < 0x7f && !upper && !lower && !digit;
	if (RE_CLASS("print"))
		return ch >= 0x20 && ch < 0x7f;
	if (RE_CLASS("graph"))
		return ch > 0x20 && ch < 0x7f;
	if (RE_CLASS("cntrl"))
		return ch < 0x20 || ch == 0x7f;
	if (RE_CLASS("xdigit"))
		return digit || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
	return false;
#undef RE_CLASS
}

static bool _stp_re_class_name_ok(const char *name, size_t len)
{
	static const char *const names[] = { "alpha", "digit", "alnum", "upper", "lower",
		"space", "blank", "punct", "print", "graph", "cntrl", "xdigit" };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return true;
	return false;
}

/* One element of a bracket expression: "[:name:]" into bits, else a byte
 * (returned), "[.c.]" and "[=c=]" being that byte.  -1 on error. */
static int _stp_re_bracket_elem(struct _stp_re_work *w, u8 *bits, bool *was_class)
{
	const char *p = w->re + w->pos;
	int ch;

	*was_class = false;
	if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
		char kind = p[1];
		const char *end = strchr(p + 2, kind);

		if (!end || end[1] != ']') {
			w->err = "unterminated character class";
			return -1;
		}
		w->pos += end + 2 - p;
		if (kind != ':') {
			if (end - (p + 2) != 1) {
				w->err = "unsupported collating element";
				return -1;
			}
			return (unsigned char)p[2];
		}
		if (!_stp_re_class_name_ok(p + 2, end - (p + 2))) {
			w->err = "invalid character class";
			return -1;
		}
		for (ch = 1; ch < 256; ch++)
			if (_stp_re_in_class(p + 2, end - (p + 2), ch))
				bits[ch >> 3] |= 1 << (ch & 7);
		*was_class = true;
		return 0;
	}
	if (!p[0]) {
		w->err = "brackets ([ ]) not balanced";
		return -1;
	}
	w->pos++;
	return (unsigned char)p[0];
}

/* '[' already taken. */
static int _stp_re_parse_bracket(struct _stp_re_work *w)
{
	u8 bits[32] = { 0 };
	bool negate = false, first = true, cls;
	int n, lo, hi, ch, i;

	if (_stp_re_peek(w) == '^') {
		negate = true;
		w->pos++;
	}
	while (first || _stp_re_peek(w) != ']') {
		first = false;
		lo = _stp_re_bracket_elem(w, bits, &cls);
		if (lo < 0)
			return -1;
		if (cls)
			continue;
		hi = lo;
		if (_stp_re_peek(w) == '-' && w->re[w->pos + 1] && w->re[w->pos + 1] != ']') {
			w->pos++;
			hi = _stp_re_bracket_elem(w, bits, &cls);
			if (hi < 0 || cls || hi < lo) {
				w->err = "invalid character range";
				return -1;
			}
		}
		for (ch = lo; ch <= hi; ch++)
			bits[ch >> 3] |= 1 << (ch & 7);
	}
	w->pos++;               /* ']' */
	if (negate)
		for (i = 0; i < 32; i++)
			bits[i] = ~bits[i];
	bits[0] &= ~1;          /* NUL never occurs in a subject */
	if (w->nclasses >= RE_MAXCLASSES) {
		w->err = "regular expression too complex";
		return -1;
	}
	memcpy(w->classes[w->nclasses], bits, 32);
	n = _stp_re_node(w, RN_CLASS);
	if (n >= 0)
		w->nodes[n].arg = w->nclasses++;
	return n;
}

static int _stp_re_parse_alt(struct _stp_re_work *w, int depth);

/* atom := '(' alt ')' | '[' bracket | '.' | '^' | '$' | '\' c | c */
static int _stp_re_parse_atom(struct _stp_re_work *w, int depth)
{
	int ch = _stp_re_peek(w), n, group;

	switch (ch) {
	case '(':
		if (depth >= RE_MAXDEPTH) {
			w->err = "regular expression nested too deeply";
			return -1;
		}
		w->pos++;
		group = ++w->ngroups;
		n = _stp_re_node(w, RN_GROUP);
		if (n < 0)
			return -1;
		w->nodes[n].group = group;
		w->nodes[n].child = _stp_re_parse_alt(w, depth + 1);
		if (w->nodes[n].child < 0)
			return -1;
		if (_stp_re_peek(w) != ')') {
			w->err = "parentheses not balanced";
			return -1;
		}
		w->pos++;
		return n;
	case '[':
		w->pos++;
		return _stp_re_parse_bracket(w);
	case '.':
		w->pos++;
		return _stp_re_node(w, RN_ANY);
	case '^':
		w->pos++;
		return _stp_re_node(w, RN_BOL);
	case '$':
		w->pos++;
		return _stp_re_node(w, RN_EOL);
	case '*': case '+': case '?':
		w->err = "repetition operator without an operand";
		return -1;
	case '\\':
		w->pos++;
		ch = _stp_re_peek(w);
		if (!ch) {
			w->err = "trailing backslash";
			return -1;
		}
		break;
	}
	w->pos++;
	n = _stp_re_node(w, RN_CHAR);
	if (n >= 0)
		w->nodes[n].arg = ch;
	return n;
}

/* "{m}", "{m,}", "{m,n}" at w->pos ('{' included); false (pos unchanged)
 * when it is not one: then '{' is a literal. */
static bool _stp_re_parse_braces(struct _stp_re_work *w, int *min, int *max)
{
	size_t p = w->pos + 1;
	long a = 0, b;

	if (w->re[p] < '0' || w->re[p] > '9')
		return false;
	while (w->re[p] >= '0' && w->re[p] <= '9' && a <= RE_MAXREPEAT)
		a = a * 10 + (w->re[p++] - '0');
	b = a;
	if (w->re[p] == ',') {
		p++;
		b = -1;
		if (w->re[p] >= '0' && w->re[p] <= '9') {
			b = 0;
			while (w->re[p] >= '0' && w->re[p] <= '9' && b <= RE_MAXREPEAT)
				b = b * 10 + (w->re[p++] - '0');
		}
	}
	if (w->re[p] != '}')
		return false;
	if (a > RE_MAXREPEAT || b > RE_MAXREPEAT || (b >= 0 && b < a)) {
		w->err = "invalid repetition count";
		return false;
	}
	w->pos = p + 1;
	*min = a;
	*max = b;
	return true;
}

/* repeat := atom ('*' | '+' | '?' | braces)* */
static int _stp_re_parse_repeat(struct _stp_re_work *w, int depth)
{
	int n = _stp_re_parse_atom(w, depth), r, min, max;

	while (n >= 0) {
		int ch = _stp_re_peek(w);

		if (ch == '*') {
			min = 0, max = -1;
		} else if (ch == '+') {
			min = 1, max = -1;
		} else if (ch == '?') {
			min = 0, max = 1;
		} else if (ch == '{' && _stp_re_parse_braces(w, &min, &max)) {
			w->pos--;       /* the common pos++ below */
		} else {
			break;
		}
		if (w->err)
			return -1;
		w->pos++;
		if (depth + 1 >= RE_MAXDEPTH) {
			w->err = "regular expression nested too deeply";
			return -1;
		}
		depth++;
		r = _stp_re_node(w, RN_REPEAT);
		if (r < 0)
			return -1;
		w->nodes[r].min = min;
		w->nodes[r].max = max;
		w->nodes[r].child = n;
		n = r;
	}
	return w->err ? -1 : n;
}

/* cat := repeat*   (an empty one matches the empty string) */
static int _stp_re_parse_cat(struct _stp_re_work *w, int depth)
{
	int cat = _stp_re_node(w, RN_CAT), last = -1, n;

	if (cat < 0)
		return -1;
	while (_stp_re_peek(w) && _stp_re_peek(w) != '|' && _stp_re_peek(w) != ')') {
		n = _stp_re_parse_repeat(w, depth);
		if (n < 0)
			return -1;
		if (last < 0)
			w->nodes[cat].child = n;
		else
			w->nodes[last].next = n;
		last = n;
	}
	return cat;
}

/* alt := cat ('|' cat)* */
static int _stp_re_parse_alt(struct _stp_re_work *w, int depth)
{
	int alt = _stp_re_node(w, RN_ALT), last = -1, n;

	if (alt < 0)
		return -1;
	for (;;) {
		n = _stp_re_parse_cat(w, depth);
		if (n < 0)
			return -1;
		if (last < 0)
			w->nodes[alt].child = n;
		else
			w->nodes[last].next = n;
		last = n;
		if (_stp_re_peek(w) != '|')
			return alt;
		w->pos++;
	}
}

/* ---- compiling: tree -> program ---- */

static int _stp_re_emit(struct _stp_re_work *w, int op, int arg, int x, int y)
{
	struct _stp_re_inst *in;

	if (w->nprog >= RE_MAXPROG) {
		w->err = "regular expression too complex";
		return -1;
	}
	in = &w->prog[w->nprog];
	in->op = op;
	in->arg = arg;
	in->x = x;
	in->y = y;
	return w->nprog++;
}

static int _stp_re_gen(struct _stp_re_work *w, int n);

/* child{min,max}: min copies, then either a loop (max -1) or max - min
 * optional copies that each may skip to the end. */
static int _stp_re_gen_repeat(struct _stp_re_work *w, const struct _stp_re_node *r)
{
	int i, start = 0, split, skips = -1;

	for (i = 0; i < r->min; i++) {
		start = w->nprog;
		if (_stp_re_gen(w, r->child) < 0)
			return -1;
	}
	if (r->max < 0) {
		if (r->min > 0) {
			/* loop back over the last copy: SPLIT start, out */
			if (_stp_re_emit(w, RO_SPLIT, 0, start, w->nprog + 1) < 0)
				return -1;
			return 0;
		}
		split = _stp_re_emit(w, RO_SPLIT, 0, w->nprog + 1, 0);
		if (split < 0 || _stp_re_gen(w, r->child) < 0 || _stp_re_emit(w, RO_JMP, 0, split, 0) < 0)
			return -1;
		w->prog[split].y = w->nprog;
		return 0;
	}
	/* the skips are chained through their y until the end is known */
	for (i = r->min; i < r->max; i++) {
		split = _stp_re_emit(w, RO_SPLIT, 0, w->nprog + 1, skips);
		if (split < 0 || _stp_re_gen(w, r->child) < 0)
			return -1;
		skips = split;
	}
	while (skips >= 0) {
		split = (s16)w->prog[skips].y;
		w->prog[skips].y = w->nprog;
		skips = split;
	}
	return 0;
}

/* alternatives a|b|c: SPLIT a, L1; a; JMP end; L1: SPLIT b, L2; ... c */
static int _stp_re_gen_alt(struct _stp_re_work *w, const struct _stp_re_node *alt)
{
	int jumps = -1, c, split, j;

	for (c = alt->child; c >= 0; c = w->nodes[c].next) {
		if (w->nodes[c].next < 0) {
			if (_stp_re_gen(w, c) < 0)
				return -1;
			break;
		}
		split = _stp_re_emit(w, RO_SPLIT, 0, w->nprog + 1, 0);
		if (split < 0 || _stp_re_gen(w, c) < 0)
			return -1;
		/* the jumps to the end are chained through their x */
		j = _stp_re_emit(w, RO_JMP, 0, jumps, 0);
		if (j < 0)
			return -1;
		jumps = j;
		w->prog[split].y = w->nprog;
	}
	while (jumps >= 0) {
		j = (s16)w->prog[jumps].x;
		w->prog[jumps].x = w->nprog;
		jumps = j;
	}
	return 0;
}

static int _stp_re_gen(struct _stp_re_work *w, int n)
{
	const struct _stp_re_node *node = &w->nodes[n];
	int c, slot;

	switch (node->kind) {
	case RN_CHAR:
		return _stp_re_emit(w, RO_CHAR, node->arg, 0, 0);
	case RN_ANY:
		return _stp_re_emit(w, RO_ANY, 0, 0, 0);
	case RN_CLASS:
		return _stp_re_emit(w, RO_CLASS, node->arg, 0, 0);
	case RN_BOL:
		return _stp_re_emit(w, RO_BOL, 0, 0, 0);
	case RN_EOL:
		return _stp_re_emit(w, RO_EOL, 0, 0, 0);
	case RN_EMPTY:
		return 0;
	case RN_CAT:
		for (c = node->child; c >= 0; c = w->nodes[c].next)
			if (_stp_re_gen(w, c) < 0)
				return -1;
		return 0;
	case RN_ALT:
		return _stp_re_gen_alt(w, node);
	case RN_GROUP:
		/* groups past the ninth are matched but not recorded */
		slot = node->group < 10 ? 2 * node->group : -1;
		if (slot > 0 && _stp_re_emit(w, RO_SAVE, slot, 0, 0) < 0)
			return -1;
		if (_stp_re_gen(w, node->child) < 0)
			return -1;
		if (slot > 0 && _stp_re_emit(w, RO_SAVE, slot + 1, 0, 0) < 0)
			return -1;
		return 0;
	case RN_REPEAT:
		return _stp_re_gen_repeat(w, node);
	}
	return -1;
}

/* Parse and compile re into w->prog; NULL or an error message. */
static const char *_stp_re_compile(struct _stp_re_work *w, const char *re)
{
	int root;

	w->re = re;
	w->pos = 0;
	w->nnodes = w->nclasses = w->ngroups = w->nprog = 0;
	w->err = NULL;
	root = _stp_re_parse_alt(w, 0);
	if (root >= 0 && _stp_re_peek(w) == ')')
		w->err = "parentheses not balanced";
	if (w->err)
		return w->err;
	if (_stp_re_emit(w, RO_SAVE, 0, 0, 0) < 0 || _stp_re_gen(w, root) < 0 ||
	    _stp_re_emit(w, RO_SAVE, 1, 0, 0) < 0 || _stp_re_emit(w, RO_MATCH, 0, 0, 0) < 0)
		return w->err ? w->err : "regular expression too complex";
	return NULL;
}

/* ---- running: the Pike VM ---- */

/* Add thread t (at position pos of a subject of length len) to list l,
 * following jumps, splits, saves and anchors; a split's preferred branch
 * is followed first, so list order is priority order.  Instructions are
 * marked per generation: one thread per instruction and position. */
static void _stp_re_addthread(struct _stp_re_work *w, int l, const struct _stp_re_thread *t,
			 size_t pos, size_t len)
{
	struct _stp_re_thread *sp = w->stack;
	int top = 0;

	sp[top++] = *t;
	while (top > 0) {
		struct _stp_re_thread cur = sp[--top];

		for (;;) {
			const struct _stp_re_inst *in = &w->prog[cur.pc];

			if (w->mark[cur.pc] == w->gen)
				break;
			w->mark[cur.pc] = w->gen;
			w->steps++;
			if (in->op == RO_JMP) {
				cur.pc = in->x;
			} else if (in->op == RO_SPLIT) {
				sp[top] = cur;
				sp[top++].pc = in->y;
				cur.pc = in->x;
			} else if (in->op == RO_SAVE) {
				cur.caps[in->arg] = pos;
				cur.pc++;
			} else if (in->op == RO_BOL || in->op == RO_EOL) {
				if (in->op == RO_BOL ? pos != 0 : pos != len)
					break;
				cur.pc++;
			} else {
				w->list[l][w->nlist[l]++] = cur;
				break;
			}
		}
	}
}

static bool _stp_re_step_matches(const struct _stp_re_work *w, const struct _stp_re_inst *in,
				 unsigned char ch)
{
	switch (in->op) {
	case RO_CHAR:
		return ch == in->arg;
	case RO_ANY:
		return ch != 0;
	case RO_CLASS:
		return w->classes[in->arg][ch >> 3] & (1 << (ch & 7));
	}
	return false;
}

/* Leftmost-longest search of s (length len) for w->prog.  True when it
 * matched: best then holds the captures.  -E2BIG when RE_MAXSTEPS ran out. */
static int _stp_re_run(struct _stp_re_work *w, const char *s, size_t len,
		       struct _stp_re_thread *best)
{
	struct _stp_re_thread seed;
	bool found = false;
	int cur = 0, i;
	size_t pos;

	/* the marks of the list for position p are p + 1 */
	memset(w->mark, 0, sizeof(w->mark));
	w->steps = 0;
	w->nlist[0] = w->nlist[1] = 0;
	for (pos = 0; pos <= len; pos++) {
		int nxt = cur ^ 1;

		w->gen = pos + 1;
		if (!found) {
			memset(&seed, 0xff, sizeof(seed));
			seed.pc = 0;
			_stp_re_addthread(w, cur, &seed, pos, len);
		}
		if (w->nlist[cur] == 0 && found)
			break;
		w->gen = pos + 2;
		w->nlist[nxt] = 0;
		for (i = 0; i < w->nlist[cur]; i++) {
			struct _stp_re_thread *t = &w->list[cur][i];
			const struct _stp_re_inst *in = &w->prog[t->pc];

			if (in->op == RO_MATCH) {
				if (!found || t->caps[0] < best->caps[0] ||
				    (t->caps[0] == best->caps[0] && pos > best->caps[1])) {
					*best = *t;
					best->caps[1] = pos;
					found = true;
				}
			} else if (pos < len && _stp_re_step_matches(w, in, s[pos])) {
				t->pc++;
				_stp_re_addthread(w, nxt, t, pos + 1, len);
			}
		}
		if (w->steps > RE_MAXSTEPS)
			return -E2BIG;
		cur = nxt;
	}
	return found;
}

static int _stp_regex_match(struct context *c, const char *s, const char *re,
			    const char *loc)
{
	struct _stp_re_work *w;
	struct _stp_re_thread best;
	const char *err;
	size_t len;
	int rc, i;

	c->re_ngroups = 0;
	if (unlikely(!_stp_re_works)) {
		_stp_error(c, "regular expressions are not initialized", loc);
		return 0;
	}
	w = &_stp_re_works[smp_processor_id()];
	err = _stp_re_compile(w, re);
	if (err) {
		_stp_error(c, err, loc);
		return 0;
	}
	len = strnlen(s, MAXSTRINGLEN - 1);
	memmove(c->re_subject, s, len);
	c->re_subject[len] = '\0';
	rc = _stp_re_run(w, c->re_subject, len, &best);
	if (rc < 0) {
		_stp_error(c, "regular expression match too complex", loc);
		return 0;
	}
	if (!rc)
		return 0;
	c->re_ngroups = min(w->ngroups + 1, 10);
	for (i = 0; i < 10; i++) {
		bool set = i < c->re_ngroups && best.caps[2 * i] != RE_UNSET &&
			   best.caps[2 * i + 1] != RE_UNSET;

		c->re_start[i] = set ? best.caps[2 * i] : -1;
		c->re_end[i] = set ? best.caps[2 * i + 1] : -1;
	}
	return 1;
}
