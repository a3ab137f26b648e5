/* nf_verdict_refused: one UDP datagram 127.0.0.1:7120 -> 127.0.0.1:7121,
 * then a wait long enough for the session to end on its error. */
#include <net/if.h>
#include <sys/ioctl.h>
#include "loopback.h"

int main(void)
{
	struct ifreq ifr;
	struct sockaddr_in to = lo_addr(7121);
	int s = lo_socket(SOCK_DGRAM, 7120);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ioctl(s, SIOCSIFFLAGS, &ifr);
	sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	sleep(2);
	return 0;
}
