/* loopback.h - what the network cases' programs (net_alias.c,
 * sock_alias.c, tcpmib_alias.c, linuxmib_alias.c) share: sockets on
 * 127.0.0.1 with fixed ports, so that every address and port their
 * scripts print is known. */
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
