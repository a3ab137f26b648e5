/* cli.c - option table, --help, --version and argv parsing for stap.
 *
 * One table describes every option: its upstream letter and long name,
 * its argument, its help line, and the pass its feature needs.  getopt's
 * short string and long-option array are generated from the table, so an
 * option cannot be documented without being parsed or the other way round.
 */
#include "config.h"

#include "cli.h"
#include "compat.h"
#include "paths.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An option whose feature is planned but not in any pass yet. */
#define FUTURE 99

enum opt_id {
	OPT_HELP, OPT_VERSION, OPT_PASS, OPT_VERBOSE, OPT_VP, OPT_KEEP,
	OPT_UNOPT, OPT_NOWARN, OPT_WERROR, OPT_GURU, OPT_PROLOGUE, OPT_BULK,
	OPT_TIMING, OPT_BUFSIZE, OPT_INCLUDE, OPT_DEFINE, OPT_MAKEOPT,
	OPT_MODINFO, OPT_GLOBAL, OPT_RUNTIME_DIR, OPT_RELEASE, OPT_ARCH,
	OPT_MODULE, OPT_OUTPUT, OPT_SCRIPT, OPT_EXTRA_SCRIPT, OPT_CMD, OPT_PID,
	OPT_FLIGHT, OPT_SIZE, OPT_OBJECT, OPT_LDD, OPT_ALL_MODULES, OPT_TIMEOUT,
	OPT_LIST, OPT_LIST_VARS, OPT_COVERAGE, OPT_INTERACTIVE, OPT_RUNTIME,
	OPT_BPF, OPT_DYNINST, OPT_PROLOGUE_WHEN, OPT_PRIVILEGE, OPT_UNPRIVILEGED,
	OPT_COMPATIBLE, OPT_CHECK_VERSION, OPT_SKIP_BADVARS, OPT_SUPPRESS_ERRORS,
	OPT_CLEAN_CACHE, OPT_DISABLE_CACHE, OPT_POISON_CACHE, OPT_TMPDIR,
	OPT_DUMP_PROBE_TYPES, OPT_DUMP_PROBE_ALIASES, OPT_DUMP_FUNCTIONS,
	OPT_DUMP_KERNEL_FUNCTIONS,
	OPT_EXAMPLE, OPT_REMOTE, OPT_REMOTE_PREFIX, OPT_USE_SERVER,
	OPT_USE_SERVER_ON_ERROR, OPT_LIST_SERVERS, OPT_TRUST_SERVERS,
	OPT_SIGN_MODULE, OPT_DOWNLOAD_DEBUGINFO, OPT_SYSROOT, OPT_SYSENV,
	OPT_SUPPRESS_TIME_LIMITS, OPT_SAVE_UPROBES, OPT_TARGET_NAMESPACES,
	OPT_MONITOR, OPT_COLOR, OPT_COLOUR, OPT_NO_GLOBAL_VAR_DISPLAY,
	OPT_RLIMIT_AS, OPT_RLIMIT_CPU, OPT_RLIMIT_NPROC, OPT_RLIMIT_STACK,
	OPT_RLIMIT_FSIZE,
	OPT_COUNT
};

struct opt_spec {
	const char *long_name;  /* NULL: short only */
	char short_name;        /* 0: long only */
	int has_arg;            /* no_argument, required_argument, optional_argument */
	const char *arg;        /* argument name for --help */
	const char *help;
	int needs_pass;         /* pass whose existence makes this option work */
};

