/* timer.c - interval timers: timer.s(N) .sec .ms .msec .us .usec .ns
 * .nsec .hz .jiffies, each but hz with an optional .randomize(M), and the
 * profiling timer timer.profile (timer.profile.tick).
 *
 * Ranges, as upstream: s 1..86400, ms 1..86400000, us 100..86400000000,
 * ns 100000..86400000000000, hz(N): N > 0 and 1e9/N ns within the ns
 * range; jiffies 1..1000000.  A randomization M must be 0..N in the same
 * unit.  No $target variables.  All but timer.profile are allowed for
 * unprivileged users.
 *
 * Pass 3: the table is runtime/probes/timer.c's struct stp_timer_probe[],
 * one { probe, kind, period, randomize } per timer, periods in ns (or in
 * jiffies for timer.jiffies).
 */
#include "config.h"

#include <string.h>

#include "arena.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/registry.h"

/* What a timer probe resolved to: the elab_probe's data. */
enum timer_kind {
	TIMER_HR,        /* timer.s/ms/us/ns/hz: an hrtimer, period in ns */
	TIMER_JIFFIES,   /* timer.jiffies: a kernel timer, period in jiffies */
	TIMER_PROFILE,   /* timer.profile(.tick): every CPU at each tick */
};

struct timer_data {
	enum timer_kind kind;
	int64_t period;      /* ns (TIMER_HR) or jiffies */
	int64_t randomize;   /* same unit; 0 when not given */
};

static const struct pp_family_pattern patterns[] = {
	{ "timer.s(number)", PPF_UNPRIV },
	{ "timer.s(number).randomize(number)", PPF_UNPRIV },
	{ "timer.sec(number)", PPF_UNPRIV },
	{ "timer.sec(number).randomize(number)", PPF_UNPRIV },
	{ "timer.ms(number)", PPF_UNPRIV },
	{ "timer.ms(number).randomize(number)", PPF_UNPRIV },
	{ "timer.msec(number)", PPF_UNPRIV },
	{ "timer.msec(number).randomize(number)", PPF_UNPRIV },
	{ "timer.us(number)", PPF_UNPRIV },
	{ "timer.us(number).randomize(number)", PPF_UNPRIV },
	{ "timer.usec(number)", PPF_UNPRIV },
	{ "timer.usec(number).randomize(number)", PPF_UNPRIV },
	{ "timer.ns(number)", PPF_UNPRIV },
	{ "timer.ns(number).randomize(number)", PPF_UNPRIV },
	{ "timer.nsec(number)", PPF_UNPRIV },
	{ "timer.nsec(number).randomize(number)", PPF_UNPRIV },
	{ "timer.hz(number)", PPF_UNPRIV },
	{ "timer.jiffies(number)", PPF_UNPRIV },
	{ "timer.jiffies(number).randomize(number)", PPF_UNPRIV },
	{ "timer.profile", 0 },
	{ "timer.profile.tick", 0 },
	{ NULL, 0 },
};

/* Each unit: nanoseconds per unit and the valid interval range. */
static const struct unit {
	const char *name;
	int64_t ns, lo, hi;
} units[] = {
	{ "s", 1000000000, 1, 86400 },
	{ "sec", 1000000000, 1, 86400 },
	{ "ms", 1000000, 1, 86400000 },
	{ "msec", 1000000, 1, 86400000 },
	{ "us", 1000, 100, 86400000000 },
	{ "usec", 1000, 100, 86400000000 },
	{ "ns", 1, 100000, 86400000000000 },
	{ "nsec", 1, 100000, 86400000000000 },
};

#define NS_LO 100000
#define NS_HI 86400000000000

static void resolve_jiffies(struct pp_request *req, struct timer_data *d)
{
	d->kind = TIMER_JIFFIES;
	d->period = pp_num_arg(req, 1);
	if (d->period < 1 || d->period > 1000000) {
		pp_error(req, "invalid interval for jiffies timer (1 to 1000000): %lld",
			 (long long)d->period);
		return;
	}
	if (req->point->ncomps > 2) {
		d->randomize = pp_num_arg(req, 2);
		if (d->randomize < 0 || d->randomize > d->period)
			pp_error(req, "randomization value out of range (0 to %lld): %lld",
				 (long long)d->period, (long long)d->randomize);
	}
}

static void resolve_hz(struct pp_request *req, struct timer_data *d)
{
	int64_t hz = pp_num_arg(req, 1);
	d->kind = TIMER_HR;
	if (hz <= 0) {
		pp_error(req, "frequency must be greater than 0: %lld", (long long)hz);
		return;
	}
	d->period = 1000000000 / hz;
	if (d->period < NS_LO)
		pp_error(req, "frequency out of range (at most %d hz): %lld",
			 1000000000 / NS_LO, (long long)hz);
}

static void resolve_interval(struct pp_request *req, const struct unit *u,
			     struct timer_data *d)
{
	int64_t n = pp_num_arg(req, 1);
	d->kind = TIMER_HR;
	if (n < u->lo || n > u->hi) {
		pp_error(req, "interval value out of range (%lld to %lld): %lld",
			 (long long)u->lo, (long long)u->hi, (long long)n);
		return;
	}
	d->period = n * u->ns;
	if (req->point->ncomps > 2) {
		int64_t r = pp_num_arg(req, 2);
		if (r < 0 || r > n) {
			pp_error(req, "randomization value out of range (0 to %lld): %lld",
				 (long long)n, (long long)r);
			return;
		}
		d->randomize = r * u->ns;
	}
}

static void resolve(struct pp_request *req)
{
	struct timer_data *d = arena_alloc(req->arena, sizeof(*d));
	const char *unit = req->point->comps->next->name;
	if (strcmp(unit, "profile") == 0) {
		d->kind = TIMER_PROFILE;
	} else if (strcmp(unit, "jiffies") == 0) {
		resolve_jiffies(req, d);
	} else if (strcmp(unit, "hz") == 0) {
		resolve_hz(req, d);
	} else {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(unit, units[i].name) == 0)
				resolve_interval(req, &units[i], d);
	}
	if (!req->failed)
		pp_emit(req, req->point, d);
}

static const char *emit(struct pp_table_req *e)
{
	static const char *const kinds[] = {
		[TIMER_HR] = "STP_TIMER_HR", [TIMER_JIFFIES] = "STP_TIMER_JIFFIES",
		[TIMER_PROFILE] = "STP_TIMER_PROFILE",
	};
	_Static_assert(sizeof(kinds) / sizeof(kinds[0]) == TIMER_PROFILE + 1, "timer kinds");
	fputs("static const struct stp_timer_probe stp_timer_probe[] = {\n", e->out);
	for (int i = 0; i < e->n; i++) {
		const struct timer_data *d = e->probes[i]->data;
		fprintf(e->out, "\t{ &stp_probes[%d], %s, %s, %s },\n", e->index[i], kinds[d->kind],
			emit_num(e->arena, d->period), emit_num(e->arena, d->randomize));
	}
	fputs("};\n", e->out);
	return "stp_timer_probe";
}

const struct probe_family probe_family_timer = {
	.name = "timer",
	.patterns = patterns,
	.target_vars = false,
	.resolve = resolve,
	.list_vars = NULL,
	.target_var = NULL,
	.runtime = "probes/timer.c",
	.ops = "_stp_timer_ops",
	.emit = emit,
};
