/* sched_alias: fork a child that blocks reading a pipe until the parent
 * writes to it, then exits with 3; the parent waits for it.  The child
 * is woken by the parent's write (in a task, not by a timer interrupt,
 * which could land while a probe runs and be skipped).  The events
 * sched_alias.stp checks all come from this. */
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int fds[2], status;
	char c = 'x';

	if (pipe(fds))
		return 1;
	pid_t child = fork();
	if (child == 0) {
		if (read(fds[0], &c, 1) != 1)
			_exit(1);
		_exit(3);
	}
	usleep(50000);          /* the child blocks in read meanwhile */
	if (write(fds[1], &c, 1) != 1)
		return 1;
	waitpid(child, &status, 0);
	return WEXITSTATUS(status) == 3 ? 0 : 1;
}
