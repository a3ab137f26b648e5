/* sc_compat_sock: send(2) and recv(2) as a 32-bit program makes them,
 * through socketcall(2) by int $0x80, between two getpid calls.  A
 * 64-bit program may enter the kernel that way too, and the kernel then
 * runs the call as a 32-bit one; the argument arrays and the data sit in
 * this static binary's data, below 4 GiB, where 32-bit pointers reach. */
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define IA32_SOCKETCALL 102
#define SYS_SEND 9
#define SYS_RECV 10

static unsigned int args[4];
static char msg[] = "ping";
static char buf[16];

static long ia32_socketcall(unsigned int call, unsigned int fd, const char *p,
			    unsigned int len, unsigned int flags)
{
	long ret;

	args[0] = fd;
	args[1] = (unsigned int)(unsigned long)p;
	args[2] = len;
	args[3] = flags;
	/* the 32-bit entry zeroes r8-r11 of a 64-bit caller */
	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(IA32_SOCKETCALL), "b"(call), "c"((unsigned int)(unsigned long)args)
		     : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int main(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
		return 2;
	syscall(SYS_getpid);
	if (ia32_socketcall(SYS_SEND, sv[0], msg, 4, 0) != 4)
		return 3;
	if (ia32_socketcall(SYS_RECV, sv[1], buf, sizeof(buf), MSG_DONTWAIT) != 4)
		return 4;
	ia32_socketcall(SYS_SEND, 99, msg, 1, MSG_NOSIGNAL);
	syscall(SYS_getpid);
	return 0;
}
