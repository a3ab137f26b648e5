/* staprun.c - load a stap module, run its session, unload it.
 *
 * usage: staprun [-o FILE [-S SIZE[,N]]] [-c CMD | -x PID] [-v] [-s MB] [-L|-A|-d] MODULE.ko
 *                [global=value ...]
 *
 * The whole session runs in this process (relay.c): staprun loads the
 * module with finit_module (global=value pairs become module parameters,
 * -s MB the transport's _stp_bufsize), relays its output until the DONE
 * record, unloads it and exits with the script's status.  -L loads and
 * leaves it; -A (or stapio MODULE) later runs the session of a module
 * loaded that way; -d unloads.  Kernel symbol addresses the module asks
 * for (@var) go with its parameters (ksyms.c).  Only root may do any of it for now: the
 * stapusr/stapdev group rules of SPEC §6 are refused plainly.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ksyms.h"
#include "modload.h"
#include "outfile.h"
#include "relay.h"

static void usage(FILE *out)
{
	fputs("Usage: staprun [options] MODULE.ko [global=value ...]\n"
	      "  -o FILE   write the script's output to FILE\n"
	      "  -S SIZE[,N]  with -o: FILE.0, FILE.1 ... of at most SIZE megabytes,\n"
	      "            the newest N kept (SIGUSR2 or switch_file() starts the next)\n"
	      "  -c CMD    run CMD once probes are live; stop when it exits\n"
	      "  -x PID    set target() to PID; stop when it exits\n"
	      "  -s MB     transport buffer size in megabytes\n"
	      "  -R        give the module a unique name (not implemented yet)\n"
	      "  -u        load the uprobes helper first (not implemented yet)\n"
	      "  -L        load the module and leave it running, detached\n"
	      "  -A        run the session of a module loaded with -L, then unload it\n"
	      "  -d        unload MODULE (a name or a .ko path)\n"
	      "  -D        run in the background (not implemented yet)\n"
	      "  -v        more verbose\n"
	      "  -V        show the version\n"
	      "  -h        show this help\n", out);
}

/* Join "global=value" operands, the buffer size and the local time zone
 * (the module's tz_gmtoff(), tz_name(), tz_ctime(): seconds west of UTC
 * and the zone's abbreviation now, as localtime(3) sees them through TZ)
 * into one module parameter string. */
static char *join_params(int count, char **items, unsigned buf_mb)
{
	size_t len = 128;
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
	if (buf_mb)
		snprintf(p + strlen(p), len - strlen(p), "%s_stp_bufsize=%u", *p ? " " : "", buf_mb);
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) && tm.tm_zone && !strpbrk(tm.tm_zone, " \"'"))
		snprintf(p + strlen(p), len - strlen(p), "%s_stp_tz_gmtoff=%ld _stp_tz_name=%.15s",
			 *p ? " " : "", -tm.tm_gmtoff, tm.tm_zone);
	return p;
}

/* A whole number in [lo, hi], or -1. */
static long parse_num(const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	return v;
}

enum mode { RUN, LOAD_ONLY, ATTACH, UNLOAD };

struct cli {
	enum mode mode;
	struct relay_opts relay;
	unsigned buf_mb;
	const char *unsupported;
};

