/* struct return_instance in <linux/uprobes.h> with the stack pointer of
 * its call and the return address its uretprobe replaced (6.1 has both;
 * the struct's layout is the kernel's to change). */
#include <linux/sched.h>
#include <linux/uprobes.h>

unsigned long stp_kf_uprobe_return_instance(struct task_struct *t);
unsigned long stp_kf_uprobe_return_instance(struct task_struct *t)
{
	struct return_instance *ri = t->utask ? t->utask->return_instances : NULL;

	return ri ? ri->stack + ri->orig_ret_vaddr : 0;
}
