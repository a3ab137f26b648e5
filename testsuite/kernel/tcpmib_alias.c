/* tcpmib_alias: one TCP connection 5562 -> 5560 over 127.0.0.1 (accepted,
 * a byte each way, both ends closed) and one connect to 5561, where no
 * one listens (refused: the kernel answers the SYN with a reset). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in addr(int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

int main(void)
{
	struct sockaddr_in l_addr = addr(5560), c_addr = addr(5562), closed = addr(5561);
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
	int a, r = socket(AF_INET, SOCK_STREAM, 0);
	char b;

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&l_addr, sizeof(l_addr)) || listen(l, 1) ||
	    bind(c, (struct sockaddr *)&c_addr, sizeof(c_addr)) ||
	    connect(c, (struct sockaddr *)&l_addr, sizeof(l_addr)))
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
