/* nf_verdict_drop: five UDP datagrams 127.0.0.1:7110 -> 127.0.0.1:7111,
 * numbered 1..5 in their first byte; prints which ones arrived (a lost
 * one times out after 1 s). */
#include <net/if.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include "loopback.h"

int main(void)
{
	struct ifreq ifr;
	struct timeval t = { 1, 0 };
	struct sockaddr_in to = lo_addr(7111);
	int r = lo_socket(SOCK_DGRAM, 7111), s = lo_socket(SOCK_DGRAM, 7110);
	char buf[16];

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ioctl(s, SIOCSIFFLAGS, &ifr);
	setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof(t));
	for (char i = 1; i <= 5; i++) {
		buf[0] = i;
		sendto(s, buf, 1, 0, (struct sockaddr *)&to, sizeof(to));
		if (recv(r, buf, sizeof(buf), 0) == 1)
			printf("datagram %d arrived\n", buf[0]);
		else
			printf("datagram %d lost\n", i);
	}
	return 0;
}
