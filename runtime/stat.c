/* stat.c - statistics (x <<< v), their extractors and histograms.
 *
 * Every statistic is kept per CPU: <<< touches only the running CPU's
 * slot, with no lock beyond the global's shared lock; readers merge the
 * slots under the exclusive lock.  The arithmetic reproduces upstream
 * 4.8's integer results exactly, rounding included:
 *  - a slot keeps count, sum, min, max and, for @variance(x, shift),
 *    Welford's running mean avg_s (scaled by 2^shift) and sum of squared
 *    deviations m2; upstream keeps the running delta in an `int`, and so
 *    do we, since it changes results for values beyond 2^31;
 *  - a slot's variance is m2 / (count - 1) (0 for one value);
 *  - merged scalars (_stp_pstat_agg) use the total-variance formula
 *    over all CPUs at once; merged array entries (pmap) merge CPU by CPU,
 *    pairwise (_stp_stat_merge_pair) -- the two differ in rounding, as upstream;
 *  - in a merged statistic m2 holds the scaled variance, so
 *    @variance = m2 >> (2 * shift);
 *  - what the script never reads (STP_STAT_NO_VARIANCE, _NO_MINMAX) is
 *    not kept: the running variance costs a division per <<<.  Those
 *    fields stay 0.
 * Histograms: a linear one has (hi - lo) / step + 3 buckets (underflow,
 * one per step from lo to hi inclusive, overflow); a log one 128 buckets,
 * bucket 64 holding 0, 64 + k holding [2^(k-1), 2^k), 64 - k the negatives
 * of that.  _stp_hist_print draws them as upstream does.
 */
#include <linux/vmalloc.h>

#define STP_HIST_LOG_BUCKETS 128
#define STP_HIST_LOG_ZERO 64
/* -D HIST_WIDTH=N: '@' of the longest bar; -D HIST_ELISION=N: zero rows
 * kept next to data before the rest is shown as '~' (< 0: none elided).
 * Upstream's names, so that scripts' -D options keep working. */
#ifndef HIST_WIDTH
#define HIST_WIDTH 50
#endif
#ifndef HIST_ELISION
#define HIST_ELISION 2
#endif
#define STP_HIST_WIDTH ((int64_t)(HIST_WIDTH))

/* Buckets of a histogram of spec h (0 without one).  Pass 3 checks
 * (hi - lo) / step; this only guards against a bad spec. */
static int _stp_stat_nbuckets(const struct stp_hist_spec *h)
{
	if (!h)
		return 0;
	switch (h->kind) {
	case STP_HIST_LINEAR:
		if (h->step <= 0 || h->hi < h->lo || (h->hi - h->lo) / h->step > 100000)
			return 0;
		return (int)((h->hi - h->lo) / h->step) + 3;
	case STP_HIST_LOG:
		return STP_HIST_LOG_BUCKETS;
	case STP_HIST_NONE:
		break;
	}
	return 0;
}

static size_t _stp_stat_size(const struct stp_hist_spec *h)
{
	size_t sz = sizeof(struct stp_stat) + _stp_stat_nbuckets(h) * sizeof(int64_t);

	return (sz + 7) & ~(size_t)7;
}

/* Division as the language defines it for these results: 0 for a zero
 * divisor, truncation toward zero, no trap on INT64_MIN / -1. */
static int64_t _stp_stat_div(int64_t x, int64_t y)
{
	if (y == 0)
		return 0;
	if (y == -1)
		return (int64_t)(0 - (uint64_t)x);
	return div64_s64(x, y);
}

/* Sums and products wrap around like the kernel's (-fno-strict-overflow)
 * int64 arithmetic, which upstream's results depend on; spelled out so
 * that the unit tests' UBSan does not flag them. */
static int64_t _stp_stat_shl(int64_t v, int shift)
{
	return (int64_t)((uint64_t)v << shift);
}

