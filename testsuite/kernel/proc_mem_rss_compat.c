/* proc_mem_rss_compat: 2048 touched pages of shared anonymous memory
 * (counted as shmem), then a getpid(2) for the probe to look. */
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	size_t len = 2048 * 4096;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	memset(p, 1, len);
	syscall(SYS_getpid);
	return 0;
}
