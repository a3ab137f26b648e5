/* sc_proc2: the tracing, signal-queue, namespace, I/O-priority, pidfd
 * and other process system calls sc_proc2.stp checks, in this order,
 * between two getpid calls that mark the part the script prints (so
 * nothing may call getpid but them: the pid is gettid's).  The
 * ptrace part traces a child that stops itself; the clone3 child exits at
 * once; the parent waits for each, so the order is fixed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARCH_GET_FS 0x1003
#define ARCH_GET_CPUID 0x1011
#define KCMP_FILE 0
#define KCMP_VM 1
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_PRIO_VALUE(class, data) (((class) << 13) | (data))

struct waitv {
	unsigned long long val, uaddr;
	unsigned int flags, reserved;
};

static unsigned long fsbase, word = 0x1234, word2;
static int tid_word, futex_word;

static void queue_info(siginfo_t *si, int sig)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = SI_QUEUE;
	si->si_pid = 1;
	si->si_uid = 0;
	si->si_int = 42;
}

int main(void)
{
	struct iovec liov = { &word2, sizeof(word2) }, riov = { &word, sizeof(word) };
	struct clone_args ca;
	struct waitv w = { 1, (unsigned long)&futex_word, 2 /* FUTEX_32 */, 0 };
	struct timespec ts = { 0, 0 };
	unsigned long msg, set[1];
	siginfo_t si, info;
	sigset_t block, usr1, usr2;
	void *head;
	size_t len;
	pid_t pid = syscall(SYS_gettid), child;
	int nsfd, pidfd, st;
	char rseq_area[32];

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	nsfd = open("/proc/self/ns/uts", O_RDONLY);
	memset(&info, 0, sizeof(info));

	syscall(SYS_getpid);
	/* ptrace: a child that asks to be traced and stops itself */
	child = fork();
	if (child == 0) {
		syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
		syscall(SYS_tkill, syscall(SYS_gettid), SIGSTOP);
		syscall(SYS_exit, 0);
	}
	waitpid(child, &st, 0);
	syscall(SYS_ptrace, PTRACE_SETOPTIONS, child, 0,
		PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
	syscall(SYS_ptrace, PTRACE_PEEKDATA, child, &word, &msg);
	syscall(SYS_ptrace, PTRACE_GETEVENTMSG, child, 0, &msg);
	syscall(SYS_ptrace, PTRACE_ARCH_PRCTL, child, &fsbase, ARCH_GET_FS);
	syscall(SYS_ptrace, PTRACE_CONT, child, 0, 0);
	waitpid(child, &st, 0);
	syscall(SYS_ptrace, PTRACE_ATTACH, -1, 0, 0);

	/* signals queued with data, and waited for */
	queue_info(&si, SIGUSR1);
	syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si);
	syscall(SYS_rt_sigpending, set, 8);
	syscall(SYS_rt_sigpending, set, 4);
	syscall(SYS_rt_sigtimedwait, &usr1, &info, &ts, 8);
	queue_info(&si, SIGUSR2);
	syscall(SYS_rt_tgsigqueueinfo, pid, pid, SIGUSR2, &si);
	syscall(SYS_rt_sigtimedwait, &usr2, NULL, NULL, 8);
	syscall(SYS_rt_sigtimedwait, &usr1, NULL, &ts, 8);
	syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, (void *)1);

	/* namespaces */
	syscall(SYS_unshare, CLONE_NEWUTS | CLONE_NEWIPC);
	syscall(SYS_unshare, CLONE_VFORK);
	syscall(SYS_setns, nsfd, CLONE_NEWUTS);
	syscall(SYS_setns, 99, 0);

	/* I/O priority */
	syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(2, 4));
	syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(3, 0));
	syscall(SYS_ioprio_get, 5, 0);

	/* pidfds */
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	syscall(SYS_pidfd_open, pid, O_NONBLOCK);
	syscall(SYS_pidfd_open, pid, 0x1);
	syscall(SYS_pidfd_getfd, pidfd, 0, 0);
	syscall(SYS_pidfd_getfd, pidfd, 99, 0);
	syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0);
	queue_info(&si, SIGUSR1);
	syscall(SYS_pidfd_send_signal, pidfd, SIGUSR1, &si, 0);
	syscall(SYS_pidfd_send_signal, 99, SIGKILL, NULL, 0);

	/* x86 thread state */
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fsbase);
	syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0);
	syscall(SYS_arch_prctl, 0x9999, 0);

	/* comparing and copying between processes (here: with itself) */
	syscall(SYS_kcmp, pid, pid, KCMP_FILE, 0, 0);
	syscall(SYS_kcmp, pid, pid, KCMP_VM, 0, 0);
	syscall(SYS_kcmp, pid, pid, 99, 0, 0);
	syscall(SYS_process_vm_readv, pid, &liov, 1, &riov, 1, 0);
	syscall(SYS_process_vm_writev, pid, &liov, 1, &riov, 1, 0);
	syscall(SYS_process_vm_readv, pid, &liov, 1, &riov, 1, 1);

	/* thread bookkeeping */
	syscall(SYS_set_tid_address, &tid_word);
	syscall(SYS_get_robust_list, 0, &head, &len);
	syscall(SYS_set_robust_list, head, len);
	syscall(SYS_set_robust_list, head, 1);

	/* clone3: a child that exits at once, then two bad requests */
	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	child = syscall(SYS_clone3, &ca, sizeof(ca));
	if (child == 0)
		syscall(SYS_exit, 0);
	waitpid(child, &st, 0);
	ca.flags = CLONE_THREAD;
	syscall(SYS_clone3, &ca, sizeof(ca));
	syscall(SYS_clone3, &ca, 8);

	/* rseq: the C library registered its own area, so another fails */
	syscall(SYS_rseq, rseq_area, 32, 0, 0xabc);
	syscall(SYS_futex_waitv, &w, 1, 0, &ts, CLOCK_MONOTONIC);
	syscall(SYS_futex_waitv, NULL, 0, 0, NULL, CLOCK_MONOTONIC);
	syscall(SYS_restart_syscall);
	syscall(SYS_getpid);
	return 0;
}
