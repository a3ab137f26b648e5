/* kprobe.c - kernel function probes: kernel.function, module().function,
 * kprobe.function, kprobe.module().function and the .absolute statements,
 * at function entry (kprobes) or return (kretprobes).
 *
 * Contract: the family's table is struct stp_kprobe_probe[] (pass 3,
 * translator/probes/kprobe.c), one entry per probed function:
 * - the kernel finds the address: by symbol name ("vfs_read", or
 *   "MODULE:name" for a module's function, which kallsyms resolves in a
 *   loaded module) or, for .absolute statements, the address itself;
 * - a .return entry is a kretprobe; when the probe uses @entry, its entry
 *   half (a probe of its own in stp_probes[]) runs at function entry with
 *   c->entry_saved pointing at entry_size bytes of the call's kretprobe
 *   instance, and the .return probe runs with the same bytes at return.
 * - alloc: one kprobe or kretprobe per entry (nothing is allocated later).
 * - reg: registers each one.  A failure of an entry that is `optional`
 *   (derived from a wildcard, or a `?` point) skips it and is counted in
 *   one warning; any other failure unwinds all and fails the session,
 *   saying why in words.
 * - A module's function whose module is not loaded at start (-ENOENT)
 *   waits: a module notifier registers it when the module comes (its
 *   symbols are known by then and its code has not run yet) and
 *   unregisters it before the module goes, as often as that happens.
 * - unreg: stops the notifier, unregisters the registered ones in
 *   batches (one RCU grace period per batch, not per probe: a
 *   1,000-function wildcard unloads in a moment), then reports kretprobe
 *   calls missed for lack of instances (.maxactive).
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/slab.h>

struct stp_kprobe_probe {
	const struct stp_probe *probe;  /* runs at the hit: entry, or return */
	const struct stp_probe *entry;  /* .return with @entry: its entry half */
	const char *symbol;             /* "vfs_read", "ext4:ext4_file_open"; NULL: addr */
	const char *module;             /* "ext4" (as lsmod spells it); NULL: vmlinux */
	unsigned long addr;             /* .absolute: the address; with a symbol:
					   the offset from it (a statement) */
	bool ret;                       /* a kretprobe */
	bool optional;                  /* a failure skips it */
	int maxactive;                  /* kretprobe instances; 0: the kernel's default */
	unsigned int entry_size;        /* @entry bytes per call */
};

struct _stp_kp_slot {
	union {
		struct kprobe kp;
		struct kretprobe krp;
	} u;
	const struct stp_kprobe_probe *e;
	const struct stp_probe *probe;  /* e->probe, one load nearer the hit */
	bool registered;
	bool waiting;                   /* for its module to be loaded */
};

static struct _stp_kp_slot *_stp_kp_slots;
static void **_stp_kp_batch;            /* unregister_k(ret)probes() argument */
/* The slots' registered/waiting flags change under this once the module
 * notifier is on (it runs in process context, like reg and unreg). */
static DEFINE_MUTEX(_stp_kp_mutex);
static const struct stp_family *_stp_kp_family;
static bool _stp_kp_notifier_on;

/* The kernel calls a kprobe's handler with the instruction pointer past
 * the breakpoint (int3, or ftrace made to look like it); the script sees
 * the probed address itself, as addr(), backtraces and print_regs()
 * should say.  The kernel's own value goes back before returning: its
 * int3 path emulates or single-steps the probed instruction from it.
 * Every kprobe handler runs with preemption off (the int3 handler with
 * interrupts off, ftrace's with preemption off, kretprobe handlers under
 * kprobe_busy_begin()), which _stp_probe_run_kernel*() rely on. */
static notrace int _stp_kp_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct _stp_kp_slot *s = container_of(kp, struct _stp_kp_slot, u.kp);
	unsigned long ip = instruction_pointer(regs);

	instruction_pointer_set(regs, (unsigned long)kp->addr);
	_stp_probe_run_kernel(s->probe, regs);
	instruction_pointer_set(regs, ip);
	return 0;
}

static notrace int _stp_kp_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kretprobe *rp = get_kretprobe(ri);
	struct _stp_kp_slot *s = container_of(rp, struct _stp_kp_slot, u.krp);
	unsigned long ip = instruction_pointer(regs);

	if (s->e->entry_size) {
		/* A skipped entry half (a busy context) leaves zeros, not the
		 * previous call's values. */
		memset(ri->data, 0, s->e->entry_size);
		if (s->e->entry) {
			instruction_pointer_set(regs, (unsigned long)rp->kp.addr);
			_stp_probe_run_kernel_saved(s->e->entry, regs, ri->data);
			instruction_pointer_set(regs, ip);
		}
	}
	return 0;
}

