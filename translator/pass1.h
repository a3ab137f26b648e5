/* pass1.h - pass 1: script text to a struct program.
 *
 * Pass 1 lexes, preprocesses (%( %) conditionals, @define macros and the
 * *.stpm macro library, $N/@N arguments) and parses.  Diagnostics go to
 * stderr through diag.h; the caller checks diag_error_count().
 *
 * Two ways in:
 *   pass1_new() + pass1_run()  the driver's: the user script (FILE, - or
 *                          -e) and every -E script, with their file names;
 *   pass1_parse_buffer()   one memory buffer, for fuzz targets and tests:
 *                          reads no file at all (no macro library, no
 *                          kernel .config) unless asked to.
 * Pass 2 parses tapset files lazily with pass1_new() + pass1_parse_file()
 * into the same program, sharing names and the macro library.
 */
#ifndef STAP_PASS1_H
#define STAP_PASS1_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"

struct arena;
struct session;
struct pass1;
struct source;
struct target;

#define PASS1_NO_LIBRARY      0x1  /* never read *.stpm macro libraries */
#define PASS1_NO_TARGET_FILES 0x2  /* never read the kernel .config (CONFIG_* unset) */

/* A pass-1 context: interned names, macro library, target facts. */
struct pass1 *pass1_new(struct arena *a, const struct session *s, unsigned flags);

/* Parse one source into prog.  is_tapset: a library file, where embedded C
 * and guru-only operators are allowed.  Returns the declarations added. */
int pass1_parse_source(struct pass1 *p, const struct source *src, bool is_tapset,
		       struct program *prog);

/* Read and parse a file; NULL source (and a D_IO error) if unreadable. */
const struct source *pass1_parse_file(struct pass1 *p, const char *path, bool is_tapset,
				      struct program *prog);

/* How many macro library files were read (for the -v line). */
int pass1_library_files(const struct pass1 *p);

/* The arena the context allocates from (later passes share it). */
struct arena *pass1_arena(const struct pass1 *p);

/* The target kernel the %( %) conditionals were evaluated for (created on
 * first use; later passes ask it for the build tree). */
struct target *pass1_target(struct pass1 *p);

/* Parse the session's user script and -E scripts (p from pass1_new with
 * the run's session).  Returns 0, or 1 if any error was reported.  *out is
 * always set; keep p for pass 2, which parses tapsets into the same
 * program with pass1_parse_file(). */
int pass1_run(struct pass1 *p, struct program **out);
/* -T SECONDS: `probe timer.ms(SECONDS*1000) { exit() }` as the program's
 * first probe (as upstream adds it, after pass 1's output), so the module
 * ends itself however it is run. */
void pass1_add_timeout(struct pass1 *p, struct program *prog);

/* Lex, preprocess and parse text[0..len) (any bytes) as a user script named
 * name, with fresh diagnostic counts (diag_reset).  pass1_parse_buffer
 * reads no file (PASS1_NO_LIBRARY | PASS1_NO_TARGET_FILES); the _flags
 * form takes the flags to use.  s may be NULL (no arguments, no guru
 * mode).  Returns 0, or 1 if any error was reported.  *out is always set;
 * everything lives in the arena. */
int pass1_parse_buffer(struct arena *a, const struct session *s, const char *name,
		       const char *text, size_t len, struct program **out);
int pass1_parse_buffer_flags(struct arena *a, const struct session *s, const char *name,
			     const char *text, size_t len, unsigned flags,
			     struct program **out);

#endif
