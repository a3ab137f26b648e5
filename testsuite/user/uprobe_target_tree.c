/* uprobe_target_tree: calls tick() every 10 ms, as many times as its
 * argument says, or until the file "stop" exists (no argument). */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

__attribute__((noipa)) void tick(int k)
{
	(void)k;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : -1;
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int k = 1; n < 0 ? access("stop", F_OK) != 0 && k < 6000 : k <= n; k++) {
		tick(k);
		nanosleep(&ts, 0);
	}
	return 0;
}
