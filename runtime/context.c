/* context.c - per-CPU probe contexts, script errors, locks, _stp_probe_run.
 *
 * Contract (runtime.h, doc/module-layout.md):
 * - Module init calls _stp_contexts_alloc() before any probe can fire: one
 *   chunk per possible CPU holding its struct context, MAXNESTING + 1
 *   frames of stp_module.frame_size bytes, the STP_PRINT_BUF_SIZE print
 *   buffer and a scratch line for ERROR:/WARNING: text.  Nothing here
 *   allocates afterwards.
 * - Every probe family ends in _stp_probe_run(); begin/end/error probes
 *   come through _stp_probe_run_in() with the session state they run in.
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

static struct stp_cpu_chunk **_stp_chunks;      /* nr_cpu_ids entries, NULL for impossible CPUs */

static void _stp_contexts_free(void)
{
	unsigned int cpu;

	if (!_stp_chunks)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		kvfree(_stp_chunks[cpu]);
	kvfree(_stp_chunks);
	_stp_chunks = NULL;
}

/* Process context, before any probe is registered.  0 or -ENOMEM. */
static int _stp_contexts_alloc(void)
{
	size_t frames = (size_t)(MAXNESTING + 1) * stp_module.frame_size;
	unsigned int cpu;

	_stp_chunks = kvcalloc(nr_cpu_ids, sizeof(*_stp_chunks), GFP_KERNEL);
	if (!_stp_chunks)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct stp_cpu_chunk *k;

		k = kvzalloc_node(sizeof(*k) + frames, GFP_KERNEL, cpu_to_node(cpu));
		if (!k)
			goto fail;
		k->c.frames = k->frames;
		k->c.out.buf = k->print_buf;
		k->c.out.cap = STP_PRINT_BUF_SIZE;
		k->c.out.kind = STP_SINK_PRINT;
		_stp_chunks[cpu] = k;
	}
	return 0;
fail:
	_stp_contexts_free();
	return -ENOMEM;
}

/* This CPU's chunk; the caller has preemption off. */
static inline struct stp_cpu_chunk *_stp_this_chunk(void)
{
	return _stp_chunks[smp_processor_id()];
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
	if (atomic_read(&c->busy))
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

/* The hit ended with an uncaught error: its output so far goes first,
 * then the ERROR: line; past MAXERRORS the session is asked to end. */
static void _stp_report_error(struct context *c)
{
	_stp_print_flush(&c->out);
	if (c->last_loc)
		_stp_msg("ERROR: ", "%s near %s", c->last_error, c->last_loc);
	else
		_stp_msg("ERROR: ", "%s", c->last_error);
	if (atomic_inc_return(&_stp_error_count) > MAXERRORS) {
		_stp_ended_by_error = true;
		_stp_request_stop();
	}
}

/* A hit did not run.  Past MAXSKIPPED the session ends as on errors
 * (error probes, status 1); session.c says why in its summary. */
static void _stp_skip(void)
{
	if (atomic_inc_return(&_stp_skipped_count) > MAXSKIPPED &&
	    !READ_ONCE(_stp_ended_by_skips)) {
		WRITE_ONCE(_stp_ended_by_skips, true);
		WRITE_ONCE(_stp_ended_by_error, true);
		_stp_request_stop();
	}
}

/* ---- locks ---- */

static bool _stp_lock_one(const struct stp_lock_use *u)
{
	int tries;

	for (tries = 0; tries < MAXTRYLOCK; tries++) {
		if (u->write ? write_trylock(u->lock) : read_trylock(u->lock))
			return true;
		ndelay(TRYLOCKDELAY);
	}
	return false;
}

static void _stp_unlock_one(const struct stp_lock_use *u)
{
	if (u->write)
		write_unlock(u->lock);
	else
		read_unlock(u->lock);
}

/* Every lock of p in its (global) order, or none: false when one could
 * not be taken. */
static bool _stp_lock_all(const struct stp_probe *p)
{
	unsigned int i;

	for (i = 0; i < p->nlocks; i++) {
		if (!_stp_lock_one(&p->locks[i])) {
			while (i--)
				_stp_unlock_one(&p->locks[i]);
			return false;
		}
	}
	return true;
}

static void _stp_unlock_all(const struct stp_probe *p)
{
	unsigned int i = p->nlocks;

	while (i--)
		_stp_unlock_one(&p->locks[i]);
}

/* ---- running a hit ---- */

/* A hit runs with preemption off; interrupts stay on (an interrupt's
 * probe landing in a hit is skipped) unless -DINTERRUPTIBLE=0 asks to
 * mask them for the whole hit. */
#if defined(INTERRUPTIBLE) && INTERRUPTIBLE == 0
#define STP_HIT_ENTER(flags) local_irq_save(flags)
#define STP_HIT_LEAVE(flags) local_irq_restore(flags)
#else
#define STP_HIT_ENTER(flags) do { (void)(flags); preempt_disable(); } while (0)
#define STP_HIT_LEAVE(flags) preempt_enable()
#endif

/* Run p's handler if the session is in state `state`. */
static void _stp_probe_run_in(const struct stp_probe *p, struct pt_regs *regs,
			      const int64_t *args, void *saved, int state)
{
	unsigned long flags = 0;
	struct context *c;

	STP_HIT_ENTER(flags);
	if (atomic_read(&_stp_state) != state)
		goto out;
	c = &_stp_this_chunk()->c;
	if (atomic_cmpxchg(&c->busy, 0, 1) != 0) {
		_stp_skip();            /* a probe fired inside a hit on this CPU */
		goto out;
	}
	if (!_stp_lock_all(p)) {
		_stp_skip();
		goto out_busy;
	}
	c->probe = p;
	c->probe_point = p->pp;
	c->regs = regs;
	c->args = args;
	c->entry_saved = saved;
	c->user_mode_p = regs ? user_mode(regs) : 0;
	c->actioncount = 0;
	c->nesting = 0;
	c->last_error = NULL;
	c->last_loc = NULL;
	p->handler(c);
	if (unlikely(c->last_error))
		_stp_report_error(c);
	_stp_print_flush(&c->out);
	_stp_unlock_all(p);
out_busy:
	atomic_set(&c->busy, 0);
out:
	STP_HIT_LEAVE(flags);
}

static void _stp_probe_run(const struct stp_probe *p, struct pt_regs *regs)
{
	_stp_probe_run_in(p, regs, NULL, NULL, STP_SESSION_RUNNING);
}

static void _stp_probe_run_args(const struct stp_probe *p, struct pt_regs *regs,
				const int64_t *args)
{
	_stp_probe_run_in(p, regs, args, NULL, STP_SESSION_RUNNING);
}

static void _stp_probe_run_saved(const struct stp_probe *p, struct pt_regs *regs,
				 void *saved)
{
	_stp_probe_run_in(p, regs, NULL, saved, STP_SESSION_RUNNING);
}
