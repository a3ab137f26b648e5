/* transport.c - the module's end of the transport (runtime/transport.h,
 * doc/module-layout.md "Transport").
 *
 * One byte ring, allocated at init, holds records (struct stp_rec and its
 * payload) in the order they were queued from any CPU: writers take one
 * spinlock with interrupts off, so a record is never split or interleaved.
 * A record that does not fit is dropped whole and counted; the session
 * reports the count (lost output is never silent).
 *
 * debugfs files under systemtap/<module>/:
 *   data  read-only, one opener at a time: the ring as a byte stream.  A
 *         read blocks (interruptibly) until bytes are there and returns as
 *         many as asked for and available, so records may be split across
 *         reads: stapio reassembles them.  After the DONE record has been
 *         read, reads return 0 (end of file).  poll() and O_NONBLOCK work.
 *   ctl   write-only: "start <pid>\n" and "stop\n", handed to session.c;
 *         their error is the write's error.
 *
 * Probe context never wakes the reader (wake_up takes the wait queue's
 * lock and may not be safe where a probe fires): a kernel timer looks at
 * the ring every STP_TR_WAKE_MS and wakes a waiting reader.  Process
 * context (the ctl write) wakes it directly once a command is done.
 *
 * Space for the session's last words: STDOUT records may fill the ring
 * only up to STP_TR_RESERVE bytes short of full, STDERR records up to half
 * of that, and EXIT/DONE records may use all of it, so a flood of output
 * cannot make stapio miss the end of the session or its warnings.
 *
 * staprun -s MB sets the module parameter _stp_bufsize (MB), which
 * overrides the size the session asked for.
 */
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#define STP_TR_WAKE_MS 10
#define STP_TR_RESERVE 4096     /* bytes only STDERR/EXIT/DONE may use */
#define STP_TR_MAX_MB 4095
#define STP_TR_ROOT "systemtap"

static unsigned int _stp_bufsize;
module_param(_stp_bufsize, uint, 0400);
MODULE_PARM_DESC(_stp_bufsize, "transport buffer in MB (staprun -s)");

static struct {
	spinlock_t lock;                /* head, tail, lost_*, done */
	char *buf;
	size_t size;
	unsigned long head;             /* bytes ever queued */
	unsigned long tail;             /* bytes ever read */
	u64 lost_bytes, lost_records;
	bool done;                      /* the DONE record is queued */
	bool closing;                   /* module exit: readers give up */
	wait_queue_head_t wq;
	struct timer_list timer;
	struct mutex read_mutex;        /* one read() at a time */
	struct mutex ctl_mutex;         /* one command at a time */
	atomic_t data_open;
	pid_t reader_pid;               /* who opened data: staprun or stapio */
	kuid_t reader_uid;
	struct dentry *root;            /* systemtap/ (holds a reference when looked up) */
	bool root_looked_up;
	struct dentry *dir;             /* systemtap/<module>/ */
} _stp_tr;

static unsigned long _stp_tr_used(void)
{
	return READ_ONCE(_stp_tr.head) - READ_ONCE(_stp_tr.tail);
}

/* Copy n bytes in at ring position pos (wrapping).  Under the lock. */
static void _stp_tr_copy_in(unsigned long pos, const void *p, size_t n)
{
	size_t off = pos % _stp_tr.size;
	size_t first = min(n, _stp_tr.size - off);

	memcpy(_stp_tr.buf + off, p, first);
	if (n > first)
		memcpy(_stp_tr.buf, (const char *)p + first, n - first);
}

static int _stp_transport_write(enum stp_rec_type type, const void *p, size_t n)
{
	struct stp_rec rec = { .type = type, .len = n };
	size_t need = sizeof(rec) + n;
	size_t limit = _stp_tr.size;
	unsigned long flags;

	if (!_stp_tr.buf)
		return -ENODEV;
	if (type == STP_REC_STDOUT)
		limit -= min_t(size_t, STP_TR_RESERVE, limit);
	else if (type == STP_REC_STDERR)
		limit -= min_t(size_t, STP_TR_RESERVE / 2, limit);

	spin_lock_irqsave(&_stp_tr.lock, flags);
	if (n > U32_MAX || _stp_tr.head - _stp_tr.tail + need > limit) {
		_stp_tr.lost_bytes += n;
		_stp_tr.lost_records++;
		spin_unlock_irqrestore(&_stp_tr.lock, flags);
		return -ENOSPC;
	}
	_stp_tr_copy_in(_stp_tr.head, &rec, sizeof(rec));
	if (n)
		_stp_tr_copy_in(_stp_tr.head + sizeof(rec), p, n);
	_stp_tr.head += need;
	if (type == STP_REC_DONE)
		_stp_tr.done = true;
	spin_unlock_irqrestore(&_stp_tr.lock, flags);
	return 0;
}

