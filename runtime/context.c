/* context.c - per-CPU probe contexts, script errors, locks, _stp_probe_run.
 *
 * Contract (runtime.h, doc/module-layout.md):
 * - Module init calls _stp_contexts_alloc() before any probe can fire: one
 *   chunk per possible CPU holding its struct context, MAXNESTING + 1
 *   frames of stp_module.frame_size bytes, the STP_PRINT_BUF_SIZE print
 *   buffer and a scratch line for ERROR:/WARNING: text.  Nothing here
 *   allocates afterwards.
 * - Every probe family ends in _stp_hit(), inlined into the entry points
 *   declared in runtime.h (_stp_probe_run*(); begin/end/error probes come
 *   through _stp_probe_run_in() with the session state they run in).
 *   A hit runs with preemption off on this CPU's context; a context
 *   already busy (an interrupt or NMI probe landing inside a hit) or a
 *   global's lock not taken after MAXTRYLOCK attempts skips the hit, and
 *   skips are counted.
 * - A hit's output leaves as STDOUT records: when the print buffer fills
 *   (sink.c calls _stp_print_flush) and when the hit ends.  An uncaught
 *   error leaves as one STDERR record, after the output printed before it.
 *
 * The session state lives here because every hit checks it; session.c
 * owns its transitions.
 */
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/delay.h>
#include <linux/percpu.h>
#include <linux/kallsyms.h>

/* ---- session state, shared with session.c ---- */
enum stp_session_state {
	STP_SESSION_LOADED,             /* module in, no probe registered */
	STP_SESSION_STARTING,           /* begin probes running */
	STP_SESSION_RUNNING,            /* every probe live */
	STP_SESSION_STOP_REQUESTED,     /* exit(), errors or skips: waiting for "stop" */
	STP_SESSION_STOPPING,           /* probes gone, end/error probes running */
	STP_SESSION_STOPPED,            /* DONE queued */
};

static atomic_t _stp_state = ATOMIC_INIT(STP_SESSION_LOADED);
static atomic_t _stp_error_count = ATOMIC_INIT(0);
static atomic_t _stp_skipped_count = ATOMIC_INIT(0);
static bool _stp_ended_by_error;        /* MAXERRORS or MAXSKIPPED passed: error probes, not end */
static bool _stp_ended_by_skips;        /* MAXSKIPPED passed */

static void _stp_request_stop(void);    /* session.c */

/* Bytes of the per-CPU scratch line used to format ERROR:/WARNING: text. */
#define STP_MSG_LEN (MAXSTRINGLEN + 128)

/* One CPU's memory, in one chunk: the context, its scratch lines, its
 * print buffer, then its frames. */
struct stp_cpu_chunk {
	struct context c;
	char msg[STP_MSG_LEN];
	char sym[KSYM_SYMBOL_LEN];      /* tapset_support.c: symbol lookups */
	char print_buf[STP_PRINT_BUF_SIZE];
	/* (MAXNESTING + 1) * stp_module.frame_size, aligned for any local */
	char frames[] __aligned(16);
};

/* This CPU's chunk, one per-CPU pointer: a hit finds its context with a
 * single %gs-relative load.  NULL until _stp_contexts_alloc(). */
static DEFINE_PER_CPU(struct stp_cpu_chunk *, _stp_this_cpu_chunk);

static void _stp_contexts_free(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		kvfree(per_cpu(_stp_this_cpu_chunk, cpu));
		per_cpu(_stp_this_cpu_chunk, cpu) = NULL;
	}
}

/* Process context, before any probe is registered.  0 or -ENOMEM. */
static int _stp_contexts_alloc(void)
{
	size_t frames = (size_t)(MAXNESTING + 1) * stp_module.frame_size;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct stp_cpu_chunk *k;

		k = kvzalloc_node(sizeof(*k) + frames, GFP_KERNEL, cpu_to_node(cpu));
		if (!k)
			goto fail;
		k->c.frames = k->frames;
		k->c.out.buf = k->print_buf;
		k->c.out.cap = STP_PRINT_BUF_SIZE;
		k->c.out.kind = STP_SINK_PRINT;
		per_cpu(_stp_this_cpu_chunk, cpu) = k;
	}
	return 0;
