// SPDX-License-Identifier: GPL-2.0-or-later
/* A kernel thread, life_kthread, that runs from this module's load to
 * its unload, where kthread_stop() ends it: life_alias.stp's
 * scheduler.kthread_stop sees the stop and the thread's return value. */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>

static struct task_struct *life_thread;

static int life_kthread(void *unused)
{
	while (!kthread_should_stop())
		msleep_interruptible(20);
	return 42;
}

static int __init life_init(void)
{
	life_thread = kthread_run(life_kthread, NULL, "life_kthread");
	return PTR_ERR_OR_ZERO(life_thread);
}

static void __exit life_exit(void)
{
	kthread_stop(life_thread);
}

module_init(life_init);
module_exit(life_exit);
MODULE_LICENSE("GPL");
