/* uprobe_unload_busy: two threads call hot() as fast as they can until
 * the file "stop" exists (or 60 s pass), then the program says how it
 * ended. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;

__attribute__((noipa)) long hot(long i)
{
	return i + 1;
}

static void *spin(void *arg)
{
	long t = 0;

	(void)arg;
	while (!stop)
		for (int i = 0; i < 1000; i++)
			t += hot(i);
	return (void *)t;
}

int main(void)
{
	pthread_t th[2];
	time_t end = time(0) + 60;

	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], 0, spin, 0);
	while (access("stop", F_OK) != 0 && time(0) < end)
		usleep(10000);
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], 0);
	printf("threads done, %s\n", time(0) < end ? "stopped" : "timed out");
	return 0;
}
