/* timer_container_of(): 6.16 renamed from_timer() to this. */
#include <linux/timer.h>

struct stp_kf_holder {
	struct timer_list t;
};

struct stp_kf_holder *stp_kf_timer_container_of(struct timer_list *t);
struct stp_kf_holder *stp_kf_timer_container_of(struct timer_list *t)
{
	struct stp_kf_holder *h = timer_container_of(h, t, t);

	return h;
}