static const struct opt_spec opts[] = {
	[OPT_HELP] = { "help", 'h', no_argument, NULL, "show this help", 0 },
	[OPT_VERSION] = { "version", 'V', no_argument, NULL, "show the version", 0 },
	[OPT_PASS] = { NULL, 'p', required_argument, "NUM",
		       "stop after pass NUM (1 parse, 2 elaborate, 3 translate, 4 compile, 5 run)", 1 },
	[OPT_VERBOSE] = { NULL, 'v', no_argument, NULL, "more verbose output from every pass (repeatable)", 1 },
	[OPT_VP] = { "vp", 0, required_argument, "ABCDE", "verbosity per pass, one digit each", 1 },
	[OPT_KEEP] = { NULL, 'k', no_argument, NULL, "keep the temporary build directory", 3 },
	[OPT_UNOPT] = { NULL, 'u', no_argument, NULL, "do not optimize the script", 2 },
	[OPT_NOWARN] = { NULL, 'w', no_argument, NULL, "suppress warnings", 1 },
	[OPT_WERROR] = { NULL, 'W', no_argument, NULL, "treat warnings as errors", 1 },
	[OPT_GURU] = { NULL, 'g', no_argument, NULL, "guru mode: allow embedded C and unsafe constructs", 1 },
	[OPT_PROLOGUE] = { NULL, 'P', no_argument, NULL, "accepted, no effect: parameters are read at the entry", 2 },
	[OPT_BULK] = { NULL, 'b', no_argument, NULL, "bulk mode: one output file per CPU", FUTURE },
	[OPT_TIMING] = { NULL, 't', no_argument, NULL, "collect and print probe timing", FUTURE },
	[OPT_BUFSIZE] = { NULL, 's', required_argument, "NUM", "per-CPU transport buffer size in MB", 5 },
	[OPT_INCLUDE] = { NULL, 'I', required_argument, "DIR", "also search DIR for tapset files", 1 },
	[OPT_DEFINE] = { NULL, 'D', required_argument, "NAME=VAL", "define a C macro in the generated module", 3 },
	[OPT_MAKEOPT] = { NULL, 'B', required_argument, "NAME=VAL", "pass an option to the kbuild make", 4 },
	[OPT_MODINFO] = { "modinfo", 0, required_argument, "NAME=VAL", "add MODULE_INFO(NAME,VAL) to the module", 3 },
	[OPT_GLOBAL] = { NULL, 'G', required_argument, "VAR=VAL", "set a script global when the module loads", 5 },
	[OPT_RUNTIME_DIR] = { NULL, 'R', required_argument, "DIR", "use the runtime sources in DIR", 3 },
	[OPT_RELEASE] = { NULL, 'r', required_argument, "RELEASE|DIR",
			  "build for kernel RELEASE, or the kernel build tree DIR", 1 },
	[OPT_ARCH] = { NULL, 'a', required_argument, "ARCH", "cross-compile for ARCH", FUTURE },
	[OPT_MODULE] = { NULL, 'm', required_argument, "NAME", "name the module NAME and copy it here", 4 },
	[OPT_OUTPUT] = { NULL, 'o', required_argument, "FILE", "write the script's output to FILE", 5 },
	[OPT_SCRIPT] = { NULL, 'e', required_argument, "SCRIPT", "run SCRIPT given on the command line", 1 },
	[OPT_EXTRA_SCRIPT] = { NULL, 'E', required_argument, "SCRIPT",
			       "run SCRIPT in addition to the main script (repeatable)", 1 },
	[OPT_CMD] = { NULL, 'c', required_argument, "CMD", "start probes, run CMD, stop when it exits", 5 },
	[OPT_PID] = { NULL, 'x', required_argument, "PID", "set target() to PID", 5 },
	[OPT_FLIGHT] = { NULL, 'F', no_argument, NULL, "flight recorder mode", FUTURE },
	[OPT_SIZE] = { NULL, 'S', required_argument, "SIZE[,N]",
		       "with -o FILE: FILE.0, FILE.1 ... of SIZE MB each, the newest N kept", 5 },
	[OPT_OBJECT] = { NULL, 'd', required_argument, "OBJECT", "add symbol data for OBJECT", 3 },
	[OPT_LDD] = { "ldd", 0, no_argument, NULL, "add symbol data for the shared libraries used", 3 },
	[OPT_ALL_MODULES] = { "all-modules", 0, no_argument, NULL, "add symbol data for all loaded modules", FUTURE },
	[OPT_TIMEOUT] = { NULL, 'T', required_argument, "SECONDS", "end the session after SECONDS", 5 },
	[OPT_LIST] = { NULL, 'l', required_argument, "PROBE", "list the probe points matching PROBE", 2 },
	[OPT_LIST_VARS] = { NULL, 'L', required_argument, "PROBE",
			    "list matching probe points and their variables", 2 },
	[OPT_COVERAGE] = { NULL, 'q', no_argument, NULL, "report tapset coverage", FUTURE },
	[OPT_INTERACTIVE] = { "interactive", 'i', no_argument, NULL, "interactive mode", FUTURE },
	[OPT_RUNTIME] = { "runtime", 0, required_argument, "MODE", "pass-5 runtime: kernel (default) or bpf", 5 },
	[OPT_BPF] = { "bpf", 0, no_argument, NULL, "same as --runtime=bpf", FUTURE },
	[OPT_DYNINST] = { "dyninst", 0, no_argument, NULL, "same as --runtime=dyninst", FUTURE },
	[OPT_PROLOGUE_WHEN] = { "prologue-searching", 0, optional_argument, "WHEN",
				"accepted (never, always, auto), no effect: as -P", 2 },
	[OPT_PRIVILEGE] = { "privilege", 0, required_argument, "LEVEL",
			    "check the script against stapusr, stapsys or stapdev", 2 },
	[OPT_UNPRIVILEGED] = { "unprivileged", 0, no_argument, NULL, "same as --privilege=stapusr", 2 },
	[OPT_COMPATIBLE] = { "compatible", 0, required_argument, "VERSION",
			     "behave like systemtap VERSION where they differ", 1 },
	[OPT_CHECK_VERSION] = { "check-version", 0, no_argument, NULL,
				"warn about version-dependent constructs", FUTURE },
	[OPT_SKIP_BADVARS] = { "skip-badvars", 0, no_argument, NULL,
			       "read unresolvable $variables as zero", 2 },
	[OPT_SUPPRESS_ERRORS] = { "suppress-handler-errors", 0, no_argument, NULL,
				  "skip a failing probe handler quietly instead of stopping", 3 },
	[OPT_CLEAN_CACHE] = { "clean-cache", 0, no_argument, NULL, "remove stale cache entries", FUTURE },
	[OPT_DISABLE_CACHE] = { "disable-cache", 0, no_argument, NULL, "neither read nor write the module cache", 4 },
	[OPT_POISON_CACHE] = { "poison-cache", 0, no_argument, NULL, "rebuild and overwrite cache entries", 4 },
	[OPT_TMPDIR] = { "tmpdir", 0, required_argument, "DIR", "build in DIR instead of a fresh temporary one", 3 },
	[OPT_DUMP_PROBE_TYPES] = { "dump-probe-types", 0, no_argument, NULL, "list the probe point families", 2 },
	[OPT_DUMP_PROBE_ALIASES] = { "dump-probe-aliases", 0, no_argument, NULL, "list the tapset probe aliases", 2 },
	[OPT_DUMP_FUNCTIONS] = { "dump-functions", 0, no_argument, NULL, "list the tapset functions", 2 },
	[OPT_DUMP_KERNEL_FUNCTIONS] = { "dump-kernel-functions", 0, optional_argument, "[MOD:]GLOB",
					"list the kernel functions a kprobe can take (-vv: why not the others)", 2 },
	[OPT_EXAMPLE] = { "example", 0, no_argument, NULL, "FILE names a shipped example script (alone: list them)", 1 },
	[OPT_REMOTE] = { "remote", 0, required_argument, "URL", "run pass 5 on a remote host", FUTURE },
	[OPT_REMOTE_PREFIX] = { "remote-prefix", 0, no_argument, NULL, "prefix remote output with the host index", FUTURE },
	[OPT_USE_SERVER] = { "use-server", 0, optional_argument, "SERVER", "build on a compile server", FUTURE },
	[OPT_USE_SERVER_ON_ERROR] = { "use-server-on-error", 0, optional_argument, "yes|no",
				      "retry a failed build on a compile server", FUTURE },
	[OPT_LIST_SERVERS] = { "list-servers", 0, optional_argument, "WHICH", "list compile servers", FUTURE },
	[OPT_TRUST_SERVERS] = { "trust-servers", 0, optional_argument, "SPEC", "trust compile servers", FUTURE },
	[OPT_SIGN_MODULE] = { "sign-module", 0, optional_argument, "KEY", "sign the module", FUTURE },
	[OPT_DOWNLOAD_DEBUGINFO] = { "download-debuginfo", 0, optional_argument, "WHEN",
				     "download missing debuginfo", FUTURE },
	[OPT_SYSROOT] = { "sysroot", 0, required_argument, "DIR", "find target files under DIR", 2 },
	[OPT_SYSENV] = { "sysenv", 0, required_argument, "VAR=VAL", "target value of an environment variable", FUTURE },
	[OPT_SUPPRESS_TIME_LIMITS] = { "suppress-time-limits", 0, no_argument, NULL,
				       "lift the MAXACTION and MAXTRYLOCK limits (guru mode)", 3 },
	[OPT_SAVE_UPROBES] = { "save-uprobes", 0, no_argument, NULL, "keep a locally built uprobes.ko", FUTURE },
	[OPT_TARGET_NAMESPACES] = { "target-namespaces", 0, required_argument, "PID",
				    "use the namespaces of PID", FUTURE },
	[OPT_MONITOR] = { "monitor", 0, optional_argument, "SECONDS", "show a live status window", FUTURE },
	[OPT_COLOR] = { "color", 0, optional_argument, "WHEN", "color diagnostics: always, auto or never", FUTURE },
	[OPT_COLOUR] = { "colour", 0, optional_argument, "WHEN", "same as --color", FUTURE },
	[OPT_NO_GLOBAL_VAR_DISPLAY] = { "no-global-var-display", 0, no_argument, NULL,
					"do not print unread globals at exit", 2 },
	[OPT_RLIMIT_AS] = { "rlimit-as", 0, required_argument, "NUM", "address space limit of the translator", FUTURE },
	[OPT_RLIMIT_CPU] = { "rlimit-cpu", 0, required_argument, "NUM", "CPU time limit of the translator", FUTURE },
	[OPT_RLIMIT_NPROC] = { "rlimit-nproc", 0, required_argument, "NUM", "process limit of the translator", FUTURE },
	[OPT_RLIMIT_STACK] = { "rlimit-stack", 0, required_argument, "NUM", "stack limit of the translator", FUTURE },
	[OPT_RLIMIT_FSIZE] = { "rlimit-fsize", 0, required_argument, "NUM", "file size limit of the translator", FUTURE },
};
_Static_assert(sizeof(opts) / sizeof(opts[0]) == OPT_COUNT, "every option needs a row in opts[]");

