/* relay.c - one session of a loaded stap module, from "start" to unload.
 *
 * Inputs: the module's debugfs files systemtap/<module>/{ctl,data}
 * (doc/module-layout.md "Transport"), the options of relay.h.
 * Outputs: STDOUT records on stdout (or -o FILE), STDERR records on
 * stderr, each written as soon as it is read; the DONE status.
 *
 * Invariants:
 * - "stop" is written at most once, and the data file is read until the
 *   DONE record: everything the module queued is printed.
 * - ctl commands block in the kernel while begin/end probes run (which
 *   may print more than the ring holds), so each is written by a short-
 *   lived forked process while this one keeps reading; its exit status
 *   is the command's errno.  SIGCHLD tells us it is done.
 * - SIGINT/SIGTERM/SIGHUP/SIGCHLD are blocked except inside ppoll(), so
 *   they are handled only in the main loop: a second SIGINT while
 *   stopping is noted, never fatal, and the module is always unloaded.
 * - SIGPIPE is ignored: a closed stdout ends the session, not staprun.
 * - When the script has input probes (its procfs file __stdin exists once
 *   the session runs), what comes on stdin is written to that file one
 *   byte per write, so that input.char fires per character; at EOF stdin
 *   is left alone.
 */
#define _GNU_SOURCE
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "modload.h"
#include "outfile.h"

#define DEBUGFS_DIR "/sys/kernel/debug"
#define READ_CHUNK (64 * 1024)
#define OUT_CAP (64 * 1024)
#define STOP_GRACE_MS 2000      /* wait for DONE after a failed "stop" */
#define MAX_SYSTEM 64           /* system() commands running at once */
#define SYSTEM_GRACE_MS 1000    /* wait for them at the end, at most */

/* The records of runtime/transport.h, as the module writes them. */
enum { REC_STDOUT = 1, REC_STDERR = 2, REC_EXIT = 3, REC_DONE = 4, REC_SYSTEM = 5,
       REC_SWITCH_FILE = 6 };
struct rec_hdr {
	uint32_t type;
	uint32_t len;
};

enum ctl_cmd { CTL_NONE, CTL_START, CTL_STOP };

struct relay {
	const struct relay_opts *o;
	int ctl_fd, data_fd, out_fd, watch_fd;
	int input_fd;           /* /proc/systemtap/MODULE/__stdin, or -1 */
	struct outfile of;      /* -o FILE (of.name NULL: stdout); out_fd is of.fd */
	struct child child;
	pid_t target;
	/* records being reassembled from the byte stream */
	char *in;
	size_t in_len, in_cap;
	/* output gathered from one read, written in one go per stream */
	char out[OUT_CAP];
	size_t out_len;
	int out_to;
	bool out_broken;
	/* the ctl command in flight */
	pid_t ctl_pid;
	enum ctl_cmd ctl_cmd;
	bool stop_wanted, stop_sent, failed, done, warned_type;
	int64_t give_up_at;     /* ms, monotonic; 0: wait for DONE forever */
	int status;
	/* the script's system() commands still running */
	pid_t sys_pid[MAX_SYSTEM];
	int nsys;
};

static volatile sig_atomic_t got_stop_signal, got_chld, got_switch;

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGUSR2)
		got_switch = 1;
	else
		got_stop_signal = sig;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int relay_mount_debugfs(void)
{
	struct statfs st;

	if (statfs(DEBUGFS_DIR, &st) == 0 && st.f_type == DEBUGFS_MAGIC)
		return 0;
	if (mount("debugfs", DEBUGFS_DIR, "debugfs", 0, NULL) != 0) {
		int err = errno;
		fprintf(stderr, "staprun: cannot mount debugfs at %s: %s\n", DEBUGFS_DIR,
			strerror(err));
		return -err;
	}
	return 0;
}

/* ---- output ---- */

