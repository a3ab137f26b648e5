/* futex(FUTEX_WAKE_BITSET) on a word nobody waits on: the kernel's
 * do_futex(uaddr, op, val, timeout, uaddr2, val2, val3) gets val3, its
 * seventh argument (on the stack), as the bitset. */
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	static uint32_t word;

	return syscall(SYS_futex, &word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 7, NULL,
		       NULL, 0x5a5a) == 0 ? 0 : 1;
}
