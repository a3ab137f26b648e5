/* An interval timer with a 3.25 s interval, read back: getitimer() turns
 * the interval (3,250,000,000 ns) into a struct timespec64 with
 * ns_to_timespec64(), which returns it by value. */
#include <stddef.h>
#include <sys/time.h>

int main(void)
{
	struct itimerval set = {
		.it_interval = { .tv_sec = 3, .tv_usec = 250000 },
		.it_value = { .tv_sec = 100, .tv_usec = 0 },
	}, got;

	if (setitimer(ITIMER_REAL, &set, NULL) != 0 || getitimer(ITIMER_REAL, &got) != 0)
		return 1;
	return got.it_interval.tv_sec == 3 && got.it_interval.tv_usec == 250000 ? 0 : 2;
}