/* Write all of p, waiting out a non-blocking descriptor.  -errno. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pf = { .fd = fd, .events = POLLOUT };
				poll(&pf, 1, -1);
				continue;
			}
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void request_stop(struct relay *r, const char *why);

/* The next output file (-o with -S, switch_file(), SIGUSR2); with no -o
 * there is none and the output stays on stdout. */
static void out_switch(struct relay *r)
{
	if (!r->of.name || outfile_switch(&r->of))
		return;
	if (r->out_to == r->out_fd)
		r->out_to = r->of.fd;
	r->out_fd = r->of.fd;
}

/* Write p to fd, the output file rotated first when it is full. */
static void out_write(struct relay *r, int fd, const char *p, size_t n)
{
	bool out = fd == r->out_fd;
	int err;

	if (out && r->out_broken)
		return;
	if (out && r->of.name && r->of.max_bytes) {
		if (outfile_make_room(&r->of, n) == 0 && r->of.fd != r->out_fd) {
			r->out_fd = fd = r->of.fd;
			r->out_to = fd;
		}
	}
	err = write_all(fd, p, n);
	if (out && !err && r->of.name)
		outfile_wrote(&r->of, n);
	if (err && out) {
		r->out_broken = true;
		if (err != -EPIPE)
			fprintf(stderr, "staprun: cannot write the output: %s\n", strerror(-err));
		request_stop(r, "the output was closed");
	}
}

static void out_flush(struct relay *r)
{
	if (!r->out_len)
		return;
	out_write(r, r->out_to, r->out, r->out_len);
	r->out_len = 0;
}

/* Queue n bytes for fd; a change of stream flushes first, so stdout and
 * stderr keep their relative order. */
static void out_put(struct relay *r, int fd, const char *p, size_t n)
{
	if (r->out_to != fd || r->out_len + n > OUT_CAP)
		out_flush(r);
	r->out_to = fd;
	if (n > OUT_CAP) {      /* flushed above: write it straight through */
		out_write(r, fd, p, n);
		return;
	}
	memcpy(r->out + r->out_len, p, n);
	r->out_len += n;
}

/* ---- ctl commands ---- */

/* Write cmd to ctl from a forked process, all signals blocked there so
 * the kernel side is not interrupted.  Its exit status is the errno. */
static void ctl_send(struct relay *r, enum ctl_cmd cmd)
{
	char text[32];

	if (cmd == CTL_START)
		snprintf(text, sizeof(text), "start %d\n", (int)r->target);
	else
		snprintf(text, sizeof(text), "stop\n");
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		ssize_t n = write(r->ctl_fd, text, strlen(text));
		_exit(n < 0 ? (errno & 0xff ? errno & 0xff : 1) : 0);
	}
	if (pid < 0) {
		fprintf(stderr, "staprun: cannot fork: %s\n", strerror(errno));
		r->failed = true;
		r->done = true;
		return;
	}
	r->ctl_pid = pid;
	r->ctl_cmd = cmd;
	if (cmd == CTL_STOP)
		r->stop_sent = true;
}

static void request_stop(struct relay *r, const char *why)
{
	if (r->stop_wanted) {
		if (r->o->verbose)
			fprintf(stderr, "staprun: %s; already stopping\n", why);
		return;
	}
	r->stop_wanted = true;
	if (r->o->verbose)
		fprintf(stderr, "staprun: %s: stopping the session\n", why);
	if (r->ctl_cmd == CTL_NONE)
		ctl_send(r, CTL_STOP);
	/* else: sent when the start in flight is done */
}

/* The script's input probes, if it has any: their procfs file. */
static void open_input(struct relay *r)
{
	char path[512];

	snprintf(path, sizeof(path), "/proc/systemtap/%s/__stdin", r->o->module);
	r->input_fd = open(path, O_WRONLY | O_CLOEXEC);
}

/* What stdin has, byte by byte to the input probes; EOF or an error
 * ends the input. */
static void forward_input(struct relay *r)
{
	char buf[4096];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return;
		close(r->input_fd);
		r->input_fd = -1;
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		if (write(r->input_fd, buf + i, 1) != 1)
			break;
}

