/* main.c - the stap driver: parse the command line, then run the passes
 * in order, stopping after -pN or at the first pass that reports an error.
 *
 *   1 parse      script text -> AST            (pass1.c)
 *   2 elaborate  AST + tapsets -> typed program (elaborate.c, pass2.h)
 *   3 translate  program -> C source            (emit.c, pass3.h)
 *   4 build      C source -> cached .ko         (build.c, kfeatures.c)
 *   5 run        staprun + stapio               (run.c)
 *
 * Between passes 2 and 3 the module's cache key is computed (cache.c): a
 * hit skips passes 3 and 4.  Passes 3-4 work in one temporary directory,
 * removed at the end unless -k.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "build.h"
#include "cache.h"
#include "cli.h"
#include "diag.h"
#include "examples.h"
#include "kfeatures.h"
#include "pass1.h"
#include "pass2.h"
#include "pass3.h"
#include "paths.h"
#include "run.h"
#include "session.h"
#include "stats.h"
#include "target.h"
#include "unparse.h"

/* The highest pass this build implements: options whose feature needs a
 * later pass are refused by the command line as not implemented yet. */
#define PASSES_BUILT 5

/* Pass 1; prints the -v line.  Returns 0 or 1. */
static int run_pass1(struct pass1 *p1, const struct session *s, struct program **prog)
{
	struct stats_mark mark;
	stats_start(&mark);
	int rc = pass1_run(p1, prog);
	if (s->verbose[0] > 0 && rc == 0) {
		char usage[256];
		stats_format(&mark, usage, sizeof(usage));
		fprintf(stderr, "Pass 1: parsed user script and %d library scripts %s.\n",
			pass1_library_files(p1), usage);
	}
	if (rc)
		fputs("Pass 1: parse failed.  [man error::pass1]\n", stderr);
	return rc;
}

static const char *plural(int n)
{
	return n == 1 ? "" : "s";
}

/* Pass 2; prints the -v line.  Returns 0 or 1. */
static int run_pass2(struct pass1 *p1, const struct session *s, struct program *prog,
		     struct elab_program **ep)
{
	struct stats_mark mark;
	stats_start(&mark);
	int rc = elab_run(p1, s, prog, ep);
	if (s->verbose[1] > 0 && rc == 0) {
		char usage[256];
		const struct elab_program *e = *ep;
		stats_format(&mark, usage, sizeof(usage));
		fprintf(stderr,
			"Pass 2: analyzed script: %d probe%s, %d function%s, %d embed%s, "
			"%d global%s %s.\n",
			e->nprobes, plural(e->nprobes), e->nfunctions, plural(e->nfunctions),
			e->nembeds, plural(e->nembeds), e->nglobals, plural(e->nglobals), usage);
	}
	if (rc)
		fputs("Pass 2: analysis failed.  [man error::pass2]\n", stderr);
	return rc;
}

/* What passes 3-5 work with. */
struct module_job {
	const char *release, *build_dir, *runtime_dir;
	const char *cache_dir;        /* NULL: no cache */
	char key[HASH_HEX_LEN + 1];
	const char *name;             /* stap_<key prefix>, or -m NAME */
	const char *tmpdir;           /* NULL until created */
	const char *c_path, *ko_path; /* the module's files, wherever they are */
};

static long tv_ms(const struct timeval *tv)
{
	return (long)tv->tv_sec * 1000 + (long)tv->tv_usec / 1000;
}

/* "Xusr/Ysys/Zreal ms" since mark, counting child processes (make, gcc):
 * upstream's pass-4 and pass-5 figures. */
static void child_times(const struct stats_mark *mark, const struct rusage *kids0, char *buf,
			size_t len)
{
	struct rusage self, kids;
	struct timespec now;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	clock_gettime(CLOCK_MONOTONIC, &now);
	long usr = tv_ms(&self.ru_utime) - tv_ms(&mark->usage.ru_utime) +
		   tv_ms(&kids.ru_utime) - tv_ms(&kids0->ru_utime);
	long sys = tv_ms(&self.ru_stime) - tv_ms(&mark->usage.ru_stime) +
		   tv_ms(&kids.ru_stime) - tv_ms(&kids0->ru_stime);
	long real = (long)(now.tv_sec - mark->wall.tv_sec) * 1000 +
		    (long)(now.tv_nsec - mark->wall.tv_nsec) / 1000000;
	snprintf(buf, len, "%ldusr/%ldsys/%ldreal ms", usr, sys, real);
}

