/* pstrace_fn: one getpid(2), where pstrace_fn.stp looks at its parents. */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	return syscall(SYS_getpid) > 0 ? 0 : 1;
}
