/* ufunc N: calls f(i) for i = 0..N-1 and prints "ns T", the loop's
 * CLOCK_MONOTONIC time (bench/uprobes.sh's uprobe workload, built with
 * -static -g -O2: f's parameter x comes from DWARF). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noipa)) long f(long x)
{
	return x ^ 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000, s = 0;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		s += f(i);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns %lld\n", (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
	return s == -1;
}
