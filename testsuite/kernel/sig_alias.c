/* sig_alias: SIGUSR1 to itself with kill(2) and SIGUSR2 to its own thread
 * with tgkill(2), both handled; then SIGTERM to a pid that does not
 * exist (ESRCH). */
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int handled;

static void on_signal(int sig)
{
	handled += sig;
}

int main(void)
{
	signal(SIGUSR1, on_signal);
	signal(SIGUSR2, on_signal);
	kill(getpid(), SIGUSR1);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2);
	kill(99999, SIGTERM);
	return handled == SIGUSR1 + SIGUSR2 ? 0 : 1;
}