/* getopt_long returns the short letter, or LONG_ONLY_BASE + id. */
#define LONG_ONLY_BASE 1000

void strlist_push(struct strlist *l, const char *s)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = realloc(l->items, (size_t)l->cap * sizeof(*l->items));
		if (!l->items) {
			fputs("stap: out of memory\n", stderr);
			exit(1);
		}
	}
	l->items[l->count++] = s;
}

void cli_release(struct session *s)
{
	struct strlist *lists[] = { &s->extra_scripts, &s->include_dirs, &s->c_defines,
				    &s->make_opts, &s->global_inits, &s->modinfo,
				    &s->objects, &s->remotes };
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		free(lists[i]->items);
		*lists[i] = (struct strlist){ 0 };
	}
}

void cli_version(FILE *out)
{
	fprintf(out,
		"SystemTap in C (stap) version %s\n"
		"A from-scratch implementation of the SystemTap language and tools.\n"
		"This is free software under the GNU GPL, version 2 or later; see COPYING.\n",
		PACKAGE_VERSION);
}

static void usage_synopsis(FILE *out)
{
	fputs("Usage: stap [options] FILE [ARGS]        run the script in FILE (- for stdin)\n"
	      "   or: stap [options] -e SCRIPT [ARGS]   run SCRIPT\n"
	      "   or: stap [options] -l PROBE           list matching probe points\n"
	      "   or: stap [options] -L PROBE           list them with their variables\n"
	      "   or: stap [options] --dump-probe-types | --dump-probe-aliases | --dump-functions\n"
	      "   or: stap [options] --dump-kernel-functions[=[MODULE:]GLOB]\n", out);
}

