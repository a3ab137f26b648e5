/* target_set: a process that forks a child that forks a grandchild, each
 * calling getpid once, in that order (each waits for its child only
 * after its own getpid). */
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int level;

	for (level = 0; level < 3; level++) {
		syscall(SYS_getpid);
		if (level == 2 || fork() != 0)
			break;
	}
	wait(NULL);
	return 0;
}
