/* uprobe.c - probes on programs and shared libraries: function entries
 * and returns, statements, SDT markers and PLT entries, as (file, offset)
 * uprobes.
 *
 * Contract: the family's table is struct stp_uprobe_probe[] (pass 3,
 * translator/probes/uprobe.c), one entry per probe:
 * - reg finds each file by its path when the session starts (kern_path,
 *   symlinks followed) and registers a uprobe on (its inode, offset): the
 *   kernel puts the breakpoint into every process that maps the file, now
 *   and later, so a program started after this still hits it.  A marker's
 *   semaphore (sem_offset) is the uprobe's reference counter: the kernel
 *   raises it in each such process while the probe is on.
 * - A .return entry is a uretprobe: ret_handler runs at the function's
 *   return, with the registers then ($return is ax).  When it uses @entry
 *   (or parameters), its entry half runs at the function's entry from a
 *   second consumer at the same place, saving entry_size bytes in a slot
 *   of the entry's own table keyed by (task, stack pointer at the call):
 *   at the return the stack pointer is 8 bytes above it (the return
 *   address popped), which finds the slot again, for recursion and
 *   threads alike.  A call that never returns (longjmp, an exception)
 *   leaves its slot, which a later call may take over; a return whose
 *   slot is gone sees zeros and is counted.
 * - An entry with a program (a library's probe) fires only in processes
 *   running that program: its filter keeps the breakpoint out of other
 *   processes, and the handler checks again (the filter is advice).  An
 *   entry with a pid (process(PID)) fires only in that process.
 * - A failure of an optional entry (from a wildcard, or a `?` point) is
 *   skipped and counted in one warning; any other failure unwinds all and
 *   fails the session, saying why.
 * - unreg: uprobe_unregister() returns only when no handler of that
 *   consumer runs and none can start (the uprobe's register_rwsem), and a
 *   return still pending in some process after it calls nothing.  The
 *   inodes are released after.
 * Handlers run in the probed task, in process context with preemption
 * on, user registers in regs: _stp_probe_run() takes this CPU's context.
 * With -c or -x they run only in the target's process tree, as upstream's
 * (a process outside it hits the breakpoint, and nothing runs).
 */
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uprobes.h>

struct stp_uprobe_probe {
	const struct stp_probe *probe;
	const struct stp_probe *entry;  /* .return with @entry: its entry half */
	const char *path;               /* the file, as the script named it */
	const char *program;            /* only in processes of this program; NULL: any */
	long pid;                       /* only in this process (process(PID)); 0: any */
	unsigned long long offset;      /* in the file */
	unsigned long long sem_offset;  /* the semaphore in the file; 0: none */
	bool ret;                       /* a uretprobe */
	bool optional;                  /* a failure skips it */
	unsigned int entry_size;        /* @entry bytes per call */
};

#define STP_UENTRY_SLOTS 1024           /* calls in flight per .return probe */

/* One call's @entry values. */
struct _stp_uentry {
	pid_t tid;                      /* 0: free */
	unsigned long sp;               /* the stack pointer at the call */
	char data[];                    /* entry_size bytes */
};

struct _stp_up_slot {
	struct uprobe_consumer uc;
	struct uprobe_consumer entry_uc;        /* runs the entry half */
	const struct stp_uprobe_probe *e;
	struct inode *inode;
	struct inode *program;          /* e->program's inode, or NULL */
	bool registered;
	bool entry_registered;
	/* the @entry values of calls in flight */
	raw_spinlock_t lock;
	char *calls;                    /* STP_UENTRY_SLOTS of _stp_up_call_size() */
	char *zeros;                    /* what a return whose values are gone reads */
	atomic_t lost;
};

static struct _stp_up_slot *_stp_up_slots;

/* Whether mm runs the program whose inode is `program`. */
static bool _stp_up_mm_runs(struct mm_struct *mm, struct inode *program)
{
	struct file *exe;
	bool yes;

	if (!mm)
		return false;
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	yes = exe && file_inode(exe) == program;
	rcu_read_unlock();
	return yes;
}

static bool _stp_up_filter(struct uprobe_consumer *uc, enum uprobe_filter_ctx ctx,
			   struct mm_struct *mm)
{
	struct _stp_up_slot *s = container_of(uc, struct _stp_up_slot, uc);

	return !s->program || _stp_up_mm_runs(mm, s->program);
}

/* Whether this hit's task is one the probe is for. */
static bool _stp_up_wanted(struct _stp_up_slot *s)
{
	return (!s->e->pid || current->tgid == s->e->pid) &&
	       (!s->program || _stp_up_mm_runs(current->mm, s->program)) &&
	       _stp_in_target_tree(current);
}

