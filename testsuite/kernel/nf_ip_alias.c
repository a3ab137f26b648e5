/* nf_ip_alias: packets whose every field the netfilter case knows: three
 * 100-byte UDP datagrams 127.0.0.1:7100 -> 127.0.0.1:7101, one TCP
 * connection 127.0.0.1:7102 -> 127.0.0.1:7103 (its handshake), and one
 * 50-byte UDP datagram [::1]:7104 -> [::1]:7105. */
#include <net/if.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include "loopback.h"

static void lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
}

int main(void)
{
	char buf[100];
	struct sockaddr_in to = lo_addr(7101), srv = lo_addr(7103);
	struct sockaddr_in6 to6 = lo6_addr(7105);
	int r = lo_socket(SOCK_DGRAM, 7101), s = lo_socket(SOCK_DGRAM, 7100);
	int l = lo_socket(SOCK_STREAM, 7103), c = lo_socket(SOCK_STREAM, 7102);

	lo_up();
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < 3; i++) {
		sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&to, sizeof(to));
		recv(r, buf, sizeof(buf), 0);
	}
	listen(l, 1);
	if (connect(c, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		perror("connect");
	int a = accept(l, NULL, NULL);
	close(a);
	close(c);
	int r6 = socket(AF_INET6, SOCK_DGRAM, 0), s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 from6 = lo6_addr(7104);
	bind(r6, (struct sockaddr *)&to6, sizeof(to6));
	bind(s6, (struct sockaddr *)&from6, sizeof(from6));
	sendto(s6, buf, 50, 0, (struct sockaddr *)&to6, sizeof(to6));
	recv(r6, buf, sizeof(buf), 0);
	puts("sent");
	return 0;
}
