/* sc_any: two system calls sc_any.stp looks for, once each. */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	syscall(SYS_getpid);
	close(99);
	return 0;
}