fail:
	_stp_contexts_free();
	return -ENOMEM;
}

/* This CPU's chunk; the caller has preemption off. */
static __always_inline struct stp_cpu_chunk *_stp_this_chunk(void)
{
	return this_cpu_read(_stp_this_cpu_chunk);
}

/* ---- output ---- */

static void _stp_print_flush(struct stp_sink *s)
{
	if (s->len)
		_stp_transport_write(STP_REC_STDOUT, s->buf, s->len);
	s->len = 0;
}

static void _stp_print(const char *s)
{
	_stp_puts(&_stp_this_chunk()->c.out, s);
}

static void _stp_system(const char *cmd)
{
	_stp_print_flush(&_stp_this_chunk()->c.out);
	if (_stp_transport_write(STP_REC_SYSTEM, cmd, strlen(cmd)))
		_stp_warn("system(): no room in the transport for the command");
}

static void _stp_switch_file(void)
{
	_stp_print_flush(&_stp_this_chunk()->c.out);
	if (_stp_transport_write(STP_REC_SWITCH_FILE, NULL, 0))
		_stp_warn("switch_file(): no room in the transport for the request");
}

/* Formats straight into the print buffer: when the text does not fit in
 * what is left, the buffer is flushed and the text formatted again at its
 * start (cut at STP_PRINT_BUF_SIZE when longer than the whole buffer). */
static __printf(2, 0) void _stp_vprintf(struct stp_sink *s, const char *fmt, va_list ap)
{
	unsigned int room = s->cap - s->len;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(s->buf + s->len, room, fmt, aq);
	va_end(aq);
	if (n >= 0 && (unsigned int)n < room) {
		s->len += n;
		return;
	}
	_stp_print_flush(s);
	n = vsnprintf(s->buf, s->cap, fmt, ap);
	if (n < 0)
		n = 0;
	s->len = min_t(unsigned int, n, s->cap - 1);
}

static void _stp_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_stp_vprintf(&_stp_this_chunk()->c.out, fmt, ap);
	va_end(ap);
}

/* "<prefix><formatted text>\n" as one STDERR record, formatted in this
 * CPU's message line.  Callers are inside a hit (which owns the line) or
 * in session.c after every probe is gone; preemption is kept off so the
 * line stays this CPU's. */
static __printf(2, 0) void _stp_vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char *line;
	size_t len;

	preempt_disable();
	line = _stp_this_chunk()->msg;
	len = strscpy(line, prefix, STP_MSG_LEN);
	len += vscnprintf(line + len, STP_MSG_LEN - 1 - len, fmt, ap);
	line[len++] = '\n';
	_stp_transport_write(STP_REC_STDERR, line, len);
	preempt_enable();
}

static __printf(2, 3) void _stp_msg(const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_stp_vmsg(prefix, fmt, ap);
	va_end(ap);
}

/* A warning from a hit follows the output the hit printed before it. */
static void _stp_warn(const char *fmt, ...)
{
	struct context *c;
	va_list ap;

	preempt_disable();
	c = &_stp_this_chunk()->c;
	if (c->busy)
		_stp_print_flush(&c->out);
	va_start(ap, fmt);
	_stp_vmsg("WARNING: ", fmt, ap);
	va_end(ap);
	preempt_enable();
}

/* ---- errors ---- */

static void _stp_error(struct context *c, const char *msg, const char *loc)
{
	if (c->last_error)
		return;
	c->last_error = msg;
	c->last_loc = loc;
}

