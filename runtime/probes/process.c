/* process.c - the life of processes and their system calls:
 * process[("PATH"|PID)].begin, .end, .thread.begin, .thread.end,
 * .syscall and .syscall.return.
 *
 * Contract: the family's table is struct stp_process_probe[] (pass 3,
 * translator/probes/process.c), one entry per probe: its event, and the
 * program (path) or process (pid) it is limited to (neither: every user
 * process).  Kernel threads are never reported.
 *
 * Events come from the scheduler's and the system call tracepoints, and
 * each probe runs in the task the event is about (pid(), execname() and
 * the user registers are its):
 * - A new process or thread cannot run a probe while it is being made
 *   (sched_process_fork runs in its parent), so it is marked pending and
 *   its begin (or thread.begin) probes run at its first return to user
 *   space: the sys_exit tracepoint of the fork (or clone) it returns from.
 *   A process running at session start is marked pending too: its begin
 *   probes run when its current system call returns (one blocked for
 *   ever never reports).
 * - exec (sched_process_exec, in the task): the end probes of the
 *   program it ran, then the begin probes of the program it runs now.
 * - exit (sched_process_exit, in the task): its last thread runs the end
 *   probes, any other its thread.end probes.  The task's memory is gone by
 *   then, so which programs a process ran is remembered from its begin
 *   (the tracked table).
 * - .syscall (sys_enter): $syscall and $arg1..$arg6 in c->args;
 *   .syscall.return (sys_exit): $syscall and $return.
 * A program is matched by the inode of the file it runs (found by path at
 * session start), as uprobes are.  With -c or -x only the target's
 * process tree is reported, as upstream's.
 *
 * The pending and tracked tables are fixed (no allocation in a probe):
 * an event that finds one full is lost and counted, and the count is
 * reported at the end.
 * - reg: finds the inodes, registers the tracepoints the table needs,
 *   marks the processes already running as pending (begin probes only).
 * - unreg: unregisters them and waits until no handler runs.
 */
#include <asm/syscall.h>
#include <linux/binfmts.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/namei.h>
#include <linux/sched/signal.h>
#include <linux/tracepoint.h>

enum stp_process_event {
	STP_PROC_BEGIN,
	STP_PROC_END,
	STP_PROC_THREAD_BEGIN,
	STP_PROC_THREAD_END,
	STP_PROC_SYSCALL,
	STP_PROC_SYSCALL_RETURN,
};

struct stp_process_probe {
	const struct stp_probe *probe;
	enum stp_process_event event;
	const char *path;               /* only processes running this program */
	long pid;                       /* only this process (0: any) */
};

#define STP_PROC_MAX_PATHS 64
#define STP_PROC_PENDING 1024   /* tasks between creation and first run */
#define STP_PROC_TRACKED 4096   /* processes running a named program */

static const struct stp_family *_stp_proc_family;
/* per entry: its path's index in _stp_proc_inodes, or -1 */
static int *_stp_proc_path;
static struct inode *_stp_proc_inodes[STP_PROC_MAX_PATHS];
static unsigned int _stp_proc_npaths;
static unsigned int _stp_proc_events;   /* bit per stp_process_event present */
static atomic_t _stp_proc_lost = ATOMIC_INIT(0);

/* ---- the tables: open addressing, keys never 0 ---- */

static DEFINE_RAW_SPINLOCK(_stp_proc_lock);
static pid_t _stp_pending_tid[STP_PROC_PENDING];
static u8 _stp_pending_event[STP_PROC_PENDING];
static atomic_t _stp_pending_n = ATOMIC_INIT(0);
static pid_t _stp_tracked_tgid[STP_PROC_TRACKED];
static u64 _stp_tracked_paths[STP_PROC_TRACKED];

static unsigned int _stp_proc_hash(pid_t id, unsigned int size)
{
	return hash_32((u32)id, ilog2(size));
}

/* Mark task tid pending for event (STP_PROC_BEGIN or THREAD_BEGIN): its
 * slot if it has one, else the chain's first free one (0, or a taken
 * one's -1). */
