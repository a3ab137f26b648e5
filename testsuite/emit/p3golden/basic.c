/* basic.c: generated from basic.stp by stap (SystemTap in C) */
#define STP_MODULE_NAME "basic"
#include "runtime.h"

static const struct stp_module_desc stp_module;

/* helpers of the generated code */
#define STP_FRAME_HERE(c) ((void *)((c)->frames + (size_t)(c)->nesting * sizeof(union stp_frame)))
#define STP_NEXT_FRAME(c) ((void *)((c)->frames + (size_t)((c)->nesting + 1) * sizeof(union stp_frame)))
static __always_inline bool stp_act(struct context *c, long *ac, long n, const char *loc)
{
	*ac += n;
	if (likely(*ac <= STP_MAXACTION_MIN) || *ac <= c->actionlimit)
		return false;
	c->actioncount = *ac;
	_stp_error(c, "MAXACTION exceeded", loc);
	return true;
}
static inline int64_t stp_div(int64_t a, int64_t b)
{
	return b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b;
}
static inline int64_t stp_mod(int64_t a, int64_t b)
{
	return b == -1 ? 0 : a % b;
}
static inline int64_t stp_shl(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a << (b & 63));
}
static inline int64_t stp_shr(int64_t a, int64_t b)
{
	return a >> (b & 63);
}
static inline int64_t stp_map_get_long(struct stp_map *m, const union stp_key *k)
{
	struct stp_map_entry *e = _stp_map_find(m, k);

	return e ? *_stp_entry_long(e) : 0;
}
static inline const char *stp_map_get_str(struct stp_map *m, const union stp_key *k)
{
	struct stp_map_entry *e = _stp_map_find(m, k);

	return e ? _stp_entry_str(e) : "";
}
static inline const struct stp_stat *stp_map_get_stat(struct stp_map *m,
						     const union stp_key *k)
{
	struct stp_map_entry *e = _stp_map_find(m, k);

	return e ? _stp_entry_stat(e) : NULL;
}
static inline int64_t stp_map_any(struct stp_map *m, const union stp_key *k,
				  const bool *wild)
{
	struct stp_map_entry *e;

	for (e = _stp_map_first(m); e; e = _stp_map_next(m, e))
		if (_stp_map_matches(m, e, k, wild))
			return 1;
	return 0;
}

/* globals */
static struct {
	rwlock_t lock;
	struct stp_map *v;
} g_hits;
static const struct stp_map_spec g_hits_spec = {
	.maxentries = MAXMAPENTRIES,
	.nkeys = 2,
	.ktypes = { STP_LONG, STP_STRING },
	.vtype = STP_LONG,
	.wrap = false,
};
static struct {
	rwlock_t lock;
	struct stp_pstat *v;
} g_lat;
static struct {
	rwlock_t lock;
	int64_t v;
} g_on;

/* frames: locals, parameters, return value, string temporaries */
struct frame_fn_scale_2 {
	int64_t v_x;
	int64_t v_by;
	int64_t __retvalue;
	char __none;
};

struct frame_probe_0 {
	char v_s[MAXSTRINGLEN];
	char v_msg[MAXSTRINGLEN];
	char v_t[MAXSTRINGLEN];
	char t0[MAXSTRINGLEN];
	char t1[MAXSTRINGLEN];
	char __none;
};

union stp_frame {
	struct frame_fn_scale_2 f0;
	struct frame_probe_0 p0;
};

static void fn_scale_2(struct context *c);

static void fn_scale_2_body(struct context *c, struct frame_fn_scale_2 *restrict l)
{
	long ac = c->actioncount;

	l->__retvalue = 0;
	if (unlikely(stp_act(c, &ac, 1, "keyword at basic.stp:5:2")))
		goto out;
	l->__retvalue = ((l->v_x * l->v_by) / 10LL);
	goto out;
out:
	c->actioncount = ac;
}

static void fn_scale_2(struct context *c)
{
	fn_scale_2_body(c, STP_FRAME_HERE(c));
}

