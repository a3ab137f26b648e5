/* timer_delete_sync(): 6.2 renamed del_timer_sync() to this (stable
 * kernels backported it; 6.15 removed the old name). */
#include <linux/timer.h>

int stp_kf_timer_delete_sync(struct timer_list *t);
int stp_kf_timer_delete_sync(struct timer_list *t)
{
	return timer_delete_sync(t);
}
