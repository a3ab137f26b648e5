/* sc_mm2: the memory-locking, protection-key and memory-policy system
 * calls sc_mm2.stp checks, in this order, between two getpid calls that
 * mark the part the script prints.  The test VM has one NUMA node and
 * perhaps no protection keys: the calls that need more fail with a known
 * errno, which is what the test wants of them. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif

int main(void)
{
	unsigned long mask[1] = { 1 }, mask2[1] = { 1 };
	unsigned char vec[2];
	struct iovec iov;
	void *pages[1];
	int status[1], mode, pidfd;
	char *p;

	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = p[4096] = 1;
	pages[0] = p;
	iov.iov_base = p + 4096;
	iov.iov_len = 4096;
	pidfd = syscall(SYS_pidfd_open, syscall(SYS_gettid), 0);

	syscall(SYS_getpid);
	mlockall(MCL_CURRENT | MCL_FUTURE);
	munlockall();
	syscall(SYS_mlockall, 0x100);
	mincore(p, 8192, vec);
	mincore(p + 1, 4096, vec);
	syscall(SYS_mlock2, p, 4096, MLOCK_ONFAULT);
	syscall(SYS_mlock2, p + 4096, 4096, 0);
	syscall(SYS_mlock2, p, 4096, 0x8);
	syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, -1);
	syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_WRITE, 5);
	syscall(SYS_pkey_alloc, 1, 0x3);
	syscall(SYS_pkey_free, 99);
	syscall(SYS_memfd_secret, 0x1234);
	syscall(SYS_process_madvise, pidfd, &iov, 1, MADV_WILLNEED, 0);
	syscall(SYS_process_madvise, 99, &iov, 1, MADV_WILLNEED, 0);
	syscall(SYS_process_mrelease, pidfd, 0);
	syscall(SYS_process_mrelease, 99, 0);
	syscall(SYS_remap_file_pages, p, 4096, 0, 0, 0);
	syscall(SYS_mbind, p, 8192, 2 /* MPOL_BIND */, mask, 64, 1 /* MPOL_MF_STRICT */);
	syscall(SYS_mbind, p, 4096, 99, NULL, 0, 0);
	syscall(SYS_set_mempolicy, 3 | (1 << 15) /* MPOL_INTERLEAVE|MPOL_F_STATIC_NODES */,
		mask, 64);
	syscall(SYS_set_mempolicy, 0 /* MPOL_DEFAULT */, NULL, 0);
	syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0);
	syscall(SYS_get_mempolicy, &mode, NULL, 0, p, 3 /* MPOL_F_NODE|MPOL_F_ADDR */);
	syscall(SYS_migrate_pages, 0, 64, mask, mask2);
	syscall(SYS_move_pages, 0, 1, pages, NULL, status, 0);
	syscall(SYS_move_pages, 0, 1, pages, NULL, status, 0x10);
	syscall(SYS_set_mempolicy_home_node, p, 8192, 0, 0);
	syscall(SYS_set_mempolicy_home_node, p, 8192, 0, 1);
	syscall(SYS_getpid);
	return 0;
}
