/* test_map.c - associative arrays and statistics arrays (runtime/map.c). */
#include <time.h>
#include "unit.h"

static struct stp_map *long_map(unsigned size, bool wrap)
{
	struct stp_map_spec spec = { .maxentries = size, .nkeys = 1, .ktypes = { STP_LONG },
				     .vtype = STP_LONG, .wrap = wrap };

	return _stp_map_new(&spec);
}

static void set_long(struct stp_map *m, int64_t k, int64_t v)
{
	union stp_key key = { .l = k };
	struct stp_map_entry *e = _stp_map_insert(m, &key);

	if (e)
		*_stp_entry_long(e) = v;
	else
		unit_fail("insert of %lld failed", (long long)k);
}

/* The keys in iteration order, as "k1 k2 ...". */
static const char *keys_of(struct stp_map *m)
{
	static char buf[4096];
	struct stp_map_entry *e;
	size_t n = 0;

	buf[0] = '\0';
	for (e = _stp_map_first(m); e && n < sizeof(buf) - 32; e = _stp_map_next(m, e))
		n += snprintf(buf + n, sizeof(buf) - n, "%s%lld", n ? " " : "",
			      (long long)_stp_entry_key_long(e, 0));
	return buf;
}

static void test_basic(void)
{
	struct stp_map *m = long_map(4, false);
	union stp_key k = { .l = 7 };
	struct stp_map_entry *e;

	unit_begin("map_basic");
	UNIT_EQ_LONG(_stp_map_size(m), 0);
	UNIT_CHECK(_stp_map_find(m, &k) == NULL, "empty map finds 7");
	UNIT_CHECK(_stp_map_first(m) == NULL, "empty map has a first entry");
	e = _stp_map_insert(m, &k);
	UNIT_CHECK(e && *_stp_entry_long(e) == 0, "a new entry is 0");
	*_stp_entry_long(e) = 70;
	UNIT_CHECK(_stp_map_insert(m, &k) == e, "insert of an existing key finds it");
	UNIT_EQ_LONG(*_stp_entry_long(_stp_map_find(m, &k)), 70);
	set_long(m, -1, 1);
	set_long(m, INT64_MIN, 2);
	set_long(m, 0, 3);
	UNIT_EQ_LONG(_stp_map_size(m), 4);
	UNIT_EQ_STR(keys_of(m), "7 -1 -9223372036854775808 0");
	k.l = 99;
	UNIT_CHECK(_stp_map_insert(m, &k) == NULL, "a full map takes a new key");
	UNIT_EQ_LONG(_stp_map_size(m), 4);
	set_long(m, -1, 11);                    /* updates keep their place */
	UNIT_EQ_STR(keys_of(m), "7 -1 -9223372036854775808 0");
	k.l = -1;
	_stp_map_remove(m, _stp_map_find(m, &k));
	UNIT_CHECK(_stp_map_find(m, &k) == NULL, "removed key still found");
	UNIT_EQ_LONG(_stp_map_size(m), 3);
	set_long(m, 5, 5);                      /* room again; new keys go last */
	UNIT_EQ_STR(keys_of(m), "7 -9223372036854775808 0 5");
	e = _stp_map_insert(m, &k);
	UNIT_CHECK(e == NULL, "full again");
	_stp_map_clear(m);
	UNIT_EQ_LONG(_stp_map_size(m), 0);
	UNIT_EQ_STR(keys_of(m), "");
	set_long(m, 1, 1);
	set_long(m, 2, 2);
	k.l = 2;
	UNIT_EQ_LONG(*_stp_entry_long(_stp_map_find(m, &k)), 2);
	UNIT_EQ_STR(keys_of(m), "1 2");
	_stp_map_free(m);
	unit_end();
}

static void test_wrap(void)
{
	struct stp_map *m = long_map(3, true);
	union stp_key k;
	int64_t i;

	unit_begin("map_wrap");
	for (i = 1; i <= 5; i++)
		set_long(m, i, i * 10);
	UNIT_EQ_LONG(_stp_map_size(m), 3);
	UNIT_EQ_STR(keys_of(m), "3 4 5");
	k.l = 1;
	UNIT_CHECK(_stp_map_find(m, &k) == NULL, "the oldest entry must be gone");
	/* after a sort, the first in the current order goes */
	_stp_map_sort(m, 0, -1, STP_STAT_COUNT);
	UNIT_EQ_STR(keys_of(m), "5 4 3");
	set_long(m, 6, 60);
	UNIT_EQ_STR(keys_of(m), "4 3 6");
	_stp_map_free(m);
	unit_end();
}

