/* stapio.c - relays a running stap module's output to the user.
 *
 * The transport it reads (per-CPU buffers and a control channel, SPEC §5)
 * is not built yet, so stapio refuses to start rather than pretend.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-V") == 0) {
		printf("stapio (SystemTap in C) version %s\n", PACKAGE_VERSION);
		return 0;
	}
	fputs("stapio: the output relay is not implemented yet\n", stderr);
	return 1;
}
