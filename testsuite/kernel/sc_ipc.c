/* sc_ipc: the System V IPC and POSIX message queue system calls sc_ipc.stp
 * checks, in this order, between two getpid calls that mark the part the
 * script prints.  Every call goes through syscall(2), so the arguments
 * are the kernel's (glibc would strip mq_open's slash, add IPC_64 ...).
 * The failures: ENOENT (a key or queue that does not exist), EINVAL (a
 * bad id, an address never attached, a removed set, a command that does
 * not exist or IPC_64 on x86-64's native calls), EAGAIN and ENOMSG
 * (IPC_NOWAIT with nothing to take), ETIMEDOUT (an absolute time long
 * past on an empty queue). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static struct { long mtype; char mtext[8]; } msg = { 2, "hello" };
static char buf[64];
static unsigned short vals[2];

/* glibc does not export the kernel's "64-bit structures" command bit */
#define IPC_64 0x0100

int main(void)
{
	struct sembuf sops[2] = { { 0, 1, 0 }, { 1, 1, IPC_NOWAIT } };
	struct sembuf dec = { 0, -1, SEM_UNDO }, wait2 = { 1, -2, IPC_NOWAIT };
	struct timespec ts = { 1, 0 }, past = { 1, 0 };
	struct mq_attr attr = { 0, 4, 16, 0 }, old, nonblock = { O_NONBLOCK, 0, 0, 0 };
	struct sigevent sev;
	struct shmid_ds shmds;
	struct msqid_ds msqds;
	unsigned int prio;
	long shm, sem, msq, q;
	void *p;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	syscall(SYS_getpid);
	/* shared memory */
	shm = syscall(SYS_shmget, IPC_PRIVATE, 8192, IPC_CREAT | IPC_EXCL | 0600);
	p = (void *)syscall(SYS_shmat, shm, NULL, SHM_RDONLY);
	syscall(SYS_shmdt, p);
	syscall(SYS_shmctl, shm, IPC_STAT, &shmds);
	syscall(SYS_shmctl, shm, IPC_RMID, NULL);
	syscall(SYS_shmget, 0x5c1, 4096, 0640);
	syscall(SYS_shmat, -1, NULL, 0);
	syscall(SYS_shmdt, (void *)0x1000);
	syscall(SYS_shmat, -1, (void *)0x10000, SHM_RND | SHM_REMAP);
	syscall(SYS_shmctl, -1, IPC_64 | IPC_STAT, NULL);
	/* semaphores */
	sem = syscall(SYS_semget, IPC_PRIVATE, 2, IPC_CREAT | 0600);
	syscall(SYS_semop, sem, sops, 2);
	syscall(SYS_semtimedop, sem, &dec, 1, &ts);
	syscall(SYS_semtimedop, sem, &wait2, 1, NULL);
	syscall(SYS_semctl, sem, 1, GETVAL, 0);
	syscall(SYS_semctl, sem, 0, SETVAL, 5);
	syscall(SYS_semctl, sem, 0, GETALL, vals);
	syscall(SYS_semctl, sem, 0, 12345, 0);
	syscall(SYS_semctl, sem, 0, IPC_RMID, 0);
	syscall(SYS_semop, sem, sops, 1);
	syscall(SYS_semget, 0x5c1, 1, 0600);
	/* System V message queues */
	msq = syscall(SYS_msgget, IPC_PRIVATE, IPC_CREAT | 0600);
	syscall(SYS_msgsnd, msq, &msg, 6, 0);
	syscall(SYS_msgrcv, msq, &msg, 8, 2, MSG_NOERROR);
	syscall(SYS_msgrcv, msq, &msg, 8, 0, IPC_NOWAIT);
	syscall(SYS_msgrcv, msq, &msg, 8, -3L, MSG_EXCEPT | IPC_NOWAIT);
	syscall(SYS_msgctl, msq, IPC_STAT, &msqds);
	syscall(SYS_msgctl, msq, IPC_RMID, NULL);
	syscall(SYS_msgget, 0x5c1, 0600);
	msq = syscall(SYS_msgget, IPC_PRIVATE, IPC_CREAT | IPC_EXCL);
	syscall(SYS_msgctl, msq, IPC_RMID, NULL);
	/* POSIX message queues (the kernel's name has no leading slash) */
	q = syscall(SYS_mq_open, "sc_ipc", O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	syscall(SYS_mq_timedsend, q, "msg", 3, 1, NULL);
	syscall(SYS_mq_timedreceive, q, buf, 16, &prio, NULL);
	syscall(SYS_mq_timedreceive, q, buf, 16, &prio, &past);
	syscall(SYS_mq_notify, q, &sev);
	syscall(SYS_mq_notify, q, NULL);
	syscall(SYS_mq_getsetattr, q, NULL, &old);
	syscall(SYS_mq_getsetattr, q, &nonblock, NULL);
	syscall(SYS_mq_timedsend, 99, "msg", 3, 0, NULL);
	close(q);
	syscall(SYS_mq_unlink, "sc_ipc");
	syscall(SYS_mq_unlink, "sc_ipc");
	syscall(SYS_mq_open, "sc_none", O_RDONLY, 0, NULL);
	syscall(SYS_getpid);
	return 0;
}
