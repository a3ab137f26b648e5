/* sc_mm: the memory system calls sc_mm.stp checks, each once, in this
 * order, between two getpid calls that mark the part the script prints (a
 * static program's start-up runs brk and mprotect of its own). */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char *p, *q;

	syscall(SYS_getpid);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* through syscall(2): the 5th argument (new_address) is then 0 */
	q = (char *)syscall(SYS_mremap, p, 8192, 16384, MREMAP_MAYMOVE, 0);
	mprotect(q, 4096, PROT_READ);
	madvise(q, 16384, MADV_DONTNEED);
	mlock(q + 4096, 4096);
	munlock(q + 4096, 4096);
	msync(q, 4096, MS_SYNC | MS_INVALIDATE);
	munmap(q, 16384);
	mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	mmap(NULL, 4096, PROT_READ, MAP_SHARED, 99, 0);
	munmap((void *)0x1001, 4096);
	madvise(q, 4096, 12345);
	syscall(SYS_brk, 0);
	syscall(SYS_getpid);
	return 0;
}