static int64_t _stp_wadd(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t _stp_wmul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

/* n * d * d */
static int64_t _stp_wsq(int64_t n, int64_t d)
{
	return _stp_wmul(_stp_wmul(n, d), d);
}

/* The log-histogram bucket of v. */
static int _stp_stat_log_bucket(int64_t v)
{
	int bits;

	if (v == 0)
		return STP_HIST_LOG_ZERO;
	bits = fls64(v < 0 ? -(uint64_t)v : (uint64_t)v);
	if (v < 0)
		return STP_HIST_LOG_ZERO - bits;
	return min(STP_HIST_LOG_ZERO + bits, STP_HIST_LOG_BUCKETS - 1);
}

/* The value a log bucket is labelled with. */
static int64_t _stp_stat_log_value(int b)
{
	if (b == STP_HIST_LOG_ZERO)
		return 0;
	if (b < STP_HIST_LOG_ZERO)
		return (int64_t)(-(uint64_t)1 << (STP_HIST_LOG_ZERO - 1 - b));
	return (int64_t)((uint64_t)1 << (b - STP_HIST_LOG_ZERO - 1));
}

static int _stp_stat_linear_bucket(const struct stp_hist_spec *h, int nb, int64_t v)
{
	uint64_t b;

	if (v < h->lo)
		return 0;
	b = div64_u64((uint64_t)v - (uint64_t)h->lo, (uint64_t)h->step) + 1;
	return b >= (uint64_t)(nb - 1) ? nb - 1 : (int)b;
}

static void _stp_stat_clear(struct stp_stat *s, const struct stp_hist_spec *h)
{
	memset(s, 0, _stp_stat_size(h));
}

/* Welford's step for @variance: s->count already counts v. */
static void _stp_stat_add_variance(struct stp_stat *s, int shift, int64_t v)
{
	int delta;

	s->shift = shift;
	if (s->count == 1) {
		s->avg_s = _stp_stat_shl(v, shift);
		s->m2 = 0;
		return;
	}
	/* upstream's delta is an int: keep its truncation */
	delta = (int)_stp_wadd(_stp_stat_shl(v, shift), -(uint64_t)s->avg_s);
	s->avg_s = _stp_wadd(s->avg_s, _stp_stat_div(delta, s->count));
	s->m2 = _stp_wadd(s->m2, _stp_wmul(delta, _stp_wadd(_stp_stat_shl(v, shift),
							  -(uint64_t)s->avg_s)));
}

/* s <<< v.  This runs on every <<<: nb is _stp_stat_nbuckets(h) and plain
 * "skip is everything and nb is 0", both computed once by the owner;
 * skip (STP_STAT_NO_*) leaves out what the script never reads. */
static __always_inline void _stp_stat_add(struct stp_stat *s, const struct stp_hist_spec *h,
				     int nb, int shift, unsigned int skip, bool plain,
				     int64_t v)
{
	s->count++;
	s->sum = _stp_wadd(s->sum, v);
	if (plain)
		return;
	if (!(skip & STP_STAT_NO_MINMAX)) {
		if (unlikely(s->count == 1))
			s->min = s->max = v;
		else if (v > s->max)
			s->max = v;
		else if (v < s->min)
			s->min = v;     /* v > max was not: min <= max */
	}
	if (!(skip & STP_STAT_NO_VARIANCE))
		_stp_stat_add_variance(s, shift, v);
	if (nb && h->kind == STP_HIST_LOG)
		s->hist[_stp_stat_log_bucket(v)]++;
	else if (nb)
		s->hist[_stp_stat_linear_bucket(h, nb, v)]++;
}

/* The scaled variance of one CPU's slot. */
static int64_t _stp_stat_slot_variance(const struct stp_stat *s)
{
	return s->count < 2 ? 0 : _stp_stat_div(s->m2, s->count - 1);
}

/* Merge n per-CPU slots into agg (upstream's scalar merge). */
static void _stp_stat_merge_all(struct stp_stat *agg, struct stp_stat *const *slots, int n,
			   const struct stp_hist_spec *h, unsigned int skip)
{
	int nb = _stp_stat_nbuckets(h);
	int64_t s1 = 0, s2 = 0, d;
	int i, j;

	_stp_stat_clear(agg, h);
	for (i = 0; i < n; i++) {
		const struct stp_stat *sd = slots[i];

		if (!sd->count)
			continue;
		agg->shift = sd->shift;
		if (agg->count == 0) {
			agg->min = sd->min;
			agg->max = sd->max;
		}
		agg->count += sd->count;
		agg->sum = _stp_wadd(agg->sum, sd->sum);
		agg->max = max(agg->max, sd->max);
		agg->min = min(agg->min, sd->min);
		for (j = 0; j < nb; j++)
			agg->hist[j] += sd->hist[j];
	}
	if (skip & STP_STAT_NO_VARIANCE)
		return;
	agg->avg_s = _stp_stat_div(_stp_stat_shl(agg->sum, agg->shift), agg->count);
	for (i = 0; i < n; i++) {
		const struct stp_stat *sd = slots[i];

		if (!sd->count)
			continue;
		d = _stp_wadd(sd->avg_s, -(uint64_t)agg->avg_s);
		s1 = _stp_wadd(s1, _stp_wsq(sd->count, d));
		s2 = _stp_wadd(s2, _stp_wmul(sd->count - 1, _stp_stat_slot_variance(sd)));
	}
	agg->m2 = _stp_stat_div(_stp_wadd(s1, s2), agg->count - 1);
}

/* agg (already merged, or empty) += one CPU's slot sd, pairwise as
 * upstream merges the entries of statistics arrays. */
static void _stp_stat_merge_pair(struct stp_stat *agg, const struct stp_stat *sd,
			    const struct stp_hist_spec *h, unsigned int skip)
{
	int nb = _stp_stat_nbuckets(h);
	int64_t n1 = agg->count, avg1 = agg->avg_s, d1, d2;
	int j;

	if (!sd->count)
		return;
	if (!agg->count) {
		memcpy(agg, sd, _stp_stat_size(h));
		if (!(skip & STP_STAT_NO_VARIANCE))
			agg->m2 = _stp_stat_slot_variance(sd);
		return;
	}
	agg->count += sd->count;
	agg->sum = _stp_wadd(agg->sum, sd->sum);
	agg->min = min(agg->min, sd->min);
	agg->max = max(agg->max, sd->max);
	agg->shift = sd->shift;
	for (j = 0; j < nb; j++)
		agg->hist[j] += sd->hist[j];
	if (skip & STP_STAT_NO_VARIANCE)
		return;
	agg->avg_s = _stp_stat_div(_stp_stat_shl(agg->sum, sd->shift), agg->count);
	d1 = _stp_wadd(avg1, -(uint64_t)agg->avg_s);
	d2 = _stp_wadd(sd->avg_s, -(uint64_t)agg->avg_s);
	agg->m2 = _stp_stat_div(_stp_wadd(_stp_wadd(_stp_wsq(n1, d1), _stp_wmul(n1 - 1, agg->m2)),
				_stp_wadd(_stp_wsq(sd->count, d2), _stp_wmul(sd->count - 1, _stp_stat_slot_variance(sd)))),
			   agg->count - 1);
}

/* ---- scalar statistics globals ---- */

struct stp_pstat {
	struct stp_hist_spec hist;
	int nb;                         /* _stp_stat_nbuckets(&hist) */
	int shift;
	unsigned int skip;              /* STP_STAT_NO_* */
	bool plain;                     /* count and sum only (_stp_stat_add) */
	size_t size;                    /* bytes of one stp_stat */
	struct stp_stat *agg;
	struct stp_stat *slot[];        /* nr_cpu_ids */
};

/* A statistic that keeps nothing beyond @count and @sum. */
static bool _stp_stat_plain(int nb, unsigned int skip)
{
	return !nb && (skip & STP_STAT_NO_MINMAX) && (skip & STP_STAT_NO_VARIANCE);
}

static struct stp_pstat *_stp_pstat_new(const struct stp_hist_spec *h, int shift,
					unsigned int skip)
{
	struct stp_hist_spec none = { .kind = STP_HIST_NONE };
	struct stp_pstat *ps;
	size_t size, head;
	char *p;
	unsigned i;

	if (!h)
		h = &none;
	size = _stp_stat_size(h);
	head = (sizeof(*ps) + nr_cpu_ids * sizeof(ps->slot[0]) + 7) & ~(size_t)7;
	ps = vzalloc(head + (nr_cpu_ids + 1) * size);
	if (!ps)
		return NULL;
	ps->hist = *h;
	ps->nb = _stp_stat_nbuckets(h);
	ps->shift = shift;
	ps->skip = skip;
	ps->plain = _stp_stat_plain(ps->nb, skip);
	ps->size = size;
	p = (char *)ps + head;
	ps->agg = (struct stp_stat *)p;
	for (i = 0; i < nr_cpu_ids; i++)
		ps->slot[i] = (struct stp_stat *)(p + (i + 1) * size);
	return ps;
}

static void _stp_pstat_free(struct stp_pstat *ps)
{
	vfree(ps);
}

static void _stp_pstat_add(struct stp_pstat *ps, int64_t v)
{
	_stp_stat_add(ps->slot[smp_processor_id()], &ps->hist, ps->nb, ps->shift, ps->skip,
		 ps->plain, v);
}

static const struct stp_stat *_stp_pstat_agg(struct stp_pstat *ps)
{
	_stp_stat_merge_all(ps->agg, ps->slot, nr_cpu_ids, &ps->hist, ps->skip);
	return ps->agg;
}

static void _stp_pstat_clear(struct stp_pstat *ps)
{
	unsigned i;

	for (i = 0; i < nr_cpu_ids; i++)
		_stp_stat_clear(ps->slot[i], &ps->hist);
	_stp_stat_clear(ps->agg, &ps->hist);
}

/* ---- extractors ---- */

/* The value of one extractor, no questions asked (also the sort key of
 * a statistics array's foreach, map.c). */
static int64_t _stp_stat_extract(const struct stp_stat *s, enum stp_stat_op op)
{
	switch (op) {
	case STP_STAT_COUNT:
		return s->count;
	case STP_STAT_SUM:
	case STP_STAT_SUM_NONEMPTY:
		return s->sum;
	case STP_STAT_MIN:
		return s->min;
	case STP_STAT_MAX:
		return s->max;
	case STP_STAT_AVG:
		return _stp_stat_div(s->sum, s->count);
	case STP_STAT_VARIANCE:
		return s->m2 >> (2 * s->shift);
	}
	return 0;
}

static int64_t _stp_stat_get(struct context *c, const struct stp_stat *s,
			     enum stp_stat_op op, const char *loc)
{
	if (op == STP_STAT_COUNT)
		return s ? s->count : 0;
	if (op == STP_STAT_SUM)
		return s ? s->sum : 0;
	if (!s || s->count == 0) {
		_stp_error(c, "empty aggregate", loc);
		return 0;
	}
	return _stp_stat_extract(s, op);
}

static int64_t _stp_hist_bucket(const struct stp_stat *s, const struct stp_hist_spec *h,
				int64_t i)
{
	if (!s || i < 0 || i >= _stp_stat_nbuckets(h))
		return 0;
	return s->hist[i];
}

static int64_t _stp_hist_get(struct context *c, const struct stp_stat *s,
			     const struct stp_hist_spec *h, int64_t i, const char *loc)
{
	if (!s || s->count == 0) {
		_stp_error(c, "empty aggregate", loc);
		return 0;
	}
	if (i < 0 || i >= _stp_stat_nbuckets(h)) {
		_stp_error(c, "histogram index out of range", loc);
		return 0;
	}
	return s->hist[i];
}

/* ---- the bar chart ---- */

/* Characters of v in decimal, the sign included. */
static int _stp_dec_width(int64_t v)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int n = v < 0 ? 1 : 0;

	do {
		n++;
		u /= 10;
	} while (u);
	return n;
}

