/* relay.h - one session of a loaded stap module: start it, relay its
 * records to stdout/stderr, stop it, unload it (doc/module-layout.md,
 * "Transport" and "staprun / stapio"). */
#ifndef STAPRUN_RELAY_H
#define STAPRUN_RELAY_H

#include <stdbool.h>
#include <sys/types.h>

struct relay_opts {
	const char *module;     /* the loaded module's name */
	const char *outfile;    /* -o FILE, or NULL for stdout */
	long long out_max_bytes;  /* -S SIZE (bytes), 0: none (outfile.h) */
	int out_max_files;      /* -S SIZE,N, 0: keep all */
	const char *cmd;        /* -c CMD, or NULL */
	pid_t target;           /* -x PID, or 0 */
	int verbose;
	bool unload;            /* delete_module once the session is done */
	bool loaded_here;       /* staprun loaded it: unload even when no
				 * session could be opened */
};

/* Mount debugfs at /sys/kernel/debug unless it is there.  0 or -errno
 * (printed). */
int relay_mount_debugfs(void);

/* Run the session to its end.  Returns the exit status for staprun: the
 * module's DONE status, or 1 when the session failed. */
int relay_run(const struct relay_opts *o);

#endif