static int _stp_up_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct _stp_up_slot *s = container_of(uc, struct _stp_up_slot, uc);

	if (!_stp_up_wanted(s))
		return 0;
	_stp_probe_run(s->e->probe, regs);
	return 0;
}

static size_t _stp_up_call_size(const struct stp_uprobe_probe *e)
{
	return ALIGN(sizeof(struct _stp_uentry) + e->entry_size, 8);
}

static struct _stp_uentry *_stp_up_call(struct _stp_up_slot *s, unsigned int i)
{
	return (struct _stp_uentry *)(s->calls + i * _stp_up_call_size(s->e));
}

/* The slot of call (tid, sp): found, or (take) a free one, else the one
 * its hash names (a stale call's, most likely); NULL when not found. */
static struct _stp_uentry *_stp_up_call_slot(struct _stp_up_slot *s, pid_t tid,
					     unsigned long sp, bool take)
{
	unsigned int h = hash_long(sp ^ ((unsigned long)tid << 32), 32) % STP_UENTRY_SLOTS;
	struct _stp_uentry *c, *free = NULL;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		c = _stp_up_call(s, (h + i) % STP_UENTRY_SLOTS);
		if (c->tid == tid && c->sp == sp)
			return c;
		if (!c->tid && !free)
			free = c;
	}
	if (!take)
		return NULL;
	if (!free) {
		free = _stp_up_call(s, h);
		atomic_inc(&s->lost);
	}
	free->tid = tid;
	free->sp = sp;
	return free;
}

static int _stp_up_entry_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct _stp_up_slot *s = container_of(uc, struct _stp_up_slot, entry_uc);
	struct _stp_uentry *c;
	unsigned long flags;

	if (!_stp_up_wanted(s))
		return 0;
	raw_spin_lock_irqsave(&s->lock, flags);
	c = _stp_up_call_slot(s, current->pid, regs->sp, true);
	raw_spin_unlock_irqrestore(&s->lock, flags);
	/* only this task uses the slot until its return frees it; a skipped
	 * entry half leaves zeros, not an older call's values */
	memset(c->data, 0, s->e->entry_size);
	_stp_probe_run_saved(s->e->entry, regs, c->data);
	return 0;
}
static int _stp_up_return(struct uprobe_consumer *uc, unsigned long func, struct pt_regs *regs)
{
	struct _stp_up_slot *s = container_of(uc, struct _stp_up_slot, uc);
	struct _stp_uentry *c;
	unsigned long flags;

	if (!_stp_up_wanted(s))
		return 0;
	if (!s->e->entry_size) {
		_stp_probe_run(s->e->probe, regs);
		return 0;
	}
	/* the return popped the return address the call pushed */
	raw_spin_lock_irqsave(&s->lock, flags);
	c = _stp_up_call_slot(s, current->pid, regs->sp - sizeof(long), false);
	raw_spin_unlock_irqrestore(&s->lock, flags);
	if (!c)
		atomic_inc(&s->lost);
	_stp_probe_run_saved(s->e->probe, regs, c ? c->data : s->zeros);
	if (c) {
		raw_spin_lock_irqsave(&s->lock, flags);
		c->tid = 0;
		raw_spin_unlock_irqrestore(&s->lock, flags);
	}
	return 0;
}

/* The inode of the file at path, referenced; an ERR_PTR when there is
 * none, or it is not a regular file. */
static struct inode *_stp_up_inode(const char *path)
{
	struct path p;
	struct inode *inode;
	int rc = kern_path(path, LOOKUP_FOLLOW, &p);

	if (rc)
		return ERR_PTR(rc);
	inode = d_inode(p.dentry);
	inode = S_ISREG(inode->i_mode) ? igrab(inode) : NULL;
	path_put(&p);
	return inode ? inode : ERR_PTR(-EISDIR);
}

static const char *_stp_up_why(int rc)
{
	switch (rc) {
	case -ENOENT:
		return "no such file";
	case -EISDIR:
		return "not a regular file";
	case -EINVAL:
		return "the kernel refuses a uprobe there (not an instruction, or the "
		       "semaphore differs from another probe's at that place)";
	case -ENOMEM:
		return "out of memory";
	default:
		return "registration failed";
	}
}