/* Pass 3 into job->tmpdir/NAME.c; prints the -v line.  Returns 0 or 1. */
static int run_pass3(const struct session *s, const struct elab_program *ep,
		     struct module_job *job, struct arena *a)
{
	struct stats_mark mark;
	stats_start(&mark);
	job->c_path = arena_printf(a, "%s/%s.c", job->tmpdir, job->name);
	FILE *out = fopen(job->c_path, "w");
	int rc = 1;
	if (!out) {
		perror(job->c_path);
	} else {
		rc = emit_module(out, s, ep, job->name);
		if (fclose(out) != 0 && rc == 0) {
			perror(job->c_path);
			rc = 1;
		}
	}
	if (rc) {
		fputs("Pass 3: translation failed.  [man error::pass3]\n", stderr);
		return 1;
	}
	if (s->verbose[2] > 0) {
		char usage[256];
		stats_format(&mark, usage, sizeof(usage));
		fprintf(stderr, "Pass 3: translated to C into \"%s\" %s.\n", job->c_path, usage);
	}
	return 0;
}

/* -p3: the C file to stdout. */
static int print_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 1;
	}
	char buf[1 << 16];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

/* Pass 4: build, then move the module into the cache (or, with -m or no
 * cache, into the current directory, as upstream does).  Returns 0 or 1. */
static int run_pass4(const struct session *s, struct module_job *job, struct arena *a)
{
	struct stats_mark mark;
	struct rusage kids0;
	stats_start(&mark);
	getrusage(RUSAGE_CHILDREN, &kids0);
	/* The kernel's features and kbuild environment are cached per kernel
	 * even when the module is not (-m): they do not depend on it. */
	const char *kcache = job->cache_dir ? job->cache_dir : cache_dir(a);
	const char *kf = kfeatures_header(a, s, job->build_dir, job->runtime_dir, kcache,
					  job->tmpdir);
	const char *env = build_env_file(a, s, job->build_dir, kcache);
	if (!kf || build_module(a, s, job->build_dir, job->runtime_dir, kf, env, job->tmpdir,
				job->name)) {
		fputs("Pass 4: compilation failed.  [man error::pass4]\n", stderr);
		return 1;
	}
	const char *built = arena_printf(a, "%s/%s.ko", job->tmpdir, job->name);
	job->ko_path = NULL;
	if (job->cache_dir) {
		const char *c = cache_path(a, job->cache_dir, job->key, job->name, ".c");
		const char *ko = cache_path(a, job->cache_dir, job->key, job->name, ".ko");
		int rc = cache_copy_atomic(job->c_path, c);
		if (rc == 0)
			rc = cache_copy_atomic(built, ko);
		if (rc == 0)
			job->ko_path = ko;
		else
			fprintf(stderr, "stap: warning: cannot store the module in %s: %s\n",
				job->cache_dir, strerror(-rc));
	}
	if (!job->ko_path) {
		const char *here = arena_printf(a, "%s.ko", job->name);
		int rc = cache_copy_atomic(built, here);
		if (rc) {
			fprintf(stderr, "stap: cannot write %s: %s\n", here, strerror(-rc));
			return 1;
		}
		job->ko_path = here;
	}
	if (s->verbose[3] > 0) {
		char usage[128];
		child_times(&mark, &kids0, usage, sizeof(usage));
		fprintf(stderr, "Pass 4: compiled C into \"%s.ko\" in %s.\n", job->name, usage);
	}
	return 0;
}

/* Pass 5; prints the -v lines.  Returns the exit status. */
static int run_pass5(const struct session *s, const struct module_job *job)
{
	struct stats_mark mark;
	struct rusage kids0;
	stats_start(&mark);
	getrusage(RUSAGE_CHILDREN, &kids0);
	if (s->verbose[4] > 0)
		fputs("Pass 5: starting run.\n", stderr);
	int rc = run_module(s, job->ko_path);
	if (rc) {
		fputs("Pass 5: run failed.  [man error::pass5]\n", stderr);
	} else if (s->verbose[4] > 0) {
		char usage[128];
		child_times(&mark, &kids0, usage, sizeof(usage));
		fprintf(stderr, "Pass 5: run completed in %s.\n", usage);
	}
	return rc;
}