static void _stp_errorf(struct context *c, const char *loc, const char *fmt, ...)
{
	va_list ap;

	if (c->last_error)
		return;
	va_start(ap, fmt);
	vscnprintf(c->error_buf, sizeof(c->error_buf), fmt, ap);
	va_end(ap);
	c->last_error = c->error_buf;
	c->last_loc = loc;
}

static const char _stp_abort_msg[] = "abort()";

static void _stp_abort(struct context *c)
{
	_stp_exit();
	c->last_error = _stp_abort_msg;
	c->last_loc = NULL;
}

static bool _stp_is_abort(const struct context *c)
{
	return c->last_error == _stp_abort_msg;
}

/* The hit ended with an uncaught error: its output so far goes first,
 * then the ERROR: line; past MAXERRORS the session is asked to end.  The
 * error is cleared here: a hit starts with none pending without storing
 * that every time (c->last_loc means something only while last_error is
 * set, and _stp_error() sets both). */
static noinline void _stp_report_error(struct context *c)
{
	_stp_print_flush(&c->out);
	if (_stp_is_abort(c)) {
		c->last_error = NULL;
		return;
	}
	if (c->last_loc)
		_stp_msg("ERROR: ", "%s near %s", c->last_error, c->last_loc);
	else
		_stp_msg("ERROR: ", "%s", c->last_error);
	c->last_error = NULL;
	if (atomic_inc_return(&_stp_error_count) > MAXERRORS) {
		_stp_ended_by_error = true;
		_stp_request_stop();
	}
}

/* A hit did not run.  Past MAXSKIPPED the session ends as on errors
 * (error probes, status 1); session.c says why in its summary. */
static noinline void _stp_skip(void)
{
	if (atomic_inc_return(&_stp_skipped_count) > MAXSKIPPED &&
	    !READ_ONCE(_stp_ended_by_skips)) {
		WRITE_ONCE(_stp_ended_by_skips, true);
		WRITE_ONCE(_stp_ended_by_error, true);
		_stp_request_stop();
	}
}

/* ---- locks ----
 *
 * Only hits take the globals' locks, always with preemption off, so the
 * architecture's lock operations suffice where rwlock_t is the plain
 * queued rwlock: write_trylock() would add a call, a preempt count
 * round trip and a return per lock (runtime/compat/compat.h).  A hit
 * tries each lock once inline; only when one is busy does it let go and
 * retry them all in order, MAXTRYLOCK times each, out of line. */

static __always_inline bool _stp_lock_try(const struct stp_lock_use *u)
{
	return u->write ? _stp_write_trylock(u->lock) : _stp_read_trylock(u->lock);
}

static __always_inline void _stp_unlock_one(const struct stp_lock_use *u)
{
	if (u->write)
		_stp_write_unlock(u->lock);
	else
		_stp_read_unlock(u->lock);
}

/* Release locks[from .. n-1] of p (only the order of taking them
 * matters). */
static noinline void _stp_unlock_from(const struct stp_probe *p, unsigned int from,
				      unsigned int n)
{
	unsigned int i;

	for (i = from; i < n; i++)
		_stp_unlock_one(&p->locks[i]);
}

/* Release locks[0 .. n-1] of p.  Most probes hold one lock or none: the
 * first is released inline, any others in a loop out of line (inlined,
 * the loop's set-up would cost the one-lock case more than the lock). */
static __always_inline void _stp_unlock_n(const struct stp_probe *p, unsigned int n)
{
	if (!n)
		return;
	_stp_unlock_one(&p->locks[0]);
	if (unlikely(n > 1))
		_stp_unlock_from(p, 1, n);
}

static __always_inline void _stp_unlock_all(const struct stp_probe *p)
{
	_stp_unlock_n(p, p->nlocks);
}

static bool _stp_lock_one_wait(const struct stp_lock_use *u)
{
	int tries;

	for (tries = 0; tries < MAXTRYLOCK; tries++) {
		if (_stp_lock_try(u))
			return true;
		ndelay(TRYLOCKDELAY);
	}
	return false;
}

