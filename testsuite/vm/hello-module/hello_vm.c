// SPDX-License-Identifier: GPL-2.0
/*
 * hello_vm - the smallest module the test VM can load.
 *
 * testsuite/vm/smoke.sh inserts and removes it to prove the whole chain
 * works: headers on the host match the VM kernel, insmod and rmmod work in
 * the initramfs, and kernel log lines reach the results.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init hello_vm_init(void)
{
	pr_info("stap-vm: hello from the test module\n");
	return 0;
}

static void __exit hello_vm_exit(void)
{
	pr_info("stap-vm: goodbye from the test module\n");
}

module_init(hello_vm_init);
module_exit(hello_vm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("stap test VM smoke-test module");
