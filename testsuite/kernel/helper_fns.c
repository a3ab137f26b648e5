/* helper_fns: what helper_fns.stp's functions read, made known: soft
 * limits of 123 open files and a 0-byte core, then a TCP connection over
 * 127.0.0.1, 5581 -> 5580 (both ends bound), that sends "hello". */
#include <sys/resource.h>

#include "loopback.h"

int main(void)
{
	struct rlimit nofile = { 123, 1024 }, core = { 0, 0 };
	struct sockaddr_in srv = lo_addr(5580);
	char buf[16];
	int l, c, a;

	if (setrlimit(RLIMIT_NOFILE, &nofile) < 0 || setrlimit(RLIMIT_CORE, &core) < 0)
		return 3;
	l = lo_socket(SOCK_STREAM, 5580);
	listen(l, 1);
	c = lo_socket(SOCK_STREAM, 5581);
	if (connect(c, (struct sockaddr *)&srv, sizeof(srv)) < 0)
		return 4;
	a = accept(l, NULL, NULL);
	send(c, "hello", 5, 0);
	if (recv(a, buf, sizeof(buf), 0) != 5)
		return 5;
	close(c);
	close(a);
	close(l);
	return 0;
}
