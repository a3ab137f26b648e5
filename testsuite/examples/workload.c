/* workload.c - the activity the examples suite runs an example against,
 * in the test VM (which has busybox but no libc: this is built static).
 *
 * Usage: workload KIND [N] [DEVICE]   (N: how many rounds, default 100)
 *   syscalls  getpid, open/read/close of /proc/self/stat, stat, a failing
 *             open (ENOENT) and a write to /dev/null, N times
 *   files     create, write 8 KiB, fsync, read back, seek around, rename
 *             and unlink a file under /tmp, N times
 *   fork      fork N children that exec busybox `true` (process life,
 *             exec, exit, wait)
 *   threads   4 threads taking one mutex N times each (futex contention)
 *   sleep     N sleeps of 1 ms (timers, scheduling)
 *   spin      burn the CPU for N ms
 *   mem       map N MiB, touch every page, unmap (page faults, reclaim)
 *   net       N TCP connections on 127.0.0.1: TCP_NODELAY set, connect,
 *             send 4 KiB, receive it back, close (plus one refused
 *             connection)
 *   udp       N UDP datagrams to 127.0.0.1 and back
 *   signal    N signals to a child (SIGUSR1), then SIGTERM
 *   pipe      N 1 KiB messages through a pipe between two processes
 *   all       every kind above, N rounds each
 *   disk      N 4 KiB O_DIRECT writes and reads at scattered offsets of
 *             a block device (third argument, default /dev/ram0), fsync
 *   heap      grow the heap with brk N times by 64 KiB, touching it,
 *             then give it all back
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kernel/loopback.h"

static void do_syscalls(int n)
{
	char buf[256];
	struct stat st;

	for (int i = 0; i < n; i++) {
		getpid();
		int fd = open("/proc/self/stat", O_RDONLY);
		if (fd >= 0) {
			if (read(fd, buf, sizeof(buf)) < 0)
				perror("read");
			close(fd);
		}
		stat("/", &st);
		if (open("/nonexistent/file", O_RDONLY) >= 0)
			abort();
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			if (write(fd, buf, 16) < 0)
				perror("write");
			close(fd);
		}
	}
}

static void do_files(int n)
{
	static char block[8192];

	memset(block, 'x', sizeof(block));
	for (int i = 0; i < n; i++) {
		int fd = open("/tmp/workload.dat", O_CREAT | O_TRUNC | O_RDWR, 0644);
		if (fd < 0) {
			perror("open");
			return;
		}
		if (write(fd, block, sizeof(block)) != sizeof(block))
			perror("write");
		fsync(fd);
		lseek(fd, 0, SEEK_SET);
		if (read(fd, block, sizeof(block)) < 0)
			perror("read");
		lseek(fd, 4096, SEEK_SET);
		lseek(fd, 100, SEEK_CUR);
		if (read(fd, block, 512) < 0)
			perror("read");
		close(fd);
		rename("/tmp/workload.dat", "/tmp/workload.old");
		unlink("/tmp/workload.old");
	}
}

static void do_fork(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			execl("/bin/busybox", "true", (char *)NULL);
			execl("/bin/true", "true", (char *)NULL);
			_exit(0);
		}
		if (p > 0)
			waitpid(p, NULL, 0);
	}
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long shared;

static void *contend(void *arg)
{
	int n = *(int *)arg;

	for (int i = 0; i < n; i++) {
		pthread_mutex_lock(&lock);
		for (volatile int k = 0; k < 2000; k++)
			shared++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void do_threads(int n)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, contend, &n);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
}

static void do_sleep(int n)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < n; i++)
		nanosleep(&ms, NULL);
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void do_spin(int n)
{
	long end = now_ms() + n;
	volatile unsigned long x = 0;

	while (now_ms() < end)
		for (int k = 0; k < 10000; k++)
			x += k;
}

static void do_mem(int n)
{
	size_t len = (size_t)n << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return;
	}
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	madvise(p, len, MADV_DONTNEED);
	for (size_t off = 0; off < len; off += 8192)
		p[off] = 2;
	munmap(p, len);
}

/* The test VM boots with lo down: bring it up (as `ip link set lo up`). */
static void lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

/* Reads on s give up after 2 s: a lost packet must not hang the run. */
static void read_timeout(int s)
{
	struct timeval t = { 2, 0 };

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t));
}

/* An echo server on 127.0.0.1:port in a child process, serving n
 * connections; returns its pid once it listens. */
static pid_t echo_server(int port, int n)
{
	struct sockaddr_in a = lo_addr(port);
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0) {
		perror("bind");
		exit(2);
	}
	pid_t p = fork();
	if (p == 0) {
		char buf[4096];
		alarm(20); /* never outlive a run whose client failed */
		for (int i = 0; i < n; i++) {
			int c = accept(s, NULL, NULL);
			ssize_t got;
			if (c < 0)
				_exit(1);
			while ((got = read(c, buf, sizeof(buf))) > 0)
				if (write(c, buf, got) != got)
					break;
			close(c);
		}
		_exit(0);
	}
	close(s);
	return p;
}

