/* proc_life: a thread that starts and ends, then a child process that
 * runs and exits 3, then the process exits; each step waits for the last
 * (for the thread, until the kernel has let it go: pthread_join returns
 * once the thread has left its memory, before it has quite exited). */
#include <dirent.h>
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int threads(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;

	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void *thread(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t;
	int status;

	pthread_create(&t, 0, thread, 0);
	pthread_join(t, 0);
	for (int i = 0; i < 2000 && threads() > 1; i++)
		nanosleep(&(struct timespec){ 0, 1000 * 1000 }, 0);
	pid_t child = fork();
	if (child == 0)
		_exit(3);
	waitpid(child, &status, 0);
	return WEXITSTATUS(status) == 3 ? 0 : 1;
}
