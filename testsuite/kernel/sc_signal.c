/* sc_signal: the signal and sleep system calls sc_signal.stp checks, each
 * once, in this order, between two getpid calls that mark the part the
 * script prints (a static program).  Two signals reach the handler: a
 * SIGUSR2 left pending while blocked ends rt_sigsuspend, SIGALRM from
 * alarm(1) ends pause; each handler returns through rt_sigreturn. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char alt_stack[16384];

static void on_signal(int sig)
{
	(void)sig;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	struct timespec ms = { 0, 1000000 }, zero = { 0, 0 }, bad = { 0, 2000000000 };
	stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof(alt_stack) };
	sigset_t set, old, none;
	pid_t me;

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	sigemptyset(&none);
	me = syscall(SYS_getpid);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGKILL, &sa, NULL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* pending until rt_sigsuspend unblocks it (tgkill is not traced;
	 * the main thread's id is the pid, and a getpid call would end the
	 * traced part) */
	syscall(SYS_tgkill, me, me, SIGUSR2);
	sigsuspend(&none);
	sigprocmask(SIG_UNBLOCK, &set, &old);
	syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8);
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &ss);
	ss.ss_size = 1;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	alarm(100);
	alarm(1);
	pause();
	/* glibc's nanosleep is the clock_nanosleep system call */
	syscall(SYS_nanosleep, &ms, NULL);
	syscall(SYS_nanosleep, &bad, NULL);
	clock_nanosleep(CLOCK_MONOTONIC, 0, &ms, NULL);
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &zero, NULL);
	syscall(SYS_clock_nanosleep, 99, 0, &ms, NULL);
	syscall(SYS_getpid);
	return 0;
}