static notrace int _stp_kp_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct _stp_kp_slot *s = container_of(get_kretprobe(ri), struct _stp_kp_slot, u.krp);

	_stp_probe_run_kernel_saved(s->probe, regs, s->e->entry_size ? ri->data : NULL);
	return 0;
}

static const char *_stp_kp_why(int rc)
{
	switch (rc) {
	case -EINVAL:
		return "the kernel refuses kprobes there (blacklisted, notrace, "
		       "or not an instruction boundary)";
	case -ENOENT:
		return "no such symbol in the running kernel";
	case -EILSEQ:
		return "not at an instruction boundary";
	case -EBUSY:
		return "the address is busy (another kprobe or ftrace user)";
	case -ENOMEM:
		return "out of memory";
	default:
		return "registration failed";
	}
}

static const char *_stp_kp_name(const struct stp_kprobe_probe *e, char *buf, size_t n)
{
	if (e->symbol)
		return e->symbol;
	snprintf(buf, n, "0x%lx", e->addr);
	return buf;
}

static int _stp_kp_register_one(struct _stp_kp_slot *s)
{
	const struct stp_kprobe_probe *e = s->e;
	struct kprobe *kp = e->ret ? &s->u.krp.kp : &s->u.kp;

	memset(&s->u, 0, sizeof(s->u));
	if (e->symbol) {
		kp->symbol_name = e->symbol;
		kp->offset = e->addr;
	} else {
		kp->addr = (kprobe_opcode_t *)e->addr;
	}
	if (!e->ret) {
		kp->pre_handler = _stp_kp_pre;
		return register_kprobe(kp);
	}
	s->u.krp.handler = _stp_kp_return;
	s->u.krp.entry_handler = e->entry_size ? _stp_kp_entry : NULL;
	s->u.krp.data_size = e->entry_size;
	s->u.krp.maxactive = e->maxactive;
	return register_kretprobe(&s->u.krp);
}

static int _stp_kp_alloc(const struct stp_family *f)
{
	_stp_kp_slots = kcalloc(f->nprobes, sizeof(*_stp_kp_slots), GFP_KERNEL);
	_stp_kp_batch = kcalloc(f->nprobes, sizeof(*_stp_kp_batch), GFP_KERNEL);
	if (!_stp_kp_slots || !_stp_kp_batch)
		return -ENOMEM;
	return 0;
}

static void _stp_kp_free(const struct stp_family *f)
{
	kfree(_stp_kp_slots);
	kfree(_stp_kp_batch);
	_stp_kp_slots = NULL;
	_stp_kp_batch = NULL;
}

static void _stp_kp_unregister_one(struct _stp_kp_slot *s)
{
	if (s->e->ret)
		unregister_kretprobe(&s->u.krp);
	else
		unregister_kprobe(&s->u.kp);
	s->registered = false;
}

/* ---- module functions: armed while their module is loaded ---- */

/* The slot registered k-th of n, or -1 when k is a turn of the other
 * kind.  Probes of one address run in script order (the table's), as
 * upstream's do: the kernel runs the kprobes of an address newest first,
 * so they register last to first; and it runs the returns of one call
 * in the reverse of their entries, so kretprobes register first to last
 * (their entries run last to first).  k goes from 0 to 2n - 1. */
static int _stp_kp_turn(const struct stp_kprobe_probe *e, unsigned int n, unsigned int k)
{
	unsigned int i = k < n ? k : 2 * n - 1 - k;

	return e[i].ret == (k < n) ? (int)i : -1;
}

static int _stp_kp_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct module *mod = data;
	unsigned int n = _stp_kp_family->nprobes, k;
	int i, rc;

	if (val != MODULE_STATE_COMING && val != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&_stp_kp_mutex);
	for (k = 0; k < 2 * n; k++) {
		struct _stp_kp_slot *s;

		i = _stp_kp_turn(_stp_kp_family->probes, n, k);
		if (i < 0)
			continue;
		s = &_stp_kp_slots[i];
		if (!s->e->module || strcmp(s->e->module, mod->name) != 0)
			continue;
		if (val == MODULE_STATE_COMING && s->waiting) {
			rc = _stp_kp_register_one(s);
			if (rc)
				_stp_warn("cannot probe %s: %s (%d)", s->e->symbol, _stp_kp_why(rc), rc);
			s->registered = !rc;
			s->waiting = !!rc;
		} else if (val == MODULE_STATE_GOING && s->registered) {
			_stp_kp_unregister_one(s);
			s->waiting = true;
		}
	}
	mutex_unlock(&_stp_kp_mutex);
	return NOTIFY_OK;
}

