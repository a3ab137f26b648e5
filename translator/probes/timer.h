/* timer.h - what the timer family resolved a timer probe to (the data of
 * an elab_probe whose family is probe_family_timer), for pass 3. */
#ifndef STAP_PROBES_TIMER_H
#define STAP_PROBES_TIMER_H

#include <stdint.h>

enum timer_kind {
	TIMER_HR,        /* timer.s/ms/us/ns/hz: an hrtimer, period in ns */
	TIMER_JIFFIES,   /* timer.jiffies: a kernel timer, period in jiffies */
	TIMER_PROFILE,   /* timer.profile(.tick): every CPU at each tick */
};

struct timer_data {
	enum timer_kind kind;
	int64_t period;      /* ns (TIMER_HR) or jiffies */
	int64_t randomize;   /* same unit; 0 when not given */
};

#endif