/* The cached module, if the cache may be read and holds it. */
static bool cache_hit(const struct session *s, struct module_job *job, struct arena *a)
{
	if (!job->cache_dir || s->poison_cache || s->last_pass < 4)
		return false;
	const char *c = cache_path(a, job->cache_dir, job->key, job->name, ".c");
	const char *ko = cache_path(a, job->cache_dir, job->key, job->name, ".ko");
	if (!cache_exists(ko) || !cache_exists(c))
		return false;
	job->c_path = c;
	job->ko_path = ko;
	if (s->verbose[2] > 0)
		fprintf(stderr, "Pass 3: using cached %s\n", c);
	if (s->verbose[3] > 0)
		fprintf(stderr, "Pass 4: using cached %s\n", ko);
	return true;
}

/* Passes 3-5 for the elaborated program.  Returns the exit status. */
static int run_module_passes(struct pass1 *p1, const struct session *s,
			     const struct elab_program *ep, struct arena *a)
{
	struct target *t = pass1_target(p1);
	struct module_job job = {
		.release = target_kernel_vr(t),
		.build_dir = target_build_dir(t),
	};
	/* Absolute: kbuild compiles in the kernel tree, not here. */
	char *rt = realpath(paths_runtime_dir(s->runtime_dir), NULL);
	job.runtime_dir = rt ? arena_strdup(a, rt) : paths_runtime_dir(s->runtime_dir);
	free(rt);
	/* -m names a module the user keeps: upstream builds it afresh. */
	if (!s->disable_cache && !s->module_name)
		job.cache_dir = cache_dir(a);
	cache_module_key(s, ep, job.release, target_arch(t), job.build_dir, job.runtime_dir,
			 job.key);
	job.name = s->module_name ? s->module_name : arena_printf(a, "stap_%.32s", job.key);

	int rc = 0;
	if (!cache_hit(s, &job, a)) {
		job.tmpdir = build_tmpdir(a, s);
		rc = job.tmpdir ? run_pass3(s, ep, &job, a) : 1;
		if (rc == 0 && s->last_pass == 3)
			rc = print_file(job.c_path);
		if (rc == 0 && s->last_pass >= 4)
			rc = run_pass4(s, &job, a);
	}
	if (rc == 0 && s->last_pass == 4)
		printf("%s\n", job.ko_path);
	if (fflush(stdout) != 0)
		rc = 1;
	build_tmpdir_done(s, job.tmpdir);
	if (build_interrupted())
		rc = 1;
	if (rc == 0 && s->last_pass == 5)
		rc = run_pass5(s, &job);
	return rc;
}

/* Passes 4-5 need the target's kernel build tree: say so before any work
 * when it is missing. */
static int check_build_tree(struct pass1 *p1, const struct session *s)
{
	if (s->last_pass < 4)
		return 0;
	struct target *t = pass1_target(p1);
	return build_check_tree(target_kernel_vr(t), target_build_dir(t),
				s->kernel && strchr(s->kernel, '/'));
}

/* Run the passes the session asks for; returns the exit status. */
static int run_passes(struct session *s)
{
	static char outbuf[1 << 16];
	diag_configure(s->suppress_warnings, s->warnings_as_errors, 0);
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	struct arena *a = arena_new();
	struct pass1 *p1 = pass1_new(a, s, 0);
	struct program *prog;
	struct elab_program *ep = NULL;
	int rc;
	if (s->listing != LIST_NONE) {
		rc = s->listing == LIST_EXAMPLES ? examples_list(stdout) : elab_list(p1, s);
		if (fflush(stdout) != 0)
			rc = 1;
		arena_free(a);
		return rc;
	}
	rc = check_build_tree(p1, s);
	if (rc == 0)
		rc = run_pass1(p1, s, &prog);
	if (rc == 0 && s->last_pass == 1)
		unparse_program(stdout, prog);
	if (rc == 0 && s->last_pass >= 2 && s->timeout_s > 0)
		pass1_add_timeout(p1, prog);
	if (rc == 0 && s->last_pass >= 2)
		rc = run_pass2(p1, s, prog, &ep);
	if (rc == 0 && s->last_pass == 2)
		elab_print(stdout, ep, s->verbose[1]);
	if (rc == 0 && s->last_pass >= 3)
		rc = run_module_passes(p1, s, ep, a);
	if (fflush(stdout) != 0)
		rc = 1;
	arena_free(a);
	return rc;
}

int main(int argc, char **argv)
{
	struct session s = { 0 };
	int rc = 1;

	switch (cli_parse(&s, argc, argv, PASSES_BUILT)) {
	case CLI_RUN:
		rc = run_passes(&s);
		break;
	case CLI_EXIT_OK:
		rc = 0;
		break;
	case CLI_EXIT_FAIL:
		rc = 1;
		break;
	}
	cli_release(&s);
	return rc;
}
