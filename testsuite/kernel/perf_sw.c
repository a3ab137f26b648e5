/* perf_sw: 256 fresh pages touched (256 minor faults at least), 20
 * sleeps of 1 ms (20 context switches at least) and 300 ms of spinning. */
#include <sys/mman.h>
#include <time.h>

int main(void)
{
	struct timespec ms = { 0, 1000000 }, t0, t;
	char *p = mmap(NULL, 256 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile unsigned long x = 0;

	for (int i = 0; i < 256; i++)
		p[i * 4096] = 1;
	for (int i = 0; i < 20; i++)
		nanosleep(&ms, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int k = 0; k < 100000; k++)
			x += k;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < 300);
	return 0;
}
