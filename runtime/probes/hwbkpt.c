/* hwbkpt.c - kernel.data(...).write / .rw hardware watchpoints.
 *
 * Contract: the family's table is struct stp_hwbkpt_probe[] (translator/
 * probes/hwbkpt.c): an address, or a pointer to the symbol's slot of the
 * ksym table staprun filled at load time; a length the debug registers
 * take (1, 2, 4, 8) and whether reads count too.
 * - alloc: nmi_defer.c's slots.
 * - reg: session start, process context; register_wide_hw_breakpoint for
 *   each (one debug register on every CPU); the first failure (a symbol
 *   kallsyms does not have, no free debug register, a machine without
 *   them) unregisters what was registered and fails the start, saying
 *   which probe and why.
 * - unreg: unregister_wide_hw_breakpoint (no handler runs after it), then
 *   waits for a deferred hit.
 * - A hit follows the access that triggered it (x86 watchpoints trap
 *   after the instruction), with its registers: the kernel runs the
 *   handler from the debug exception, which it treats as an NMI, so the
 *   probe runs a moment later from nmi_defer.c's irq_work.
 */
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#include "nmi_defer.c"

struct stp_hwbkpt_probe {
	const struct stp_probe *probe;
	struct perf_event *__percpu **event;
	unsigned long addr;             /* when ksym is NULL */
	const unsigned long *ksym;      /* the symbol's address, from staprun */
	int len;
	bool rw;
};

static void _stp_hwbkpt_hit(struct perf_event *bp, struct perf_sample_data *data,
			    struct pt_regs *regs)
{
	const struct stp_hwbkpt_probe *hp = bp->overflow_handler_context;

	_stp_nmi_safe_run(hp->probe, regs);
}

static int _stp_hwbkpt_alloc(const struct stp_family *f)
{
	return _stp_nmi_defer_get();
}

static void _stp_hwbkpt_unregister(const struct stp_family *f)
{
	const struct stp_hwbkpt_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++) {
		if (*e[i].event)
			unregister_wide_hw_breakpoint(*e[i].event);
		*e[i].event = NULL;
	}
	_stp_nmi_defer_sync();
}

static int _stp_hwbkpt_register(const struct stp_family *f)
{
	const struct stp_hwbkpt_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++) {
		struct perf_event_attr attr;
		struct perf_event *__percpu *ev;
		unsigned long addr = e[i].ksym ? *e[i].ksym : e[i].addr;

		if (!addr) {
			_stp_warn("%s: the kernel has no such symbol", e[i].probe->pp);
			_stp_hwbkpt_unregister(f);
			return -ENOENT;
		}
		hw_breakpoint_init(&attr);
		attr.bp_addr = addr;
		attr.bp_len = e[i].len == 8 ? HW_BREAKPOINT_LEN_8 : e[i].len == 4 ?
			HW_BREAKPOINT_LEN_4 : e[i].len == 2 ? HW_BREAKPOINT_LEN_2 : HW_BREAKPOINT_LEN_1;
		attr.bp_type = e[i].rw ? HW_BREAKPOINT_RW : HW_BREAKPOINT_W;
		ev = register_wide_hw_breakpoint(&attr, _stp_hwbkpt_hit, (void *)&e[i]);
		if (IS_ERR((void __force *)ev)) {
			int rc = PTR_ERR((void __force *)ev);

			_stp_warn("%s: cannot watch 0x%lx (%d bytes): error %d%s", e[i].probe->pp,
				  addr, e[i].len, rc,
				  rc == -ENOSPC ? " (no free debug register)" : "");
			_stp_hwbkpt_unregister(f);
			return rc;
		}
		*e[i].event = ev;
	}
	return 0;
}

static void _stp_hwbkpt_free(const struct stp_family *f)
{
	_stp_nmi_defer_put();
}

static const char *_stp_hwbkpt_type(const struct stp_family *f, const struct stp_probe *p)
{
	const struct stp_hwbkpt_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (e[i].probe == p)
			return "hw_breakpoint";
	return NULL;
}

static const struct stp_family_ops _stp_hwbkpt_ops = {
	.name = "kernel.data",
	.alloc = _stp_hwbkpt_alloc,
	.reg = _stp_hwbkpt_register,
	.unreg = _stp_hwbkpt_unregister,
	.free = _stp_hwbkpt_free,
	.type_of = _stp_hwbkpt_type,
};
