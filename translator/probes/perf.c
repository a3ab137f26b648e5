/* perf.c - perf event probes: perf.sw.NAME, perf.hw.NAME,
 * perf.hw_cache.CACHE.OP.RESULT and perf.type(T).config(C), each firing
 * every .sample(N) events (default 1000000) or .hz(N) times a second,
 * on every CPU, as upstream names them.
 *
 * The runtime (runtime/probes/perf.c) opens one kernel counter per CPU
 * with perf_event_create_kernel_counter; a kernel or machine without such
 * a counter (the emulated test VM has no hardware PMU) fails the start
 * with the perf error, never silently.  A probe sees the interrupted
 * registers: addr(), symname(addr()), backtraces work as in
 * timer.profile.
 *
 * .process without a program counts only the -c/-x target and the
 * children it makes from then on (one inherited counter on that task), as
 * upstream infers the program from -c.
 *
 * Not here yet: .process("path") (a program by name needs the process
 * probes of user space, which find it when it starts) and .counter("name")
 * with @perf("name"); both are refused with that reason.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "elab_int.h"
#include "pass2.h"
#include "pass3.h"
#include "probes/registry.h"
#include "session.h"

/* The kernel's UAPI numbers (linux/perf_event.h). */
enum { PERF_HW = 0, PERF_SW = 1, PERF_HW_CACHE = 3 };

struct perf_name {
	const char *name;
	int config;
};

static const struct perf_name sw_events[] = {
	{ "cpu_clock", 0 },	  { "task_clock", 1 },	     { "page_faults", 2 },
	{ "context_switches", 3 }, { "cpu_migrations", 4 },   { "page_faults_min", 5 },
	{ "page_faults_maj", 6 },  { "alignment_faults", 7 }, { "emulation_faults", 8 },
	{ NULL, 0 },
};

static const struct perf_name hw_events[] = {
	{ "cpu_cycles", 0 },
	{ "instructions", 1 },
	{ "cache_references", 2 },
	{ "cache_misses", 3 },
	{ "branch_instructions", 4 },
	{ "branch_misses", 5 },
	{ "bus_cycles", 6 },
	{ "stalled_cycles_frontend", 7 },
	{ "stalled_cycles_backend", 8 },
	{ "ref_cpu_cycles", 9 },
	{ NULL, 0 },
};

static const struct perf_name caches[] = {
	{ "l1d", 0 }, { "l1i", 1 }, { "ll", 2 }, { "dtlb", 3 }, { "itlb", 4 }, { "bpu", 5 },
	{ "node", 6 }, { NULL, 0 },
};
static const struct perf_name cache_ops[] = {
	{ "read", 0 }, { "write", 1 }, { "prefetch", 2 }, { NULL, 0 },
};
static const struct perf_name cache_results[] = {
	{ "access", 0 }, { "miss", 1 }, { NULL, 0 },
};

/* Every pattern: the events by name, generic, with their suffixes.  Built
 * once (registry.c reads it at its first use). */
static struct pp_family_pattern patterns[1024];

static const char *const suffixes[] = {
	"", ".sample(number)", ".hz(number)", ".counter(string)", ".process",
	".process(string)", ".process.sample(number)", ".process(string).sample(number)",
	".process.counter(string)", ".process(string).counter(string)",
};
#define NSUFFIXES (sizeof(suffixes) / sizeof(suffixes[0]))

static int npatterns;

static void add_event(const char *event)
{
	static char text[sizeof(patterns) / sizeof(patterns[0])][80];
	for (size_t s = 0; s < NSUFFIXES; s++) {
		snprintf(text[npatterns], sizeof(text[0]), "%s%s", event, suffixes[s]);
		patterns[npatterns].text = text[npatterns];
		npatterns++;
	}
}

__attribute__((constructor)) static void build_patterns(void)
{
	char event[80];
	for (const struct perf_name *n = sw_events; n->name; n++) {
		snprintf(event, sizeof(event), "perf.sw.%s", n->name);
		add_event(event);
	}
	for (const struct perf_name *n = hw_events; n->name; n++) {
		snprintf(event, sizeof(event), "perf.hw.%s", n->name);
		add_event(event);
	}
	/* the cache events are perf.hw_cache.CACHE.OP.RESULT: one pattern
	 * per combination */
	for (const struct perf_name *c = caches; c->name; c++)
		for (const struct perf_name *o = cache_ops; o->name; o++)
			for (const struct perf_name *r = cache_results; r->name; r++) {
				snprintf(event, sizeof(event), "perf.hw_cache.%s.%s.%s", c->name,
					 o->name, r->name);
				add_event(event);
			}
	add_event("perf.type(number).config(number)");
	patterns[npatterns].text = NULL;
}

