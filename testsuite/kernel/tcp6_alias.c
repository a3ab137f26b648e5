/* tcp6_alias: a TCP connection over ::1, 5591 -> 5590 (both ends bound,
 * so every port is known), that sends "hello"; before connecting, the
 * client sets three IPv6-level options: IPV6_TCLASS 0x10, then two that
 * fail with EINVAL (IPV6_V6ONLY on a socket already bound, an IPV6_TCLASS
 * out of range). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int lo6_socket(int port)
{
	struct sockaddr_in6 a;
	int one = 1, s = socket(AF_INET6, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	a.sin6_addr = in6addr_loopback;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		_exit(2);
	return s;
}

int main(void)
{
	struct sockaddr_in6 srv;
	int tclass = 0x10, bad = 1000, one = 1, l, c, a;
	char buf[16];

	l = lo6_socket(5590);
	listen(l, 1);
	c = lo6_socket(5591);
	setsockopt(c, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof(tclass));
	setsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(c, IPPROTO_IPV6, IPV6_TCLASS, &bad, sizeof(bad));
	memset(&srv, 0, sizeof(srv));
	srv.sin6_family = AF_INET6;
	srv.sin6_port = htons(5590);
	srv.sin6_addr = in6addr_loopback;
	if (connect(c, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		return 3;
	a = accept(l, NULL, NULL);
	send(c, "hello", 5, 0);
	if (recv(a, buf, sizeof(buf), 0) != 5)
		return 4;
	close(c);
	close(a);
	close(l);
	return 0;
}