static void do_net(int n)
{
	static char msg[4096], back[4096];
	lo_up();
	pid_t server = echo_server(7007, n);

	memset(msg, 'n', sizeof(msg));
	for (int i = 0; i < n; i++) {
		struct sockaddr_in a = lo_addr(7007);
		int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		read_timeout(s);
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("connect");
			close(s);
			continue;
		}
		if (write(s, msg, sizeof(msg)) != sizeof(msg))
			perror("write");
		shutdown(s, SHUT_WR);
		size_t total = 0;
		ssize_t got;
		while ((got = read(s, back, sizeof(back))) > 0)
			total += got;
		close(s);
	}
	waitpid(server, NULL, 0);
	/* nothing listens on 7008: a refused connection */
	struct sockaddr_in a = lo_addr(7008);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0)
		fprintf(stderr, "workload: port 7008 answered\n");
	close(s);
}

static void do_udp(int n)
{
	struct sockaddr_in a = lo_addr(7009);
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[512];

	lo_up();
	read_timeout(r);
	if (bind(r, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("bind");
		return;
	}
	memset(buf, 'u', sizeof(buf));
	for (int i = 0; i < n; i++) {
		sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&a, sizeof(a));
		if (recv(r, buf, sizeof(buf), 0) < 0)
			perror("recv");
	}
	close(r);
	close(s);
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void do_signal(int n)
{
	/* set before the fork: a child without its handler would die on
	 * the first SIGUSR1 */
	signal(SIGUSR1, on_usr1);
	pid_t p = fork();

	if (p == 0) {
		for (;;)
			pause();
	}
	for (int i = 0; i < n; i++) {
		kill(p, SIGUSR1);
		do_sleep(1);
	}
	kill(p, SIGTERM);
	waitpid(p, NULL, 0);
	signal(SIGUSR1, SIG_DFL);
}

static void do_pipe(int n)
{
	int fds[2];
	char buf[1024];

	if (pipe(fds) < 0) {
		perror("pipe");
		return;
	}
	pid_t p = fork();
	if (p == 0) {
		close(fds[1]);
		while (read(fds[0], buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	memset(buf, 'p', sizeof(buf));
	for (int i = 0; i < n; i++)
		if (write(fds[1], buf, sizeof(buf)) < 0)
			perror("write");
	close(fds[1]);
	waitpid(p, NULL, 0);
}

static const char *device = "/dev/ram0";

static void do_disk(int n)
{
	void *buf;
	int fd = open(device, O_RDWR | O_DIRECT);

	if (fd < 0) {
		perror(device);
		return;
	}
	off_t blocks = lseek(fd, 0, SEEK_END) / 4096;
	if (blocks <= 0 || posix_memalign(&buf, 4096, 4096) != 0) {
		close(fd);
		return;
	}
	memset(buf, 'd', 4096);
	for (int i = 0; i < n; i++) {
		off_t at = (off_t)((i * 7919L) % blocks) * 4096;
		if (pwrite(fd, buf, 4096, at) != 4096)
			perror("pwrite");
		if (pread(fd, buf, 4096, (off_t)((i * 104729L) % blocks) * 4096) < 0)
			perror("pread");
	}
	fsync(fd);
	free(buf);
	close(fd);
}

static void do_heap(int n)
{
	for (int i = 0; i < n; i++) {
		char *p = sbrk(65536);
		if (p == (void *)-1) {
			perror("sbrk");
			n = i;
			break;
		}
		for (int off = 0; off < 65536; off += 4096)
			p[off] = 1;
	}
	if (n > 0)
		sbrk(-65536L * n);
}

static const struct {
	const char *name;
	void (*run)(int n);
} kinds[] = {
	{ "syscalls", do_syscalls }, { "files", do_files }, { "fork", do_fork },
	{ "threads", do_threads },   { "sleep", do_sleep }, { "spin", do_spin },
	{ "mem", do_mem },	     { "net", do_net },	    { "udp", do_udp },
	{ "signal", do_signal },     { "pipe", do_pipe },   { "disk", do_disk },
	{ "heap", do_heap },
};
#define NALL 11 /* "all" runs the kinds before disk */

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 100;
	int all = argc > 1 && strcmp(argv[1], "all") == 0;

	if (argc < 2) {
		fprintf(stderr, "usage: workload KIND [N] [DEVICE]\n");
		return 2;
	}
	if (argc > 3)
		device = argv[3];
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((all && i < NALL) || strcmp(argv[1], kinds[i].name) == 0) {
			kinds[i].run(n);
			if (!all)
				return 0;
		}
	if (all)
		return 0;
	fprintf(stderr, "workload: no kind '%s'\n", argv[1]);
	return 2;
}