static void _stp_pending_add(pid_t tid, enum stp_process_event event)
{
	unsigned int i, k = _stp_proc_hash(tid, STP_PROC_PENDING);
	unsigned long flags;
	int free = -1;

	raw_spin_lock_irqsave(&_stp_proc_lock, flags);
	for (i = 0; i < STP_PROC_PENDING; i++, k = (k + 1) % STP_PROC_PENDING) {
		if (_stp_pending_tid[k] == tid) {
			free = k;
			break;
		}
		if (_stp_pending_tid[k] <= 0 && free < 0)
			free = k;
		if (!_stp_pending_tid[k])
			break;
	}
	if (free >= 0) {
		if (_stp_pending_tid[free] != tid)
			atomic_inc(&_stp_pending_n);
		WRITE_ONCE(_stp_pending_tid[free], tid);
		_stp_pending_event[free] = event;
	}
	raw_spin_unlock_irqrestore(&_stp_proc_lock, flags);
	if (free < 0)
		atomic_inc(&_stp_proc_lost);
}

/* The slot of tid in the pending table, or -1; without the lock it is a
 * guess (every system call's return asks: most tasks have none). */
static int _stp_pending_find(pid_t tid)
{
	unsigned int i, k = _stp_proc_hash(tid, STP_PROC_PENDING);
	pid_t t;

	for (i = 0; i < STP_PROC_PENDING; i++, k = (k + 1) % STP_PROC_PENDING) {
		t = READ_ONCE(_stp_pending_tid[k]);
		if (t == tid)
			return k;
		if (!t)
			break;
	}
	return -1;
}

/* Take tid's pending event: its event, or -1 when it has none.  A taken
 * slot becomes -1 (a tombstone: later keys may lie past it). */
static int _stp_pending_take(pid_t tid)
{
	unsigned long flags;
	int k, event = -1;

	if (_stp_pending_find(tid) < 0)
		return -1;
	raw_spin_lock_irqsave(&_stp_proc_lock, flags);
	k = _stp_pending_find(tid);
	if (k >= 0) {
		WRITE_ONCE(_stp_pending_tid[k], -1);
		event = _stp_pending_event[k];
		atomic_dec(&_stp_pending_n);
	}
	raw_spin_unlock_irqrestore(&_stp_proc_lock, flags);
	return event;
}

/* The tracked slot of tgid (create: a free one if it has none), or -1;
 * under _stp_proc_lock. */
static int _stp_tracked_slot(pid_t tgid, bool create)
{
	unsigned int i, k = _stp_proc_hash(tgid, STP_PROC_TRACKED);
	int free = -1;

	for (i = 0; i < STP_PROC_TRACKED && _stp_tracked_tgid[k]; i++,
	     k = (k + 1) % STP_PROC_TRACKED) {
		if (_stp_tracked_tgid[k] == tgid)
			return k;
		if (_stp_tracked_tgid[k] < 0 && free < 0)
			free = k;
	}
	if (!create)
		return -1;
	if (free < 0 && i < STP_PROC_TRACKED)
		free = k;
	if (free >= 0)
		_stp_tracked_tgid[free] = tgid;
	return free;
}

/* Process tgid runs the programs of mask now (0: none any more); returns
 * the programs it ran before. */
static u64 _stp_tracked_set(pid_t tgid, u64 mask)
{
	unsigned long flags;
	u64 old = 0;
	int k;

	raw_spin_lock_irqsave(&_stp_proc_lock, flags);
	k = _stp_tracked_slot(tgid, mask != 0);
	if (k >= 0) {
		old = _stp_tracked_paths[k];
		_stp_tracked_paths[k] = mask;
		if (!mask)
			_stp_tracked_tgid[k] = -1;
	} else if (mask) {
		atomic_inc(&_stp_proc_lost);
	}
	raw_spin_unlock_irqrestore(&_stp_proc_lock, flags);
	return old;
}

static u64 _stp_tracked_get(pid_t tgid)
{
	unsigned long flags;
	u64 mask = 0;
	int k;

	raw_spin_lock_irqsave(&_stp_proc_lock, flags);
	k = _stp_tracked_slot(tgid, false);
	if (k >= 0)
		mask = _stp_tracked_paths[k];
	raw_spin_unlock_irqrestore(&_stp_proc_lock, flags);
	return mask;
}

/* ---- matching ---- */

