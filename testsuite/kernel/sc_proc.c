/* sc_proc: the process system calls sc_proc.stp checks, each once, in
 * this order (a static program).  Run with the argument "child" (as its
 * second child execs it), it only calls exit(7). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *args[] = { "sc_proc", "child", NULL }, *env[] = { "SC=1", NULL };
	struct rusage ru;
	siginfo_t si;
	int st;

	if (argc > 1)
		syscall(SYS_exit, 7);
	prctl(PR_GET_DUMPABLE);
	prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN);
	prctl(12345, 1, 2, 3, 4);
	getrusage(RUSAGE_SELF, &ru);
	getrusage(5, &ru);
	kill(0, 0);
	kill(99999999, SIGTERM);
	syscall(SYS_tkill, -1, SIGUSR1);
	syscall(SYS_tgkill, getpid(), getpid(), 0);
	execve("/nonexistent", args, env);
	syscall(SYS_execveat, AT_FDCWD, "", args, env, AT_SYMLINK_NOFOLLOW);
	if (syscall(SYS_fork) == 0)
		_exit(3);
	wait4(-1, &st, 0, NULL);
	if (vfork() == 0) {
		syscall(SYS_execveat, AT_FDCWD, "./sc_proc", args, env, 0);
		_exit(1);
	}
	waitid(P_ALL, 0, &si, WEXITED);
	/* glibc's fork is the clone system call */
	if (fork() == 0)
		_exit(5);
	wait4(-1, &st, __WALL, NULL);
	wait4(-1, NULL, WNOHANG, NULL);
	return 0;
}
