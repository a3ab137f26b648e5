/* probe_order: one getpid system call (probe_order.stp's event). */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	return syscall(SYS_getpid) > 0 ? 0 : 1;
}
