/* hrtimer_setup(): 6.13 replaced hrtimer_init() + setting .function with
 * one call (hrtimer_init() was later removed). */
#include <linux/hrtimer.h>

static enum hrtimer_restart stp_kf_fire(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

void stp_kf_hrtimer_setup(struct hrtimer *t);
void stp_kf_hrtimer_setup(struct hrtimer *t)
{
	hrtimer_setup(t, stp_kf_fire, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