static u64 __maybe_unused _stp_transport_lost_bytes(void)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&_stp_tr.lock, flags);
	n = _stp_tr.lost_bytes;
	spin_unlock_irqrestore(&_stp_tr.lock, flags);
	return n;
}

static u64 __maybe_unused _stp_transport_lost_records(void)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&_stp_tr.lock, flags);
	n = _stp_tr.lost_records;
	spin_unlock_irqrestore(&_stp_tr.lock, flags);
	return n;
}

/* Wake a reader waiting for bytes; re-arms itself until module exit.  A
 * wake-up missed by the lockless waitqueue_active() check is made up for
 * on the next tick. */
static void _stp_tr_tick(struct timer_list *t)
{
	if (_stp_tr_used() && wq_has_sleeper(&_stp_tr.wq))
		wake_up_interruptible(&_stp_tr.wq);
	if (!READ_ONCE(_stp_tr.closing))
		mod_timer(&_stp_tr.timer, jiffies + msecs_to_jiffies(STP_TR_WAKE_MS));
}

/* ---- data ---- */

static int _stp_data_open(struct inode *inode, struct file *f)
{
	if (atomic_cmpxchg(&_stp_tr.data_open, 0, 1) != 0)
		return -EBUSY;
	_stp_tr.reader_pid = task_tgid_nr(current);
	_stp_tr.reader_uid = current_uid();
	return stream_open(inode, f);
}

static int _stp_data_release(struct inode *inode, struct file *f)
{
	atomic_set(&_stp_tr.data_open, 0);
	return 0;
}

/* Nothing to read and nothing ever will be: DONE was read, or exit. */
static bool _stp_tr_eof(void)
{
	return (READ_ONCE(_stp_tr.done) && !_stp_tr_used()) || READ_ONCE(_stp_tr.closing);
}

/* Copy up to count bytes from the ring's tail to buf.  Writers only touch
 * the free part of the ring and the one reader holds read_mutex, so the
 * bytes between tail and head stay put while copy_to_user (which may
 * fault and sleep) runs without the spinlock. */
static ssize_t _stp_tr_copy_out(char __user *buf, size_t count)
{
	unsigned long flags, tail, avail;
	size_t off, first, n;

	spin_lock_irqsave(&_stp_tr.lock, flags);
	tail = _stp_tr.tail;
	avail = _stp_tr.head - tail;
	spin_unlock_irqrestore(&_stp_tr.lock, flags);

	n = min_t(size_t, count, avail);
	off = tail % _stp_tr.size;
	first = min(n, _stp_tr.size - off);
	if (copy_to_user(buf, _stp_tr.buf + off, first))
		return -EFAULT;
	if (n > first && copy_to_user(buf + first, _stp_tr.buf, n - first))
		return -EFAULT;

	spin_lock_irqsave(&_stp_tr.lock, flags);
	_stp_tr.tail += n;
	spin_unlock_irqrestore(&_stp_tr.lock, flags);
	return n;
}

static ssize_t _stp_data_read(struct file *f, char __user *buf, size_t count, loff_t *ppos)
{
	ssize_t ret;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&_stp_tr.read_mutex))
		return -ERESTARTSYS;
	while (!_stp_tr_used()) {
		if (_stp_tr_eof()) {
			ret = 0;
			goto out;
		}
		if (f->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		if (wait_event_interruptible(_stp_tr.wq, _stp_tr_used() || _stp_tr_eof())) {
			ret = -ERESTARTSYS;
			goto out;
		}
	}
	ret = _stp_tr_copy_out(buf, count);
out:
	mutex_unlock(&_stp_tr.read_mutex);
	return ret;
}

static __poll_t _stp_data_poll(struct file *f, poll_table *wait)
{
	poll_wait(f, &_stp_tr.wq, wait);
	if (_stp_tr_used())
		return EPOLLIN | EPOLLRDNORM;
	if (_stp_tr_eof())
		return EPOLLHUP;
	return 0;
}

static const struct file_operations _stp_data_fops = {
	.owner = THIS_MODULE,
	.open = _stp_data_open,
	.release = _stp_data_release,
	.read = _stp_data_read,
	.poll = _stp_data_poll,
};

/* ---- ctl ---- */

static int _stp_ctl_command(char *cmd)
{
	int pid;

	if (strcmp(cmd, "stop") == 0)
		return _stp_session_stop();
	if (strncmp(cmd, "start ", 6) == 0) {
		if (kstrtoint(cmd + 6, 10, &pid) || pid < 0)
			return -EINVAL;
		return _stp_session_start(pid);
	}
	return -EINVAL;
}

