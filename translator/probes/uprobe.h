/* uprobe.h - what other parts of the translator ask the uprobe family
 * (translator/probes/uprobe.c): the files its probes are in, and where a
 * library is found (usyms.c, for the user symbols a module carries).
 */
#ifndef STAP_PROBES_UPROBE_H
#define STAP_PROBES_UPROBE_H

struct arena;
struct session;
struct elab_probe;
struct pp_request;

/* The file a probe of the family is in, as the target names it; NULL for
 * a probe of another family. */
const char *uprobe_probe_file(const struct elab_probe *p);
/* Program `name` as the module will name it: a path made absolute, or a
 * bare name found in $PATH (under --sysroot when given); NULL after
 * reporting the error on req. */
const char *uprobe_program_path(struct pp_request *req, const char *name);
/* The same for a name that may be a path pattern ("/usr/bin/python3.[0-9]"):
 * each file matching it, sorted; *n of them (0 after reporting the
 * error). */
const char **uprobe_program_paths(struct pp_request *req, const char *name, int *n);
/* Library `name` (a path, or a file name or glob looked for where the
 * dynamic linker looks and in the program's directory), as the target
 * names it; NULL when not found.  Under --sysroot the files are looked
 * for there. */
const char *uprobe_library_path(struct arena *a, const struct session *sess,
				const char *program, const char *name);

#endif
