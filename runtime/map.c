/* map.c - associative arrays and per-CPU statistics arrays.
 *
 * A map is allocated whole by _stp_map_new() (process context, module
 * init): a pool of maxentries entries, a hash table of 2^k >= 2 *
 * maxentries chains, and two pointer vectors for sorting.  Nothing is
 * allocated afterwards, so every other call is safe in probe context.
 *
 * An entry holds its keys inline (8 bytes per long, MAXSTRINGLEN per
 * string) followed by its value (an int64, a MAXSTRINGLEN string or a
 * struct stp_stat with its histogram).  Entries are on two lists: a hash
 * chain (singly linked) and the iteration order (doubly linked), which is
 * insertion order until _stp_map_sort() reorders it.  Like upstream:
 * updating an existing key keeps its place, a new key goes last, and a
 * full wrapping array (global a%[N]) reuses the entry that comes first in
 * the current order.
 *
 * The hash has no random seed: iteration order never depends on it, and
 * equal keys hash equally in every map, which the pmap merge relies on.
 * Maps of one long key (the commonest) hash and look up inline in the
 * caller, one string key without the per-key type tests (map->keys).
 *
 * A pmap is one map per possible CPU (a[k] <<< v touches only this CPU's
 * map) plus an aggregate map that _stp_pmap_agg() rebuilds: CPU by CPU, in
 * each CPU's order, merging equal keys pairwise as upstream does.  The
 * aggregate has the declared size too; keys beyond it (different keys on
 * different CPUs) are left out of it.
 */
#include <linux/vmalloc.h>

struct stp_map_entry {
	struct stp_map_entry *hnext;    /* hash chain; free list when unused */
	struct stp_map_entry *prev, *next;  /* iteration order */
	const struct stp_map *map;      /* the layout, for the accessors */
	u32 hash;
	u32 pad;
	char data[];                    /* keys at map->koff[], value at map->voff */
};

/* The key shapes with a fast path in hashing and lookup. */
enum map_keys { MAP_KEYS_ANY, MAP_KEYS_LONG, MAP_KEYS_STR };

struct stp_map {
	unsigned maxentries, num;
	int nkeys;
	enum stp_type ktypes[STP_MAX_KEYS];
	enum map_keys keys;             /* one long / one string key, or any */
	enum stp_type vtype;
	bool wrap;
	struct stp_hist_spec hist;      /* STP_STATS values */
	int nb;                         /* _stp_stat_nbuckets(&hist) */
	int shift;
	unsigned int skip;              /* STP_STAT_NO_* */
	bool plain;                     /* _stp_stat_plain(): count and sum only */
	unsigned koff[STP_MAX_KEYS];
	unsigned voff;
	size_t esize;                   /* bytes per entry, a multiple of 8 */
	u32 mask;                       /* hash table size - 1 */
	struct stp_map_entry **table;
	struct stp_map_entry *free;
	struct stp_map_entry *first, *last;
	struct stp_map_entry **sortv, **sortt;
	char *pool;
};

static size_t _stp_align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* ---- layout and allocation ---- */

static void _stp_map_layout(struct stp_map *m, const struct stp_map_spec *spec)
{
	size_t off = 0;
	int i;

	m->maxentries = spec->maxentries ? spec->maxentries : MAXMAPENTRIES;
	m->nkeys = spec->nkeys;
	m->vtype = spec->vtype;
	m->wrap = spec->wrap;
	m->shift = spec->shift;
	m->hist.kind = STP_HIST_NONE;
	if (spec->hist)
		m->hist = *spec->hist;
	m->nb = _stp_stat_nbuckets(&m->hist);
	m->skip = spec->skip;
	m->plain = _stp_stat_plain(m->nb, m->skip);
	m->keys = MAP_KEYS_ANY;
	if (spec->nkeys == 1 && spec->ktypes[0] == STP_LONG)
		m->keys = MAP_KEYS_LONG;
	else if (spec->nkeys == 1 && spec->ktypes[0] == STP_STRING)
		m->keys = MAP_KEYS_STR;
	for (i = 0; i < spec->nkeys; i++) {
		m->ktypes[i] = spec->ktypes[i];
		m->koff[i] = off;
		off += spec->ktypes[i] == STP_STRING ? MAXSTRINGLEN : sizeof(int64_t);
	}
	m->voff = _stp_align8(off);
	switch (m->vtype) {
	case STP_LONG:
		off = m->voff + sizeof(int64_t);
		break;
	case STP_STRING:
		off = m->voff + MAXSTRINGLEN;
		break;
	case STP_STATS:
		off = m->voff + _stp_stat_size(&m->hist);
		break;
	}
	m->esize = _stp_align8(sizeof(struct stp_map_entry) + off);
}

