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
 * The stack is walked by frame pointers (each frame: the caller's frame
 * pointer, then the return address), reading the task's memory with page
 * faults off.  At a function's first instruction (a function probe) the
 * frame is not built yet: the return address is at the stack pointer and
 * the frame pointer is still the caller's.  Code built without frame
 * pointers (-O2's default) gives a short or wrong stack: .eh_frame
 * unwinding is not done yet.
 */
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/sched/task_stack.h>

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

static const struct stp_usym *_stp_usym_find(unsigned long addr, unsigned long *off,
					     const struct stp_ufile **file)
{
	struct mm_struct *mm = current->mm;
	const struct stp_ufile *uf = NULL;
	struct vm_area_struct *vma;
	unsigned long long where = 0;
	unsigned int i, lo, hi;

	if (file)
		*file = NULL;
	if (!stp_module.nufiles || !mm || (current->flags & PF_KTHREAD) || in_nmi() ||
	    !mmap_read_trylock(mm))
		return NULL;
	vma = find_vma(mm, addr);
	if (vma && addr >= vma->vm_start && vma->vm_file) {
		struct inode *inode = file_inode(vma->vm_file);

		for (i = 0; i < stp_module.nufiles && !uf; i++)
			if (_stp_ufile_inodes[i] == inode)
				uf = &stp_module.ufiles[i];
		where = addr - vma->vm_start + ((unsigned long long)vma->vm_pgoff << PAGE_SHIFT);
	}
	mmap_read_unlock(mm);
	if (!uf)
		return NULL;
	if (file)
		*file = uf;
	/* the last symbol starting at or before where */
	lo = 0;
	hi = uf->nsyms;
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

static unsigned int _stp_ustack(struct context *c, unsigned long *entries, unsigned int max)
{
	struct pt_regs *regs = c->user_mode_p ? c->regs : NULL;
	unsigned long fp, ret, frame[2], off;
	unsigned int n = 0;

	if (!regs && current->mm && !(current->flags & PF_KTHREAD))
		regs = task_pt_regs(current);
	if (!regs || !max)
		return 0;
	entries[n++] = instruction_pointer(regs);
	fp = regs->bp;
	/* at a function's entry, its return address is on top of the stack */
	if (n < max && _stp_usym_find(entries[0], &off, NULL) && off == 0 &&
	    !_stp_read_user(&ret, regs->sp, sizeof(ret)) && ret)
		entries[n++] = ret;
	while (n < max && fp) {
		if (_stp_read_user(frame, fp, sizeof(frame)) || !frame[1])
			break;
		entries[n++] = frame[1];
		/* a caller's frame is above its callee's */
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
	return n;
}
