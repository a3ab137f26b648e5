/* pingpong.c - the user-space side of kspeed.sh's tracepoint workload:
 * a parent and a child pass one byte back and forth through two pipes N
 * times on one CPU, so each round trip is two context switches (two
 * sched_switch hits), and prints the CLOCK_MONOTONIC nanoseconds it took.
 * A probe on sched_switch lengthens it by its cost per hit.  Built static
 * (the guest has no libc).  Usage: pingpong [ROUND_TRIPS]  (default 20000) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	int to_child[2], to_parent[2];
	long long t0, t1;
	char c = 0;
	long i;

	if (pipe(to_child) || pipe(to_parent))
		return 1;
	if (fork() == 0) {
		for (i = 0; i < n; i++)
			if (read(to_child[0], &c, 1) != 1 || write(to_parent[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			return 1;
	t1 = now_ns();
	wait(NULL);
	printf("%lld\n", t1 - t0);
	return 0;
}