/* Every entry onto the free list, the table and the order emptied. */
static void _stp_map_reset(struct stp_map *m)
{
	unsigned i;

	memset(m->table, 0, (m->mask + 1) * sizeof(m->table[0]));
	m->free = NULL;
	for (i = m->maxentries; i-- > 0;) {
		struct stp_map_entry *e = (void *)(m->pool + (size_t)i * m->esize);

		e->map = m;
		e->hnext = m->free;
		m->free = e;
	}
	m->first = m->last = NULL;
	m->num = 0;
}

static struct stp_map *_stp_map_new(const struct stp_map_spec *spec)
{
	struct stp_map *m;
	unsigned tsize = 16;

	if (spec->nkeys < 1 || spec->nkeys > STP_MAX_KEYS)
		return NULL;
	m = vzalloc(sizeof(*m));
	if (!m)
		return NULL;
	_stp_map_layout(m, spec);
	while (tsize < 2 * m->maxentries)
		tsize <<= 1;
	m->mask = tsize - 1;
	m->table = vzalloc(tsize * sizeof(m->table[0]));
	if (!m->table)
		goto err_map;
	m->pool = vzalloc((size_t)m->maxentries * m->esize);
	if (!m->pool)
		goto err_table;
	m->sortv = vzalloc(2 * (size_t)m->maxentries * sizeof(m->sortv[0]));
	if (!m->sortv)
		goto err_pool;
	m->sortt = m->sortv + m->maxentries;
	_stp_map_reset(m);
	return m;

err_pool:
	vfree(m->pool);
err_table:
	vfree(m->table);
err_map:
	vfree(m);
	return NULL;
}

static void _stp_map_free(struct stp_map *m)
{
	if (!m)
		return;
	vfree(m->sortv);
	vfree(m->pool);
	vfree(m->table);
	vfree(m);
}

/* O(entries in use): clears their chains (every chain holds only such
 * entries) and returns them to the free list. */
static void _stp_map_clear(struct stp_map *m)
{
	struct stp_map_entry *e, *next;

	for (e = m->first; e; e = next) {
		next = e->next;
		m->table[e->hash & m->mask] = NULL;
		e->hnext = m->free;
		m->free = e;
	}
	m->first = m->last = NULL;
	m->num = 0;
}

static unsigned _stp_map_size(const struct stp_map *m)
{
	return m->num;
}

/* ---- keys ---- */