/* The first `held` locks of p are taken and the next one was busy: let
 * go, then take them all in order, each retried MAXTRYLOCK times, or
 * none. */
static noinline bool _stp_lock_all_wait(const struct stp_probe *p, unsigned int held)
{
	unsigned int i;

	_stp_unlock_from(p, 0, held);
	for (i = 0; i < p->nlocks; i++) {
		if (!_stp_lock_one_wait(&p->locks[i])) {
			_stp_unlock_from(p, 0, i);
			return false;
		}
	}
	return true;
}

/* p's locks after the first, which is held. */
static noinline bool _stp_lock_rest(const struct stp_probe *p)
{
	unsigned int i;

	for (i = 1; i < p->nlocks; i++)
		if (unlikely(!_stp_lock_try(&p->locks[i])))
			return _stp_lock_all_wait(p, i);
	return true;
}

/* Every lock of p in its (global) order, or none: false when one could
 * not be taken.  The first inline, the others out of line, as in
 * _stp_unlock_n(). */
static __always_inline bool _stp_lock_all(const struct stp_probe *p)
{
	if (!p->nlocks)
		return true;
	if (unlikely(!_stp_lock_try(&p->locks[0])))
		return _stp_lock_all_wait(p, 0);
	if (unlikely(p->nlocks > 1))
		return _stp_lock_rest(p);
	return true;
}

/* ---- running a hit ---- */

/* What a family's entry point tells _stp_hit() about its hits: constants,
 * so that each inlined copy keeps only the work its family needs.
 * c->args, c->entry_saved and c->user_mode_p are NULL/0 between hits; a
 * hit sets those its family carries and clears them again, so that the
 * others (kprobe entries: all three) need not store them. */
#define STP_HIT_ATOMIC  0x1     /* the kernel calls the handler with preemption
				   off (kprobes): no preempt count round trip */
#define STP_HIT_USER    0x2     /* regs may be user-mode registers (timer.profile):
				   user_mode_p says so; kprobe regs never are */
#define STP_HIT_ARGS    0x4     /* c->args: the hit's arguments (tracepoints) */
#define STP_HIT_SAVED   0x8     /* c->entry_saved: @entry storage (kretprobes) */
#define STP_HIT_PROCESS 0x10    /* begin, end and error probes, in process
				   context: MAXACTION_INTERRUPTIBLE applies */
#define STP_HIT_IO      0x20    /* c->io: a procfs hit's data (saved is it) */

/* A hit runs with preemption off; interrupts stay on (an interrupt's
 * probe landing in a hit is skipped) unless -DINTERRUPTIBLE=0 asks to
 * mask them for the whole hit. */
#if defined(INTERRUPTIBLE) && INTERRUPTIBLE == 0
#define STP_HIT_ENTER(flags, how) local_irq_save(flags)
#define STP_HIT_LEAVE(flags, how) local_irq_restore(flags)
#else
#define STP_HIT_ENTER(flags, how) \
	do { (void)(flags); if (!((how) & STP_HIT_ATOMIC)) preempt_disable(); } while (0)
#define STP_HIT_LEAVE(flags, how) \
	do { if (!((how) & STP_HIT_ATOMIC)) preempt_enable(); } while (0)
#endif

/* Run p's handler if the session is in state `state`.  Inlined into each
 * family's entry point (every argument but p and regs a constant there);
 * what is rare (skips, lock waits, errors, output) is out of line.
 *
 * The busy flag needs no atomic instruction: the context is this CPU's
 * and preemption is off, so only an interrupt or NMI on this CPU can
 * come between the test and the set, and such a hit runs to its end
 * (busy back to 0) before this one goes on.  The barriers keep the
 * compiler from moving the context's stores outside the busy window. */
