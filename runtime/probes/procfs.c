/* procfs.c - the files of procfs probes, under /proc/systemtap/MODULE.
 *
 * Contract: the family's table is struct stp_procfs_probe[] (pass 3,
 * translator/probes/procfs.c), one entry per probe, at most one read
 * probe per path and any number of write probes.
 * - alloc: one file per path (its probes paired up), nothing else later.
 * - reg: creates /proc/systemtap (if no module has yet), MODULE and each
 *   file with the directories its path names; all or none.
 * - unreg: removes MODULE's tree; proc_remove() returns only when no
 *   reader or writer is inside a file's operations.  /proc/systemtap
 *   itself stays: another module may be using it, and an empty directory
 *   costs nothing.
 * - A reader's open() gets a buffer of the file's size; its first read()
 *   runs the read probe, which fills it ($value = / .=); the reads go on
 *   from that text until its end.  Each open has its own text, so
 *   readers do not disturb one another.
 * - A write() runs the write probes (in script order) with the bytes
 *   written, MAXSTRINGLEN-1 at a time, so a long write runs them once per
 *   piece and nothing is lost.
 * Probes run in the reader's or writer's process context (the hit's
 * MAXACTION is MAXACTION_INTERRUPTIBLE, as begin and end probes have).
 */
#include <linux/namei.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#ifndef STP_PROCFS_BUFSIZE
#define STP_PROCFS_BUFSIZE MAXSTRINGLEN
#endif

struct stp_procfs_probe {
	const struct stp_probe *probe;
	const char *path;               /* relative to /proc/systemtap/MODULE */
	bool write;
	unsigned short umask;
	int64_t maxsize;                /* read buffer; 0: STP_PROCFS_BUFSIZE */
};

struct _stp_procfs_file {
	const char *path;
	const struct stp_procfs_probe *read, *write;   /* write: the first one */
	size_t bufsize;
};

struct _stp_procfs_open {
	const struct _stp_procfs_file *file;
	struct stp_procfs_io io;
	bool filled;
};

static const struct stp_family *_stp_procfs_family;
static struct _stp_procfs_file *_stp_procfs_files;
static unsigned int _stp_procfs_nfiles;
static struct proc_dir_entry *_stp_procfs_dir;   /* /proc/systemtap/MODULE */

static int _stp_procfs_alloc(const struct stp_family *f)
{
	const struct stp_procfs_probe *e = f->probes;
	unsigned int i, k;

	_stp_procfs_family = f;
	_stp_procfs_files = kcalloc(f->nprobes, sizeof(*_stp_procfs_files), GFP_KERNEL);
	if (!_stp_procfs_files)
		return -ENOMEM;
	for (i = 0; i < f->nprobes; i++) {
		struct _stp_procfs_file *file = NULL;

		for (k = 0; k < _stp_procfs_nfiles && !file; k++)
			if (strcmp(_stp_procfs_files[k].path, e[i].path) == 0)
				file = &_stp_procfs_files[k];
		if (!file) {
			file = &_stp_procfs_files[_stp_procfs_nfiles++];
			file->path = e[i].path;
		}
		if (e[i].write) {
			if (!file->write)
				file->write = &e[i];
		} else {
			file->read = &e[i];
			file->bufsize = e[i].maxsize ? e[i].maxsize : STP_PROCFS_BUFSIZE;
		}
	}
	return 0;
}

static void _stp_procfs_free(const struct stp_family *f)
{
	kfree(_stp_procfs_files);
	_stp_procfs_files = NULL;
	_stp_procfs_nfiles = 0;
}

static int _stp_procfs_open(struct inode *inode, struct file *filp)
{
	const struct _stp_procfs_file *file = pde_data(inode);
	struct _stp_procfs_open *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return -ENOMEM;
	o->file = file;
	if ((filp->f_mode & FMODE_READ) && file->read) {
		o->io.buf = kvmalloc(file->bufsize + 1, GFP_KERNEL);
		if (!o->io.buf) {
			kfree(o);
			return -ENOMEM;
		}
		o->io.cap = file->bufsize;
		o->io.buf[0] = '\0';
	}
	filp->private_data = o;
	return 0;
}

static int _stp_procfs_release(struct inode *inode, struct file *filp)
{
	struct _stp_procfs_open *o = filp->private_data;

	kvfree(o->io.buf);
	kfree(o);
	return 0;
}

static ssize_t _stp_procfs_read(struct file *filp, char __user *ubuf, size_t count,
				loff_t *ppos)
{
	struct _stp_procfs_open *o = filp->private_data;

	if (!o->io.buf)
		return -EINVAL;
	if (!o->filled) {
		o->io.len = 0;
		o->io.buf[0] = '\0';
		_stp_probe_run_io(o->file->read->probe, &o->io);
		o->filled = true;
	}
	return simple_read_from_buffer(ubuf, count, ppos, o->io.buf, o->io.len);
}

