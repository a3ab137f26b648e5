/* test_stat.c - statistics, extractors and histograms (runtime/stat.c).
 *
 * The @variance figures are upstream's integer arithmetic worked by hand
 * (Welford per CPU with an int delta; total variance for scalars; pairwise
 * merges for array entries): they are not the true variance. */
#include "unit.h"

static struct context ctx;

static void reset_ctx(void)
{
	ctx.last_error = NULL;
	ctx.last_loc = NULL;
}

static const char *hist_text(const struct stp_stat *s, const struct stp_hist_spec *h)
{
	static char buf[4096];
	struct stp_sink out = { .buf = buf, .len = 0, .cap = sizeof(buf) - 1,
				.kind = STP_SINK_PRINT };

	_stp_hist_print(&out, s, h);
	buf[out.len] = '\0';
	return buf;
}

static void test_extractors(void)
{
	struct stp_pstat *ps = _stp_pstat_new(NULL, 0, 0);
	const struct stp_stat *s;
	int64_t v;

	unit_begin("stat_extractors");
	s = _stp_pstat_agg(ps);
	reset_ctx();
	UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_COUNT, "here"), 0);
	UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_SUM, "here"), 0);
	UNIT_CHECK(ctx.last_error == NULL, "@count/@sum of an empty stat is no error");
	UNIT_EQ_LONG(_stp_stat_get(&ctx, NULL, STP_STAT_COUNT, "here"), 0);
	for (v = STP_STAT_MIN; v <= STP_STAT_VARIANCE; v++) {
		reset_ctx();
		UNIT_EQ_LONG(_stp_stat_get(&ctx, s, (enum stp_stat_op)v, "there"), 0);
		UNIT_CHECK(ctx.last_error && !strcmp(ctx.last_error, "empty aggregate") &&
			   !strcmp(ctx.last_loc, "there"), "op %lld: error %s", (long long)v,
			   ctx.last_error ? ctx.last_error : "(none)");
	}
	shim_cpu = 0;
	_stp_pstat_add(ps, 5);
	_stp_pstat_add(ps, -3);
	shim_cpu = 2;
	_stp_pstat_add(ps, 10);
	_stp_pstat_add(ps, 1);
	shim_cpu = 0;
	s = _stp_pstat_agg(ps);
	reset_ctx();
	UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_COUNT, NULL), 4);
	UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_SUM, NULL), 13);
	UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_MIN, NULL), -3);
	UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_MAX, NULL), 10);
	UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_AVG, NULL), 3);
	UNIT_CHECK(ctx.last_error == NULL, "unexpected error %s", ctx.last_error);
	_stp_pstat_clear(ps);
	s = _stp_pstat_agg(ps);
	UNIT_EQ_LONG(s->count, 0);
	_stp_pstat_add(ps, -7);
	s = _stp_pstat_agg(ps);
	UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_AVG, NULL), -7);
	UNIT_EQ_LONG(_stp_stat_get(&ctx, s, STP_STAT_VARIANCE, NULL), 0);
	_stp_pstat_free(ps);
	unit_end();
}

static void test_variance(void)
{
	struct stp_pstat *p0 = _stp_pstat_new(NULL, 0, 0), *p3 = _stp_pstat_new(NULL, 3, 0);
	struct stp_pstat *q0 = _stp_pstat_new(NULL, 0, 0), *q3 = _stp_pstat_new(NULL, 3, 0);
	static const int64_t a[] = { 1, 5, 9, 100 }, b[] = { 2, 3, 1000 };
	int64_t v;
	unsigned i;

	unit_begin("stat_variance");
	shim_cpu = 1;
	for (v = 1; v <= 10; v++) {
		_stp_pstat_add(p0, v);
		_stp_pstat_add(p3, v);
	}
	reset_ctx();
	UNIT_EQ_LONG(_stp_stat_get(&ctx, _stp_pstat_agg(p0), STP_STAT_VARIANCE, NULL), 48);
	UNIT_EQ_LONG(_stp_stat_get(&ctx, _stp_pstat_agg(p3), STP_STAT_VARIANCE, NULL), 9);
	for (i = 0; i < ARRAY_SIZE(a); i++) {
		shim_cpu = 0;
		_stp_pstat_add(q0, a[i]);
		_stp_pstat_add(q3, a[i]);
	}
	for (i = 0; i < ARRAY_SIZE(b); i++) {
		shim_cpu = 3;
		_stp_pstat_add(q0, b[i]);
		_stp_pstat_add(q3, b[i]);
	}
	shim_cpu = 0;
	UNIT_EQ_LONG(_stp_stat_get(&ctx, _stp_pstat_agg(q0), STP_STAT_VARIANCE, NULL), 138677);
	UNIT_EQ_LONG(_stp_stat_get(&ctx, _stp_pstat_agg(q3), STP_STAT_VARIANCE, NULL), 138486);
	_stp_pstat_free(p0);
	_stp_pstat_free(p3);
	_stp_pstat_free(q0);
	_stp_pstat_free(q3);
	unit_end();
}