static void ctl_done(struct relay *r, int err)
{
	enum ctl_cmd cmd = r->ctl_cmd;

	r->ctl_pid = 0;
	r->ctl_cmd = CTL_NONE;
	if (cmd == CTL_START) {
		if (err) {
			fprintf(stderr, "staprun: module %s refused to start: %s\n",
				r->o->module, strerror(err));
			r->failed = true;
		} else if (r->o->verbose) {
			fprintf(stderr, "staprun: session started (target pid %d)\n", (int)r->target);
		}
		child_release(&r->child, !err);
		if (!err)
			open_input(r);
		if (err || r->stop_wanted) {
			r->stop_wanted = true;
			ctl_send(r, CTL_STOP);
		}
		return;
	}
	if (err) {
		fprintf(stderr, "staprun: module %s refused to stop: %s\n", r->o->module,
			strerror(err));
		r->failed = true;
		r->give_up_at = now_ms() + STOP_GRACE_MS;
	}
}

/* ---- system() ---- */

/* Reap the system() commands that have exited (all of them, waiting up
 * to deadline ms of the monotonic clock, when deadline is not 0). */
static void reap_system(struct relay *r, int64_t deadline)
{
	for (;;) {
		int left = 0;
		for (int i = 0; i < r->nsys; i++) {
			int st;
			if (waitpid(r->sys_pid[i], &st, WNOHANG) == 0)
				r->sys_pid[left++] = r->sys_pid[i];
		}
		r->nsys = left;
		if (!r->nsys || !deadline || now_ms() >= deadline)
			return;
		usleep(10 * 1000);
	}
}

/* Run a system() command: the output relayed so far goes first, as the
 * script printed it before the call.  With MAX_SYSTEM running, the
 * oldest is waited for. */
static void start_system(struct relay *r, const char *p, size_t n)
{
	char *cmd = strndup(p, n);

	if (!cmd)
		return;
	out_flush(r);
	if (r->nsys == MAX_SYSTEM) {
		waitpid(r->sys_pid[0], NULL, 0);
		memmove(r->sys_pid, r->sys_pid + 1, --r->nsys * sizeof(r->sys_pid[0]));
	}
	pid_t pid = child_run(cmd, r->out_fd);
	if (pid)
		r->sys_pid[r->nsys++] = pid;
	free(cmd);
}

/* ---- records ---- */

static void handle_record(struct relay *r, const struct rec_hdr *h, const char *p)
{
	int32_t st;

	switch (h->type) {
	case REC_STDOUT:
		out_put(r, r->out_fd, p, h->len);
		return;
	case REC_STDERR:
		out_put(r, STDERR_FILENO, p, h->len);
		return;
	case REC_EXIT:
		request_stop(r, "the script asked to exit");
		return;
	case REC_SYSTEM:
		start_system(r, p, h->len);
		return;
	case REC_SWITCH_FILE:
		out_flush(r);
		out_switch(r);
		return;
	case REC_DONE:
		st = 1;
		if (h->len >= sizeof(st))
			memcpy(&st, p, sizeof(st));
		r->status = st;
		r->done = true;
		return;
	}
	if (!r->warned_type) {
		fprintf(stderr, "staprun: skipping records of unknown type %u\n", h->type);
		r->warned_type = true;
	}
}

/* Hand every whole record in r->in to handle_record, keep the rest. */
static void parse_records(struct relay *r)
{
	size_t pos = 0;
	struct rec_hdr h;

	while (!r->done && r->in_len - pos >= sizeof(h)) {
		memcpy(&h, r->in + pos, sizeof(h));
		if (r->in_len - pos - sizeof(h) < h.len)
			break;
		handle_record(r, &h, r->in + pos + sizeof(h));
		pos += sizeof(h) + h.len;
	}
	if (r->done)
		pos = r->in_len;        /* nothing follows DONE */
	memmove(r->in, r->in + pos, r->in_len - pos);
	r->in_len -= pos;
}

