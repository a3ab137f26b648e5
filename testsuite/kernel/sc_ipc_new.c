/* sc_ipc_new: what sc_ipc.c leaves out because SystemTap 4.8 prints it
 * otherwise or not at all: the structs semop, semtimedop, mq_open,
 * mq_notify and mq_getsetattr read (variables of ours alone), a
 * timespec with nanoseconds (4.8 reads semtimedop's as 32-bit), commands
 * and flags newer than 4.8 or that it names from the wrong table
 * (SHM_LOCK, MSG_STAT_ANY, MSG_COPY) and a flag word of 0 (4.8 prints
 * nothing).  The calls run in this order between two getpid calls.  The
 * failures: EFBIG (a semaphore the set does not have), EINVAL (no such
 * id), ENOENT (no such key), EBUSY (a notification already asked for). */
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

static char buf[64];

int main(void)
{
	struct sembuf two[2] = { { 0, 1, 0 }, { 1, 1, SEM_UNDO | IPC_NOWAIT } };
	struct sembuf five[5] = { { 0, -1, 0 }, { 1, -1, 0 }, { 0, 1, 0 }, { 1, 1, 0 }, { 5, 1, 0 } };
	struct timespec ts = { 0, 1000 };
	struct mq_attr attr = { 0, 2, 8, 0 }, old, nonblock = { O_NONBLOCK, 0, 0, 0 };
	struct sigevent sev, none;
	long sem, q;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_int = 7;
	memset(&none, 0, sizeof(none));
	none.sigev_notify = SIGEV_NONE;
	syscall(SYS_getpid);
	sem = syscall(SYS_semget, IPC_PRIVATE, 2, IPC_CREAT | 0600);
	syscall(SYS_semop, sem, two, 2);
	syscall(SYS_semtimedop, sem, five, 5, &ts);
	syscall(SYS_semctl, sem, 0, IPC_RMID, 0);
	syscall(SYS_semget, 0x5c1, 1, 0);
	syscall(SYS_shmctl, -1, SHM_LOCK, NULL);
	syscall(SYS_msgctl, -1, MSG_STAT_ANY, NULL);
	syscall(SYS_msgrcv, -1, buf, 8, 0, MSG_COPY | IPC_NOWAIT);
	q = syscall(SYS_mq_open, "sc_ipc_new", O_RDWR | O_CREAT, 0600, &attr);
	syscall(SYS_mq_notify, q, &sev);
	syscall(SYS_mq_notify, q, &none);
	syscall(SYS_mq_notify, q, NULL);
	syscall(SYS_mq_getsetattr, q, &nonblock, &old);
	syscall(SYS_mq_unlink, "sc_ipc_new");
	syscall(SYS_getpid);
	close(q);
	return 0;
}