static ssize_t _stp_ctl_write(struct file *f, const char __user *buf, size_t count,
			      loff_t *ppos)
{
	char cmd[32];
	int ret;

	if (count == 0 || count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, buf, count))
		return -EFAULT;
	cmd[count] = '\0';
	if (cmd[count - 1] == '\n')
		cmd[count - 1] = '\0';
	if (mutex_lock_interruptible(&_stp_tr.ctl_mutex))
		return -ERESTARTSYS;
	ret = _stp_ctl_command(cmd);
	mutex_unlock(&_stp_tr.ctl_mutex);
	/* Whatever the command queued is worth reading now. */
	wake_up_interruptible(&_stp_tr.wq);
	return ret ? ret : count;
}

static int _stp_ctl_open(struct inode *inode, struct file *f)
{
	return stream_open(inode, f);
}

static const struct file_operations _stp_ctl_fops = {
	.owner = THIS_MODULE,
	.open = _stp_ctl_open,
	.write = _stp_ctl_write,
};

/* ---- setup ---- */

/* systemtap/, shared by every loaded stap module: found or created.
 * Another module may be creating it at the same moment (-EEXIST: look
 * again). */
static int _stp_tr_find_root(void)
{
	struct dentry *d;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		d = debugfs_lookup(STP_TR_ROOT, NULL);
		if (d) {
			_stp_tr.root = d;
			_stp_tr.root_looked_up = true;
			return 0;
		}
		d = debugfs_create_dir(STP_TR_ROOT, NULL);
		if (!IS_ERR(d)) {
			_stp_tr.root = d;
			_stp_tr.root_looked_up = false;
			return 0;
		}
		if (PTR_ERR(d) != -EEXIST)
			return PTR_ERR(d);
	}
	return -EEXIST;
}

/* Drop our hold on systemtap/ and remove it when no module uses it any
 * more.  A module creating its directory between the emptiness check and
 * the removal would lose it; module init and exit of two stap modules
 * racing that closely is not a case we can close from inside a module. */
static void _stp_tr_put_root(void)
{
	struct dentry *root = _stp_tr.root;

	if (!root)
		return;
	_stp_tr.root = NULL;
	if (d_really_is_positive(root) && simple_empty(root))
		debugfs_remove(root);
	if (_stp_tr.root_looked_up)
		dput(root);
}

static int _stp_tr_make_files(const char *name)
{
	struct dentry *d;
	int ret;

	ret = _stp_tr_find_root();
	if (ret)
		return ret;
	_stp_tr.dir = debugfs_create_dir(name, _stp_tr.root);
	if (IS_ERR(_stp_tr.dir)) {
		ret = PTR_ERR(_stp_tr.dir);
		goto err_root;
	}
	d = debugfs_create_file("data", 0400, _stp_tr.dir, NULL, &_stp_data_fops);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto err_dir;
	}
	d = debugfs_create_file("ctl", 0200, _stp_tr.dir, NULL, &_stp_ctl_fops);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto err_dir;
	}
	return 0;

err_dir:
	debugfs_remove(_stp_tr.dir);
err_root:
	_stp_tr.dir = NULL;
	_stp_tr_put_root();
	return ret;
}

static int _stp_transport_init(const char *name, size_t bytes)
{
	int ret;

	if (_stp_bufsize)
		bytes = (size_t)min_t(unsigned int, _stp_bufsize, STP_TR_MAX_MB) << 20;
	if (bytes < 2 * STP_TR_RESERVE)
		bytes = 2 * STP_TR_RESERVE;
	spin_lock_init(&_stp_tr.lock);
	init_waitqueue_head(&_stp_tr.wq);
	mutex_init(&_stp_tr.read_mutex);
	mutex_init(&_stp_tr.ctl_mutex);
	atomic_set(&_stp_tr.data_open, 0);
	_stp_tr.head = 0;
	_stp_tr.tail = 0;
	_stp_tr.lost_bytes = 0;
	_stp_tr.lost_records = 0;
	_stp_tr.done = false;
	_stp_tr.closing = false;
	_stp_tr.size = bytes;
	_stp_tr.buf = vmalloc(bytes);
	if (!_stp_tr.buf)
		return -ENOMEM;
	ret = _stp_tr_make_files(name);
	if (ret) {
		vfree(_stp_tr.buf);
		_stp_tr.buf = NULL;
		return ret;
	}
	timer_setup(&_stp_tr.timer, _stp_tr_tick, 0);
	mod_timer(&_stp_tr.timer, jiffies + msecs_to_jiffies(STP_TR_WAKE_MS));
	return 0;
}

/* Module exit runs only once the files are closed (each open holds a
 * module reference); `closing` and the wake-up still make any reader
 * that raced in return before debugfs_remove() waits for it. */
static void _stp_transport_exit(void)
{
	if (!_stp_tr.buf)
		return;
	WRITE_ONCE(_stp_tr.closing, true);
	_stp_timer_delete_sync(&_stp_tr.timer);
	wake_up_all(&_stp_tr.wq);
	debugfs_remove(_stp_tr.dir);
	_stp_tr.dir = NULL;
	_stp_tr_put_root();
	vfree(_stp_tr.buf);
	_stp_tr.buf = NULL;
}