/* The programs (bits of path indexes) mm runs. */
static u64 _stp_proc_mm_paths(struct mm_struct *mm)
{
	struct inode *inode = NULL;
	struct file *exe;
	unsigned int i;
	u64 mask = 0;

	if (!mm || !_stp_proc_npaths)
		return 0;
	rcu_read_lock();
	exe = rcu_dereference(mm->exe_file);
	if (exe)
		inode = file_inode(exe);
	rcu_read_unlock();
	for (i = 0; inode && i < _stp_proc_npaths; i++)
		if (_stp_proc_inodes[i] == inode)
			mask |= 1ull << i;
	return mask;
}

/* A user task of the target's tree (with -c or -x, as upstream's). */
static bool _stp_proc_user_task(struct task_struct *t)
{
	return !(t->flags & (PF_KTHREAD | PF_IO_WORKER)) && _stp_in_target_tree(t);
}

/* Run the probes of event whose program is in paths (and, with
 * any_program, those that name none) and whose pid (if any) is the
 * current process. */
static void _stp_proc_run(enum stp_process_event event, u64 paths, bool any_program,
			  const int64_t *args)
{
	const struct stp_process_probe *e = _stp_proc_family->probes;
	struct pt_regs *regs = task_pt_regs(current);
	unsigned int i;

	for (i = 0; i < _stp_proc_family->nprobes; i++) {
		if (e[i].event != event || (e[i].pid && e[i].pid != current->tgid))
			continue;
		if (_stp_proc_path[i] >= 0 ? !(paths & (1ull << _stp_proc_path[i])) : !any_program)
			continue;
		_stp_probe_run_args(e[i].probe, regs, args);
	}
}

/* A pending task's first return to user space: its begin probes (those
 * of a named program only if an exec has not run them already). */
static void _stp_proc_begin_now(int event)
{
	u64 paths = _stp_proc_mm_paths(current->mm), before = 0;

	if (event == STP_PROC_BEGIN && paths)
		before = _stp_tracked_set(current->tgid, paths);
	_stp_proc_run(event, paths & ~before, true, NULL);
}

/* ---- the tracepoints ---- */

static void _stp_proc_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	u64 paths;

	if (!_stp_proc_user_task(child))
		return;
	if (child->pid == child->tgid) {
		/* a copy of a process runs its program: remembered now, or by its
		 * begin (which then runs the named programs' probes) */
		if (_stp_proc_events & (1u << STP_PROC_BEGIN)) {
			_stp_pending_add(child->pid, STP_PROC_BEGIN);
		} else if (_stp_proc_npaths) {
			paths = _stp_tracked_get(parent->tgid);
			if (paths)
				_stp_tracked_set(child->tgid, paths);
		}
	} else if (_stp_proc_events & (1u << STP_PROC_THREAD_BEGIN)) {
		_stp_pending_add(child->pid, STP_PROC_THREAD_BEGIN);
	}
}

static void _stp_proc_exec(void *data, struct task_struct *p, pid_t old_pid,
			   struct linux_binprm *bprm)
{
	u64 now = _stp_proc_mm_paths(current->mm);
	u64 before = _stp_tracked_set(current->tgid, now);

	/* the program it ran ends; the one it runs begins (a named program
	 * only: a process that execs is still the same process) */
	if (before & ~now)
		_stp_proc_run(STP_PROC_END, before & ~now, false, NULL);
	if (now & ~before)
		_stp_proc_run(STP_PROC_BEGIN, now & ~before, false, NULL);
}

static void _stp_proc_exit(void *data, struct task_struct *p)
{
	bool last = atomic_read(&p->signal->live) == 0;
	u64 paths;

	if (!_stp_proc_user_task(p))
		return;
	if (atomic_read(&_stp_pending_n))
		_stp_pending_take(p->pid);   /* it never ran */
	paths = last ? _stp_tracked_set(p->tgid, 0) : _stp_tracked_get(p->tgid);
	_stp_proc_run(last ? STP_PROC_END : STP_PROC_THREAD_END, paths, true, NULL);
}