static void test_sort(void)
{
	struct stp_map_spec spec = { .maxentries = 100, .nkeys = 2,
				     .ktypes = { STP_STRING, STP_LONG }, .vtype = STP_LONG };
	struct stp_map_spec sspec = { .maxentries = 10, .nkeys = 1, .ktypes = { STP_LONG },
				      .vtype = STP_STRING };
	static const struct { const char *s; int64_t l, v; } rows[] = {
		{ "b", 2, 30 }, { "a", 9, 10 }, { "c", 1, 30 }, { "a", 3, 20 }, { "b", -4, 10 },
	};
	struct stp_map *m = _stp_map_new(&spec), *sm = _stp_map_new(&sspec);
	struct stp_map_entry *e;
	char got[256];
	size_t n;
	unsigned i;

	unit_begin("map_sort");
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		union stp_key k[2] = { { .s = rows[i].s }, { .l = rows[i].l } };

		*_stp_entry_long(_stp_map_insert(m, k)) = rows[i].v;
	}
#define ORDER(by, dir, want) do {						\
		_stp_map_sort(m, by, dir, STP_STAT_COUNT);			\
		n = 0;								\
		for (e = _stp_map_first(m); e; e = _stp_map_next(m, e))	\
			n += snprintf(got + n, sizeof(got) - n, "%s%lld ",	\
				      _stp_entry_key_str(e, 0),			\
				      (long long)_stp_entry_key_long(e, 1));	\
		UNIT_CHECK(!strcmp(got, want), "sort by %d dir %d: got \"%s\", want \"%s\"", \
			   by, dir, got, want);					\
	} while (0)
	/* stable: ties keep the order of the previous sort */
	ORDER(0, 1, "a9 b-4 a3 b2 c1 ");
	ORDER(0, -1, "b2 c1 a3 a9 b-4 ");
	ORDER(1, 1, "a3 a9 b2 b-4 c1 ");
	ORDER(1, -1, "c1 b2 b-4 a3 a9 ");
	ORDER(2, 1, "b-4 c1 b2 a3 a9 ");
	ORDER(2, -1, "a9 a3 b2 c1 b-4 ");
	ORDER(0, 1, "a9 b-4 a3 b2 c1 ");   /* from "a9 a3 b2 c1 b-4" */
#undef ORDER
	for (i = 0; i < 4; i++) {
		union stp_key k = { .l = i };

		strcpy(_stp_entry_str(_stp_map_insert(sm, &k)), (const char *[]){ "pear", "apple",
			"", "fig" }[i]);
	}
	_stp_map_sort(sm, 0, 1, STP_STAT_COUNT);
	n = 0;
	for (e = _stp_map_first(sm); e; e = _stp_map_next(sm, e))
		n += snprintf(got + n, sizeof(got) - n, "[%s]", _stp_entry_str(e));
	UNIT_EQ_STR(got, "[][apple][fig][pear]");
	_stp_map_free(m);
	_stp_map_free(sm);
	unit_end();
}

