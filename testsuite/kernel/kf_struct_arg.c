/* setsockopt(TCP_NODELAY) on a TCP socket: the kernel's tcp_setsockopt(sk,
 * level, optname, sockptr_t optval, optlen) gets optval, a 16-byte struct,
 * by value; its user pointer is the address of `one`. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return 1;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
		return 2;
	close(fd);
	return 0;
}
