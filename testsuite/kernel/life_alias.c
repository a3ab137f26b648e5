/* life_alias: the events life_alias.stp checks, each made once: the
 * program moves itself from CPU 0 to CPU 1; forks a child that exits at
 * once, reaps it and waits for the kernel to free it (after an RCU grace
 * period); sends itself SIGUSR1 with tkill(2); maps and unmaps a page
 * (the unmap frees a vm_area_struct to its slab cache). */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_usr1(int sig)
{
	(void)sig;
}

static int run_on(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int main(void)
{
	pid_t child;
	void *p;

	if (run_on(0) < 0 || run_on(1) < 0)
		return 2;
	child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	sleep(2);
	signal(SIGUSR1, on_usr1);
	syscall(SYS_tkill, syscall(SYS_gettid), SIGUSR1);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p, 4096);
	return 0;
}