static void probe_0_body(struct context *c, struct frame_probe_0 *restrict l)
{
	long ac = c->actioncount;
	int64_t n0;
	struct stp_map_entry *e0;
	union stp_key k0[2];
	int64_t v_i __maybe_unused = 0;
	int64_t v_k __maybe_unused = 0;

	l->v_s[0] = '\0';
	l->v_msg[0] = '\0';
	l->v_t[0] = '\0';
	if (!g_on.v)
		goto out;
	{
		if (unlikely(stp_act(c, &ac, 2, "identifier 's' at basic.stp:8:2")))
			goto out;
		_stp_strlcpy(l->v_s, "n=");
		v_i = 0LL;
		for (;;) {
			if (unlikely(stp_act(c, &ac, 3, "identifier 'hits' at basic.stp:10:3")))
				goto out;
			if (!(v_i < 4LL))
				goto L1;
			{
				struct stp_sink sk;
				_stp_sink_string(&sk, l->t0);
				_stp_put_long(&sk, v_i);
			}
			_stp_concat(l->t1, l->v_s, l->t0);
			k0[0].l = (v_i % 2LL);
			k0[1].s = l->t1;
			if (unlikely(c->nesting >= MAXNESTING)) {
				_stp_error(c, "MAXNESTING exceeded", "identifier 'scale' at basic.stp:4:10");
				goto out;
			}
			{
				struct frame_fn_scale_2 *nf = STP_NEXT_FRAME(c);
				nf->v_x = v_i;
				nf->v_by = 20LL;
				c->actioncount = ac;
				c->nesting++;
				fn_scale_2(c);
				c->nesting--;
				ac = c->actioncount;
				if (unlikely(c->last_error)) goto out;
				n0 = nf->__retvalue;
			}
			e0 = _stp_map_insert(g_hits.v, k0);
			if (unlikely(!e0)) {
				_stp_error(c, "Array overflow, check MAXMAPENTRIES", "identifier 'hits' at basic.stp:10:3");
				goto out;
			}
			(*_stp_entry_long(e0)) += n0;
			_stp_pstat_add(g_lat.v, v_i);
			++v_i;
		}
	L1: ;
		if (unlikely(stp_act(c, &ac, 1, "keyword at basic.stp:13:2")))
			goto out;
		{
			if (unlikely(stp_act(c, &ac, 1, "identifier 'printf' at basic.stp:14:3")))
				goto L3;
			n0 = _stp_stat_get(c, _stp_pstat_agg(g_lat.v), STP_STAT_COUNT, "operator '@count' at basic.stp:14:31");
			_stp_puts(&c->out, l->v_s);
			_stp_fmt(&c->out, STP_FMT_SIGNED, STP_FMT_F_LEFT, 5, -1, n0, NULL);
			_stp_putc(&c->out, '|');
			_stp_fmt(&c->out, STP_FMT_HEX, 0, -1, -1, 255LL, NULL);
			_stp_putc(&c->out, '|');
			_stp_putc(&c->out, '%');
			_stp_putc(&c->out, '\n');
		goto L4;
	L3: ;
		if (unlikely(_stp_is_abort(c)))
			goto out;
		_stp_strlcpy(l->v_msg, c->last_error);
		c->last_error = NULL;
		c->last_loc = NULL;
			if (unlikely(stp_act(c, &ac, 1, "identifier 'println' at basic.stp:16:3")))
				goto out;
			_stp_put(&c->out, "error: ", 7);
			_stp_puts(&c->out, l->v_msg);
			_stp_putc(&c->out, '\n');
	L4: ;
		}
		if (unlikely(stp_act(c, &ac, 1, "keyword at basic.stp:18:2")))
			goto out;
		{
			struct stp_map *fm5 = g_hits.v;
			struct stp_map_entry *fe5, *fx5;
			int64_t fl5, fc5 = 0;
			fl5 = 3LL;
			_stp_map_sort(fm5, 0, -1, STP_STAT_COUNT);
			for (fe5 = _stp_map_first(fm5); fe5; fe5 = fx5) {
				fx5 = _stp_map_next(fm5, fe5);
				if (fc5++ >= fl5)
					break;
				if (unlikely(stp_act(c, &ac, 2, "identifier 'printf' at basic.stp:19:3")))
					goto out;
				v_k = _stp_entry_key_long(fe5, 0);
				_stp_strlcpy(l->v_t, _stp_entry_key_str(fe5, 1));
				k0[0].l = v_k;
				k0[1].s = l->v_t;
				_stp_put_long(&c->out, v_k);
				_stp_putc(&c->out, ' ');
				_stp_puts(&c->out, l->v_t);
				_stp_putc(&c->out, ' ');
				_stp_put_long(&c->out, stp_map_get_long(g_hits.v, k0));
				_stp_putc(&c->out, '\n');
			}
		}
		if (unlikely(stp_act(c, &ac, 2, "keyword at basic.stp:20:2")))
			goto out;
		k0[0].l = 0LL;
		k0[1].l = 0;
		_stp_map_remove_matching(g_hits.v, k0, (const bool[]){ false, true });
		goto out;
	}
out:
	c->actioncount = ac;
}

static void probe_0(struct context *c)
{
	probe_0_body(c, STP_FRAME_HERE(c));
}

static const struct stp_lock_use stp_locks_0[] = {
	{ &g_hits.lock, true },
	{ &g_lat.lock, true },
	{ &g_on.lock, false },
};

static const struct stp_probe stp_probes[] = {
	{ probe_0, "begin", "begin", stp_locks_0, 3 },
};

static long stp_gp_g_on = 1LL;
module_param_named(on, stp_gp_g_on, long, 0);

static void stp_globals_exit(void)
{
	if (g_lat.v) {
		_stp_pstat_free(g_lat.v);
		g_lat.v = NULL;
	}
	if (g_hits.v) {
		_stp_map_free(g_hits.v);
		g_hits.v = NULL;
	}
}

static int stp_globals_init(void)
{
	rwlock_init(&g_hits.lock);
	g_hits.v = _stp_map_new(&g_hits_spec);
	if (!g_hits.v)
		goto fail;
	rwlock_init(&g_lat.lock);
	g_lat.v = _stp_pstat_new(NULL, 0, STP_STAT_NO_VARIANCE | STP_STAT_NO_MINMAX);
	if (!g_lat.v)
		goto fail;
	rwlock_init(&g_on.lock);
	g_on.v = stp_gp_g_on;
	return 0;
fail:
	stp_globals_exit();
	return -ENOMEM;
}

#include "runtime.c"

#include "probes/begin_end.c"
static const struct stp_be_probe stp_be_probe[] = {
	{ &stp_probes[0], STP_BEGIN, 0LL },
};

static const struct stp_family stp_families[] = {
	{ &_stp_begin_end_ops, stp_be_probe, 1 },
};

static const struct stp_module_desc stp_module = {
	.name = STP_MODULE_NAME,
	.frame_size = sizeof(union stp_frame),
	.init = stp_globals_init,
	.exit = stp_globals_exit,
	.families = stp_families,
	.nfamilies = 1,
};