/* Parse the options; returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct cli *cli)
{
	struct outfile limit = { 0 };
	long v;
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, "+o:c:x:RuLAdDvVhbs:S:T:r:C:")) != -1) {
		switch (c) {
		case 'L': cli->mode = LOAD_ONLY; break;
		case 'A': cli->mode = ATTACH; break;
		case 'd': cli->mode = UNLOAD; break;
		case 'v': cli->relay.verbose++; break;
		case 'V':
			printf("staprun (SystemTap in C) version %s\n", PACKAGE_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		case 'o': cli->relay.outfile = optarg; break;
		case 'c': cli->relay.cmd = optarg; break;
		case 'x':
			if ((v = parse_num(optarg, 1, 0x7fffffff)) < 0) {
				fprintf(stderr, "staprun: -x wants a process id, not '%s'\n", optarg);
				return 1;
			}
			cli->relay.target = (pid_t)v;
			break;
		case 's':
			if ((v = parse_num(optarg, 1, 4095)) < 0) {
				fprintf(stderr, "staprun: -s wants megabytes from 1 to 4095, not '%s'\n",
					optarg);
				return 1;
			}
			cli->buf_mb = (unsigned)v;
			break;
		case 'R': cli->unsupported = "-R"; break;
		case 'u': cli->unsupported = "-u"; break;
		case 'D': cli->unsupported = "-D"; break;
		case 'b': cli->unsupported = "-b"; break;
		case 'S':
			if (outfile_parse_limit(&limit, optarg)) {
				fprintf(stderr, "staprun: -S wants SIZE[,N] (megabytes, files), "
					"not '%s'\n", optarg);
				return 1;
			}
			cli->relay.out_max_bytes = limit.max_bytes;
			cli->relay.out_max_files = limit.max_files;
			break;
		case 'T': cli->unsupported = "-T"; break;
		case 'r': cli->unsupported = "-r"; break;
		case 'C': cli->unsupported = "-C"; break;
		default:
			fprintf(stderr, "staprun: unknown option or missing argument '-%c'\n", optopt);
			usage(stderr);
			return 1;
		}
	}
	if (cli->unsupported) {
		fprintf(stderr, "staprun: option %s is not implemented yet\n", cli->unsupported);
		return 1;
	}
	if (cli->relay.out_max_bytes && !cli->relay.outfile) {
		fputs("staprun: -S needs an output file (-o FILE)\n", stderr);
		return 1;
	}
	if (cli->relay.cmd && cli->relay.target) {
		fputs("staprun: -c and -x cannot be used together\n", stderr);
		return 1;
	}
	if (optind >= argc) {
		fputs("staprun: no module given\n", stderr);
		usage(stderr);
		return 1;
	}
	return -1;
}

/* Load the module and run its session (mode RUN) or leave it (LOAD_ONLY). */
static int load_and_run(struct cli *cli, const char *path, int nparams, char **params)
{
	char *p = join_params(nparams, params, cli->buf_mb);
	char *why;
	char *ksyms = ksyms_params(path, &why);
	if (why) {
		fprintf(stderr, "staprun: %s\n", why);
		free(p);
		return 1;
	}
	if (ksyms) {
		char *both = malloc(strlen(p) + strlen(ksyms) + 2);
		if (!both) {
			fputs("staprun: out of memory\n", stderr);
			exit(1);
		}
		sprintf(both, "%s%s%s", p, *p ? " " : "", ksyms);
		free(p);
		free(ksyms);
		p = both;
	}

	if (cli->mode == RUN && relay_mount_debugfs()) {
		free(p);
		return 1;
	}
	int rc = modload_insert(path, p);
	free(p);
	if (rc)
		return 1;
	if (cli->relay.verbose)
		fprintf(stderr, "staprun: module %s loaded%s\n", cli->relay.module,
			cli->mode == LOAD_ONLY ? " and left running" : "");
	if (cli->mode == LOAD_ONLY)
		return 0;
	cli->relay.unload = true;
	cli->relay.loaded_here = true;
	return relay_run(&cli->relay);
}

int main(int argc, char **argv)
{
	struct cli cli = { .mode = RUN };
	char name[256];

	int rc = parse_options(argc, argv, &cli);
	if (rc >= 0)
		return rc;
	const char *module = argv[optind];
	if (access(module, R_OK) == 0)
		modload_module_name(module, name, sizeof(name));
	else
		modload_name_of(module, name, sizeof(name));
	cli.relay.module = name;

	if (geteuid() != 0) {
		fputs("staprun: running stap modules needs root (the stapusr and stapdev "
		      "groups are not supported yet)\n", stderr);
		return 1;
	}
	if (cli.relay.target && kill(cli.relay.target, 0) != 0 && errno == ESRCH) {
		fprintf(stderr, "staprun: -x %d: no such process\n", (int)cli.relay.target);
		return 1;
	}
	switch (cli.mode) {
	case UNLOAD:
		return modload_remove(name) ? 1 : 0;
	case ATTACH:
		cli.relay.unload = true;
		return relay_run(&cli.relay);
	case RUN:
	case LOAD_ONLY:
		break;
	}
	return load_and_run(&cli, module, argc - optind - 1, argv + optind + 1);
}
