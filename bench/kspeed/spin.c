/* spin.c - the user-space side of kspeed.sh's timer workload: spins for
 * a fixed number of iterations and prints the CLOCK_MONOTONIC
 * nanoseconds they took.  Timer probes that fire meanwhile on this CPU
 * lengthen the spin by their cost.  Built static (the guest has no libc).
 * Usage: spin [ITERATIONS]  (default 50000000) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 50000000;
	long long t0, t1;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++)
		__asm__ volatile("" ::: "memory");
	t1 = now_ns();
	printf("%lld\n", t1 - t0);
	return 0;
}