/* What a perf probe resolved to: the elab_probe's data. */
struct perf_data {
	int type;
	long long config;
	long long period;       /* events between hits, or hits a second (freq) */
	bool freq;
	bool target;            /* .process: the -c/-x target and its children */
};

static int config_of(const struct perf_name *table, const char *name)
{
	for (const struct perf_name *n = table; n->name; n++)
		if (strcmp(n->name, name) == 0)
			return n->config;
	return -1;
}

/* The component named name in the point, or -1. */
static int comp_index(const struct probe_point *pt, const char *name)
{
	int i = 0;
	for (const struct pp_comp *c = pt->comps; c; c = c->next, i++)
		if (strcmp(c->name, name) == 0)
			return i;
	return -1;
}

static void resolve(struct pp_request *req)
{
	struct perf_data *d = arena_alloc(req->arena, sizeof(*d));
	const struct pp_comp *c1 = req->point->comps->next, *c2 = c1->next;
	int process = comp_index(req->point, "process");
	if (comp_index(req->point, "counter") >= 0) {
		pp_error(req, "perf counters read with @perf (.counter) are not built yet");
		return;
	}
	if (process >= 0) {
		const struct pp_comp *pc = req->point->comps;
		for (int i = 0; i < process; i++)
			pc = pc->next;
		if (pc->arg) {
			pp_error(req, "perf probes on a named program (.process(\"PATH\")) need "
				      "user-space process probes, which are not built yet; "
				      ".process alone follows the -c or -x target");
			return;
		}
		if (!req->listing && req->sess && !req->sess->target_cmd && !req->sess->target_pid) {
			pp_error(req, "perf .process without a program follows the target: "
				      "give -c CMD or -x PID");
			return;
		}
		d->target = true;
	}
	if (strcmp(c1->name, "sw") == 0) {
		d->type = PERF_SW;
		d->config = config_of(sw_events, c2->name);
	} else if (strcmp(c1->name, "hw") == 0) {
		d->type = PERF_HW;
		d->config = config_of(hw_events, c2->name);
	} else if (strcmp(c1->name, "hw_cache") == 0) {
		d->type = PERF_HW_CACHE;
		d->config = config_of(caches, c2->name) |
			    config_of(cache_ops, c2->next->name) << 8 |
			    config_of(cache_results, c2->next->next->name) << 16;
	} else {
		d->type = (int)pp_num_arg(req, 1);
		d->config = pp_num_arg(req, 2);
		if (d->type < 0 || d->type > 0xffff || d->config < 0) {
			pp_error(req, "perf type %d config %lld: out of range", d->type, d->config);
			return;
		}
	}
	d->period = 1000000;
	int sample = comp_index(req->point, "sample"), hz = comp_index(req->point, "hz");
	if (sample >= 0 || hz >= 0) {
		d->freq = hz >= 0;
		d->period = pp_num_arg(req, sample >= 0 ? sample : hz);
		if (d->period <= 0) {
			pp_error(req, "perf %s must be positive", d->freq ? "hz" : "sample period");
			return;
		}
	}
	pp_emit(req, req->point, d);
}

static const char *emit(struct pp_table_req *e)
{
	fputs("static const struct stp_perf_probe stp_perf_probe[] = {\n", e->out);
	for (int i = 0; i < e->n; i++) {
		const struct perf_data *d = e->probes[i]->data;
		fprintf(e->out, "\t{ &stp_probes[%d], %d, %lldULL, %lldULL, %s, %s },\n",
			e->index[i], d->type, d->config, d->period, d->freq ? "true" : "false",
			d->target ? "true" : "false");
	}
	fputs("};\n", e->out);
	return "stp_perf_probe";
}

const struct probe_family probe_family_perf = {
	.name = "perf",
	.patterns = patterns,
	.resolve = resolve,
	.runtime = "probes/perf.c",
	.ops = "_stp_perf_ops",
	.emit = emit,
};