static void _stp_proc_sys_enter(void *data, struct pt_regs *regs, long id)
{
	int64_t args[7];

	if (!_stp_proc_user_task(current))
		return;
	args[0] = id;
	args[1] = (int64_t)regs->di;
	args[2] = (int64_t)regs->si;
	args[3] = (int64_t)regs->dx;
	args[4] = (int64_t)regs->r10;
	args[5] = (int64_t)regs->r8;
	args[6] = (int64_t)regs->r9;
	_stp_proc_run(STP_PROC_SYSCALL, _stp_proc_mm_paths(current->mm), true, args);
}

static void _stp_proc_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	int64_t args[2];
	int event;

	if (unlikely(atomic_read(&_stp_pending_n))) {
		event = _stp_pending_take(current->pid);
		if (event >= 0)
			_stp_proc_begin_now(event);
	}
	if (!(_stp_proc_events & (1u << STP_PROC_SYSCALL_RETURN)) ||
	    !_stp_proc_user_task(current))
		return;
	args[0] = syscall_get_nr(current, regs);
	args[1] = ret;
	_stp_proc_run(STP_PROC_SYSCALL_RETURN, _stp_proc_mm_paths(current->mm), true, args);
}

struct _stp_proc_tp {
	const char *name;
	void *fn;
	unsigned int events;            /* it serves these */
	struct tracepoint *tp;          /* found, and registered while set */
};

#define STP_PROC_BIT(e) (1u << (e))
static struct _stp_proc_tp _stp_proc_tps[] = {
	{ "sched_process_fork", _stp_proc_fork,
	  STP_PROC_BIT(STP_PROC_BEGIN) | STP_PROC_BIT(STP_PROC_THREAD_BEGIN) |
	  STP_PROC_BIT(STP_PROC_END) | STP_PROC_BIT(STP_PROC_THREAD_END) },
	{ "sched_process_exec", _stp_proc_exec,
	  STP_PROC_BIT(STP_PROC_BEGIN) | STP_PROC_BIT(STP_PROC_END) |
	  STP_PROC_BIT(STP_PROC_THREAD_END) },
	{ "sched_process_exit", _stp_proc_exit,
	  STP_PROC_BIT(STP_PROC_BEGIN) | STP_PROC_BIT(STP_PROC_END) |
	  STP_PROC_BIT(STP_PROC_THREAD_BEGIN) | STP_PROC_BIT(STP_PROC_THREAD_END) },
	{ "sys_enter", _stp_proc_sys_enter, STP_PROC_BIT(STP_PROC_SYSCALL) },
	{ "sys_exit", _stp_proc_sys_exit,
	  STP_PROC_BIT(STP_PROC_BEGIN) | STP_PROC_BIT(STP_PROC_THREAD_BEGIN) |
	  STP_PROC_BIT(STP_PROC_SYSCALL_RETURN) },
};

static void _stp_proc_find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(_stp_proc_tps); i++)
		if (!strcmp(tp->name, _stp_proc_tps[i].name))
			_stp_proc_tps[i].tp = tp;
}

/* ---- registration ---- */

static int _stp_proc_alloc(const struct stp_family *f)
{
	_stp_proc_path = kcalloc(f->nprobes, sizeof(*_stp_proc_path), GFP_KERNEL);
	return _stp_proc_path ? 0 : -ENOMEM;
}

static void _stp_proc_free(const struct stp_family *f)
{
	kfree(_stp_proc_path);
	_stp_proc_path = NULL;
}

static void _stp_proc_put_inodes(void)
{
	while (_stp_proc_npaths)
		iput(_stp_proc_inodes[--_stp_proc_npaths]);
}

static void _stp_proc_unregister(const struct stp_family *f)
{
	unsigned int i;
	bool any = false;
	int lost;

	for (i = 0; i < ARRAY_SIZE(_stp_proc_tps); i++) {
		if (!_stp_proc_tps[i].tp)
			continue;
		tracepoint_probe_unregister(_stp_proc_tps[i].tp, _stp_proc_tps[i].fn, NULL);
		_stp_proc_tps[i].tp = NULL;
		any = true;
	}
	if (any)
		tracepoint_synchronize_unregister();
	_stp_proc_put_inodes();
	lost = atomic_xchg(&_stp_proc_lost, 0);
	if (lost)
		_stp_warn("%d process events were not reported: more than %d new tasks at once, "
			  "or %d processes of the named programs", lost, STP_PROC_PENDING,
			  STP_PROC_TRACKED);
}

