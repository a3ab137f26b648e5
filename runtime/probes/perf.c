/* perf.c - perf.sw / perf.hw / perf.hw_cache / perf.type().config() probes.
 *
 * Contract: the family's table is struct stp_perf_probe[] (translator/
 * probes/perf.c): type and config as in struct perf_event_attr, and a
 * sample period (or, freq, a rate in hits a second).
 * - alloc: module init; the per-CPU event pointers (and nmi_defer.c's slots).
 * - reg: session start, process context; one kernel counter per online
 *   CPU per probe (perf_event_create_kernel_counter), or for .process one
 *   on the -c/-x target task, inherited by its new children; the first
 *   failure (no such event on this machine, as in an emulator without a
 *   PMU) releases what was made and fails the start with the perf error.
 * - unreg: releases every counter (after which no overflow handler runs),
 *   then waits for any deferred hit.
 * - A hit is the counter's overflow handler, with the interrupted
 *   registers.  Hardware counters overflow in NMI: such a hit runs a
 *   moment later from nmi_defer.c's irq_work.  Software counters
 *   (cpu_clock's hrtimer, page faults, context switches) run the probe
 *   directly.
 * CPUs that come online later are not counted (as upstream).
 */
#include <linux/perf_event.h>

#include "nmi_defer.c"

struct stp_perf_probe {
	const struct stp_probe *probe;
	u32 type;
	u64 config;
	u64 period;             /* sample period, or sample frequency when freq */
	bool freq;
	bool target;            /* the -c/-x target task (and its new children) only */
};

static struct perf_event **_stp_perf_events;   /* [probe * nr_cpu_ids + cpu] */

static void _stp_perf_overflow(struct perf_event *event, struct perf_sample_data *data,
			       struct pt_regs *regs)
{
	const struct stp_perf_probe *pp = event->overflow_handler_context;

	_stp_nmi_safe_run(pp->probe, regs);
}

static int _stp_perf_alloc(const struct stp_family *f)
{
	int rc = _stp_nmi_defer_get();

	if (rc)
		return rc;
	_stp_perf_events = kvcalloc((size_t)f->nprobes * nr_cpu_ids, sizeof(*_stp_perf_events),
				    GFP_KERNEL);
	if (!_stp_perf_events) {
		_stp_nmi_defer_put();
		return -ENOMEM;
	}
	return 0;
}

static void _stp_perf_unregister(const struct stp_family *f)
{
	unsigned int i;

	for (i = 0; i < f->nprobes * nr_cpu_ids; i++) {
		if (_stp_perf_events[i])
			perf_event_release_kernel(_stp_perf_events[i]);
		_stp_perf_events[i] = NULL;
	}
	_stp_nmi_defer_sync();
}

/* A .process probe's counter: on the target task, inherited by the
 * children it makes. */
static int _stp_perf_on_target(const struct stp_perf_probe *e, struct perf_event_attr *attr,
			       struct perf_event **slot)
{
	struct task_struct *task;
	struct perf_event *ev;

	rcu_read_lock();
	task = _stp_target() ? pid_task(find_vpid(_stp_target()), PIDTYPE_PID) : NULL;
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	if (!task) {
		_stp_warn("%s: no target process (-c or -x) to count", e->probe->pp);
		return -ESRCH;
	}
	attr->inherit = 1;
	ev = perf_event_create_kernel_counter(attr, -1, task, _stp_perf_overflow, (void *)e);
	put_task_struct(task);
	if (IS_ERR(ev)) {
		_stp_warn("%s: this machine has no such perf event (type %u config 0x%llx: "
			  "error %ld)", e->probe->pp, e->type, (unsigned long long)e->config,
			  PTR_ERR(ev));
		return (int)PTR_ERR(ev);
	}
	*slot = ev;
	return 0;
}

static int _stp_perf_register(const struct stp_family *f)
{
	const struct stp_perf_probe *e = f->probes;
	unsigned int i, cpu;

	cpus_read_lock();
	for (i = 0; i < f->nprobes; i++) {
		struct perf_event_attr attr = {
			.type = e[i].type,
			.size = sizeof(attr),
			.config = e[i].config,
			.freq = e[i].freq,
			.sample_period = e[i].period,
		};

		if (e[i].target) {
			int rc = _stp_perf_on_target(&e[i], &attr,
						     &_stp_perf_events[i * nr_cpu_ids]);

			if (rc) {
				cpus_read_unlock();
				_stp_perf_unregister(f);
				return rc;
			}
			continue;
		}

		for_each_online_cpu(cpu) {
			struct perf_event *ev = perf_event_create_kernel_counter(
				&attr, cpu, NULL, _stp_perf_overflow, (void *)&e[i]);

			if (IS_ERR(ev)) {
				cpus_read_unlock();
				_stp_warn("%s: this machine has no such perf event "
					  "(type %u config 0x%llx, cpu %u: error %ld)", e[i].probe->pp,
					  e[i].type, (unsigned long long)e[i].config, cpu, PTR_ERR(ev));
				_stp_perf_unregister(f);
				return (int)PTR_ERR(ev);
			}
			_stp_perf_events[i * nr_cpu_ids + cpu] = ev;
		}
	}
	cpus_read_unlock();
	return 0;
}

static void _stp_perf_free(const struct stp_family *f)
{
	kvfree(_stp_perf_events);
	_stp_perf_events = NULL;
	_stp_nmi_defer_put();
}

static const char *_stp_perf_type(const struct stp_family *f, const struct stp_probe *p)
{
	const struct stp_perf_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (e[i].probe == p)
			return "perf_event";
	return NULL;
}

static const struct stp_family_ops _stp_perf_ops = {
	.name = "perf",
	.alloc = _stp_perf_alloc,
	.reg = _stp_perf_register,
	.unreg = _stp_perf_unregister,
	.free = _stp_perf_free,
	.type_of = _stp_perf_type,
};