/* The label of row i: a value, with '<' / '>' for the linear under- and
 * overflow rows. */
static int64_t _stp_hist_row_value(const struct stp_hist_spec *h, int nb, int i,
				   const char **prefix)
{
	*prefix = "";
	if (h->kind == STP_HIST_LOG)
		return _stp_stat_log_value(i);
	if (i == 0) {
		*prefix = "<";
		return h->lo;
	}
	if (i == nb - 1) {
		*prefix = ">";
		return h->lo + (int64_t)(i - 2) * h->step;
	}
	return h->lo + (int64_t)(i - 1) * h->step;
}

/* The rows drawn: the data's range widened by two (zero) rows each side;
 * a log chart widens downward past bucket 0 only when it holds negative
 * values; a linear chart shows its under/overflow rows only when they
 * count something. */
static void _stp_hist_range(const struct stp_stat *s, const struct stp_hist_spec *h, int nb,
		       int *plo, int *phi, int64_t *pmax)
{
	int lo = -1, hi = 0, i;
	int64_t vmax = 0;

	for (i = 0; i < nb; i++) {
		if (s->hist[i] > 0) {
			if (lo == -1)
				lo = i;
			hi = i;
		}
		vmax = max(vmax, s->hist[i]);
	}
	for (i = 0; i < 2; i++) {
		if (lo > 0 && (h->kind != STP_HIST_LOG || lo != STP_HIST_LOG_ZERO))
			lo--;
		if (hi < nb - 1)
			hi++;
	}
	if (lo < 0)
		lo = 0;         /* no data: callers report "empty aggregate" first */
	if (h->kind == STP_HIST_LINEAR) {
		if (lo == 0 && s->hist[0] == 0)
			lo++;
		if (hi == nb - 1 && s->hist[hi] == 0)
			hi--;
	}
	*plo = lo;
	*phi = hi;
	*pmax = vmax;
}

