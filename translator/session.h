/* session.h - what one stap run was asked to do.
 *
 * Filled once by cli_parse() from the command line, then read by the
 * passes.  It holds options only; each pass keeps its own results.
 */
#ifndef STAP_SESSION_H
#define STAP_SESSION_H

#include <stdbool.h>

/* A growable list of strings from repeated options (-I, -D, -B, -G ...). */
struct strlist {
	const char **items;
	int count;
	int cap;
};

void strlist_push(struct strlist *l, const char *s);

enum runtime_mode {
	RUNTIME_KERNEL,
	RUNTIME_BPF,
	RUNTIME_DYNINST,
};

enum listing_mode {
	LIST_NONE,
	LIST_PROBES,            /* -l */
	LIST_PROBES_VARS,       /* -L */
	LIST_DUMP_PROBE_TYPES,
	LIST_DUMP_PROBE_ALIASES,
	LIST_DUMP_FUNCTIONS,
	LIST_DUMP_KERNEL_FUNCTIONS,
	LIST_EXAMPLES,          /* --example without a script */
};

struct session {
	/* The script: exactly one of script_file ("-" is stdin) and
	 * script_text (-e); -E scripts run in addition. */
	const char *script_file;
	const char *script_text;
	struct strlist extra_scripts;
	/* Arguments after the script, for $1..$N and @1..@N. */
	const char **args;
	int nargs;

	int last_pass;          /* -p: stop after this pass (1..5) */
	int verbose[5];         /* -v / --vp: verbosity per pass */
	bool keep_tmpdir;       /* -k */
	bool unoptimized;       /* -u */
	bool suppress_warnings; /* -w */
	bool warnings_as_errors; /* -W */
	bool guru;              /* -g */
	bool bulk;              /* -b */
	bool timing;            /* -t */
	bool prologue_search;   /* -P, --prologue-searching[=always]: accepted; our
				   DWARF parameters come from location lists,
				   exact at the entry where the probe sits */
	bool flight_recorder;   /* -F */
	bool skip_badvars;
	bool suppress_handler_errors;
	bool ldd;
	bool all_modules;
	bool poison_cache;
	bool disable_cache;
	bool suppress_time_limits;
	bool no_global_var_display;
	bool example;           /* --example: script names an examples/ file */
	int bufsize_mb;         /* -s */
	long timeout_s;         /* -T */
	long target_pid;        /* -x; 0 when unset */
	const char *target_cmd; /* -c */
	const char *sysroot;    /* --sysroot: programs named in probe points
				   are read under it (built elsewhere, run with
				   the names the script gives) */
	const char *output_file; /* -o */
	const char *size_spec;  /* -S size[,n] */
	const char *module_name; /* -m */
	const char *kernel;     /* -r: release or build directory */
	const char *arch;       /* -a */
	const char *runtime_dir; /* -R */
	const char *tmpdir;     /* --tmpdir */
	const char *privilege;  /* --privilege */
	const char *compatible; /* --compatible */
	const char *list_pattern; /* -l / -L */
	enum listing_mode listing;
	enum runtime_mode runtime;
	struct strlist include_dirs;  /* -I */
	struct strlist c_defines;     /* -D NAME=VAL */
	struct strlist make_opts;     /* -B NAME=VAL */
	struct strlist global_inits;  /* -G VAR=VAL */
	struct strlist modinfo;       /* --modinfo NAME=VAL */
	struct strlist objects;       /* -d OBJECT */
	struct strlist remotes;       /* --remote */
};

#endif
