/* proc_life: a thread that starts and ends, then a child process that
 * runs and exits 3, then the process exits; each step waits for the last. */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

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
	pid_t child = fork();
	if (child == 0)
		_exit(3);
	waitpid(child, &status, 0);
	return WEXITSTATUS(status) == 3 ? 0 : 1;
}
