/* ctx_stack_fns: one read(2) of a file and one getpid(2), for the
 * probes of ctx_stack_fns.stp. */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char buf[64];
	int fd = open("/proc/version", O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0)
		return 1;
	syscall(SYS_getpid);
	return 0;
}
