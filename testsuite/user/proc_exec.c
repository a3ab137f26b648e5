/* proc_exec: becomes busybox's true by exec, in the same process. */
#include <unistd.h>

int main(void)
{
	execl("/bin/true", "true", (char *)0);
	return 1;
}
