/* sc_table: calls that only the generated aliases cover (no hand-written
 * decoder), each once, in this order, through syscall(2) so that libc
 * neither caches nor substitutes them; three of them fail.  It first
 * renames itself sc_table_go: the script shows only that task's calls,
 * not the static libc's start-up ones, without a global to remember
 * when to start (so no lock that another CPU's hit could hold). */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>

int main(void)
{
	char buf[8] = { 0 };	/* getrandom's argstr shows it as a string */
	struct rlimit rl;
	struct itimerval it;

	prctl(PR_SET_NAME, "sc_table_go");
	syscall(SYS_sched_yield);
	syscall(SYS_getpriority, PRIO_PROCESS, 0);
	syscall(SYS_getpriority, 99, 0);
	syscall(SYS_getrlimit, RLIMIT_NOFILE, &rl);
	syscall(SYS_getrandom, buf, sizeof(buf), 0);
	syscall(SYS_personality, 0xffffffffUL);
	syscall(SYS_sched_getscheduler, 0);
	syscall(SYS_sched_getscheduler, -1);
	syscall(SYS_getitimer, ITIMER_REAL, &it);
	syscall(SYS_getsid, 999999);
	return 0;
}
