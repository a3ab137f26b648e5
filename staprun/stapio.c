/* stapio.c - run the session of a stap module that is already loaded.
 *
 * usage: stapio [-o FILE] [-c CMD | -x PID] [-v] MODULE
 *
 * staprun runs sessions in-process (relay.c), so stapio is only needed
 * for a module loaded with `staprun -L`: it does what `staprun -A MODULE`
 * does, starting the session, relaying its output until the end, and
 * unloading the module.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modload.h"
#include "outfile.h"
#include "relay.h"

static void usage(FILE *out)
{
	fputs("Usage: stapio [-o FILE [-S SIZE[,N]]] [-c CMD | -x PID] [-v] MODULE\n"
	      "Run the session of MODULE, loaded earlier with `staprun -L`, and\n"
	      "unload it at the end (the same as `staprun -A MODULE`).\n", out);
}

int main(int argc, char **argv)
{
	struct relay_opts o = { .unload = true };
	struct outfile limit = { 0 };
	char name[256];
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, "+o:S:c:x:vVh")) != -1) {
		switch (c) {
		case 'o': o.outfile = optarg; break;
		case 'S':
			if (outfile_parse_limit(&limit, optarg)) {
				usage(stderr);
				return 1;
			}
			o.out_max_bytes = limit.max_bytes;
			o.out_max_files = limit.max_files;
			break;
		case 'c': o.cmd = optarg; break;
		case 'x': o.target = (pid_t)atoi(optarg); break;
		case 'v': o.verbose++; break;
		case 'V':
			printf("stapio (SystemTap in C) version %s\n", PACKAGE_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "stapio: unknown option or missing argument '-%c'\n", optopt);
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc - 1 || (o.cmd && o.target) || o.target < 0 ||
	    (o.out_max_bytes && !o.outfile)) {
		usage(stderr);
		return 1;
	}
	if (geteuid() != 0) {
		fputs("stapio: running stap modules needs root\n", stderr);
		return 1;
	}
	if (o.target && kill(o.target, 0) != 0 && errno == ESRCH) {
		fprintf(stderr, "stapio: -x %d: no such process\n", (int)o.target);
		return 1;
	}
	o.module = modload_name_of(argv[optind], name, sizeof(name));
	return relay_run(&o);
}
