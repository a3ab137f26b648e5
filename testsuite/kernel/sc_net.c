/* sc_net: the socket system calls sc_net.stp checks, in this order (a
 * static program: nothing before main makes a socket call).  A TCP
 * connection over 127.0.0.1:5555 carries "hello" one way and a shutdown;
 * a UDP datagram goes to a port nobody listens on (sending it still
 * succeeds); an AF_UNIX datagram pair carries messages through sendmsg,
 * recvmsg, sendmmsg and recvmmsg; an AF_UNIX stream socket binds a path.
 * Failures: an unknown family (EAFNOSUPPORT), a closed port
 * (ECONNREFUSED), an IPv6 address on an IPv4 socket (EAFNOSUPPORT) and an
 * unknown socket option (ENOPROTOOPT).  The descriptors are known: 0 to 2
 * are open, and a closed descriptor is the next socket's (close is not
 * traced). */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

/* AF_UNIX: a datagram pair, then a stream socket bound to a path */
static int unix_sockets(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "/tmp/sc_net.sock" };
	char a[8], b[8];
	struct iovec out[2] = { { "abc", 3 }, { "defg", 4 } }, in = { a, sizeof(a) };
	struct msghdr msg = { .msg_iov = out, .msg_iovlen = 2 };
	struct mmsghdr mm[2];
	struct iovec mio[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int sv[2], fd;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)			/* 7, 8 */
		return 1;
	if (sendmsg(sv[0], &msg, 0) != 7)
		return 1;
	msg.msg_iov = &in;
	msg.msg_iovlen = 1;
	if (recvmsg(sv[1], &msg, MSG_DONTWAIT) != 7)
		return 1;
	memset(mm, 0, sizeof(mm));
	mm[0].msg_hdr.msg_iov = &out[0];
	mm[0].msg_hdr.msg_iovlen = 1;
	mm[1].msg_hdr.msg_iov = &out[1];
	mm[1].msg_hdr.msg_iovlen = 1;
	if (sendmmsg(sv[0], mm, 2, 0) != 2)
		return 1;
	mm[0].msg_hdr.msg_iov = &mio[0];
	mm[1].msg_hdr.msg_iov = &mio[1];
	if (recvmmsg(sv[1], mm, 2, MSG_DONTWAIT, NULL) != 2)
		return 1;
	unlink(sun.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);					/* 9 */
	if (bind(fd, (struct sockaddr *)&sun,
		 offsetof(struct sockaddr_un, sun_path) + strlen(sun.sun_path) + 1) != 0)
		return 1;
	unlink(sun.sun_path);
	return 0;
}

int main(void)
{
	struct sockaddr_in srv = loopback(5555), closed = loopback(5556), udp = loopback(5557);
	struct sockaddr_in6 six = { .sin6_family = AF_INET6, .sin6_port = htons(5555),
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from), optlen;
	int one = 1, type, lfd, fd, cfd, afd;
	char buf[64];

	if (socket(99, SOCK_STREAM, 0) != -1)
		return 1;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);	/* 3 */
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(lfd, (struct sockaddr *)&srv, sizeof(srv)) != 0 || listen(lfd, 5) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&from, &fromlen) != 0)
		return 1;
	/* the refused socket is closed; the one that connects gets its
	 * number */
	fd = socket(AF_INET, SOCK_STREAM, 0);					/* 4 */
	if (connect(fd, (struct sockaddr *)&closed, sizeof(closed)) != -1)
		return 1;
	close(fd);
	cfd = socket(AF_INET, SOCK_STREAM, 0);					/* 4 */
	if (connect(cfd, (struct sockaddr *)&six, sizeof(six)) != -1 ||
	    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
	    connect(cfd, (struct sockaddr *)&srv, sizeof(srv)) != 0)
		return 1;
	fromlen = sizeof(from);
	afd = accept(lfd, (struct sockaddr *)&from, &fromlen);			/* 5 */
	if (afd != 5 || getpeername(afd, (struct sockaddr *)&from, &fromlen) != 0)
		return 1;
	/* send and recv are sendto and recvfrom without an address */
	if (send(cfd, "hello", 5, 0) != 5 || recv(afd, buf, 5, MSG_WAITALL) != 5 ||
	    shutdown(cfd, SHUT_WR) != 0 ||
	    recvfrom(afd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen) != 0)
		return 1;
	optlen = sizeof(type);
	if (getsockopt(lfd, SOL_SOCKET, SO_TYPE, &type, &optlen) != 0 ||
	    setsockopt(lfd, SOL_SOCKET, 9999, &one, sizeof(one)) != -1)
		return 1;
	/* a second connection, taken by accept4 */
	fd = socket(AF_INET, SOCK_STREAM, 0);					/* 6 */
	if (connect(fd, (struct sockaddr *)&srv, sizeof(srv)) != 0 ||
	    accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) != 7)
		return 1;
	close(7);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);			/* 7 */
	if (sendto(fd, "ping", 4, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&udp,
		   sizeof(udp)) != 4)
		return 1;
	close(fd);
	return unix_sockets();
}
