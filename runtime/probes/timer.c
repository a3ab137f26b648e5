/* timer.c - timer.s/ms/us/ns/hz, timer.jiffies and timer.profile probes.
 *
 * Contract: the family's table (runtime.h struct stp_family) is struct
 * stp_timer_probe[]; pass 3 has turned s/ms/us/hz into a period in ns
 * (STP_TIMER_HR) and jiffies into jiffies (STP_TIMER_JIFFIES); randomize
 * is in the same unit.
 * - alloc/free: module init/exit, the only allocations.
 * - reg: session start, process context; arms every timer (arming an
 *   allocated timer cannot fail).  unreg returns when no callback runs any
 *   more and none is armed (hrtimer_cancel and timer_delete_sync wait).
 * - HR timers are relative hrtimers forwarded by one period (plus a
 *   random [-r, r]) on each firing, from the expiry that fired (no clock
 *   read) except every STP_TIMER_RESYNC-th firing, which forwards from
 *   now and so skips periods a late timer missed; jiffies timers re-arm themselves with
 *   mod_timer until told to stop; timer.profile is one pinned hrtimer per
 *   online CPU at HZ whose hits see the interrupted registers.
 */
#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/random.h>
#include <linux/math64.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <asm/irq_regs.h>

#ifndef STP_TIMER_MIN_NS
#define STP_TIMER_MIN_NS 1000   /* shortest HR period: a tighter timer would starve the CPU */
#endif
/* A late HR timer replays at most this many missed periods (_stp_hr_fire). */
#define STP_TIMER_RESYNC 16

enum stp_timer_kind { STP_TIMER_HR, STP_TIMER_JIFFIES, STP_TIMER_PROFILE };

struct stp_timer_probe {
	const struct stp_probe *probe;
	enum stp_timer_kind kind;
	int64_t period;                 /* ns (HR) or jiffies */
	int64_t randomize;              /* same unit; 0 none */
};

struct stp_timer_cpu {              /* timer.profile: one per CPU */
	struct hrtimer hr;
	const struct stp_probe *probe;
};

struct stp_timer {
	const struct stp_timer_probe *tp;
	struct hrtimer hr;                      /* STP_TIMER_HR */
	struct timer_list jt;                   /* STP_TIMER_JIFFIES */
	bool stopping;                          /* jiffies: do not re-arm */
	unsigned int fired;                     /* HR: firings, for STP_TIMER_RESYNC */
	struct stp_timer_cpu __percpu *pcpu;    /* STP_TIMER_PROFILE */
};

static struct stp_timer *_stp_timers;
static unsigned int _stp_timers_live;   /* _stp_timers[0..live) are armed */

/* period + a uniform random value in [-r, r] (r 0: no randomness),
 * never below min. */
static u64 _stp_timer_next(int64_t period, int64_t r, int64_t min)
{
	int64_t v = period;

	if (r > 0) {
		u64 rem;

		div64_u64_rem(get_random_u64(), (u64)(2 * r + 1), &rem);
		v += (int64_t)rem - r;
	}
	return max(v, min);
}

/* ---- timer.s/ms/us/ns/hz ---- */

static enum hrtimer_restart _stp_hr_fire(struct hrtimer *hr)
{
	struct stp_timer *t = container_of(hr, struct stp_timer, hr);
	const struct stp_timer_probe *tp = t->tp;
	u64 next = _stp_timer_next(tp->period, tp->randomize, STP_TIMER_MIN_NS);

	/* Reading the clock costs as much as a small probe: the next expiry
	 * is one period after this one (as upstream schedules it), and only
	 * every STP_TIMER_RESYNC-th firing goes from now.  An expiry already
	 * past fires again at once, so a timer that fell behind (a stalled
	 * machine, hits slower than the period) catches up with a bounded
	 * burst instead of replaying everything it missed. */
	if (++t->fired % STP_TIMER_RESYNC)
		hrtimer_add_expires_ns(hr, next);
	else
		hrtimer_forward_now(hr, ns_to_ktime(next));
	_stp_probe_run(tp->probe, NULL);
	return HRTIMER_RESTART;
}

