// SPDX-License-Identifier: GPL-2.0
/*
 * warn_vm - a module whose init raises a kernel WARNING on purpose.
 *
 * It is the harness's negative self-test: testsuite/vm/smoke.sh loads it and
 * checks that run-batch reports the test's kernel status as "warning". If
 * the detection ever breaks, this is where it shows, not in a real bug hunt.
 */
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init warn_vm_init(void)
{
	WARN(1, "stap-vm: deliberate warning from the harness self-test\n");
	return 0;
}

static void __exit warn_vm_exit(void)
{
}

module_init(warn_vm_init);
module_exit(warn_vm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stap test VM self-test: raises a WARNING");
