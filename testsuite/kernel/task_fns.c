/* task_fns: a process whose state task_fns.stp knows exactly.  It moves
 * to /tmp, sets its blocked set to {SIGUSR1, SIGTERM}, installs a
 * SA_SIGINFO|SA_RESTART handler for SIGHUP and ignores SIGUSR2, then
 * calls getppid() (the script counts its open files there), opens four
 * descriptors (/tmp/task_fns.dat created, its dup at 42, the file again
 * read-only, which the lookup ends on, and /dev/null) and calls getpid()
 * (the script looks at everything). */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void on_hup(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
}

int main(void)
{
	struct sigaction sa;
	sigset_t set;
	int fd;

	if (chdir("/tmp") < 0)
		return 2;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_SETMASK, &set, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_hup;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGUSR2, SIG_IGN);

	getppid();
	fd = open("/tmp/task_fns.dat", O_CREAT | O_RDWR, 0600);
	if (fd < 0 || dup2(fd, 42) != 42)
		return 3;
	open("/tmp/task_fns.dat", O_RDONLY);
	open("/dev/null", O_RDONLY);
	getpid();
	unlink("/tmp/task_fns.dat");
	return 0;
}
