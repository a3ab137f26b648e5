/* helper_fns: what helper_fns.stp's functions read, made known: soft
 * limits of 123 open files and a 0-byte core, then a TCP connection over
 * 127.0.0.1, 5581 -> 5580 (both ends bound), that sends "hello". */
#include <sys/resource.h>

#include "loopback.h"

int main(void)
{
	struct rlimit nofile = { 123, 1024 }, core = { 0, 0 };
	struct sockaddr_in srv = lo_addr(5580);
	int l;

	if (setrlimit(RLIMIT_NOFILE, &nofile) < 0 || setrlimit(RLIMIT_CORE, &core) < 0)
		return 3;
	l = lo_socket(SOCK_STREAM, 5580);
	listen(l, 1);
	return lo_hello(l, lo_socket(SOCK_STREAM, 5581), &srv, sizeof(srv)) ? 4 : 0;
}
