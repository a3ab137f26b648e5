/* tapset_index.h - which tapset file defines which function, global and
 * probe alias, found by a fast scan (no parse) of the library, so pass 2
 * parses only the files a script needs.
 *
 * Search order: the tapset directory, then each -I directory; within
 * each root the most specific directory first: ROOT/linux/ARCH,
 * ROOT/linux, ROOT/ARCH, ROOT; files in name order.  Only *.stp files.
 *
 * The scan is a small tokenizer that skips comments, strings and embedded
 * C and looks at the reserved words `function`, `global`, `probe` and
 * `private` (reserved words only occur in declarations).  It may
 * over-approximate (a name inside a false %( %) branch is still listed):
 * the parse of the file is the truth.
 */
#ifndef STAP_TAPSET_INDEX_H
#define STAP_TAPSET_INDEX_H

#include <stdbool.h>

#include "probes/registry.h"

struct arena;
struct session;

struct ts_file {
	const char *path;
	int order;              /* search order: lower wins a tie */
	bool loaded;            /* parsed into the program */
	struct ts_file *next;
};

/* One name a file defines. */
struct ts_def {
	const char *name;
	struct ts_file *file;
	bool is_private;
	struct ts_def *next;    /* same name in later files */
};

/* One probe alias name a file defines. */
struct ts_alias {
	const char *text;       /* "syscall.open" */
	struct pp_pattern pat;  /* literal parameters as (number)/(string) */
	struct ts_file *file;
	struct ts_alias *next;          /* every alias, in search order */
	struct ts_alias *bucket_next;   /* same first component */
};

struct tapset_index {
	struct ts_file *files;
	int nfiles;
	struct ts_alias *aliases;
	int naliases;
	/* private to tapset_index.c */
	struct tsi_maps *maps;
};

/* Scan the library for session s, for architecture arch. */
struct tapset_index *tsi_build(struct arena *a, const struct session *s, const char *arch);

/* Files defining a function / global of that name (NULL: none). */
const struct ts_def *tsi_functions(const struct tapset_index *x, const char *name);
const struct ts_def *tsi_globals(const struct tapset_index *x, const char *name);

/* Aliases whose first component could be `first` (a name without
 * wildcards), or every alias when first is NULL. */
const struct ts_alias *tsi_aliases_for(const struct tapset_index *x, const char *first);
/* Iterate aliases of tsi_aliases_for(x, first): the next one that can
 * match first, or NULL. */
const struct ts_alias *tsi_alias_next(const struct ts_alias *a, const char *first);

/* Call f(name, ctx) for every public function name (for did-you-mean). */
void tsi_each_function(const struct tapset_index *x, void (*f)(const char *name, void *ctx),
		       void *ctx);

#endif