static int _stp_up_register_one(struct _stp_up_slot *s)
{
	const struct stp_uprobe_probe *e = s->e;
	struct inode *inode = _stp_up_inode(e->path);
	int rc;

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	s->inode = inode;
	if (e->program) {
		struct inode *prog = _stp_up_inode(e->program);

		if (IS_ERR(prog)) {
			iput(inode);
			s->inode = NULL;
			return PTR_ERR(prog);
		}
		s->program = prog;
	}
	memset(&s->uc, 0, sizeof(s->uc));
	if (e->ret)
		s->uc.ret_handler = _stp_up_return;
	else
		s->uc.handler = _stp_up_hit;
	if (e->program)
		s->uc.filter = _stp_up_filter;
	/* the entry half is a consumer of its own at the same place */
	rc = uprobe_register_refctr(inode, e->offset, e->sem_offset, &s->uc);
	if (!rc && e->entry_size) {
		memset(&s->entry_uc, 0, sizeof(s->entry_uc));
		s->entry_uc.handler = _stp_up_entry_hit;
		s->entry_uc.filter = s->uc.filter;
		rc = uprobe_register_refctr(inode, e->offset, e->sem_offset, &s->entry_uc);
		if (rc)
			uprobe_unregister(inode, e->offset, &s->uc);
		s->entry_registered = !rc;
	}
	if (rc) {
		iput(inode);
		s->inode = NULL;
		if (s->program)
			iput(s->program);
		s->program = NULL;
	}
	return rc;
}

static void _stp_up_free(const struct stp_family *f)
{
	unsigned int i;

	for (i = 0; _stp_up_slots && i < f->nprobes; i++) {
		kvfree(_stp_up_slots[i].calls);
		kfree(_stp_up_slots[i].zeros);
	}
	kfree(_stp_up_slots);
	_stp_up_slots = NULL;
}

static int _stp_up_alloc(const struct stp_family *f)
{
	const struct stp_uprobe_probe *e = f->probes;
	unsigned int i;

	_stp_up_slots = kcalloc(f->nprobes, sizeof(*_stp_up_slots), GFP_KERNEL);
	if (!_stp_up_slots)
		return -ENOMEM;
	for (i = 0; i < f->nprobes; i++) {
		struct _stp_up_slot *s = &_stp_up_slots[i];

		s->e = &e[i];
		raw_spin_lock_init(&s->lock);
		if (!e[i].entry_size)
			continue;
		s->calls = kvcalloc(STP_UENTRY_SLOTS, _stp_up_call_size(&e[i]), GFP_KERNEL);
		s->zeros = kzalloc(e[i].entry_size, GFP_KERNEL);
		if (!s->calls || !s->zeros) {
			_stp_up_free(f);
			return -ENOMEM;
		}
	}
	return 0;
}

static void _stp_up_unregister(const struct stp_family *f)
{
	unsigned int i, lost = 0;

	for (i = 0; i < f->nprobes; i++) {
		struct _stp_up_slot *s = &_stp_up_slots[i];

		if (!s->registered)
			continue;
		if (s->entry_registered)
			uprobe_unregister(s->inode, s->e->offset, &s->entry_uc);
		s->entry_registered = false;
		uprobe_unregister(s->inode, s->e->offset, &s->uc);
		lost += atomic_xchg(&s->lost, 0);
		iput(s->inode);
		if (s->program)
			iput(s->program);
		s->inode = s->program = NULL;
		s->registered = false;
	}
	if (lost)
		_stp_warn("%u function returns lost their @entry values (more than %d calls in "
			  "flight, or calls that never returned)", lost, STP_UENTRY_SLOTS);
}

static int _stp_up_register(const struct stp_family *f)
{
	const struct stp_uprobe_probe *e = f->probes;
	unsigned int i, skipped = 0;
	const char *first = NULL;
	int rc, first_rc = 0;

	for (i = 0; i < f->nprobes; i++) {
		struct _stp_up_slot *s = &_stp_up_slots[i];

		if (s->calls)
			memset(s->calls, 0, STP_UENTRY_SLOTS * _stp_up_call_size(&e[i]));
		rc = _stp_up_register_one(s);
		if (!rc) {
			s->registered = true;
			continue;
		}
		if (!e[i].optional) {
			_stp_msg("ERROR: ", "cannot probe %s at offset 0x%llx: %s (%d)", e[i].path,
				 e[i].offset, _stp_up_why(rc), rc);
			_stp_up_unregister(f);
			return rc;
		}
		if (!skipped++) {
			first = e[i].path;
			first_rc = rc;
		}
	}
	if (skipped)
		_stp_warn("%u of %u program probes could not be placed and were skipped "
			  "(the first, in %s: %s)", skipped, f->nprobes, first, _stp_up_why(first_rc));
	return 0;
}

static const char *_stp_up_type(const struct stp_family *f, const struct stp_probe *p)
{
	const struct stp_uprobe_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (e[i].probe == p || e[i].entry == p)
			return e[i].ret && e[i].probe == p ? "uretprobe" : "uprobe";
	return NULL;
}

static const struct stp_family_ops _stp_uprobe_ops = {
	.name = "uprobe",
	.type_of = _stp_up_type,
	.alloc = _stp_up_alloc,
	.reg = _stp_up_register,
	.unreg = _stp_up_unregister,
	.free = _stp_up_free,
};
