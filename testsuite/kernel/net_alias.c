/* net_alias: TCP and UDP over 127.0.0.1 with fixed ports on both ends,
 * so net_alias.stp can print every address and port: a TCP connection
 * 5558 -> 5556 carrying "hello" then taken down by connect(AF_UNSPEC)
 * (tcp_disconnect); a UDP datagram of 6 bytes sent unconnected from 5559
 * to 5557, then one of 7 bytes connected, then a disconnect. */
#include "loopback.h"

int main(void)
{
	struct sockaddr_in srv = lo_addr(5556), usrv = lo_addr(5557);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	char buf[16];
	int l = lo_socket(SOCK_STREAM, 5556), c, a, us, uc;

	listen(l, 1);
	c = lo_socket(SOCK_STREAM, 5558);
	if (connect(c, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		return 3;
	a = accept(l, NULL, NULL);
	send(c, "hello", 5, 0);
	if (recv(a, buf, sizeof(buf), 0) != 5)
		return 4;
	connect(c, &unspec, sizeof(unspec));

	us = lo_socket(SOCK_DGRAM, 5557);
	uc = lo_socket(SOCK_DGRAM, 5559);
	sendto(uc, "datag1", 6, 0, (struct sockaddr *)&usrv, sizeof(usrv));
	recv(us, buf, sizeof(buf), 0);
	connect(uc, (struct sockaddr *)&usrv, sizeof(usrv));
	send(uc, "datag22", 7, 0);
	recv(us, buf, sizeof(buf), 0);
	connect(uc, &unspec, sizeof(unspec));
	return 0;
}