static void test_keys9(void)
{
	struct stp_map_spec spec = { .maxentries = 50, .nkeys = 9, .vtype = STP_STRING };
	struct stp_map *m;
	union stp_key k[9];
	bool wild[9] = { false };
	char big[MAXSTRINGLEN + 100];
	int i, j;

	unit_begin("map_keys9");
	for (i = 0; i < 9; i++)
		spec.ktypes[i] = i % 2 ? STP_STRING : STP_LONG;
	m = _stp_map_new(&spec);
	memset(big, 'q', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	for (j = 0; j < 20; j++) {
		char s[16];

		snprintf(s, sizeof(s), "s%d", j % 5);
		for (i = 0; i < 9; i++) {
			if (i % 2)
				k[i].s = i == 7 ? big : s;
			else
				k[i].l = i == 4 ? j : j / 4;
		}
		snprintf(_stp_entry_str(_stp_map_insert(m, k)), MAXSTRINGLEN, "v%d", j);
	}
	UNIT_EQ_LONG(_stp_map_size(m), 20);
	/* find entry 13 again: a long string key is stored cut to MAXSTRINGLEN - 1 */
	for (i = 0; i < 9; i++) {
		if (i % 2)
			k[i].s = i == 7 ? big : "s3";
		else
			k[i].l = i == 4 ? 13 : 3;
	}
	UNIT_CHECK(_stp_map_find(m, k) != NULL, "9-key entry 13 not found");
	if (_stp_map_find(m, k)) {
		struct stp_map_entry *e = _stp_map_find(m, k);

		UNIT_EQ_STR(_stp_entry_str(e), "v13");
		UNIT_EQ_LONG(strlen(_stp_entry_key_str(e, 7)), MAXSTRINGLEN - 1);
		UNIT_EQ_STR(_stp_entry_key_str(e, 1), "s3");
		UNIT_EQ_LONG(_stp_entry_key_long(e, 4), 13);
	}
	k[4].l = 14;
	UNIT_CHECK(_stp_map_find(m, k) == NULL, "a key differing in one part is found");
	/* delete a[*, *, *, *, *, "s1", *, *, *]... by key 5 and key 0 */
	for (i = 0; i < 9; i++)
		wild[i] = true;
	wild[5] = false;
	k[5].s = "s1";
	UNIT_CHECK(_stp_map_matches(m, _stp_map_first(m), k, wild) == false, "entry 0 has s0");
	_stp_map_remove_matching(m, k, wild);
	UNIT_EQ_LONG(_stp_map_size(m), 16);
	wild[5] = true;
	wild[0] = false;
	k[0].l = 0;
	_stp_map_remove_matching(m, k, wild);   /* j / 4 == 0: j = 0, 2, 3 remain of 0..3 */
	UNIT_EQ_LONG(_stp_map_size(m), 13);
	_stp_map_free(m);
	unit_end();
}

static void test_pmap(void)
{
	static const struct stp_hist_spec log = { STP_HIST_LOG, 0, 0, 0, 128 };
	struct stp_map_spec spec = { .maxentries = 4, .nkeys = 1, .ktypes = { STP_STRING },
				     .vtype = STP_STATS, .hist = &log, .shift = 0 };
	struct stp_pmap *pm = _stp_pmap_new(&spec);
	struct context ctx = { 0 };
	struct stp_map *agg;
	struct stp_map_entry *e;
	union stp_key k;
	static const int64_t a[] = { 1, 5, 9, 100 }, b[] = { 2, 3, 1000 };
	unsigned i;

	unit_begin("map_pmap");
	k.s = "x";
	for (i = 0; i < ARRAY_SIZE(a); i++) {
		shim_cpu = 0;
		UNIT_EQ_LONG(_stp_pmap_add(pm, &k, a[i]), 0);
	}
	for (i = 0; i < ARRAY_SIZE(b); i++) {
		shim_cpu = 2;
		UNIT_EQ_LONG(_stp_pmap_add(pm, &k, b[i]), 0);
	}
	k.s = "only2";
	UNIT_EQ_LONG(_stp_pmap_add(pm, &k, 7), 0);
	shim_cpu = 1;
	k.s = "y";
	UNIT_EQ_LONG(_stp_pmap_add(pm, &k, -5), 0);
	agg = _stp_pmap_agg(pm);
	UNIT_EQ_LONG(_stp_map_size(agg), 3);
	k.s = "x";
	e = _stp_map_find(agg, &k);
	UNIT_CHECK(e != NULL, "x missing from the aggregate");
	if (e) {
		const struct stp_stat *s = _stp_entry_stat(e);

		UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_COUNT, NULL), 7);
		UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_SUM, NULL), 1120);
		UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_MIN, NULL), 1);
		UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_MAX, NULL), 1000);
		UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_AVG, NULL), 160);
		UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_VARIANCE, NULL), 138677);
		UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 65), 1);      /* 1 */
		UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 66), 2);      /* 2 3 */
		UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 74), 1);      /* 1000 */
	}
	/* CPU order, then each CPU's insertion order */
	_stp_map_sort(agg, 0, -1, STP_STAT_COUNT);
	UNIT_EQ_STR(_stp_entry_key_str(_stp_map_first(agg), 0), "x");
	_stp_map_sort(agg, 0, 1, STP_STAT_MIN);
	UNIT_EQ_STR(_stp_entry_key_str(_stp_map_first(agg), 0), "y");
	/* a CPU's map is full at 4 keys */
	shim_cpu = 3;
	for (i = 0; i < 4; i++) {
		char s[8];

		snprintf(s, sizeof(s), "k%u", i);
		k.s = s;
		UNIT_EQ_LONG(_stp_pmap_add(pm, &k, i), 0);
	}
	k.s = "k9";
	UNIT_EQ_LONG(_stp_pmap_add(pm, &k, 9), -E2BIG);
	k.s = "x";
	_stp_pmap_remove_key(pm, &k, NULL);
	agg = _stp_pmap_agg(pm);
	UNIT_CHECK(_stp_map_find(agg, &k) == NULL, "x survived its delete");
	_stp_pmap_clear(pm);
	UNIT_EQ_LONG(_stp_map_size(_stp_pmap_agg(pm)), 0);
	shim_cpu = 0;
	_stp_pmap_free(pm);
	unit_end();
}

