/* uprobe_fork_exec: work(1) in the process, work(2) in a child it
 * forks, which then execs the program again to call work(3); the parent
 * waits and calls work(4). */
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noipa)) int work(int what)
{
	return what;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return work(3) == 3 ? 0 : 1;
	work(1);
	pid_t child = fork();
	if (child == 0) {
		work(2);
		execl(argv[0], argv[0], "again", (char *)0);
		_exit(127);
	}
	int status;
	waitpid(child, &status, 0);
	work(4);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
