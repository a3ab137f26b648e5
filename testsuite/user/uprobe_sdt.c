/* uprobe_sdt: SDT markers (testsuite/user/sdt.h) with arguments in
 * registers, memory, constants and a global reached through %rip; one
 * without arguments; one behind a semaphore, which only a probe on it
 * raises. */
#include "sdt.h"

TEST_SEMAPHORE(test, gated);
long glob = 77;

__attribute__((noipa)) long square(long i)
{
	return i * i;
}

int main(void)
{
	long t = 0;

	for (long i = 0; i < 5; i++) {
		t += square(i);
		TEST_MARK2(test, tick, i, square(i));
	}
	TEST_MARK3(test, three, glob, 5, t);
	TEST_MARK0(test, zero);
	if (TEST_MARK_ENABLED(test, gated))
		TEST_MARK1_SEM(test, gated, -42);
	return 0;
}