/* STP_STAT_NO_*: what is left out stays 0, everything else is the same
 * as when kept. */
static void test_skip(void)
{
	static const struct stp_hist_spec lin = { STP_HIST_LINEAR, 0, 100, 10, 13 };
	static const unsigned int skips[] = {
		STP_STAT_NO_VARIANCE, STP_STAT_NO_MINMAX,
		STP_STAT_NO_VARIANCE | STP_STAT_NO_MINMAX,
	};
	static const int64_t a[] = { 1, 5, 9, 100, -4, 2, 3, 1000, 55 };
	const struct stp_hist_spec *specs[] = { NULL, &lin };
	unsigned int i, k, hs;
	int op, j;

	unit_begin("stat_skip");
	for (hs = 0; hs < ARRAY_SIZE(specs); hs++) {
		for (k = 0; k < ARRAY_SIZE(skips); k++) {
			struct stp_pstat *pv = _stp_pstat_new(specs[hs], 1, 0);
			struct stp_pstat *pn = _stp_pstat_new(specs[hs], 1, skips[k]);
			const struct stp_stat *sv, *sn;

			for (i = 0; i < ARRAY_SIZE(a); i++) {
				shim_cpu = i % 3;
				_stp_pstat_add(pv, a[i]);
				_stp_pstat_add(pn, a[i]);
			}
			shim_cpu = 0;
			sv = _stp_pstat_agg(pv);
			sn = _stp_pstat_agg(pn);
			reset_ctx();
			for (op = STP_STAT_COUNT; op <= STP_STAT_VARIANCE; op++) {
				bool left = (op == STP_STAT_VARIANCE &&
					     (skips[k] & STP_STAT_NO_VARIANCE)) ||
					    ((op == STP_STAT_MIN || op == STP_STAT_MAX) &&
					     (skips[k] & STP_STAT_NO_MINMAX));

				UNIT_EQ_LONG(_stp_stat_get(&ctx, sn, (enum stp_stat_op)op, NULL),
					     left ? 0 : _stp_stat_get(&ctx, sv,
								      (enum stp_stat_op)op, NULL));
			}
			for (j = 0; hs && j < 13; j++)
				UNIT_EQ_LONG(sn->hist[j], sv->hist[j]);
			UNIT_CHECK(ctx.last_error == NULL, "unexpected error %s", ctx.last_error);
			_stp_pstat_free(pv);
			_stp_pstat_free(pn);
		}
	}
	unit_end();
}

static void test_buckets(void)
{
	struct stp_hist_spec lin = { STP_HIST_LINEAR, 0, 100, 10, 13 };
	struct stp_hist_spec log = { STP_HIST_LOG, 0, 0, 0, 128 };
	struct stp_pstat *pl = _stp_pstat_new(&lin, 0, 0), *pg = _stp_pstat_new(&log, 0, 0);
	const struct stp_stat *s;

	unit_begin("stat_buckets");
	_stp_pstat_add(pl, -1);         /* underflow: 0 */
	_stp_pstat_add(pl, 0);          /* [0,10): 1 */
	_stp_pstat_add(pl, 9);
	_stp_pstat_add(pl, 100);        /* [100,110): 11 */
	_stp_pstat_add(pl, 109);
	_stp_pstat_add(pl, 110);        /* overflow: 12 */
	_stp_pstat_add(pl, INT64_MAX);
	s = _stp_pstat_agg(pl);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &lin, 0), 1);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &lin, 1), 2);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &lin, 11), 2);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &lin, 12), 2);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &lin, 13), 0);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &lin, -1), 0);
	reset_ctx();
	UNIT_EQ_LONG(_stp_hist_get(&ctx, s, &lin, 12, "x"), 2);
	UNIT_CHECK(!ctx.last_error, "index 12 of 13 buckets is in range");
	UNIT_EQ_LONG(_stp_hist_get(&ctx, s, &lin, 13, "x"), 0);
	UNIT_CHECK(ctx.last_error && !strcmp(ctx.last_error, "histogram index out of range"),
		   "index 13: %s", ctx.last_error ? ctx.last_error : "(no error)");

	_stp_pstat_add(pg, 0);          /* 64 */
	_stp_pstat_add(pg, 1);          /* 65 */
	_stp_pstat_add(pg, 3);          /* 66 */
	_stp_pstat_add(pg, 4);          /* 67 */
	_stp_pstat_add(pg, -1);         /* 63 */
	_stp_pstat_add(pg, -2);         /* 62 */
	_stp_pstat_add(pg, INT64_MAX);  /* 127 */
	_stp_pstat_add(pg, INT64_MIN);  /* 0 */
	s = _stp_pstat_agg(pg);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 64), 1);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 65), 1);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 66), 1);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 67), 1);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 63), 1);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 62), 1);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 127), 1);
	UNIT_EQ_LONG(_stp_hist_bucket(s, &log, 0), 1);
	reset_ctx();
	_stp_pstat_clear(pg);
	UNIT_EQ_LONG(_stp_hist_get(&ctx, _stp_pstat_agg(pg), &log, 1, "y"), 0);
	UNIT_CHECK(ctx.last_error && !strcmp(ctx.last_error, "empty aggregate"),
		   "empty histogram index: %s", ctx.last_error ? ctx.last_error : "(no error)");
	_stp_pstat_free(pl);
	_stp_pstat_free(pg);
	unit_end();
}

