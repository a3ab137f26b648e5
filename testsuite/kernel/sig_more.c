/* sig_more: the signal events sig_more.stp checks, in this order:
 * sigaction(SIGUSR1) with SIGUSR2 in its mask; SIGUSR1 blocked, sent to
 * itself, seen pending, unblocked (handled); a child paused in pause()
 * woken by SIGUSR2 and killed by it; a POSIX timer queueing SIGALRM
 * (handled); a child whose SIGSEGV handler must run on an alternate stack
 * that is not mapped, which the kernel answers with a SIGSEGV it cannot
 * handle. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_sig(int sig)
{
	got = sig;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_sig };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	struct itimerspec its = { .it_value = { 0, 1000000 } };
	sigset_t set, pending;
	timer_t timer;
	pid_t pid;

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR1);
	sigpending(&pending);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(1);
	}
	usleep(200000);
	kill(pid, SIGUSR2);
	waitpid(pid, NULL, 0);

	sigaction(SIGALRM, &sa, NULL);
	timer_create(CLOCK_MONOTONIC, &sev, &timer);
	timer_settime(timer, 0, &its, NULL);
	while (got != SIGALRM)
		pause();

	pid = fork();
	if (pid == 0) {
		stack_t ss = { .ss_sp = (void *)0x10000, .ss_size = 65536 };
		struct sigaction segv = { .sa_handler = on_sig, .sa_flags = SA_ONSTACK };

		sigaltstack(&ss, NULL);
		sigaction(SIGUSR1, &segv, NULL);
		raise(SIGUSR1);
		_exit(1);
	}
	waitpid(pid, NULL, 0);
	return 0;
}