static u64 _stp_mix64(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static const char *_stp_key_str(const union stp_key *k)
{
	return k->s ? k->s : "";
}

/* FNV-1a over at most MAXSTRINGLEN - 1 bytes: what an entry can store. */
static u64 _stp_hash_str(const char *s)
{
	u64 h = 0xcbf29ce484222325ULL;
	int n = MAXSTRINGLEN - 1;

	while (*s && n-- > 0)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

static u32 _stp_map_hash_any(const struct stp_map *m, const union stp_key *k)
{
	u64 h = 0;
	int i;

	/* the loop below for one key, without its type test */
	if (m->keys == MAP_KEYS_STR) {
		h = _stp_mix64(_stp_hash_str(_stp_key_str(&k[0])));
		return (u32)(h ^ (h >> 32));
	}
	for (i = 0; i < m->nkeys; i++) {
		u64 kh = m->ktypes[i] == STP_STRING ? _stp_hash_str(_stp_key_str(&k[i])) : (u64)k[i].l;

		h = _stp_mix64(h ^ kh ^ ((u64)i << 56));
	}
	return (u32)(h ^ (h >> 32));
}

/* The hash of keys k.  One long key, the commonest, is inline in every
 * caller (the same value as _stp_map_hash_any's loop gives it). */
static __always_inline u32 _stp_map_hash(const struct stp_map *m, const union stp_key *k)
{
	u64 h;

	if (m->keys != MAP_KEYS_LONG)
		return _stp_map_hash_any(m, k);
	h = _stp_mix64((u64)k[0].l);
	return (u32)(h ^ (h >> 32));
}

static int64_t _stp_entry_key_long(const struct stp_map_entry *e, int i)
{
	int64_t v;

	memcpy(&v, e->data + e->map->koff[i], sizeof(v));
	return v;
}

static const char *_stp_entry_key_str(const struct stp_map_entry *e, int i)
{
	return e->data + e->map->koff[i];
}

/* Key 0 of a map with one long key (koff[0] is 0, data 8-aligned). */
static int64_t _stp_key0_long(const struct stp_map_entry *e)
{
	int64_t v;

	memcpy(&v, e->data, sizeof(v));
	return v;
}

static bool _stp_key_equal(const struct stp_map *m, const struct stp_map_entry *e,
		      const union stp_key *k, int i)
{
	if (m->ktypes[i] == STP_STRING)
		return strncmp(_stp_entry_key_str(e, i), _stp_key_str(&k[i]), MAXSTRINGLEN - 1) == 0;
	return _stp_entry_key_long(e, i) == k[i].l;
}

static bool _stp_map_matches(const struct stp_map *m, const struct stp_map_entry *e,
			     const union stp_key *k, const bool *wild)
{
	int i;

	for (i = 0; i < m->nkeys; i++)
		if (!(wild && wild[i]) && !_stp_key_equal(m, e, k, i))
			return false;
	return true;
}

static void _stp_entry_set_keys(struct stp_map *m, struct stp_map_entry *e, const union stp_key *k)
{
	int i;

	for (i = 0; i < m->nkeys; i++) {
		char *dst = e->data + m->koff[i];

		if (m->ktypes[i] == STP_STRING) {
			const char *s = _stp_key_str(&k[i]);
			size_t n = strnlen(s, MAXSTRINGLEN - 1);

			memcpy(dst, s, n);
			dst[n] = '\0';
		} else {
			memcpy(dst, &k[i].l, sizeof(int64_t));
		}
	}
}

/* The keys of e as a key vector (strings point into e). */
static void _stp_entry_get_keys(const struct stp_map_entry *e, union stp_key *k)
{
	int i;

	for (i = 0; i < e->map->nkeys; i++) {
		if (e->map->ktypes[i] == STP_STRING)
			k[i].s = _stp_entry_key_str(e, i);
		else
			k[i].l = _stp_entry_key_long(e, i);
	}
}

/* ---- find, insert, remove ---- */

static struct stp_map_entry *_stp_map_find_any(struct stp_map *m, const union stp_key *k, u32 h)
{
	struct stp_map_entry *e;

	/* one string key: compared in place (it is at offset 0) */
	if (m->keys == MAP_KEYS_STR) {
		const char *s = _stp_key_str(&k[0]);

		for (e = m->table[h & m->mask]; e; e = e->hnext)
			if (e->hash == h && strncmp(e->data, s, MAXSTRINGLEN - 1) == 0)
				return e;
		return NULL;
	}
	for (e = m->table[h & m->mask]; e; e = e->hnext)
		if (e->hash == h && _stp_map_matches(m, e, k, NULL))
			return e;
	return NULL;
}

/* The entry of keys k (hash h), or NULL; one long key inline, as in
 * _stp_map_hash. */
static __always_inline struct stp_map_entry *_stp_map_find_hashed(struct stp_map *m,
							    const union stp_key *k, u32 h)
{
	struct stp_map_entry *e;

	if (m->keys != MAP_KEYS_LONG)
		return _stp_map_find_any(m, k, h);
	for (e = m->table[h & m->mask]; e; e = e->hnext)
		if (e->hash == h && _stp_key0_long(e) == k[0].l)
			return e;
	return NULL;
}

static struct stp_map_entry *_stp_map_find(struct stp_map *m, const union stp_key *k)
{
	return _stp_map_find_hashed(m, k, _stp_map_hash(m, k));
}

static void _stp_order_unlink(struct stp_map *m, struct stp_map_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		m->first = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		m->last = e->prev;
}

static void _stp_map_remove(struct stp_map *m, struct stp_map_entry *e)
{
	struct stp_map_entry **pp = &m->table[e->hash & m->mask];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	_stp_order_unlink(m, e);
	e->hnext = m->free;
	m->free = e;
	m->num--;
}

static void _stp_entry_zero_value(struct stp_map *m, struct stp_map_entry *e)
{
	char *v = e->data + m->voff;

	switch (m->vtype) {
	case STP_LONG:
		memset(v, 0, sizeof(int64_t));
		break;
	case STP_STRING:
		v[0] = '\0';
		break;
	case STP_STATS:
		_stp_stat_clear((struct stp_stat *)v, &m->hist);
		break;
	}
}

static struct stp_map_entry *_stp_map_insert_hashed(struct stp_map *m, const union stp_key *k,
						     u32 h)
{
	struct stp_map_entry *e = _stp_map_find_hashed(m, k, h);

	if (e)
		return e;
	if (!m->free) {
		if (!m->wrap || !m->first)
			return NULL;
		_stp_map_remove(m, m->first);
	}
	e = m->free;
	m->free = e->hnext;
	e->hash = h;
	e->hnext = m->table[h & m->mask];
	m->table[h & m->mask] = e;
	e->prev = m->last;
	e->next = NULL;
	if (m->last)
		m->last->next = e;
	else
		m->first = e;
	m->last = e;
	m->num++;
	_stp_entry_set_keys(m, e, k);
	_stp_entry_zero_value(m, e);
	return e;
}

static struct stp_map_entry *_stp_map_insert(struct stp_map *m, const union stp_key *k)
{
	return _stp_map_insert_hashed(m, k, _stp_map_hash(m, k));
}

static void _stp_map_remove_matching(struct stp_map *m, const union stp_key *k,
				     const bool *wild)
{
	struct stp_map_entry *e, *next;

	if (!wild) {
		e = _stp_map_find(m, k);
		if (e)
			_stp_map_remove(m, e);
		return;
	}
	for (e = m->first; e; e = next) {
		next = e->next;
		if (_stp_map_matches(m, e, k, wild))
			_stp_map_remove(m, e);
	}
}

/* ---- values and iteration ---- */

static int64_t *_stp_entry_long(struct stp_map_entry *e)
{
	return (int64_t *)(e->data + e->map->voff);
}

static char *_stp_entry_str(struct stp_map_entry *e)
{
	return e->data + e->map->voff;
}

static struct stp_stat *_stp_entry_stat(struct stp_map_entry *e)
{
	return (struct stp_stat *)(e->data + e->map->voff);
}

static struct stp_map_entry *_stp_map_first(struct stp_map *m)
{
	return m->first;
}

static struct stp_map_entry *_stp_map_next(struct stp_map *m, struct stp_map_entry *e)
{
	return e->next;
}

/* ---- sorting ---- */

struct _stp_map_sort_key {
	int by;                 /* 0: the value; k: key k (1-based) */
	int dir;
	enum stp_stat_op op;
};

static int64_t _stp_stat_sort_value(struct stp_map_entry *e, enum stp_stat_op op)
{
	return _stp_stat_extract(_stp_entry_stat(e), op);
}

static int _stp_sign_of(int v)
{
	return (v > 0) - (v < 0);
}

/* -1, 0, 1: a before, with or after b in ascending order. */
static int _stp_entry_cmp(struct stp_map_entry *a, struct stp_map_entry *b,
		     const struct _stp_map_sort_key *sk)
{
	const struct stp_map *m = a->map;
	int64_t x, y;
	enum stp_type t;

	if (sk->by > 0) {
		t = m->ktypes[sk->by - 1];
		if (t == STP_STRING)
			return _stp_sign_of(strcmp(_stp_entry_key_str(a, sk->by - 1),
					      _stp_entry_key_str(b, sk->by - 1)));
		x = _stp_entry_key_long(a, sk->by - 1);
		y = _stp_entry_key_long(b, sk->by - 1);
	} else if (m->vtype == STP_STRING) {
		return _stp_sign_of(strcmp(_stp_entry_str(a), _stp_entry_str(b)));
	} else if (m->vtype == STP_STATS) {
		x = _stp_stat_sort_value(a, sk->op);
		y = _stp_stat_sort_value(b, sk->op);
	} else {
		x = *_stp_entry_long(a);
		y = *_stp_entry_long(b);
	}
	return x < y ? -1 : x > y;
}

/* Merge the sorted runs src[lo, mid) and src[mid, hi) into dst; on a tie
 * the left run's entry comes first, which keeps the sort stable. */
static void _stp_merge_runs(struct stp_map_entry **dst, struct stp_map_entry **src,
		       unsigned lo, unsigned mid, unsigned hi, const struct _stp_map_sort_key *sk)
{
	unsigned i = lo, j = mid, o = lo;

	while (i < mid && j < hi) {
		if (sk->dir * _stp_entry_cmp(src[j], src[i], sk) < 0)
			dst[o++] = src[j++];
		else
			dst[o++] = src[i++];
	}
	while (i < mid)
		dst[o++] = src[i++];
	while (j < hi)
		dst[o++] = src[j++];
}

static void _stp_map_sort(struct stp_map *m, int by, int dir, enum stp_stat_op stat_op)
{
	struct _stp_map_sort_key sk = { by, dir < 0 ? -1 : 1, stat_op };
	struct stp_map_entry **a = m->sortv, **b = m->sortt, **t, *e;
	unsigned n = 0, w, lo, i;

	if (by < 0 || by > m->nkeys)
		return;
	for (e = m->first; e; e = e->next)
		a[n++] = e;
	if (n < 2)
		return;
	/* bottom-up merge sort: runs of w, 2w, ... alternate between a and b */
	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			unsigned mid = min(lo + w, n), hi = min(lo + 2 * w, n);

			_stp_merge_runs(b, a, lo, mid, hi, &sk);
		}
		t = a;
		a = b;
		b = t;
	}
	m->first = a[0];
	m->last = a[n - 1];
	for (i = 0; i < n; i++) {
		a[i]->prev = i ? a[i - 1] : NULL;
		a[i]->next = i + 1 < n ? a[i + 1] : NULL;
	}
}

