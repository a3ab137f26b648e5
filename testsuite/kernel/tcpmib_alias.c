/* tcpmib_alias: one TCP connection 5562 -> 5560 over 127.0.0.1 (accepted,
 * a byte each way, both ends closed) and one connect to 5561, where no
 * one listens (refused: the kernel answers the SYN with a reset). */
#include "loopback.h"

int main(void)
{
	struct sockaddr_in l_addr = lo_addr(5560), closed = lo_addr(5561);
	int l = lo_socket(SOCK_STREAM, 5560), c = lo_socket(SOCK_STREAM, 5562);
	int a, r = lo_socket(SOCK_STREAM, 0);
	char b;

	if (listen(l, 1) || connect(c, (struct sockaddr *)&l_addr, sizeof(l_addr)))
		return 2;
	a = accept(l, NULL, NULL);
	if (write(c, "x", 1) != 1 || read(a, &b, 1) != 1 || write(a, "y", 1) != 1 ||
	    read(c, &b, 1) != 1)
		return 3;
	close(c);
	close(a);
	close(l);
	if (connect(r, (struct sockaddr *)&closed, sizeof(closed)) == 0)
		return 4;
	return 0;
}
