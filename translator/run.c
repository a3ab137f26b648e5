/* run.c - pass 5: staprun runs the module (see run.h).
 *
 * stap stays the parent so that it can print the pass-5 lines and return
 * staprun's status.  SIGINT from the terminal reaches staprun directly
 * (same process group) and staprun stops the session in order, so stap
 * itself ignores SIGINT while it waits; SIGTERM and SIGHUP sent to stap
 * alone are passed on.
 */
#include "config.h"

#include "run.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session.h"

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static bool executable(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* $STAPRUN, the build tree's, the one beside stap, or "staprun" on PATH. */
static const char *find_staprun(char *buf, size_t len)
{
	const char *env = getenv("STAPRUN");
	if (env && *env)
		return env;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/../staprun/staprun", exe);
			if (executable(buf))
				return buf;
			snprintf(buf, len, "%s/staprun", exe);
			if (executable(buf))
				return buf;
		}
	}
	return "staprun";
}

/* staprun's argv; bufs holds the formatted numbers. */
static char **staprun_argv(const struct session *s, const char *staprun, const char *ko,
			   char bufs[2][32])
{
	size_t max = 16 + (size_t)s->verbose[4] + (size_t)s->global_inits.count;
	char **argv = calloc(max, sizeof(*argv));
	if (!argv)
		return NULL;
	size_t n = 0;
	argv[n++] = (char *)staprun;
	for (int v = 1; v < s->verbose[4]; v++)
		argv[n++] = "-v";
	if (s->output_file) {
		argv[n++] = "-o";
		argv[n++] = (char *)s->output_file;
		if (s->size_spec) {
			argv[n++] = "-S";
			argv[n++] = (char *)s->size_spec;
		}
	}
	if (s->target_cmd) {
		argv[n++] = "-c";
		argv[n++] = (char *)s->target_cmd;
	}
	if (s->target_pid) {
		snprintf(bufs[0], 32, "%ld", s->target_pid);
		argv[n++] = "-x";
		argv[n++] = bufs[0];
	}
	if (s->bufsize_mb) {
		snprintf(bufs[1], 32, "%d", s->bufsize_mb);
		argv[n++] = "-s";
		argv[n++] = bufs[1];
	}
	argv[n++] = (char *)ko;
	for (int i = 0; i < s->global_inits.count; i++)
		argv[n++] = (char *)s->global_inits.items[i];
	argv[n] = NULL;
	return argv;
}

static void set_handler(int sig, void (*fn)(int), struct sigaction *old)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, old);
}

int run_module(const struct session *s, const char *ko)
{
	char path[PATH_MAX + 32], bufs[2][32];
	const char *staprun = find_staprun(path, sizeof(path));
	char **argv = staprun_argv(s, staprun, ko, bufs);
	if (!argv)
		return 1;
	if (s->verbose[4] >= 2) {
		fputs("Running", stderr);
		for (char **a = argv; *a; a++)
			fprintf(stderr, " %s", *a);
		fputc('\n', stderr);
	}
	fflush(stdout);
	fflush(stderr);

	struct sigaction old_int, old_term, old_hup;
	set_handler(SIGINT, SIG_IGN, &old_int);
	set_handler(SIGTERM, forward, &old_term);
	set_handler(SIGHUP, forward, &old_hup);
	pid_t pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		execvp(staprun, argv);
		fprintf(stderr, "stap: cannot run %s: %s\n", staprun, strerror(errno));
		_exit(127);
	}
	int rc = 1;
	if (pid < 0) {
		fprintf(stderr, "stap: cannot fork: %s\n", strerror(errno));
	} else {
		child_pid = pid;
		int status = 0;
		pid_t got;
		while ((got = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
		child_pid = 0;
		if (got < 0)
			fprintf(stderr, "stap: lost track of staprun: %s\n", strerror(errno));
		else if (WIFEXITED(status))
			rc = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			fprintf(stderr, "stap: staprun was killed by signal %d\n", WTERMSIG(status));
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	free(argv);
	return rc;
}
