/* task_work_cancel_func(): 6.11 renamed task_work_cancel() to this (and
 * stable kernels such as Debian 12's 6.1 backported the rename). */
#include <linux/task_work.h>

struct callback_head *stp_kf_task_work_cancel_func(struct task_struct *t, task_work_func_t f);
struct callback_head *stp_kf_task_work_cancel_func(struct task_struct *t, task_work_func_t f)
{
	return task_work_cancel_func(t, f);
}
