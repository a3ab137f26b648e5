/* main.c - the stap driver: parse the command line, then run the passes
 * in order, stopping after -pN or at the first pass that reports an error.
 *
 *   1 parse      script text -> AST            (not built yet)
 *   2 elaborate  AST + tapsets -> typed program (not built yet)
 *   3 translate  program -> C source            (not built yet)
 *   4 build      C source -> cached .ko         (not built yet)
 *   5 run        staprun + stapio               (not built yet)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "cli.h"
#include "diag.h"
#include "session.h"

/* The highest pass this build implements: options whose feature needs a
 * later pass are refused by the command line as not implemented yet. */
#define PASSES_BUILT 0

static const char *const pass_names[] = {
	[1] = "parse", [2] = "elaborate", [3] = "translate", [4] = "compile", [5] = "run",
};

/* Run the passes the session asks for; returns the exit status. */
static int run_passes(struct session *s)
{
	diag_configure(s->suppress_warnings, s->warnings_as_errors, 0);

	fprintf(stderr, "stap: pass %d (%s) is not implemented yet\n", PASSES_BUILT + 1,
		pass_names[PASSES_BUILT + 1]);
	return 1;
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
