/* set_args: a write(2) to a descriptor that does not exist and a futex
 * call with an invalid bitset; set_args.stp rewrites their arguments at
 * the kernel functions' entry so that both succeed. */
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	static uint32_t word;
	ssize_t n = write(99, "hello\n", 6);
	long r = syscall(SYS_futex, &word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 7, NULL,
			 NULL, 0);

	printf("\nwrite returned %zd\nfutex returned %ld\n", n, r);
	return 0;
}
