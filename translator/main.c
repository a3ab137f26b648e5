/* main.c - the stap driver: parse the command line, then run the passes
 * in order, stopping after -pN or at the first pass that reports an error.
 *
 *   1 parse      script text -> AST            (pass1.c)
 *   2 elaborate  AST + tapsets -> typed program (elaborate.c, pass2.h)
 *   3 translate  program -> C source            (emit.c, pass3.h)
 *   4 build      C source -> cached .ko         (not built yet)
 *   5 run        staprun + stapio               (not built yet)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "cli.h"
#include "diag.h"
#include "pass1.h"
#include "pass2.h"
#include "pass3.h"
#include "session.h"
#include "stats.h"
#include "unparse.h"

/* The highest pass this build implements: options whose feature needs a
 * later pass are refused by the command line as not implemented yet. */
#define PASSES_BUILT 3

static const char *const pass_names[] = {
	[1] = "parse", [2] = "elaborate", [3] = "translate", [4] = "compile", [5] = "run",
};

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
		rc = elab_list(p1, s);
		if (fflush(stdout) != 0)
			rc = 1;
		arena_free(a);
		return rc;
	}
	rc = run_pass1(p1, s, &prog);
	if (rc == 0 && s->last_pass == 1)
		unparse_program(stdout, prog);
	if (rc == 0 && s->last_pass >= 2)
		rc = run_pass2(p1, s, prog, &ep);
	if (rc == 0 && s->last_pass == 2)
		elab_print(stdout, ep, s->verbose[1]);
	if (rc == 0 && s->last_pass == 3) {
		rc = emit_module(stdout, s, ep, "stap_module");
		if (rc)
			fputs("Pass 3: translation failed.  [man error::pass3]\n", stderr);
	}
	if (rc == 0 && s->last_pass > 3) {
		fprintf(stderr, "stap: pass %d (%s) is not implemented yet\n", PASSES_BUILT + 1,
			pass_names[PASSES_BUILT + 1]);
		rc = 1;
	}
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