/* True when row i and its HIST_ELISION neighbours in [lo, hi] are all 0. */
static bool _stp_hist_elided(const struct stp_stat *s, int nb, int lo, int hi, int i)
{
	int span = min((int)(HIST_ELISION), nb), k;

	if ((long)(HIST_ELISION) < 0)
		return false;
	for (k = max(lo, i - span); k <= min(hi, i + span); k++)
		if (s->hist[k])
			return false;
	return true;
}

static void _stp_hist_row(struct stp_sink *out, const struct stp_stat *s,
		     const struct stp_hist_spec *h, int nb, int i, int val_w, int cnt_w,
		     int64_t scale)
{
	const char *prefix;
	int64_t val = _stp_hist_row_value(h, nb, i, &prefix);
	int64_t bar = _stp_stat_div(s->hist[i], scale);
	int w = val_w - _stp_dec_width(val);

	/* upstream prints the label with "%*s%lld": a negative width there
	 * means left-justified (it cannot happen with sane labels) */
	_stp_fmt(out, STP_FMT_STRING, w < 0 ? STP_FMT_F_LEFT : 0, w < 0 ? -w : w, -1, 0, prefix);
	_stp_put_long(out, val);
	_stp_puts(out, " |");
	_stp_fmt_pad(out, '@', bar);
	_stp_fmt(out, STP_FMT_SIGNED, 0, (int)(STP_HIST_WIDTH - bar + 1 + cnt_w), -1,
		 s->hist[i], NULL);
	_stp_putc(out, '\n');
}

