/* sched_more: a traced child stopped and read with ptrace (the tracer
 * waits for it to leave its CPU), then killed with SIGKILL; meanwhile
 * two busy processes for half a second keep the scheduler ticking and
 * balancing on both CPUs. */
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static void spin(void)
{
	struct timeval t0, t;

	gettimeofday(&t0, 0);
	do
		gettimeofday(&t, 0);
	while ((t.tv_sec - t0.tv_sec) * 1000000 + (t.tv_usec - t0.tv_usec) < 500000);
}

int main(void)
{
	pid_t child = fork(), spinner;

	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	ptrace(PTRACE_PEEKUSER, child, 0, 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	spinner = fork();
	spin();
	if (spinner == 0)
		_exit(0);
	waitpid(spinner, NULL, 0);
	return 0;
}
