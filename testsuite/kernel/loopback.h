/* loopback.h - what the network cases' programs (net_alias.c,
 * sock_alias.c, tcpmib_alias.c, linuxmib_alias.c, helper_fns.c,
 * tcp6_alias.c, nf_*.c, and the examples' workload.c) share: sockets on 127.0.0.1 (or ::1) with fixed ports, so
 * that every address and port their scripts print is known. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* 127.0.0.1:port */
static inline struct sockaddr_in lo_addr(int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A socket of type bound to 127.0.0.1:port (reusable at once, as the
 * cases run one after another), or left unbound for port 0; exit status
 * 2 if the port is taken. */
static inline int lo_socket(int type, int port)
{
	struct sockaddr_in a = lo_addr(port);
	int one = 1, s = socket(AF_INET, type, 0);

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (port && bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		_exit(2);
	return s;
}

/* [::1]:port */
static inline struct sockaddr_in6 lo6_addr(int port)
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	a.sin6_addr = in6addr_loopback;
	return a;
}

/* A TCP socket bound to [::1]:port; exit status 2 if the port is taken. */
static inline int lo6_socket(int port)
{
	struct sockaddr_in6 a = lo6_addr(port);
	int one = 1, s = socket(AF_INET6, SOCK_STREAM, 0);

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		_exit(2);
	return s;
}

/* Connect c to listener l at srv, send "hello" over it and receive it on
 * the accepted end, then close all three: 0, or 1 when a step fails. */
static inline int lo_hello(int l, int c, const void *srv, socklen_t len)
{
	char buf[16];
	int a;

	if (connect(c, (const struct sockaddr *)srv, len) < 0)
		return 1;
	a = accept(l, NULL, NULL);
	send(c, "hello", 5, 0);
	if (recv(a, buf, sizeof(buf), 0) != 5)
		return 1;
	close(c);
	close(a);
	close(l);
	return 0;
}