/* Room for the next read: a whole pending record plus READ_CHUNK. */
static int grow_input(struct relay *r)
{
	size_t need = r->in_len + READ_CHUNK;
	struct rec_hdr h;

	if (r->in_len >= sizeof(h)) {
		memcpy(&h, r->in, sizeof(h));
		if (sizeof(h) + (size_t)h.len + READ_CHUNK > need)
			need = sizeof(h) + (size_t)h.len + READ_CHUNK;
	}
	if (need <= r->in_cap)
		return 0;
	char *p = realloc(r->in, need);
	if (!p) {
		fputs("staprun: out of memory\n", stderr);
		return -ENOMEM;
	}
	r->in = p;
	r->in_cap = need;
	return 0;
}

/* Read what the data file has (it is non-blocking) and relay it. */
static void drain(struct relay *r)
{
	while (!r->done) {
		if (grow_input(r)) {
			r->failed = r->done = true;
			break;
		}
		ssize_t n = read(r->data_fd, r->in + r->in_len, r->in_cap - r->in_len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				fprintf(stderr, "staprun: reading the module's data: %s\n",
					strerror(errno));
				r->failed = r->done = true;
			}
			break;
		}
		if (n == 0) {
			fprintf(stderr, "staprun: module %s ended its output without a status\n",
				r->o->module);
			r->failed = r->done = true;
			break;
		}
		r->in_len += (size_t)n;
		parse_records(r);
	}
	out_flush(r);
}

/* ---- the loop ---- */

/* The -c command failed (127: the shell could not find or run it). */
static void report_child(int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st))
		fprintf(stderr, "WARNING: Child process exited with status %d\n", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		fprintf(stderr, "WARNING: Child process exited with signal %d (%s)\n",
			WTERMSIG(st), strsignal(WTERMSIG(st)));
}

static void handle_events(struct relay *r)
{
	if (got_stop_signal) {
		int sig = got_stop_signal;
		got_stop_signal = 0;
		request_stop(r, strsignal(sig));
	}
	if (got_switch) {
		got_switch = 0;
		out_flush(r);
		out_switch(r);
	}
	if (got_chld) {
		got_chld = 0;
		int st;
		if (r->ctl_pid && waitpid(r->ctl_pid, &st, WNOHANG) == r->ctl_pid)
			ctl_done(r, WIFEXITED(st) ? WEXITSTATUS(st) : EINTR);
		if (r->child.pid && !r->child.exited && child_reap(&r->child)) {
			report_child(r->child.status);
			request_stop(r, "the -c command exited");
		}
		reap_system(r, 0);
	}
	if (r->o->target && r->watch_fd < 0 && !r->stop_wanted && target_gone(r->o->target))
		request_stop(r, "the -x process exited");
}

static void relay_loop(struct relay *r, const sigset_t *wait_mask)
{
	while (!r->done) {
		struct pollfd p[3] = {
			{ .fd = r->data_fd, .events = POLLIN },
			{ .fd = r->watch_fd >= 0 && !r->stop_wanted ? r->watch_fd : -1,
			  .events = POLLIN },
			{ .fd = r->input_fd >= 0 && !r->stop_wanted ? STDIN_FILENO : -1,
			  .events = POLLIN },
		};
		nfds_t n = 3;
		struct timespec ts = { 0, 200 * 1000000L }, *tsp = NULL;

		if (r->o->target && r->watch_fd < 0)
			tsp = &ts;
		if (r->give_up_at) {
			int64_t left = r->give_up_at - now_ms();
			if (left <= 0) {
				fprintf(stderr, "staprun: no end of session from module %s; giving up\n",
					r->o->module);
				r->done = true;
				break;
			}
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000L;
			tsp = &ts;
		}
		int rc = ppoll(p, n, tsp, wait_mask);
		if (rc < 0 && errno != EINTR) {
			fprintf(stderr, "staprun: poll: %s\n", strerror(errno));
			r->failed = r->done = true;
			break;
		}
		handle_events(r);
		if (rc > 0 && p[1].fd >= 0 && p[1].revents)
			request_stop(r, "the -x process exited");
		if (rc > 0 && p[2].fd >= 0 && p[2].revents)
			forward_input(r);
		if (rc > 0 && p[0].revents)
			drain(r);
	}
}