/* ---- per-CPU statistics arrays ---- */

struct stp_pmap {
	struct stp_map *agg;
	struct stp_map *cpu[];          /* nr_cpu_ids */
};

static void _stp_pmap_free(struct stp_pmap *pm)
{
	unsigned i;

	if (!pm)
		return;
	for (i = 0; i < nr_cpu_ids; i++)
		_stp_map_free(pm->cpu[i]);
	_stp_map_free(pm->agg);
	vfree(pm);
}

static struct stp_pmap *_stp_pmap_new(const struct stp_map_spec *spec)
{
	struct stp_map_spec agg_spec = *spec;
	struct stp_pmap *pm;
	unsigned i;

	pm = vzalloc(sizeof(*pm) + nr_cpu_ids * sizeof(pm->cpu[0]));
	if (!pm)
		return NULL;
	for (i = 0; i < nr_cpu_ids; i++) {
		pm->cpu[i] = _stp_map_new(spec);
		if (!pm->cpu[i])
			goto err;
	}
	agg_spec.wrap = false;
	pm->agg = _stp_map_new(&agg_spec);
	if (!pm->agg)
		goto err;
	return pm;

err:
	_stp_pmap_free(pm);
	return NULL;
}

static int _stp_pmap_add(struct stp_pmap *pm, const union stp_key *k, int64_t v)
{
	struct stp_map *m = pm->cpu[smp_processor_id()];
	struct stp_map_entry *e = _stp_map_insert(m, k);

	if (!e)
		return -E2BIG;
	_stp_stat_add(_stp_entry_stat(e), &m->hist, m->nb, m->shift, m->skip, m->plain, v);
	return 0;
}