static void _stp_hr_start(struct stp_timer *t)
{
	const struct stp_timer_probe *tp = t->tp;

	_stp_hrtimer_setup(&t->hr, _stp_hr_fire, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	hrtimer_start(&t->hr, ns_to_ktime(_stp_timer_next(tp->period, tp->randomize,
							  STP_TIMER_MIN_NS)),
		      HRTIMER_MODE_REL);
}

/* ---- timer.jiffies ---- */

static void _stp_jiffies_fire(struct timer_list *jt)
{
	struct stp_timer *t = _stp_timer_container_of(t, jt, jt);
	const struct stp_timer_probe *tp = t->tp;

	_stp_probe_run(tp->probe, NULL);
	if (!READ_ONCE(t->stopping))
		mod_timer(jt, jiffies + _stp_timer_next(tp->period, tp->randomize, 1));
}

static void _stp_jiffies_start(struct stp_timer *t)
{
	const struct stp_timer_probe *tp = t->tp;

	t->stopping = false;
	timer_setup(&t->jt, _stp_jiffies_fire, 0);
	mod_timer(&t->jt, jiffies + _stp_timer_next(tp->period, tp->randomize, 1));
}

/* ---- timer.profile ---- */

static enum hrtimer_restart _stp_profile_fire(struct hrtimer *hr)
{
	struct stp_timer_cpu *tc = container_of(hr, struct stp_timer_cpu, hr);

	hrtimer_forward_now(hr, ns_to_ktime(NSEC_PER_SEC / HZ));
	_stp_probe_run(tc->probe, get_irq_regs());
	return HRTIMER_RESTART;
}

/* On each CPU (IPI): a pinned timer must be started where it runs. */
static void _stp_profile_start_here(void *arg)
{
	struct stp_timer *t = arg;
	struct stp_timer_cpu *tc = this_cpu_ptr(t->pcpu);

	hrtimer_start(&tc->hr, ns_to_ktime(NSEC_PER_SEC / HZ), HRTIMER_MODE_REL_PINNED);
}

static void _stp_profile_start(struct stp_timer *t)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct stp_timer_cpu *tc = per_cpu_ptr(t->pcpu, cpu);

		_stp_hrtimer_setup(&tc->hr, _stp_profile_fire, CLOCK_MONOTONIC,
				   HRTIMER_MODE_REL_PINNED);
		tc->probe = t->tp->probe;
	}
	on_each_cpu(_stp_profile_start_here, t, 1);
}

static void _stp_profile_stop(struct stp_timer *t)
{
	unsigned int cpu;

	/* Every possible CPU's timer was initialized; one on a CPU that
	 * went offline since has been migrated, and hrtimer_cancel finds
	 * it wherever it is. */
	for_each_possible_cpu(cpu)
		hrtimer_cancel(&per_cpu_ptr(t->pcpu, cpu)->hr);
}

/* ---- all timers ---- */

static void _stp_timer_stop(struct stp_timer *t)
{
	switch (t->tp->kind) {
	case STP_TIMER_HR:
		hrtimer_cancel(&t->hr);
		break;
	case STP_TIMER_JIFFIES:
		WRITE_ONCE(t->stopping, true);
		/* Waits for a running callback; it may have re-armed the
		 * timer just before seeing stopping, which this removes. */
		_stp_timer_delete_sync(&t->jt);
		break;
	case STP_TIMER_PROFILE:
		_stp_profile_stop(t);
		break;
	}
}

static int _stp_timers_register(const struct stp_family *f)
{
	for (_stp_timers_live = 0; _stp_timers_live < f->nprobes; _stp_timers_live++) {
		struct stp_timer *t = &_stp_timers[_stp_timers_live];

		switch (t->tp->kind) {
		case STP_TIMER_HR:
			_stp_hr_start(t);
			break;
		case STP_TIMER_JIFFIES:
			_stp_jiffies_start(t);
			break;
		case STP_TIMER_PROFILE:
			_stp_profile_start(t);
			break;
		}
	}
	return 0;       /* arming a timer cannot fail once it is allocated */
}

static void _stp_timers_unregister(const struct stp_family *f)
{
	while (_stp_timers_live)
		_stp_timer_stop(&_stp_timers[--_stp_timers_live]);
}

static void _stp_timers_free(const struct stp_family *f)
{
	unsigned int i;

	if (!_stp_timers)
		return;
	for (i = 0; i < f->nprobes; i++)
		free_percpu(_stp_timers[i].pcpu);
	kvfree(_stp_timers);
	_stp_timers = NULL;
}

static int _stp_timers_alloc(const struct stp_family *f)
{
	const struct stp_timer_probe *tp = f->probes;
	unsigned int i;

	_stp_timers = kvcalloc(f->nprobes, sizeof(*_stp_timers), GFP_KERNEL);
	if (!_stp_timers)
		return -ENOMEM;
	for (i = 0; i < f->nprobes; i++) {
		struct stp_timer *t = &_stp_timers[i];

		t->tp = &tp[i];
		if (t->tp->kind != STP_TIMER_PROFILE)
			continue;
		t->pcpu = alloc_percpu(struct stp_timer_cpu);
		if (!t->pcpu)
			goto fail;
	}
	return 0;
fail:
	_stp_timers_free(f);
	return -ENOMEM;
}

/* timer.profile says "perf_event", as systemtap 4.8's does on kernels
 * without the old profile hook (it runs from a perf event there). */
static const char *_stp_timer_type(const struct stp_family *f, const struct stp_probe *p)
{
	static const char *const types[] = {
		[STP_TIMER_HR] = "hrtimer", [STP_TIMER_JIFFIES] = "timer",
		[STP_TIMER_PROFILE] = "perf_event",
	};
	const struct stp_timer_probe *tp = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (tp[i].probe == p)
			return types[tp[i].kind];
	return NULL;
}

static const struct stp_family_ops _stp_timer_ops = {
	.name = "timer",
	.type_of = _stp_timer_type,
	.alloc = _stp_timers_alloc,
	.reg = _stp_timers_register,
	.unreg = _stp_timers_unregister,
	.free = _stp_timers_free,
};
