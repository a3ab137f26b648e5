/* nmi_defer.c - running a probe hit that arrives in NMI (hardware perf
 * counter overflows, hardware watchpoints, whose #DB the kernel treats as
 * an NMI) where the transport and the globals' locks may not be taken:
 * they may be held by the very code the NMI interrupted.
 *
 * Such a hit copies the interrupted registers into this CPU's slot and
 * queues an irq_work, which runs the probe on the same CPU as soon as the
 * NMI returns, with the copy.  One hit per CPU can wait so; a hit while
 * one waits is a skipped hit, counted (from the irq_work, as counting
 * may end the session) like any other.  A hit outside NMI runs at once.
 *
 * Included by each family that needs it (perf.c, hwbkpt.c); the slots are
 * shared, allocated at the first family's alloc and freed at the last's
 * free.
 */
#ifndef STP_NMI_DEFER_C
#define STP_NMI_DEFER_C

#include <linux/irq_work.h>

struct stp_nmi_defer {
	struct irq_work work;
	const struct stp_probe *probe;  /* NULL: the slot is free */
	struct pt_regs regs;
	atomic_t lost;                  /* hits while the slot was taken */
};

static struct stp_nmi_defer __percpu *_stp_nmi_defer;
static unsigned int _stp_nmi_defer_users;

static void _stp_nmi_deferred(struct irq_work *work)
{
	struct stp_nmi_defer *d = container_of(work, struct stp_nmi_defer, work);
	const struct stp_probe *probe = READ_ONCE(d->probe);
	struct pt_regs regs = d->regs;
	int lost = atomic_xchg(&d->lost, 0);

	barrier();      /* the copy is taken before the slot is freed */
	WRITE_ONCE(d->probe, NULL);
	while (lost-- > 0)
		_stp_skip();
	if (probe)
		_stp_probe_run(probe, &regs);
}

/* Run probe for a hit with registers regs, now or, in NMI, a moment later. */
static void _stp_nmi_safe_run(const struct stp_probe *probe, struct pt_regs *regs)
{
	struct stp_nmi_defer *d;

	if (!in_nmi()) {
		_stp_probe_run(probe, regs);
		return;
	}
	d = this_cpu_ptr(_stp_nmi_defer);
	if (READ_ONCE(d->probe)) {
		atomic_inc(&d->lost);
		return;
	}
	d->regs = *regs;
	barrier();
	WRITE_ONCE(d->probe, probe);
	irq_work_queue(&d->work);
}

/* Module init (a family's alloc): the slots, made by the first user. */
static int _stp_nmi_defer_get(void)
{
	unsigned int cpu;

	if (_stp_nmi_defer_users++)
		return 0;
	_stp_nmi_defer = alloc_percpu(struct stp_nmi_defer);
	if (!_stp_nmi_defer) {
		_stp_nmi_defer_users = 0;
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		init_irq_work(&per_cpu_ptr(_stp_nmi_defer, cpu)->work, _stp_nmi_deferred);
	return 0;
}

/* After a family's handlers can no longer run: wait for deferred hits. */
static void _stp_nmi_defer_sync(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(_stp_nmi_defer, cpu)->work);
}

/* Module exit (a family's free): the last user frees the slots. */
static void _stp_nmi_defer_put(void)
{
	if (_stp_nmi_defer_users && !--_stp_nmi_defer_users) {
		free_percpu(_stp_nmi_defer);
		_stp_nmi_defer = NULL;
	}
}

#endif
