/* proc_attach: sleeps in 20 ms naps until killed. */
#include <time.h>

int main(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	for (;;)
		nanosleep(&ts, 0);
}
