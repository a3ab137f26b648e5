/* examples.h - the shipped example scripts: `stap --example NAME` runs one,
 * `stap --example` lists them (doc/examples.md describes their headers).
 * They live in the examples directory next to the tapset directory (the
 * source tree's examples/, or PREFIX/share/systemtap/examples).
 */
#ifndef STAP_EXAMPLES_H
#define STAP_EXAMPLES_H

#include <stdio.h>

struct arena;

/* The path of the example named name (with or without .stp, or a path
 * under the examples directory), or NULL when there is none. */
const char *examples_find(struct arena *a, const char *name);

/* Print one line per example to out: its name, probe families and title.
 * Returns the exit status (1 when the directory cannot be read). */
int examples_list(FILE *out);

#endif
