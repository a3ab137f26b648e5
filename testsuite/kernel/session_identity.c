/* session_identity: a getpid(2) as root, then another after giving up
 * root (setuid to nobody), for session_identity.stp to compare. */
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	syscall(SYS_getpid);
	if (setuid(65534) != 0)
		return 1;
	syscall(SYS_getpid);
	return 0;
}
