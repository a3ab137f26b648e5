/* uprobe.c - probes on programs and shared libraries: function entries
 * and returns, statements and SDT markers, as (file, offset) uprobes.
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
 *   return, with the registers then ($return is ax).
 * - An entry with a program (a library's probe) fires only in processes
 *   running that program: its filter keeps the breakpoint out of other
 *   processes, and the handler checks again (the filter is advice).
 * - A failure of an optional entry (from a wildcard, or a `?` point) is
 *   skipped and counted in one warning; any other failure unwinds all and
 *   fails the session, saying why.
 * - unreg: uprobe_unregister() returns only when no handler of that
 *   consumer runs and none can start (the uprobe's register_rwsem), and a
 *   return still pending in some process after it calls nothing.  The
 *   inodes are released after.
 * Handlers run in the probed task, in process context with preemption
 * on, user registers in regs: _stp_probe_run() takes this CPU's context.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uprobes.h>

struct stp_uprobe_probe {
	const struct stp_probe *probe;
	const char *path;               /* the file, as the script named it */
	const char *program;            /* only in processes of this program; NULL: any */
	unsigned long long offset;      /* in the file */
	unsigned long long sem_offset;  /* the semaphore in the file; 0: none */
	bool ret;                       /* a uretprobe */
	bool optional;                  /* a failure skips it */
};

struct _stp_up_slot {
	struct uprobe_consumer uc;
	const struct stp_uprobe_probe *e;
	struct inode *inode;
	struct inode *program;          /* e->program's inode, or NULL */
	bool registered;
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

static int _stp_up_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct _stp_up_slot *s = container_of(uc, struct _stp_up_slot, uc);

	if (s->program && !_stp_up_mm_runs(current->mm, s->program))
		return 0;
	_stp_probe_run(s->e->probe, regs);
	return 0;
}

static int _stp_up_return(struct uprobe_consumer *uc, unsigned long func, struct pt_regs *regs)
{
	return _stp_up_hit(uc, regs);
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
	rc = uprobe_register_refctr(inode, e->offset, e->sem_offset, &s->uc);
	if (rc) {
		iput(inode);
		s->inode = NULL;
		if (s->program)
			iput(s->program);
		s->program = NULL;
	}
	return rc;
}

static int _stp_up_alloc(const struct stp_family *f)
{
	_stp_up_slots = kcalloc(f->nprobes, sizeof(*_stp_up_slots), GFP_KERNEL);
	return _stp_up_slots ? 0 : -ENOMEM;
}

static void _stp_up_free(const struct stp_family *f)
{
	kfree(_stp_up_slots);
	_stp_up_slots = NULL;
}

static void _stp_up_unregister(const struct stp_family *f)
{
	unsigned int i;

	for (i = 0; i < f->nprobes; i++) {
		struct _stp_up_slot *s = &_stp_up_slots[i];

		if (!s->registered)
			continue;
		uprobe_unregister(s->inode, s->e->offset, &s->uc);
		iput(s->inode);
		if (s->program)
			iput(s->program);
		s->inode = s->program = NULL;
		s->registered = false;
	}
}

static int _stp_up_register(const struct stp_family *f)
{
	const struct stp_uprobe_probe *e = f->probes;
	unsigned int i, skipped = 0;
	const char *first = NULL;
	int rc, first_rc = 0;

	for (i = 0; i < f->nprobes; i++) {
		struct _stp_up_slot *s = &_stp_up_slots[i];

		s->e = &e[i];
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
		if (e[i].probe == p)
			return e[i].ret ? "uretprobe" : "uprobe";
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
