/* proc_syscalls: lseek on a descriptor that is not open, three times. */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	for (int i = 0; i < 3; i++)
		syscall(SYS_lseek, 77, 1000 + i, SEEK_END);
	return 0;
}