/* One long key and one string key take map.c's fast paths: many keys in
 * a small table (chains of several), every one found again; a statistics
 * array keeping only @count and @sum (STP_STAT_NO_*) merges them. */
static void test_one_key(void)
{
	static const struct stp_hist_spec log = { STP_HIST_LOG, 0, 0, 0, 128 };
	struct stp_map_spec sspec = { .maxentries = 200, .nkeys = 1, .ktypes = { STP_STRING },
				      .vtype = STP_LONG };
	struct stp_map_spec pspec = { .maxentries = 64, .nkeys = 1, .ktypes = { STP_LONG },
				      .vtype = STP_STATS, .hist = &log,
				      .skip = STP_STAT_NO_VARIANCE | STP_STAT_NO_MINMAX };
	struct stp_map *lm = long_map(200, false), *sm = _stp_map_new(&sspec);
	struct stp_pmap *pm = _stp_pmap_new(&pspec);
	struct context ctx = { 0 };
	struct stp_map_entry *e;
	union stp_key k;
	char buf[32];
	int64_t i;

	unit_begin("map_one_key");
	for (i = 0; i < 200; i++) {
		set_long(lm, i * 1024 - 7, i);
		snprintf(buf, sizeof(buf), "key-%lld", (long long)i);
		k.s = buf;
		e = _stp_map_insert(sm, &k);
		if (e)
			*_stp_entry_long(e) = i;
	}
	for (i = 199; i >= 0; i--) {
		k.l = i * 1024 - 7;
		e = _stp_map_find(lm, &k);
		UNIT_CHECK(e && *_stp_entry_long(e) == i, "long key %lld", (long long)k.l);
		snprintf(buf, sizeof(buf), "key-%lld", (long long)i);
		k.s = buf;
		e = _stp_map_find(sm, &k);
		UNIT_CHECK(e && *_stp_entry_long(e) == i, "string key %s", buf);
	}
	k.l = 5;
	UNIT_CHECK(_stp_map_find(lm, &k) == NULL, "absent long key found");
	k.s = "key-200";
	UNIT_CHECK(_stp_map_find(sm, &k) == NULL, "absent string key found");
	k.s = NULL;
	UNIT_CHECK(_stp_map_find(sm, &k) == NULL, "NULL string key found");
	for (i = 0; i < 100; i++) {
		shim_cpu = i % 4;
		k.l = i % 3;
		UNIT_EQ_LONG(_stp_pmap_add(pm, &k, i), 0);
	}
	shim_cpu = 0;
	k.l = 1;
	e = _stp_map_find(_stp_pmap_agg(pm), &k);
	UNIT_CHECK(e != NULL, "key 1 missing from the aggregate");
	if (e) {
		const struct stp_stat *st = _stp_entry_stat(e);

		UNIT_EQ_LONG(_stp_stat_get(&ctx, st, STP_STAT_COUNT, NULL), 33);
		UNIT_EQ_LONG(_stp_stat_get(&ctx, st, STP_STAT_SUM, NULL), 1617);
		UNIT_EQ_LONG(_stp_stat_get(&ctx, st, STP_STAT_MIN, NULL), 0);   /* not kept */
		UNIT_EQ_LONG(_stp_stat_get(&ctx, st, STP_STAT_AVG, NULL), 49);
		UNIT_EQ_LONG(_stp_hist_bucket(st, &log, 65), 1);      /* 1 */
		UNIT_EQ_LONG(_stp_hist_bucket(st, &log, 71), 12);     /* 64..97 */
	}
	/* sums: key 1 1617, key 2 1650, key 0 1683 */
	_stp_map_sort(pm->agg, 0, 1, STP_STAT_SUM);
	UNIT_EQ_LONG(_stp_entry_key_long(_stp_map_first(pm->agg), 0), 1);
	_stp_map_free(lm);
	_stp_map_free(sm);
	_stp_pmap_free(pm);
	unit_end();
}

/* Not a check: the cost of one a[k]++ on long keys, for the record. */
static void bench(void)
{
	struct stp_map *m = long_map(MAXMAPENTRIES, false);
	struct timespec t0, t1;
	int64_t i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 1000000; i++) {
		union stp_key k = { .l = i % 1000 };

		(*_stp_entry_long(_stp_map_insert(m, &k)))++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("INFO: runtime-unit: 1000000 map updates in %.1f ms (sanitized build)\n",
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	_stp_map_free(m);
}

int main(void)
{
	test_basic();
	test_wrap();
	test_sort();
	test_keys9();
	test_pmap();
	test_one_key();
	bench();
	return unit_failures != 0;
}
