/* usyms.c - user-space addresses as names, and user stacks.
 *
 * The module carries the function symbols of the programs and libraries
 * the translator was told of (stp_module.ufiles: stap -d FILE, --ldd, the
 * files of process probes), by their place in the file.  At session start
 * each file's inode is found by its path; an address of the current
 * task's user space is then named by the mapping (vma) that holds it:
 * when the vma maps one of those inodes, the address's place in the file
 * is addr - vm_start + vm_pgoff pages, looked up in the file's symbols.
 * So a PIE or a library is named wherever it was loaded.
 *
 * The stack is walked by the files' call frame rows (.eh_frame, carried
 * when the script walks stacks): at each frame the row of its address
 * gives the CFA (rsp or rbp plus an offset), the return address at CFA -
 * 8 and where rbp was saved, which is all x86-64 code needs, with or
 * without frame pointers.  Where no row is known (a file the module does
 * not carry, code without CFI) frame pointers are followed: each frame
 * holds the caller's frame pointer, then the return address; at a
 * function's first instruction the return address is at the stack
 * pointer.  The task's memory is read with page faults off; the walk
 * stops at an unreadable frame, a zero return address, or a stack
 * pointer that does not grow.  A return address a uretprobe replaced with
 * its trampoline (ours, or anyone's) is read back from the task's uprobe
 * return instances, by the stack slot it was in.
 */
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/sched/task_stack.h>
#include <linux/uprobes.h>

static struct inode **_stp_ufile_inodes;

static int _stp_usyms_alloc(void)
{
	if (!stp_module.nufiles)
		return 0;
	_stp_ufile_inodes = kcalloc(stp_module.nufiles, sizeof(*_stp_ufile_inodes), GFP_KERNEL);
	return _stp_ufile_inodes ? 0 : -ENOMEM;
}

static void _stp_usyms_free(void)
{
	kfree(_stp_ufile_inodes);
	_stp_ufile_inodes = NULL;
}

/* Session start, process context: each file's inode (a missing file
 * just has no names). */
static void _stp_usyms_open(void)
{
	unsigned int i;

	for (i = 0; i < stp_module.nufiles; i++) {
		struct path p;

		if (kern_path(stp_module.ufiles[i].path, LOOKUP_FOLLOW, &p))
			continue;
		_stp_ufile_inodes[i] = igrab(d_inode(p.dentry));
		path_put(&p);
	}
}

/* Session stop, after every probe is gone. */
static void _stp_usyms_close(void)
{
	unsigned int i;

	for (i = 0; i < stp_module.nufiles; i++) {
		if (_stp_ufile_inodes[i])
			iput(_stp_ufile_inodes[i]);
		_stp_ufile_inodes[i] = NULL;
	}
}

/* The carried file mapped at addr in mm, and addr's place in it (*where);
 * NULL when none.  The caller holds mm's lock. */
static const struct stp_ufile *_stp_ufile_at(struct mm_struct *mm, unsigned long addr,
					     unsigned long long *where)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	struct inode *inode;
	unsigned int i;

	if (!vma || addr < vma->vm_start || !vma->vm_file)
		return NULL;
	inode = file_inode(vma->vm_file);
	for (i = 0; i < stp_module.nufiles; i++)
		if (_stp_ufile_inodes[i] == inode) {
			*where = addr - vma->vm_start +
				 ((unsigned long long)vma->vm_pgoff << PAGE_SHIFT);
			return &stp_module.ufiles[i];
		}
	return NULL;
}

/* mm of the current task, locked for reading; NULL when it has none or
 * its lock is busy (never waited for), or in NMI. */
static struct mm_struct *_stp_umm_lock(void)
{
	struct mm_struct *mm = current->mm;

	if (!stp_module.nufiles || !mm || (current->flags & PF_KTHREAD) || in_nmi() ||
	    !mmap_read_trylock(mm))
		return NULL;
	return mm;
}

/* The symbol of uf holding place where, and the offset in it. */
static const struct stp_usym *_stp_usym_in(const struct stp_ufile *uf, unsigned long long where,
					   unsigned long *off)
{
	unsigned int lo = 0, hi = uf->nsyms;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (uf->syms[mid].off <= where)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	lo--;
	if (uf->syms[lo].size && where >= uf->syms[lo].off + uf->syms[lo].size)
		return NULL;
	*off = where - uf->syms[lo].off;
	return &uf->syms[lo];
}

