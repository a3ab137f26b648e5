/* compat.h - the one place kernel differences live.  Pass 4 compiles the
 * tests in runtime/kfeatures/ against the target's headers and passes
 * their results (STP_HAVE_* macros) with -include; this header turns them
 * into one spelling for the rest of the runtime. */
#ifndef _STP_COMPAT_H
#define _STP_COMPAT_H

#include <linux/sched.h>
#include <linux/thread_info.h>

/* Does the current task run user code whose long and pointers are 4
 * bytes?  x86-64 marks such tasks (ia32 and x32) with TIF_ADDR32; other
 * 64-bit architectures answer with is_compat_task(). */
#if defined(CONFIG_X86_64)
#define _stp_compat_task_p() \
	(!(current->flags & PF_KTHREAD) && test_thread_flag(TIF_ADDR32))
#elif defined(CONFIG_COMPAT)
#include <linux/compat.h>
#define _stp_compat_task_p() (!(current->flags & PF_KTHREAD) && is_compat_task())
#else
#define _stp_compat_task_p() 0
#endif

/* Set up an hrtimer with its callback: hrtimer_setup() since 6.13. */
#include <linux/hrtimer.h>
#ifdef STP_HAVE_HRTIMER_SETUP
#define _stp_hrtimer_setup(t, fn, clock, mode) hrtimer_setup(t, fn, clock, mode)
#else
static inline void _stp_hrtimer_setup(struct hrtimer *t,
				      enum hrtimer_restart (*fn)(struct hrtimer *),
				      clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(t, clock, mode);
	t->function = fn;
}
#endif

/* Kernel timers: del_timer_sync() became timer_delete_sync() (6.2) and
 * from_timer() timer_container_of() (6.16). */
#include <linux/timer.h>
#ifdef STP_HAVE_TIMER_DELETE_SYNC
#define _stp_timer_delete_sync(t) timer_delete_sync(t)
#else
#define _stp_timer_delete_sync(t) del_timer_sync(t)
#endif
#ifdef STP_HAVE_TIMER_CONTAINER_OF
#define _stp_timer_container_of(var, t, field) timer_container_of(var, t, field)
#else
#define _stp_timer_container_of(var, t, field) from_timer(var, t, field)
#endif

/* The sizes of a loaded module's code, its read-only data and the whole
 * of it: struct module's mem[] (6.4) replaced core_layout. */
#include <linux/module.h>
static inline void _stp_module_sizes(const struct module *m, unsigned long *text,
				     unsigned long *rodata, unsigned long *total)
{
#ifdef STP_HAVE_MODULE_MEM
	*text = m->mem[MOD_TEXT].size;
	*rodata = m->mem[MOD_RODATA].size + m->mem[MOD_RO_AFTER_INIT].size;
	*total = *text + *rodata + m->mem[MOD_DATA].size;
#else
	*text = m->core_layout.text_size;
	*rodata = m->core_layout.ro_after_init_size - m->core_layout.text_size;
	*total = m->core_layout.size;
#endif
}

/* The globals' rwlocks, taken only inside hits (preemption already off):
 * the architecture's operations, without rwlock_t's preempt count and
 * calls, where rwlock_t is just the architecture's lock.  Kernels that
 * check locks (spinlock debugging, lockdep) or make rwlock_t sleep
 * (PREEMPT_RT) keep the ordinary calls. */
#include <linux/spinlock.h>
#if defined(CONFIG_DEBUG_SPINLOCK) || defined(CONFIG_DEBUG_LOCK_ALLOC) || \
	defined(CONFIG_PREEMPT_RT)
#define _stp_write_trylock(l) write_trylock(l)
#define _stp_read_trylock(l) read_trylock(l)
#define _stp_write_unlock(l) write_unlock(l)
#define _stp_read_unlock(l) read_unlock(l)
#else
#define _stp_write_trylock(l) arch_write_trylock(&(l)->raw_lock)
#define _stp_read_trylock(l) arch_read_trylock(&(l)->raw_lock)
#define _stp_write_unlock(l) arch_write_unlock(&(l)->raw_lock)
#define _stp_read_unlock(l) arch_read_unlock(&(l)->raw_lock)
#endif

#endif
