/* child.h - the processes a session watches: the -c command (started
 * held, released once probes are live), the -x process, and the
 * commands the script's system() starts. */
#ifndef STAPRUN_CHILD_H
#define STAPRUN_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

struct child {
	pid_t pid;              /* the held `sh -c CMD`, 0 when none */
	int release_fd;         /* write end of its hold pipe, -1 once used */
	bool exited;
	int status;             /* waitpid status once exited */
};

/* Fork `sh -c cmd`, held before exec until child_release().  The child
 * gets default signal handling and mask back.  0 or -errno (printed). */
int child_spawn(struct child *c, const char *cmd);
/* Let the held child exec (go = true) or make it exit unrun (false). */
void child_release(struct child *c, bool go);
/* Reap it if it has exited; true when it has (now or before). */
bool child_reap(struct child *c);

/* Start `sh -c cmd` now, with its stdout on out_fd (the script's output),
 * for the script's system(): its pid, or 0 when it could not (said). */
pid_t child_run(const char *cmd, int out_fd);

/* A descriptor that becomes readable when process pid exits (pidfd), or
 * -1 when the kernel has none: then poll target_gone() now and then. */
int target_watch(pid_t pid);
bool target_gone(pid_t pid);

#endif