void cli_usage(FILE *out, int passes_built)
{
	usage_synopsis(out);
	fputs("\nOptions:\n", out);
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_spec *o = &opts[i];
		char names[64];
		int n = 0;
		if (o->short_name)
			n += snprintf(names + n, sizeof(names) - (size_t)n, "-%c", o->short_name);
		if (o->long_name)
			n += snprintf(names + n, sizeof(names) - (size_t)n, "%s--%s",
				      o->short_name ? ", " : "", o->long_name);
		if (o->arg) {
			const char *sep = o->long_name ? (o->has_arg == optional_argument ? "[=" : "=") : " ";
			snprintf(names + n, sizeof(names) - (size_t)n, "%s%s%s", sep, o->arg,
				 o->has_arg == optional_argument ? "]" : "");
		}
		fprintf(out, "  %-30s %s%s\n", names, o->help,
			o->needs_pass > passes_built ? " (not implemented yet)" : "");
	}
	fputs("\nScript arguments after FILE or SCRIPT are $1..$N (raw) and @1..@N (strings).\n", out);
	fprintf(out, "Tapset library: %s\nRuntime sources: %s\n", paths_tapset_dir(),
		paths_runtime_dir(NULL));
}

/* -S SIZE[,N]: whole numbers from 1 (staprun checks the same). */
static bool size_spec_valid(const char *arg)
{
	char *end;
	errno = 0;
	long size = strtol(arg, &end, 10);
	if (errno || end == arg || size < 1 || size > 1024 * 1024)
		return false;
	if (*end == ',') {
		const char *n = end + 1;
		long files = strtol(n, &end, 10);
		if (errno || end == n || files < 1 || files > INT_MAX)
			return false;
	}
	return *end == '\0';
}