/* ---- setup and teardown ---- */

static int open_files(struct relay *r)
{
	char path[512];
	const char *name = r->o->module;
	int err;

	snprintf(path, sizeof(path), DEBUGFS_DIR "/systemtap/%s/ctl", name);
	r->ctl_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (r->ctl_fd < 0)
		goto fail;
	snprintf(path, sizeof(path), DEBUGFS_DIR "/systemtap/%s/data", name);
	r->data_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->data_fd < 0)
		goto fail;
	return 0;
fail:
	err = errno;
	if (err == EBUSY)
		fprintf(stderr, "staprun: module %s already has a reader (another staprun?)\n", name);
	else if (err == ENOENT)
		fprintf(stderr, "staprun: %s: no such file: module %s is not a running stap module\n",
			path, name);
	else
		fprintf(stderr, "staprun: cannot open %s: %s\n", path, strerror(err));
	return -err;
}

static int open_output(struct relay *r)
{
	r->out_fd = STDOUT_FILENO;
	r->of.fd = -1;
	if (!r->o->outfile)
		return 0;
	r->of.name = r->o->outfile;
	r->of.max_bytes = r->o->out_max_bytes;
	r->of.max_files = r->o->out_max_files;
	int err = outfile_open(&r->of);
	if (!err)
		r->out_fd = r->of.fd;
	return err;
}

/* Catch the stop signals and SIGCHLD, blocked outside ppoll; *wait_mask
 * is the mask ppoll runs with. */
static void setup_signals(sigset_t *wait_mask)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR2 };
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(wait_mask, sigs[i]);
}

static void teardown(struct relay *r)
{
	out_flush(r);
	reap_system(r, now_ms() + SYSTEM_GRACE_MS);
	child_release(&r->child, false);
	if (r->ctl_pid) {
		int st;
		waitpid(r->ctl_pid, &st, 0);
	}
	if (r->child.pid)
		child_reap(&r->child);
	if (r->watch_fd >= 0)
		close(r->watch_fd);
	if (r->input_fd >= 0)
		close(r->input_fd);
	if (r->data_fd >= 0)
		close(r->data_fd);
	if (r->ctl_fd >= 0)
		close(r->ctl_fd);
	outfile_close(&r->of);
	free(r->in);
}

int relay_run(const struct relay_opts *o)
{
	static struct relay r;
	sigset_t wait_mask;
	bool ours;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.ctl_fd = r.data_fd = r.out_fd = r.watch_fd = r.input_fd = -1;
	r.child.release_fd = -1;
	r.out_to = STDOUT_FILENO;
	r.target = o->target;
	setup_signals(&wait_mask);
	if (relay_mount_debugfs() || open_files(&r) || open_output(&r))
		goto fail;
	if (o->cmd) {
		if (child_spawn(&r.child, o->cmd))
			goto fail;
		r.target = r.child.pid;
	}
	if (o->target)
		r.watch_fd = target_watch(o->target);
	ctl_send(&r, CTL_START);
	relay_loop(&r, &wait_mask);
	teardown(&r);
	if (o->unload && modload_remove_wait(o->module, o->verbose))
		r.failed = true;
	if (r.status < 0 || r.status > 255)
		r.status = 1;
	if (r.failed && r.status == 0)
		r.status = 1;
	return r.status;
fail:
	/* Files another reader holds belong to its session: not ours to end. */
	ours = o->loaded_here || r.data_fd >= 0;
	teardown(&r);
	if (o->unload && ours)
		modload_remove_wait(o->module, o->verbose);
	return 1;
}
