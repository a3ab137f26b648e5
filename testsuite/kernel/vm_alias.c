/* vm_alias: map three anonymous pages, write to the first, unmap them,
 * and grow the heap by 64 KiB. */
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	char *p = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	p[0] = 1;
	munmap(p, 3 * 4096);
	return sbrk(65536) == (void *)-1;
}