static __always_inline void _stp_hit(const struct stp_probe *p, struct pt_regs *regs,
				     const int64_t *args, void *saved, int state,
				     unsigned int how)
{
	unsigned long flags = 0;
	struct context *c;

	STP_HIT_ENTER(flags, how);
	if (unlikely(atomic_read(&_stp_state) != state))
		goto out;
	c = &_stp_this_chunk()->c;
	if (unlikely(c->busy)) {
		_stp_skip();            /* a probe fired inside a hit on this CPU */
		goto out;
	}
	c->busy = 1;
	barrier();
	if (unlikely(!_stp_lock_all(p))) {
		_stp_skip();
		goto out_busy;
	}
	c->probe = p;
	c->probe_point = p->pp;
	c->regs = regs;
	if (how & STP_HIT_ARGS)
		c->args = args;
	if (how & STP_HIT_SAVED)
		c->entry_saved = saved;
	if (how & STP_HIT_IO)
		c->io = saved;
	if (how & STP_HIT_USER)
		c->user_mode_p = regs ? user_mode(regs) : 0;
	c->actioncount = 0;
	c->actionlimit = (how & STP_HIT_PROCESS) ? MAXACTION_INTERRUPTIBLE : MAXACTION;
	c->nesting = 0;
	p->handler(c);
	if (how & STP_HIT_ARGS)
		c->args = NULL;
	if (how & STP_HIT_SAVED)
		c->entry_saved = NULL;
	if (how & STP_HIT_IO)
		c->io = NULL;
	if (how & STP_HIT_USER)
		c->user_mode_p = 0;
	if (unlikely(c->last_error))
		_stp_report_error(c);
	if (unlikely(c->out.len))
		_stp_print_flush(&c->out);
	_stp_unlock_all(p);
out_busy:
	barrier();
	c->busy = 0;
out:
	STP_HIT_LEAVE(flags, how);
}

#define STP_HIT_ALL (STP_HIT_USER | STP_HIT_ARGS | STP_HIT_SAVED)

/* The hit functions are not traced: the kprobe family's are called from
 * ftrace's own handler, and a traced hit would only add the tracer's
 * cost to every probe. */
static notrace void _stp_probe_run_in(const struct stp_probe *p, struct pt_regs *regs,
				      const int64_t *args, void *saved, int state)
{
	_stp_hit(p, regs, args, saved, state, STP_HIT_ALL | STP_HIT_PROCESS);
}

static notrace void _stp_probe_run_io(const struct stp_probe *p, struct stp_procfs_io *io)
{
	_stp_hit(p, NULL, NULL, io, STP_SESSION_RUNNING, STP_HIT_PROCESS | STP_HIT_IO);
}

static notrace void _stp_probe_run(const struct stp_probe *p, struct pt_regs *regs)
{
	_stp_hit(p, regs, NULL, NULL, STP_SESSION_RUNNING, STP_HIT_USER);
}

static notrace void _stp_probe_run_args(const struct stp_probe *p, struct pt_regs *regs,
					const int64_t *args)
{
	_stp_hit(p, regs, args, NULL, STP_SESSION_RUNNING, STP_HIT_USER | STP_HIT_ARGS);
}

static notrace void _stp_probe_run_saved(const struct stp_probe *p, struct pt_regs *regs,
					 void *saved)
{
	_stp_hit(p, regs, NULL, saved, STP_SESSION_RUNNING, STP_HIT_USER | STP_HIT_SAVED);
}

static __always_inline void _stp_probe_run_kernel(const struct stp_probe *p,
						  struct pt_regs *regs)
{
	_stp_hit(p, regs, NULL, NULL, STP_SESSION_RUNNING, STP_HIT_ATOMIC);
}

static __always_inline void _stp_probe_run_kernel_saved(const struct stp_probe *p,
							struct pt_regs *regs, void *saved)
{
	_stp_hit(p, regs, NULL, saved, STP_SESSION_RUNNING, STP_HIT_ATOMIC | STP_HIT_SAVED);
}
