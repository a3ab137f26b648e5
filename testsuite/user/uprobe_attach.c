/* uprobe_attach: runs until killed, calling tick() with a growing count
 * every 10 ms. */
#include <time.h>

__attribute__((noipa)) void tick(long k)
{
	(void)k;
}

int main(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (long k = 1;; k++) {
		tick(k);
		nanosleep(&ts, 0);
	}
}