static struct stp_map *_stp_pmap_agg(struct stp_pmap *pm)
{
	struct stp_map *agg = pm->agg;
	union stp_key k[STP_MAX_KEYS];
	struct stp_map_entry *e, *ae;
	unsigned i;

	_stp_map_clear(agg);
	for (i = 0; i < nr_cpu_ids; i++) {
		for (e = pm->cpu[i]->first; e; e = e->next) {
			_stp_entry_get_keys(e, k);
			ae = _stp_map_insert_hashed(agg, k, e->hash);
			if (ae)
				_stp_stat_merge_pair(_stp_entry_stat(ae), _stp_entry_stat(e), &agg->hist,
						agg->skip);
		}
	}
	return agg;
}

static void _stp_pmap_clear(struct stp_pmap *pm)
{
	unsigned i;

	for (i = 0; i < nr_cpu_ids; i++)
		_stp_map_clear(pm->cpu[i]);
	_stp_map_clear(pm->agg);
}

static void _stp_pmap_remove_key(struct stp_pmap *pm, const union stp_key *k,
				 const bool *wild)
{
	unsigned i;

	for (i = 0; i < nr_cpu_ids; i++)
		_stp_map_remove_matching(pm->cpu[i], k, wild);
	_stp_map_remove_matching(pm->agg, k, wild);
}