static void usage_error(const char *fmt, const char *what)
{
	fputs("stap: ", stderr);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	usage_synopsis(stderr);
	fputs("Try 'stap --help' for more information.\n", stderr);
}

static bool parse_long_arg(const char *text, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static const char *option_display(int id, char *buf, size_t len)
{
	if (opts[id].short_name)
		snprintf(buf, len, "-%c", opts[id].short_name);
	else
		snprintf(buf, len, "--%s", opts[id].long_name);
	return buf;
}

/* Record one option in the session.  Returns false after reporting a bad
 * argument. */
static bool apply_option(struct session *s, enum opt_id id, const char *arg)
{
	long v;
	switch (id) {
	case OPT_HELP:
	case OPT_VERSION:
		return true;  /* handled by the caller */
	case OPT_PASS:
		if (!parse_long_arg(arg, 1, 5, &v)) {
			usage_error("invalid pass number '%s' (expected 1-5)", arg);
			return false;
		}
		s->last_pass = (int)v;
		return true;
	case OPT_VERBOSE:
		for (int p = 0; p < 5; p++)
			s->verbose[p]++;
		return true;
	case OPT_VP:
		for (int p = 0; arg[p]; p++) {
			if (p >= 5 || arg[p] < '0' || arg[p] > '9') {
				usage_error("invalid --vp argument '%s' (up to five digits)", arg);
				return false;
			}
			s->verbose[p] += arg[p] - '0';
		}
		return true;
	case OPT_KEEP: s->keep_tmpdir = true; return true;
	case OPT_UNOPT: s->unoptimized = true; return true;
	case OPT_NOWARN: s->suppress_warnings = true; return true;
	case OPT_WERROR: s->warnings_as_errors = true; return true;
	case OPT_GURU: s->guru = true; return true;
	case OPT_PROLOGUE: s->prologue_search = true; return true;
	case OPT_BULK: s->bulk = true; return true;
	case OPT_TIMING: s->timing = true; return true;
	case OPT_BUFSIZE:
		if (!parse_long_arg(arg, 1, 4095, &v)) {
			usage_error("invalid buffer size '%s' (1-4095 MB)", arg);
			return false;
		}
		s->bufsize_mb = (int)v;
		return true;
	case OPT_INCLUDE: strlist_push(&s->include_dirs, arg); return true;
	case OPT_DEFINE: strlist_push(&s->c_defines, arg); return true;
	case OPT_MAKEOPT: strlist_push(&s->make_opts, arg); return true;
	case OPT_MODINFO: strlist_push(&s->modinfo, arg); return true;
	case OPT_GLOBAL:
		if (!strchr(arg, '=')) {
			usage_error("-G expects VAR=VALUE, got '%s'", arg);
			return false;
		}
		strlist_push(&s->global_inits, arg);
		return true;
	case OPT_RUNTIME_DIR: s->runtime_dir = arg; return true;
	case OPT_RELEASE: s->kernel = arg; return true;
	case OPT_ARCH: s->arch = arg; return true;
	case OPT_SYSROOT:
		if (!*arg || arg[0] != '/') {
			usage_error("--sysroot expects an absolute directory, got '%s'", arg);
			return false;
		}
		s->sysroot = arg;
		return true;
	case OPT_MODULE:
		if (!*arg) {
			usage_error("%s", "-m needs a module name");
			return false;
		}
		for (const char *c = arg; *c; c++)
			if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (c > arg && *c >= '0' && *c <= '9'))) {
				usage_error("invalid module name '%s' (letters, digits and _ only)", arg);
				return false;
			}
		/* The kernel's MODULE_NAME_LEN (64 - sizeof(unsigned long)), with its NUL. */
		if (strlen(arg) > 55) {
			usage_error("module name '%s' is too long (at most 55 characters)", arg);
			return false;
		}
		s->module_name = arg;
		return true;
	case OPT_OUTPUT: s->output_file = arg; return true;
	case OPT_SCRIPT:
		if (s->script_text) {
			usage_error("%s: only one -e script (use -E for more)", "-e");
			return false;
		}
		s->script_text = arg;
		return true;
	case OPT_EXTRA_SCRIPT: strlist_push(&s->extra_scripts, arg); return true;
	case OPT_CMD: s->target_cmd = arg; return true;
	case OPT_PID:
		if (!parse_long_arg(arg, 1, INT_MAX, &v)) {
			usage_error("invalid process id '%s'", arg);
			return false;
		}
		s->target_pid = v;
		return true;
	case OPT_FLIGHT: s->flight_recorder = true; return true;
	case OPT_SIZE:
		if (!size_spec_valid(arg)) {
			usage_error("-S %s: expected SIZE[,N], megabytes and files from 1", arg);
			return false;
		}
		s->size_spec = arg;
		return true;
	case OPT_OBJECT: strlist_push(&s->objects, arg); return true;
	case OPT_LDD: s->ldd = true; return true;
	case OPT_ALL_MODULES: s->all_modules = true; return true;
	case OPT_TIMEOUT:
		if (!parse_long_arg(arg, 1, LONG_MAX, &v)) {
			usage_error("invalid timeout '%s' (seconds)", arg);
			return false;
		}
		s->timeout_s = v;
		return true;
	case OPT_LIST:
	case OPT_LIST_VARS:
		s->list_pattern = arg;
		s->listing = id == OPT_LIST ? LIST_PROBES : LIST_PROBES_VARS;
		return true;
	case OPT_RUNTIME:
		if (strcmp(arg, "kernel") == 0) {
			s->runtime = RUNTIME_KERNEL;
		} else if (strcmp(arg, "bpf") == 0) {
			s->runtime = RUNTIME_BPF;
		} else if (strcmp(arg, "dyninst") == 0) {
			s->runtime = RUNTIME_DYNINST;
		} else {
			usage_error("invalid runtime '%s' (kernel, bpf or dyninst)", arg);
			return false;
		}
		return true;
	case OPT_BPF: s->runtime = RUNTIME_BPF; return true;
	case OPT_DYNINST: s->runtime = RUNTIME_DYNINST; return true;
	case OPT_PRIVILEGE:
		if (strcmp(arg, "stapusr") && strcmp(arg, "stapsys") && strcmp(arg, "stapdev")) {
			usage_error("invalid privilege level '%s' (stapusr, stapsys or stapdev)", arg);
			return false;
		}
		s->privilege = arg;
		return true;
	case OPT_UNPRIVILEGED: s->privilege = "stapusr"; return true;
	case OPT_COMPATIBLE:
		if (!compat_valid(arg)) {
			usage_error("--compatible %s: a future version (this is compatible with "
				    COMPAT_VERSION " and older)", arg);
			return false;
		}
		s->compatible = arg;
		return true;
	case OPT_SKIP_BADVARS: s->skip_badvars = true; return true;
	case OPT_SUPPRESS_ERRORS: s->suppress_handler_errors = true; return true;
	case OPT_DISABLE_CACHE: s->disable_cache = true; return true;
	case OPT_POISON_CACHE: s->poison_cache = true; return true;
	case OPT_TMPDIR: s->tmpdir = arg; return true;
	case OPT_DUMP_PROBE_TYPES: s->listing = LIST_DUMP_PROBE_TYPES; return true;
	case OPT_DUMP_PROBE_ALIASES: s->listing = LIST_DUMP_PROBE_ALIASES; return true;
	case OPT_DUMP_FUNCTIONS: s->listing = LIST_DUMP_FUNCTIONS; return true;
	case OPT_DUMP_KERNEL_FUNCTIONS:
		s->listing = LIST_DUMP_KERNEL_FUNCTIONS;
		s->list_pattern = arg;
		return true;
	case OPT_EXAMPLE: s->example = true; return true;
	case OPT_REMOTE: strlist_push(&s->remotes, arg); return true;
	case OPT_SUPPRESS_TIME_LIMITS: s->suppress_time_limits = true; return true;
	case OPT_NO_GLOBAL_VAR_DISPLAY: s->no_global_var_display = true; return true;
	case OPT_PROLOGUE_WHEN:
		if (!arg || strcmp(arg, "always") == 0) {
			s->prologue_search = true;
		} else if (strcmp(arg, "never") == 0 || strcmp(arg, "auto") == 0) {
			s->prologue_search = false;
		} else {
			usage_error("invalid --prologue-searching '%s' (never, always or auto)", arg);
			return false;
		}
		return true;
	case OPT_COVERAGE:
	case OPT_INTERACTIVE:
	case OPT_CHECK_VERSION:
	case OPT_CLEAN_CACHE:
	case OPT_REMOTE_PREFIX:
	case OPT_USE_SERVER:
	case OPT_USE_SERVER_ON_ERROR:
	case OPT_LIST_SERVERS:
	case OPT_TRUST_SERVERS:
	case OPT_SIGN_MODULE:
	case OPT_DOWNLOAD_DEBUGINFO:
	case OPT_SYSENV:
	case OPT_SAVE_UPROBES:
	case OPT_TARGET_NAMESPACES:
	case OPT_MONITOR:
	case OPT_COLOR:
	case OPT_COLOUR:
	case OPT_RLIMIT_AS:
	case OPT_RLIMIT_CPU:
	case OPT_RLIMIT_NPROC:
	case OPT_RLIMIT_STACK:
	case OPT_RLIMIT_FSIZE:
		return true;  /* recorded nowhere: refused below until built */
	case OPT_COUNT:
		break;
	}
	return false;
}