static void _stp_hist_print(struct stp_sink *out, const struct stp_stat *s,
			    const struct stp_hist_spec *h)
{
	int nb = _stp_stat_nbuckets(h);
	int lo, hi, i, val_w, cnt_w;
	int64_t vmax, scale;
	bool eliding = false;

	if (!s || !nb)
		return;
	_stp_hist_range(s, h, nb, &lo, &hi, &vmax);
	scale = vmax <= STP_HIST_WIDTH ? 1 : (vmax + STP_HIST_WIDTH - 1) / STP_HIST_WIDTH;
	cnt_w = _stp_dec_width(vmax);
	if (h->kind == STP_HIST_LINEAR)
		/* upstream sizes the top label as lo + step * hi, one step
		 * more than it prints: keep that, it sets the column */
		val_w = max(_stp_dec_width(h->lo) + (lo == 0),
			    _stp_dec_width(h->lo + h->step * hi) + (hi == nb - 1));
	else
		val_w = max(_stp_dec_width(_stp_stat_log_value(hi)), _stp_dec_width(_stp_stat_log_value(lo)));
	val_w = max(val_w, 5);

	_stp_fmt(out, STP_FMT_STRING, 0, val_w, -1, 0, "value");
	_stp_puts(out, " |");
	_stp_fmt_pad(out, '-', STP_HIST_WIDTH);
	_stp_puts(out, " count\n");
	for (i = lo; i <= hi; i++) {
		if (_stp_hist_elided(s, nb, lo, hi, i)) {
			eliding = true;
			continue;
		}
		if (eliding) {
			_stp_fmt_pad(out, ' ', val_w);
			_stp_puts(out, " ~\n");
			eliding = false;
		}
		_stp_hist_row(out, s, h, nb, i, val_w, cnt_w, scale);
	}
	_stp_putc(out, '\n');
}
