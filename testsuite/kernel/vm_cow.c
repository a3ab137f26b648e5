/* vm_cow: copy-on-write faults vm_cow.stp knows: a private anonymous
 * page read first (mapped to the shared zero page) and then written (a
 * write fault copying the zero page), and after fork the child writing
 * a page the parent had written (a write fault copying that page). */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	volatile char *zp = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char *pp = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c;
	pid_t pid;

	if (zp == MAP_FAILED || pp == MAP_FAILED)
		return 1;
	c = zp[0];
	zp[0] = c + 1;
	pp[0] = 1;
	pid = fork();
	if (pid == 0) {
		pp[0] = 2;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	return 0;
}
