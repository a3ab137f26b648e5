/* Four children block in pause() at the same time; when all four are in
 * the syscall (/proc/PID/syscall starts with 34, pause's number), each
 * gets SIGUSR1, whose handler lets pause return; then they exit. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCHILD 4

static void on_usr1(int sig)
{
	(void)sig;
}

/* in_pause: true once the child is blocked in pause(). */
static int in_pause(pid_t pid)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof buf, f))
		buf[0] = 0;
	fclose(f);
	return strncmp(buf, "34 ", 3) == 0;
}

int main(void)
{
	pid_t kids[NCHILD];
	int i, st, bad = 0;

	signal(SIGUSR1, on_usr1);
	for (i = 0; i < NCHILD; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			return 1;
		if (kids[i] == 0) {
			pause();
			_exit(0);
		}
	}
	for (i = 0; i < NCHILD; i++)
		while (!in_pause(kids[i]))
			usleep(10000);
	for (i = 0; i < NCHILD; i++)
		kill(kids[i], SIGUSR1);
	for (i = 0; i < NCHILD; i++)
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	return bad;
}
