/* tcp6_alias: a TCP connection over ::1, 5591 -> 5590 (both ends bound,
 * so every port is known), that sends "hello"; before connecting, the
 * client sets three IPv6-level options: IPV6_TCLASS 0x10, then two that
 * fail with EINVAL (IPV6_V6ONLY on a socket already bound, an IPV6_TCLASS
 * out of range). */
#include "loopback.h"

int main(void)
{
	struct sockaddr_in6 srv = lo6_addr(5590);
	int tclass = 0x10, bad = 1000, one = 1, l, c;

	l = lo6_socket(5590);
	listen(l, 1);
	c = lo6_socket(5591);
	setsockopt(c, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof(tclass));
	setsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(c, IPPROTO_IPV6, IPV6_TCLASS, &bad, sizeof(bad));
	return lo_hello(l, c, &srv, sizeof(srv)) ? 3 : 0;
}