/* Every write probe of the file, in script order (the table's). */
static void _stp_procfs_run_writers(const struct _stp_procfs_file *file,
				    struct stp_procfs_io *io)
{
	const struct stp_procfs_probe *e = _stp_procfs_family->probes;
	unsigned int i;

	for (i = 0; i < _stp_procfs_family->nprobes; i++)
		if (e[i].write && strcmp(e[i].path, file->path) == 0)
			_stp_probe_run_io(e[i].probe, io);
}

static ssize_t _stp_procfs_write(struct file *filp, const char __user *ubuf, size_t count,
				 loff_t *ppos)
{
	struct _stp_procfs_open *o = filp->private_data;
	char *piece;
	size_t done = 0;

	if (!o->file->write)
		return -EINVAL;
	piece = kmalloc(MAXSTRINGLEN, GFP_KERNEL);
	if (!piece)
		return -ENOMEM;
	while (done < count) {
		size_t n = min_t(size_t, count - done, MAXSTRINGLEN - 1);
		struct stp_procfs_io io = { .in = piece };

		if (copy_from_user(piece, ubuf + done, n)) {
			kfree(piece);
			return done ? (ssize_t)done : -EFAULT;
		}
		piece[n] = '\0';
		_stp_procfs_run_writers(o->file, &io);
		done += n;
	}
	kfree(piece);
	*ppos += done;
	return done;
}

static const struct proc_ops _stp_procfs_fops = {
	.proc_open = _stp_procfs_open,
	.proc_release = _stp_procfs_release,
	.proc_read = _stp_procfs_read,
	.proc_write = _stp_procfs_write,
	.proc_lseek = default_llseek,
};

/* /proc/systemtap, made by the first module that needs it. */
static int _stp_procfs_top(void)
{
	struct path p;

	if (kern_path("/proc/systemtap", LOOKUP_DIRECTORY, &p) == 0) {
		path_put(&p);
		return 0;
	}
	return proc_mkdir("systemtap", NULL) ? 0 : -ENOMEM;
}

/* The file at its path under MODULE's directory, and the directories its
 * path names before it. */
static int _stp_procfs_make(const struct _stp_procfs_file *file)
{
	char *full = kmalloc(PATH_MAX, GFP_KERNEL);
	const char *slash;
	umode_t mode = 0;
	int rc = 0;

	if (!full)
		return -ENOMEM;
	for (slash = strchr(file->path, '/'); slash; slash = strchr(slash + 1, '/')) {
		int n = (int)(slash - file->path);
		struct path p;

		snprintf(full, PATH_MAX, "/proc/systemtap/%s/%.*s", stp_module.name, n, file->path);
		if (kern_path(full, LOOKUP_DIRECTORY, &p) == 0) {
			path_put(&p);
			continue;
		}
		snprintf(full, PATH_MAX, "%.*s", n, file->path);
		if (!proc_mkdir(full, _stp_procfs_dir)) {
			rc = -ENOMEM;
			goto out;
		}
	}
	if (file->read)
		mode |= 0444 & ~file->read->umask;
	if (file->write)
		mode |= 0222 & ~file->write->umask;
	if (!proc_create_data(file->path, S_IFREG | mode, _stp_procfs_dir, &_stp_procfs_fops,
			      (void *)file))
		rc = -ENOMEM;
out:
	kfree(full);
	return rc;
}

static void _stp_procfs_unregister(const struct stp_family *f)
{
	if (_stp_procfs_dir)
		proc_remove(_stp_procfs_dir);
	_stp_procfs_dir = NULL;
}

static int _stp_procfs_register(const struct stp_family *f)
{
	char name[128];
	unsigned int i;
	int rc = _stp_procfs_top();

	if (rc)
		return rc;
	snprintf(name, sizeof(name), "systemtap/%s", stp_module.name);
	_stp_procfs_dir = proc_mkdir(name, NULL);
	if (!_stp_procfs_dir)
		return -ENOMEM;
	for (i = 0; i < _stp_procfs_nfiles; i++) {
		rc = _stp_procfs_make(&_stp_procfs_files[i]);
		if (rc) {
			_stp_procfs_unregister(f);
			return rc;
		}
	}
	return 0;
}

static const char *_stp_procfs_type(const struct stp_family *f, const struct stp_probe *p)
{
	const struct stp_procfs_probe *e = f->probes;
	unsigned int i;

	for (i = 0; i < f->nprobes; i++)
		if (e[i].probe == p)
			return "procfs";
	return NULL;
}

static const struct stp_family_ops _stp_procfs_ops = {
	.name = "procfs",
	.alloc = _stp_procfs_alloc,
	.reg = _stp_procfs_register,
	.unreg = _stp_procfs_unregister,
	.free = _stp_procfs_free,
	.type_of = _stp_procfs_type,
};
