/* linuxmib_alias: a listener on 5580 with a backlog of 0 that never
 * accepts, and three non-blocking connects to it (the queue holds one:
 * the others overflow it); a connection 5582 -> 5581 whose client sends
 * 30 single bytes 60 ms apart that the server neither reads nor answers
 * (once quick ACKs are used up its ACKs wait for the delayed-ACK timer:
 * a read would send them at once); then tcp_mem set to one page and up
 * to 8 MiB more sent (TCP enters memory pressure once the memory its
 * sockets hold passes the per-CPU reserve the kernel counts it in, 1 MiB:
 * both ends get 4 MiB buffers, past net.core's limits, so that much can
 * be held), and tcp_mem put back. */
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>

#include "loopback.h"

static void tcp_mem(const char *v)
{
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_mem", "w");

	if (f) {
		fputs(v, f);
		fclose(f);
	}
}

int main(void)
{
	struct sockaddr_in full = lo_addr(5580), srv = lo_addr(5581);
	static char big[65536];
	char saved[128] = "";
	int l = lo_socket(SOCK_STREAM, 5580), l2 = lo_socket(SOCK_STREAM, 5581);
	int c, i, one = 1, mib4 = 4 << 20;
	FILE *f;

	listen(l, 0);
	for (i = 0; i < 3; i++) {
		int s = lo_socket(SOCK_STREAM, 0);

		fcntl(s, F_SETFL, O_NONBLOCK);
		connect(s, (struct sockaddr *)&full, sizeof(full));
	}
	usleep(300000);

	/* before listen: the accepted socket inherits it */
	setsockopt(l2, SOL_SOCKET, SO_RCVBUFFORCE, &mib4, sizeof(mib4));
	listen(l2, 1);
	c = lo_socket(SOCK_STREAM, 5582);
	setsockopt(c, SOL_SOCKET, SO_SNDBUFFORCE, &mib4, sizeof(mib4));
	if (connect(c, (struct sockaddr *)&srv, sizeof(srv)))
		return 3;
	if (accept(l2, NULL, NULL) < 0)
		return 5;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (i = 0; i < 30; i++) {
		if (write(c, "x", 1) != 1)
			return 4;
		usleep(60000);
	}

	f = fopen("/proc/sys/net/ipv4/tcp_mem", "r");
	if (f) {
		fgets(saved, sizeof(saved), f);
		fclose(f);
	}
	tcp_mem("1 1 1");
	fcntl(c, F_SETFL, O_NONBLOCK);
	for (i = 0; i < 128 && write(c, big, sizeof(big)) > 0; i++)
		;
	tcp_mem(saved);
	return 0;
}