static struct notifier_block _stp_kp_nb = { .notifier_call = _stp_kp_notify };

static void _stp_kp_unregister(const struct stp_family *f)
{
	unsigned int i, n = 0;
	unsigned long missed = 0;

	/* No notifier call runs once this returns. */
	if (_stp_kp_notifier_on) {
		unregister_module_notifier(&_stp_kp_nb);
		_stp_kp_notifier_on = false;
	}
	mutex_lock(&_stp_kp_mutex);

	for (i = 0; i < f->nprobes; i++)
		if (_stp_kp_slots[i].registered && !_stp_kp_slots[i].e->ret)
			_stp_kp_batch[n++] = &_stp_kp_slots[i].u.kp;
	if (n)
		unregister_kprobes((struct kprobe **)_stp_kp_batch, n);
	n = 0;
	for (i = 0; i < f->nprobes; i++)
		if (_stp_kp_slots[i].registered && _stp_kp_slots[i].e->ret)
			_stp_kp_batch[n++] = &_stp_kp_slots[i].u.krp;
	if (n)
		unregister_kretprobes((struct kretprobe **)_stp_kp_batch, n);
	for (i = 0; i < f->nprobes; i++) {
		struct _stp_kp_slot *s = &_stp_kp_slots[i];

		if (s->registered && s->e->ret)
			missed += s->u.krp.nmissed;
		s->registered = false;
		s->waiting = false;
	}
	mutex_unlock(&_stp_kp_mutex);
	if (missed)
		_stp_warn("%lu function returns were not probed: all of their kretprobe "
			  "instances were in use (raise .maxactive(N))", missed);
}

static int _stp_kp_register(const struct stp_family *f)
{
	const struct stp_kprobe_probe *e = f->probes;
	unsigned int k, skipped = 0, waiting = 0;
	const char *first = NULL;
	int i, rc, first_rc = 0;
	char buf[24];

	_stp_kp_family = f;
	for (k = 0; k < f->nprobes; k++) {
		_stp_kp_slots[k].e = &e[k];
		_stp_kp_slots[k].probe = e[k].probe;
	}
	/* in script order at each address (_stp_kp_turn) */
	for (k = 0; k < 2 * f->nprobes; k++) {
		struct _stp_kp_slot *s;

		i = _stp_kp_turn(e, f->nprobes, k);

		if (i < 0)
			continue;
		s = &_stp_kp_slots[i];
		rc = _stp_kp_register_one(s);
		if (!rc) {
			s->registered = true;
			continue;
		}
		if (rc == -ENOENT && e[i].module) {
			/* (most likely) its module is not loaded yet */
			s->waiting = true;
			waiting++;
			continue;
		}
		if (!e[i].optional) {
			_stp_msg("ERROR: ", "cannot probe %s: %s (%d)",
				 _stp_kp_name(&e[i], buf, sizeof(buf)), _stp_kp_why(rc), rc);
			_stp_kp_unregister(f);
			return rc;
		}
		if (!skipped++) {
			first = e[i].symbol;
			first_rc = rc;
		}
	}
	if (waiting) {
		rc = register_module_notifier(&_stp_kp_nb);
		if (rc) {
			_stp_msg("ERROR: ", "cannot watch modules for their functions (%d)", rc);
			_stp_kp_unregister(f);
			return rc;
		}
		_stp_kp_notifier_on = true;
	}
	if (skipped)
		_stp_warn("%u of %u kernel functions could not be probed and were skipped "
			  "(the first, %s: %s)", skipped, f->nprobes, first ? first : "?",
			  _stp_kp_why(first_rc));
	return 0;
}

/* A .return probe's entry half runs in the kretprobe's entry handler. */
static const char *_stp_kp_type(const struct stp_family *f, const struct stp_probe *p)
{
	const struct stp_kprobe_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (e[i].probe == p || e[i].entry == p)
			return e[i].ret ? "kretprobe" : "kprobe";
	return NULL;
}

static const struct stp_family_ops _stp_kprobe_ops = {
	.name = "kprobe",
	.type_of = _stp_kp_type,
	.alloc = _stp_kp_alloc,
	.reg = _stp_kp_register,
	.unreg = _stp_kp_unregister,
	.free = _stp_kp_free,
};
