/* umark N: passes an SDT marker bench:tick(i, s) for i = 0..N-1 and
 * prints "ns T", the loop's CLOCK_MONOTONIC time (bench/uprobes.sh's
 * marker workload; the markers are testsuite/user/sdt.h's). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "sdt.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000, s = 0;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		TEST_MARK2(bench, tick, i, s);
		s += i ^ 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns %lld\n", (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
	return s == -1;
}
