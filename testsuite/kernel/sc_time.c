/* sc_time: the time, timer, poll/event and scheduler calls sc_time.stp
 * checks, in this order, between two getpid calls that mark the part the
 * script prints.  Every call goes through syscall(2), so the system call
 * is the one named, whatever glibc would choose, and every argument is
 * known: the structs hold fixed values (pselect6 writes the time it did
 * not sleep, zero, back to ts, which futex then reads), the descriptors
 * are 3 and 4 for the pipe, then 5 on in the order the calls make them,
 * the POSIX timer is the process's first (0).  Seven calls fail:
 * epoll_ctl EPOLL_CTL_DEL of descriptor 99 (EBADF), timer_delete of a
 * deleted timer, clock_settime of CLOCK_MONOTONIC, sched_get_priority_max
 * and getpriority of an unknown policy or selector (EINVAL), and the two
 * futex waits on a word that does not hold the value (EAGAIN).
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timex.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* the kernel's struct sched_attr, first version (48 bytes) */
struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};

int main(void)
{
	struct timespec ts = { 0, 1000 }, ts0 = { 0, 0 }, ts1 = { 1, 0 }, rts;
	struct timeval tv = { 0, 1000 }, rtv;
	struct itimerspec its = { { 0, 0 }, { 100, 500 } }, rits;
	struct itimerval itv = { { 0, 0 }, { 0, 0 } }, ritv;
	struct epoll_event ev = { EPOLLIN, { 0 } }, evs[4];
	struct sched_param sp = { 0 };
	struct attr attr;
	unsigned char mask[128];
	unsigned int cpu, node;
	sigset_t set;
	struct pollfd pfd;
	struct timex tx;
	struct tms tms;
	int p[2], ep, tid = -1, word = 0;

	memset(&attr, 0, sizeof(attr));
	memset(&tx, 0, sizeof(tx));
	memset(&tms, 0, sizeof(tms));
	pipe(p);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	/* the absolute timer_settime below (100 s of CLOCK_MONOTONIC) fires
	 * at once in a VM up for longer: its SIGALRM must not end us */
	signal(SIGALRM, SIG_IGN);

	syscall(SYS_getpid);
	syscall(SYS_poll, &pfd, 1, 0);
	syscall(SYS_select, 0, NULL, NULL, NULL, &tv);
	syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, NULL);
	syscall(SYS_ppoll, &pfd, 1, &ts0, NULL, 8);
	ep = syscall(SYS_epoll_create, 4);
	syscall(SYS_epoll_create1, EPOLL_CLOEXEC);
	syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[0], &ev);
	syscall(SYS_epoll_ctl, ep, EPOLL_CTL_DEL, 99, NULL);
	syscall(SYS_epoll_ctl, ep, EPOLL_CTL_MOD, p[0], &ev);
	syscall(SYS_epoll_wait, ep, evs, 4, 0);
	syscall(SYS_epoll_pwait, ep, evs, 4, 0, NULL, 8);
	syscall(SYS_eventfd2, 3, EFD_CLOEXEC);
	syscall(SYS_eventfd2, 0, 0);
	syscall(SYS_signalfd4, -1, &set, 8, SFD_NONBLOCK);
	ep = syscall(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC);
	syscall(SYS_timerfd_settime, ep, 0, &its, NULL);
	syscall(SYS_timerfd_settime, ep, TFD_TIMER_ABSTIME, &its, NULL);
	syscall(SYS_timerfd_gettime, ep, &rits);
	syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &tid);
	syscall(SYS_timer_settime, tid, 0, &its, NULL);
	syscall(SYS_timer_settime, tid, TIMER_ABSTIME, &its, NULL);
	syscall(SYS_timer_gettime, tid, &rits);
	syscall(SYS_timer_getoverrun, tid);
	syscall(SYS_timer_delete, tid);
	syscall(SYS_timer_delete, tid);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &rts);
	syscall(SYS_clock_getres, CLOCK_REALTIME, &rts);
	syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts1);
	syscall(SYS_gettimeofday, &rtv, NULL);
	syscall(SYS_settimeofday, NULL, NULL);
	syscall(SYS_adjtimex, &tx);
	memset(&tx, 0, sizeof(tx));
	syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx);
	syscall(SYS_times, &tms);
	syscall(SYS_time, NULL);
	syscall(SYS_getitimer, ITIMER_REAL, &ritv);
	syscall(SYS_setitimer, ITIMER_VIRTUAL, &itv, NULL);
	syscall(SYS_sched_getscheduler, 0);
	syscall(SYS_sched_get_priority_max, SCHED_FIFO);
	syscall(SYS_sched_get_priority_min, SCHED_RR);
	syscall(SYS_sched_getparam, 0, &sp);
	syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp);
	syscall(SYS_sched_rr_get_interval, 0, &rts);
	syscall(SYS_sched_setparam, 0, &sp);
	syscall(SYS_sched_get_priority_max, 99);
	syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	syscall(SYS_sched_setaffinity, 0, 8, mask);
	syscall(SYS_sched_getattr, 0, &attr, sizeof(attr), 0);
	syscall(SYS_sched_setattr, 0, &attr, 0);
	syscall(SYS_sched_yield);
	syscall(SYS_getpriority, PRIO_PROCESS, 0);
	syscall(SYS_getpriority, 99, 0);
	syscall(SYS_setpriority, PRIO_PROCESS, 0, 0);
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	syscall(SYS_futex, &word, FUTEX_WAIT, 1, &ts, NULL, 0);
	syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, -1);
	syscall(SYS_futex, &word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 1);
	syscall(SYS_getcpu, &cpu, &node, NULL);
	syscall(SYS_getpid);
	return 0;
}
