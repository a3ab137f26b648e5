/* ex_tcp_setsockopt: four TCP-level options on one socket, for the
 * example examples/tcp-setsockopt.stp: two the kernel takes, one it
 * refuses (an MSS under its minimum of 88), one it does not know. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int main(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1, mss = 10, idle = 30, seven = 7;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, 9999, &seven, sizeof(seven));
	return 0;
}
