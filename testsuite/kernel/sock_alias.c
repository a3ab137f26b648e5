/* sock_alias: the socket calls sock_alias.stp follows, in a fixed order
 * and with fixed sizes:
 *   - a TCP connection over 127.0.0.1, 5571 -> 5570 (both ends bound, so
 *     nothing varies per run), carrying "hello" (send, recv);
 *   - an AF_UNIX stream socketpair carrying "ping" by write()/read() (the
 *     sockets' read_iter/write_iter) and "pong!" by sendmsg()/recvmsg();
 *   - a socket() of an address family no kernel has (99), which fails
 *     with EAFNOSUPPORT before any socket is allocated;
 *   - the close of each socket: client, accepted, listener, the pair. */
#include <errno.h>
#include <sys/uio.h>

#include "loopback.h"

int main(void)
{
	struct sockaddr_in srv = lo_addr(5570);
	char buf[16];
	struct iovec iov = { .iov_base = "pong!", .iov_len = 5 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int l = lo_socket(SOCK_STREAM, 5570), c, a, sv[2];

	listen(l, 1);
	c = lo_socket(SOCK_STREAM, 5571);
	if (connect(c, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		return 3;
	a = accept(l, NULL, NULL);
	send(c, "hello", 5, 0);
	if (recv(a, buf, sizeof(buf), 0) != 5)
		return 4;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 5;
	write(sv[0], "ping", 4);
	if (read(sv[1], buf, sizeof(buf)) != 4)
		return 6;
	sendmsg(sv[1], &msg, 0);
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	if (recvmsg(sv[0], &msg, 0) != 5)
		return 7;

	if (socket(99, SOCK_DGRAM, 0) >= 0 || errno != EAFNOSUPPORT)
		return 8;

	close(c);
	close(a);
	close(l);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
