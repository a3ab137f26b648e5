/* staprun.c - load a stap module, hand it to stapio, unload it.
 *
 * usage: staprun [-o FILE] [-c CMD | -x PID] [-R] [-u] [-L|-A|-d] MODULE.ko [global=value ...]
 *
 * Loading (finit_module, with global=value pairs as module parameters) and
 * unloading work.  Relaying a running session's output is stapio's job,
 * which is not built yet: such a request says so and exits 1.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modload.h"

static void usage(FILE *out)
{
	fputs("Usage: staprun [options] MODULE.ko [global=value ...]\n"
	      "  -o FILE   write the script's output to FILE\n"
	      "  -c CMD    run CMD once probes are live; stop when it exits\n"
	      "  -x PID    set target() to PID\n"
	      "  -R        give the module a unique name (not implemented yet)\n"
	      "  -u        load the uprobes helper first (not implemented yet)\n"
	      "  -L        load the module and leave it running, detached\n"
	      "  -A        attach to a module loaded with -L (not implemented yet)\n"
	      "  -d        unload MODULE (a name or a .ko path)\n"
	      "  -D        run in the background (not implemented yet)\n"
	      "  -v        more verbose\n"
	      "  -V        show the version\n"
	      "  -h        show this help\n", out);
}

/* Join "global=value" operands into one module parameter string. */
static char *join_params(int count, char **items)
{
	size_t len = 1;
	for (int i = 0; i < count; i++)
		len += strlen(items[i]) + 1;
	char *p = calloc(1, len);
	if (!p) {
		fputs("staprun: out of memory\n", stderr);
		exit(1);
	}
	for (int i = 0; i < count; i++) {
		if (!strchr(items[i], '=')) {
			fprintf(stderr, "staprun: '%s' is not global=value\n", items[i]);
			exit(1);
		}
		if (i)
			strcat(p, " ");
		strcat(p, items[i]);
	}
	return p;
}

int main(int argc, char **argv)
{
	enum { RUN, LOAD_ONLY, ATTACH, UNLOAD } mode = RUN;
	const char *unsupported = NULL;
	int verbose = 0, c;

	opterr = 0;
	while ((c = getopt(argc, argv, "+o:c:x:RuLAdDvVhbs:S:T:r:C:")) != -1) {
		switch (c) {
		case 'L': mode = LOAD_ONLY; break;
		case 'A': mode = ATTACH; unsupported = "-A"; break;
		case 'd': mode = UNLOAD; break;
		case 'v': verbose++; break;
		case 'V':
			printf("staprun (SystemTap in C) version %s\n", PACKAGE_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		case 'o': case 'c': case 'x':
			/* Only meaningful with stapio, refused below. */
			break;
		case 'R': unsupported = "-R"; break;
		case 'u': unsupported = "-u"; break;
		case 'D': unsupported = "-D"; break;
		case 'b': unsupported = "-b"; break;
		case 's': unsupported = "-s"; break;
		case 'S': unsupported = "-S"; break;
		case 'T': unsupported = "-T"; break;
		case 'r': unsupported = "-r"; break;
		case 'C': unsupported = "-C"; break;
		default:
			fprintf(stderr, "staprun: unknown option or missing argument '-%c'\n", optopt);
			usage(stderr);
			return 1;
		}
	}
	if (unsupported) {
		fprintf(stderr, "staprun: option %s is not implemented yet\n", unsupported);
		return 1;
	}
	if (optind >= argc) {
		fputs("staprun: no module given\n", stderr);
		usage(stderr);
		return 1;
	}
	const char *module = argv[optind];
	char name[256];
	modload_name_of(module, name, sizeof(name));

	switch (mode) {
	case UNLOAD:
		return modload_remove(name) ? 1 : 0;
	case LOAD_ONLY: {
		char *params = join_params(argc - optind - 1, argv + optind + 1);
		int rc = modload_insert(module, params);
		free(params);
		if (rc == 0 && verbose)
			fprintf(stderr, "staprun: module %s loaded and left running\n", name);
		return rc ? 1 : 0;
	}
	case ATTACH:
	case RUN:
		break;
	}
	fputs("staprun: running a session (stapio output relay) is not implemented yet; "
	      "use -L to load a module detached\n", stderr);
	return 1;
}
