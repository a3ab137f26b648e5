/* child.c - the -c command and the -x process of a session.
 *
 * The -c command must not run before the probes are live, yet its pid is
 * needed to start the session (target()).  So it is forked first and
 * waits on a pipe: one byte means exec `sh -c CMD`, end of file (the
 * session could not start, or staprun died) means exit unrun.
 */
#define _GNU_SOURCE
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* In a forked child: undo the relay's signal setup. */
static void reset_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE };
	sigset_t none;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* In the forked child: wait, exec. */
static void run_held(int hold_fd, const char *cmd)
{
	char go;

	reset_signals();
	ssize_t n;
	do
		n = read(hold_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	close(hold_fd);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	fprintf(stderr, "staprun: cannot run the -c command: /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

int child_spawn(struct child *c, const char *cmd)
{
	int fds[2];

	c->pid = 0;
	c->release_fd = -1;
	c->exited = false;
	c->status = 0;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		int err = errno;
		fprintf(stderr, "staprun: cannot make a pipe for the -c command: %s\n", strerror(err));
		return -err;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		fprintf(stderr, "staprun: cannot fork the -c command: %s\n", strerror(err));
		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (pid == 0) {
		close(fds[1]);
		run_held(fds[0], cmd);
	}
	close(fds[0]);
	c->pid = pid;
	c->release_fd = fds[1];
	return 0;
}

void child_release(struct child *c, bool go)
{
	if (c->release_fd < 0)
		return;
	if (go) {
		ssize_t n;
		do
			n = write(c->release_fd, "g", 1);
		while (n < 0 && errno == EINTR);
	}
	close(c->release_fd);
	c->release_fd = -1;
}

bool child_reap(struct child *c)
{
	if (!c->pid || c->exited)
		return c->exited;
	int st;
	pid_t r = waitpid(c->pid, &st, WNOHANG);
	if (r == c->pid || (r < 0 && errno == ECHILD)) {
		c->exited = true;
		c->status = r == c->pid ? st : 0;
	}
	return c->exited;
}

int target_watch(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* kill(pid, 0) still succeeds for a zombie nobody reaped: good enough as
 * the fallback; the pidfd sees the exit itself. */
bool target_gone(pid_t pid)
{
	return kill(pid, 0) != 0 && errno == ESRCH;
}

pid_t child_run(const char *cmd, int out_fd)
{
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "WARNING: system(): cannot fork: %s\n", strerror(errno));
		return 0;
	}
	if (pid == 0) {
		reset_signals();
		if (out_fd != STDOUT_FILENO && dup2(out_fd, STDOUT_FILENO) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		fprintf(stderr, "WARNING: system(): /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	return pid;
}
