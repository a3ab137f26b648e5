// SPDX-License-Identifier: GPL-2.0
/* tr_a.c - a test module for runtime/transport.c alone.
 *
 * It includes the transport and stands in for session.c: "start <pid>"
 * queues a target line, a stderr line, an optional burst of 1 KB records
 * (ring overflow) and then either an EXIT record at once or, with
 * lines != 0, sequenced lines from an hrtimer on every CPU:
 *   "seq <n> cpu <c>\n", n = 0, 1, 2, ... in queue order (a test lock
 *   around numbering and queueing), a few lines per record, EXIT once
 *   `lines` lines are queued (lines = -1: one line per tick, forever).
 * "stop" cancels the timers, sleeps stop_delay_ms, queues
 * "end seq=<n>\n", a lost-output warning when records were dropped, and
 * DONE with the status parameter.  start_err / stop_err: the command
 * fails with that errno instead (stop then queues nothing).
 *
 * tr_b.c is the same module under another name (two stap modules at once).
 */
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "compat/compat.h"
#include "transport.h"

static int status;
module_param(status, int, 0400);
static int lines;
module_param(lines, int, 0400);
static int burst;
module_param(burst, int, 0400);
static int no_exit;
module_param(no_exit, int, 0400);
static int stop_delay_ms;
module_param(stop_delay_ms, int, 0400);
static int period_us = 100;
module_param(period_us, int, 0400);
static int start_err;
module_param(start_err, int, 0400);
static int stop_err;
module_param(stop_err, int, 0400);
static int bufkb = 1024;
module_param(bufkb, int, 0400);

#include "transport.c"

static DEFINE_PER_CPU(struct hrtimer, tr_timer);
static DEFINE_SPINLOCK(seq_lock);
static int seq;
static bool exit_sent, stopping, stopped;

static void send_exit(void)
{
	if (!exit_sent && !no_exit) {
		exit_sent = true;
		_stp_transport_write(STP_REC_EXIT, NULL, 0);
	}
}

/* Queue up to 8 numbered lines as one record, unless the ring is more
 * than half full (the reader is behind: try again next tick). */
static void emit_lines(void)
{
	char buf[8 * 32];
	unsigned long flags;
	int len = 0, k, max = lines < 0 ? 1 : 8;

	spin_lock_irqsave(&seq_lock, flags);
	if (_stp_tr_used() > _stp_tr.size / 2)
		goto out;
	for (k = 0; k < max && (lines < 0 || seq < lines); k++)
		len += scnprintf(buf + len, sizeof(buf) - len, "seq %d cpu %d\n",
				 seq++, smp_processor_id());
	if (len)
		_stp_transport_write(STP_REC_STDOUT, buf, len);
	if (lines > 0 && seq >= lines)
		send_exit();
out:
	spin_unlock_irqrestore(&seq_lock, flags);
}

static enum hrtimer_restart tr_tick(struct hrtimer *t)
{
	if (READ_ONCE(stopping))
		return HRTIMER_NORESTART;
	emit_lines();
	if (lines > 0 && READ_ONCE(seq) >= lines)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime((lines < 0 ? 10000 : period_us) * 1000LL));
	return HRTIMER_RESTART;
}

static void start_timer_here(void *unused)
{
	hrtimer_start(this_cpu_ptr(&tr_timer), ns_to_ktime(period_us * 1000LL),
		      HRTIMER_MODE_REL_PINNED);
}

static void cancel_timers(void)
{
	int cpu;

	WRITE_ONCE(stopping, true);
	for_each_possible_cpu(cpu)
		hrtimer_cancel(per_cpu_ptr(&tr_timer, cpu));
}

static int _stp_session_start(pid_t target)
{
	char buf[1024];
	int i, n;

	if (start_err)
		return -start_err;
	n = scnprintf(buf, sizeof(buf), "target=%d\n", target);
	_stp_transport_write(STP_REC_STDOUT, buf, n);
	n = scnprintf(buf, sizeof(buf), "WARNING: a stderr line\n");
	_stp_transport_write(STP_REC_STDERR, buf, n);
	for (i = 0; i < burst; i++) {
		memset(buf, 'x', sizeof(buf));
		n = scnprintf(buf, sizeof(buf), "burst %d ", i);
		buf[n] = 'x';
		buf[sizeof(buf) - 1] = '\n';
		_stp_transport_write(STP_REC_STDOUT, buf, sizeof(buf));
	}
	if (lines)
		on_each_cpu(start_timer_here, NULL, 1);
	else
		send_exit();
	return 0;
}

static int _stp_session_stop(void)
{
	char buf[128];
	s32 st = status;
	int n;

	if (stop_err)
		return -stop_err;
	if (stopped)
		return 0;
	stopped = true;
	cancel_timers();
	if (stop_delay_ms)
		msleep(stop_delay_ms);
	n = scnprintf(buf, sizeof(buf), "end seq=%d\n", seq);
	_stp_transport_write(STP_REC_STDOUT, buf, n);
	if (_stp_transport_lost_records()) {
		n = scnprintf(buf, sizeof(buf),
			      "WARNING: There were %llu transport failures (lost output, %llu bytes).\n",
			      _stp_transport_lost_records(), _stp_transport_lost_bytes());
		_stp_transport_write(STP_REC_STDERR, buf, n);
	}
	_stp_transport_write(STP_REC_DONE, &st, sizeof(st));
	return 0;
}

static int __init tr_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		hrtimer_init(per_cpu_ptr(&tr_timer, cpu), CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED);
		per_cpu_ptr(&tr_timer, cpu)->function = tr_tick;
	}
	return _stp_transport_init(KBUILD_MODNAME, (size_t)bufkb << 10);
}

static void __exit tr_exit(void)
{
	cancel_timers();
	_stp_transport_exit();
}

module_init(tr_init);
module_exit(tr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("runtime/transport.c test module");