/* Each probe's program, by inode (entries naming one file share it). */
static int _stp_proc_find_paths(const struct stp_family *f)
{
	const struct stp_process_probe *e = f->probes;
	unsigned int i, k;

	for (i = 0; i < f->nprobes; i++) {
		struct path p;
		struct inode *inode;
		int rc;

		_stp_proc_path[i] = -1;
		if (!e[i].path)
			continue;
		rc = kern_path(e[i].path, LOOKUP_FOLLOW, &p);
		if (rc) {
			_stp_msg("ERROR: ", "cannot watch %s: no such program (%d)", e[i].path, rc);
			return rc;
		}
		inode = d_inode(p.dentry);
		for (k = 0; k < _stp_proc_npaths && _stp_proc_inodes[k] != inode; k++)
			;
		if (k == _stp_proc_npaths) {
			if (k == STP_PROC_MAX_PATHS) {
				path_put(&p);
				_stp_msg("ERROR: ", "more than %d programs named in process probes",
					 STP_PROC_MAX_PATHS);
				return -E2BIG;
			}
			_stp_proc_inodes[_stp_proc_npaths++] = igrab(inode);
		}
		path_put(&p);
		_stp_proc_path[i] = k;
	}
	return 0;
}

/* The processes running at start: with begin probes each is pending
 * (they run when it next returns to user space, and remember its
 * program); else the named program each runs is remembered now, for its
 * end probes. */
static void _stp_proc_running(void)
{
	bool begin = _stp_proc_events & (1u << STP_PROC_BEGIN);
	struct task_struct *p;
	u64 paths;

	rcu_read_lock();
	for_each_process(p) {
		if (!_stp_proc_user_task(p) || p->exit_state)
			continue;
		/* p->mm does not change under the task lock */
		task_lock(p);
		paths = p->mm ? _stp_proc_mm_paths(p->mm) : 0;
		task_unlock(p);
		if (begin && p->mm)
			_stp_pending_add(p->pid, STP_PROC_BEGIN);
		else if (paths)
			_stp_tracked_set(p->tgid, paths);
	}
	rcu_read_unlock();
}

static int _stp_proc_register(const struct stp_family *f)
{
	const struct stp_process_probe *e = f->probes;
	unsigned int i;
	int rc;

	_stp_proc_family = f;
	_stp_proc_events = 0;
	for (i = 0; i < f->nprobes; i++)
		_stp_proc_events |= 1u << e[i].event;
	memset(_stp_pending_tid, 0, sizeof(_stp_pending_tid));
	memset(_stp_tracked_tgid, 0, sizeof(_stp_tracked_tgid));
	atomic_set(&_stp_pending_n, 0);
	rc = _stp_proc_find_paths(f);
	if (rc)
		goto fail;
	for_each_kernel_tracepoint(_stp_proc_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(_stp_proc_tps); i++) {
		struct _stp_proc_tp *t = &_stp_proc_tps[i];
		struct tracepoint *tp = t->tp;

		t->tp = NULL;
		if (!(t->events & _stp_proc_events))
			continue;
		rc = tp ? tracepoint_probe_register(tp, t->fn, NULL) : -ENOENT;
		if (rc) {
			_stp_msg("ERROR: ", "cannot register tracepoint %s (%d)", t->name, rc);
			while (++i < ARRAY_SIZE(_stp_proc_tps))
				_stp_proc_tps[i].tp = NULL;
			goto fail;
		}
		t->tp = tp;
	}
	_stp_proc_running();
	return 0;
fail:
	_stp_proc_unregister(f);
	return rc;
}

static const char *_stp_proc_type(const struct stp_family *f, const struct stp_probe *p)
{
	const struct stp_process_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (e[i].probe == p)
			return e[i].event >= STP_PROC_SYSCALL ? "utrace_syscall" : "utrace";
	return NULL;
}

static const struct stp_family_ops _stp_process_ops = {
	.name = "process",
	.type_of = _stp_proc_type,
	.alloc = _stp_proc_alloc,
	.reg = _stp_proc_register,
	.unreg = _stp_proc_unregister,
	.free = _stp_proc_free,
};