static const char golden_log[] =
	"value |-------------------------------------------------- count\n"
	"    0 |                                                   0\n"
	"    1 |@                                                  1\n"
	"    2 |@@@                                                3\n"
	"    4 |@                                                  1\n"
	"    8 |@@@                                                3\n"
	"   16 |                                                   0\n"
	"   32 |                                                   0\n"
	"\n";

static const char golden_linear[] =
	"value |-------------------------------------------------- count\n"
	"   <0 |@                                                  1\n"
	"    0 |@                                                  1\n"
	"   10 |@@                                                 2\n"
	"   20 |                                                   0\n"
	"   30 |                                                   0\n"
	"      ~\n"
	"   70 |                                                   0\n"
	"   80 |                                                   0\n"
	"   90 |@                                                  1\n"
	"  100 |                                                   0\n"
	" >100 |@                                                  1\n"
	"\n";

/* 1..5 into hist_linear(x, 0, 10, 1): leading and trailing zero rows */
static const char golden_small[] =
	"value |-------------------------------------------------- count\n"
	"    0 |                                                   0\n"
	"    1 |@                                                  1\n"
	"    2 |@                                                  1\n"
	"    3 |@                                                  1\n"
	"    4 |@                                                  1\n"
	"    5 |@                                                  1\n"
	"    6 |                                                   0\n"
	"    7 |                                                   0\n"
	"\n";

/* scaled bars: 200 in one bucket is 50 '@', 8 of 200 is 2 (ceil scale 4) */
static const char golden_scaled[] =
	"value |-------------------------------------------------- count\n"
	"   -8 |                                                     0\n"
	"   -4 |                                                     0\n"
	"   -2 |@@                                                   8\n"
	"   -1 |                                                     0\n"
	"    0 |                                                     0\n"
	"    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 200\n"
	"    2 |                                                     0\n"
	"    4 |                                                     0\n"
	"\n";

static void test_hist_print(void)
{
	struct stp_hist_spec log = { STP_HIST_LOG, 0, 0, 0, 128 };
	struct stp_hist_spec lin = { STP_HIST_LINEAR, 0, 100, 10, 13 };
	struct stp_hist_spec small = { STP_HIST_LINEAR, 0, 10, 1, 13 };
	struct stp_pstat *p = _stp_pstat_new(&log, 0, 0);
	struct stp_pstat *q = _stp_pstat_new(&lin, 0, 0);
	struct stp_pstat *r = _stp_pstat_new(&small, 0, 0);
	static const int64_t logv[] = { 1, 2, 2, 3, 4, 8, 8, 8 };
	static const int64_t linv[] = { 5, 15, 15, 95, 150, -3 };
	const char *got;
	unsigned i;

	unit_begin("stat_hist_print");
	for (i = 0; i < ARRAY_SIZE(logv); i++) {
		shim_cpu = i % NR_CPUS;
		_stp_pstat_add(p, logv[i]);
	}
	for (i = 0; i < ARRAY_SIZE(linv); i++)
		_stp_pstat_add(q, linv[i]);
	for (i = 1; i <= 5; i++)
		_stp_pstat_add(r, i);
	shim_cpu = 0;
	got = hist_text(_stp_pstat_agg(p), &log);
	UNIT_CHECK(!strcmp(got, golden_log), "log:\n%s", got);
	got = hist_text(_stp_pstat_agg(q), &lin);
	UNIT_CHECK(!strcmp(got, golden_linear), "linear:\n%s", got);
	got = hist_text(_stp_pstat_agg(r), &small);
	UNIT_CHECK(!strcmp(got, golden_small), "small:\n%s", got);
	_stp_pstat_clear(p);
	for (i = 0; i < 200; i++)
		_stp_pstat_add(p, 1);
	for (i = 0; i < 8; i++)
		_stp_pstat_add(p, -2);
	got = hist_text(_stp_pstat_agg(p), &log);
	UNIT_CHECK(!strcmp(got, golden_scaled), "scaled:\n%s", got);
	_stp_pstat_free(p);
	_stp_pstat_free(q);
	_stp_pstat_free(r);
	unit_end();
}

int main(void)
{
	test_extractors();
	test_variance();
	test_skip();
	test_buckets();
	test_hist_print();
	return unit_failures != 0;
}
