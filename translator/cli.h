/* cli.h - the stap command line.
 *
 * cli_parse() turns argv into a struct session.  Every option upstream
 * documents is accepted by its upstream letter or name; one whose feature
 * is not built yet is refused with "not implemented yet" and exit 1, never
 * silently ignored.
 */
#ifndef STAP_CLI_H
#define STAP_CLI_H

#include <stdio.h>

#include "session.h"

/* What cli_parse() decided. */
enum cli_result {
	CLI_RUN,        /* run the pipeline described by the session */
	CLI_EXIT_OK,    /* --help / --version printed; exit 0 */
	CLI_EXIT_FAIL,  /* usage error or unavailable option reported; exit 1 */
};

/* passes_built: the highest pass this build implements; an option whose
 * feature needs a later pass is refused as not implemented yet. */
enum cli_result cli_parse(struct session *s, int argc, char **argv, int passes_built);

/* Free what cli_parse() allocated in the session. */
void cli_release(struct session *s);

/* --help; options whose feature needs a pass after passes_built are
 * marked "not implemented yet". */
void cli_usage(FILE *out, int passes_built);
void cli_version(FILE *out);

#endif