static const struct stp_usym *_stp_usym_find(unsigned long addr, unsigned long *off,
					     const struct stp_ufile **file)
{
	struct mm_struct *mm = _stp_umm_lock();
	const struct stp_ufile *uf = NULL;
	unsigned long long where = 0;

	if (file)
		*file = NULL;
	if (!mm)
		return NULL;
	uf = _stp_ufile_at(mm, addr, &where);
	mmap_read_unlock(mm);
	if (!uf)
		return NULL;
	if (file)
		*file = uf;
	return _stp_usym_in(uf, where, off);
}

static const char *_stp_usym_name(unsigned long addr, char *buf, size_t n)
{
	unsigned long off;
	const struct stp_usym *s = _stp_usym_find(addr, &off, NULL);

	if (!s)
		return NULL;
	strscpy(buf, s->name, n);
	return buf;
}

static const char *_stp_usym_line(unsigned long addr, char *buf, size_t n)
{
	const struct stp_ufile *uf;
	unsigned long off;
	const struct stp_usym *s = _stp_usym_find(addr, &off, &uf);

	if (s)
		snprintf(buf, n, "%s+0x%lx/0x%llx [%s]", s->name, off, s->size, uf->path);
	else
		snprintf(buf, n, "0x%lx [%s]", addr, uf ? uf->path : "unknown");
	return buf;
}

/* The call frame row of uf covering place where, or NULL. */
static const struct stp_urow *_stp_urow_in(const struct stp_ufile *uf, unsigned long long where)
{
	unsigned int lo = 0, hi = uf->nrows;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (uf->rows[mid].off <= where)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || where >= uf->rows[lo - 1].off + uf->rows[lo - 1].len)
		return NULL;
	return &uf->rows[lo - 1];
}

/* The return address read from stack slot `slot` (ra): the one a
 * uretprobe took away when it put its trampoline there. */
static unsigned long _stp_uret_orig(unsigned long slot, unsigned long ra)
{
#ifdef STP_HAVE_UPROBE_RETURN_INSTANCE
	struct return_instance *ri = current->utask ? current->utask->return_instances : NULL;

	for (; ri; ri = ri->next)
		if (ri->stack == slot)
			return ri->orig_ret_vaddr;
#endif
	return ra;
}

/* One frame up from (ip, sp, bp), by the row of ip (at, the address to
 * look it up by: a return address is looked up one byte before, in its
 * call), else by frame pointers; false at the end of the stack. */
static bool _stp_ustep(struct mm_struct *mm, unsigned long at, bool first, unsigned long *ip,
		       unsigned long *sp, unsigned long *bp)
{
	unsigned long long where = 0;
	const struct stp_ufile *uf = mm ? _stp_ufile_at(mm, at, &where) : NULL;
	const struct stp_urow *row = uf ? _stp_urow_in(uf, where) : NULL;
	unsigned long cfa, ra, frame[2], off;

	if (row) {
		cfa = (row->cfa_rbp ? *bp : *sp) + row->cfa_off;
		if (_stp_read_user(&ra, cfa - sizeof(long), sizeof(ra)))
			return false;
		if (row->rbp_off && _stp_read_user(bp, cfa + row->rbp_off, sizeof(*bp)))
			return false;
		*sp = cfa;
		*ip = _stp_uret_orig(cfa - sizeof(long), ra);
		return *ip != 0;
	}
	/* at a function's first instruction: its return address is on top */
	if (first && uf && _stp_usym_in(uf, where, &off) && off == 0) {
		if (_stp_read_user(&ra, *sp, sizeof(ra)))
			return false;
		*ip = _stp_uret_orig(*sp, ra);
		*sp += sizeof(long);
		return *ip != 0;
	}
	if (!*bp || *bp < *sp || _stp_read_user(frame, *bp, sizeof(frame)) || !frame[1])
		return false;
	*ip = _stp_uret_orig(*bp + sizeof(long), frame[1]);
	*sp = *bp + sizeof(frame);
	*bp = frame[0];
	return true;
}

static unsigned int _stp_ustack(struct context *c, unsigned long *entries, unsigned int max)
{
	struct pt_regs *regs = c->user_mode_p ? c->regs : NULL;
	unsigned long ip, sp, bp, old_sp;
	struct mm_struct *mm;
	unsigned int n = 0;

	if (!regs && current->mm && !(current->flags & PF_KTHREAD))
		regs = task_pt_regs(current);
	if (!regs || !max)
		return 0;
	ip = instruction_pointer(regs);
	sp = regs->sp;
	bp = regs->bp;
	entries[n++] = ip;
	mm = _stp_umm_lock();
	while (n < max) {
		old_sp = sp;
		if (!_stp_ustep(mm, n == 1 ? ip : ip - 1, n == 1, &ip, &sp, &bp) || sp <= old_sp)
			break;
		entries[n++] = ip;
	}
	if (mm)
		mmap_read_unlock(mm);
	return n;
}