/* TMPDIR, where passes 3 and 4 make their directory, checked up front as
 * upstream does: NULL when it is unset or usable, else why not.  Kbuild
 * and the shell see the path unquoted, so only plain characters pass. */
static const char *tmpdir_problem(void)
{
	const char *dir = getenv("TMPDIR");
	struct stat st;

	if (!dir || !*dir)
		return NULL;
	if (dir[strspn(dir, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789/._-+,@=")])
		return "has characters make and the shell would take apart (use letters, "
		       "digits and /._-+,@=)";
	if (stat(dir, &st) != 0)
		return strerror(errno);
	if (!S_ISDIR(st.st_mode))
		return "is not a directory";
	if (access(dir, W_OK | X_OK) != 0)
		return "is not writable";
	return NULL;
}

enum cli_result cli_parse(struct session *s, int argc, char **argv, int passes_built)
{
	char shortopts[3 * OPT_COUNT + 2];
	struct option longopts[OPT_COUNT + 1];
	int ns = 0, nl = 0;

	shortopts[ns++] = ':';  /* report a missing argument as ':' */
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_spec *o = &opts[i];
		if (o->short_name) {
			shortopts[ns++] = o->short_name;
			if (o->has_arg == required_argument)
				shortopts[ns++] = ':';
		}
		if (o->long_name)
			longopts[nl++] = (struct option){ o->long_name, o->has_arg, NULL,
				o->short_name ? o->short_name : LONG_ONLY_BASE + i };
	}
	shortopts[ns] = '\0';
	longopts[nl] = (struct option){ 0 };

	s->last_pass = 5;
	bool want_help = false, want_version = false;
	bool seen[OPT_COUNT] = { false };
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];
			char letter[3] = { '-', (char)optopt, 0 };
			if (c == ':')
				usage_error("option '%s' requires an argument", optopt ? letter : bad);
			else
				usage_error("unknown option '%s'", optopt ? letter : bad);
			return CLI_EXIT_FAIL;
		}
		int id = -1;
		if (c >= LONG_ONLY_BASE) {
			id = c - LONG_ONLY_BASE;
		} else {
			for (int i = 0; i < OPT_COUNT; i++)
				if (opts[i].short_name == c)
					id = i;
		}
		if (id < 0)
			return CLI_EXIT_FAIL;
		seen[id] = true;
		if (id == OPT_HELP)
			want_help = true;
		else if (id == OPT_VERSION)
			want_version = true;
		if (!apply_option(s, (enum opt_id)id, optarg))
			return CLI_EXIT_FAIL;
	}
	if (want_help) {
		cli_usage(stdout, passes_built);
		return CLI_EXIT_OK;
	}
	if (want_version) {
		cli_version(stdout);
		return CLI_EXIT_OK;
	}
	bool refused = false;
	for (int i = 0; i < OPT_COUNT; i++) {
		if (seen[i] && opts[i].needs_pass > passes_built) {
			char buf[64];
			fprintf(stderr, "stap: option %s is not implemented yet\n",
				option_display(i, buf, sizeof(buf)));
			refused = true;
		}
	}
	if (refused)
		return CLI_EXIT_FAIL;
	const char *bad_tmpdir = tmpdir_problem();
	if (bad_tmpdir) {
		fprintf(stderr, "stap: TMPDIR '%s': %s\n", getenv("TMPDIR"), bad_tmpdir);
		return CLI_EXIT_FAIL;
	}
	if (s->target_cmd && s->target_pid) {
		fputs("stap: -c and -x cannot be used together: one target only\n", stderr);
		return CLI_EXIT_FAIL;
	}
	if (s->size_spec && !s->output_file) {
		fputs("stap: -S rotates output files: it needs -o FILE\n", stderr);
		return CLI_EXIT_FAIL;
	}
	if (s->suppress_time_limits && !s->guru) {
		/* it lifts the limits that keep a probe from hanging the kernel */
		fputs("stap: --suppress-time-limits requires guru mode (-g)\n", stderr);
		return CLI_EXIT_FAIL;
	}
	if (s->runtime != RUNTIME_KERNEL) {
		fprintf(stderr, "stap: --runtime=%s is not implemented yet\n",
			s->runtime == RUNTIME_BPF ? "bpf" : "dyninst");
		return CLI_EXIT_FAIL;
	}

	/* The script: -e SCRIPT, or the first operand names a file; the
	 * remaining operands are script arguments. */
	int first_arg = optind;
	if (s->example && !s->script_text && s->listing == LIST_NONE && optind >= argc)
		s->listing = LIST_EXAMPLES;
	if (!s->script_text && s->listing == LIST_NONE) {
		if (optind >= argc) {
			usage_error("%s", "no script given: name a FILE, or use -e SCRIPT");
			return CLI_EXIT_FAIL;
		}
		s->script_file = argv[optind];
		first_arg = optind + 1;
	}
	/* As upstream: the target kernel may also come from the environment. */
	const char *rel = getenv("SYSTEMTAP_RELEASE");
	if (!s->kernel && rel && *rel)
		s->kernel = rel;
	s->args = (const char **)argv + first_arg;
	s->nargs = argc - first_arg;
	return CLI_RUN;
}
