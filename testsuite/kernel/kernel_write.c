/* kernel_write: a getpid(2), in which kernel_write.stp rewrites this
 * task's name through the guru-mode kernel writers, then a getppid(2),
 * where it reads the name the kernel now has. */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	syscall(SYS_getpid);
	syscall(SYS_getppid);
	return 0;
}
