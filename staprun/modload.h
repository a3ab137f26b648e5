/* modload.h - put a module into the kernel and take it out, and say
 * plainly why the kernel refused when it does. */
#ifndef STAPRUN_MODLOAD_H
#define STAPRUN_MODLOAD_H

#include <stddef.h>

/* Load the module file at path with the given parameter string ("" for
 * none).  Returns 0 or a negative errno; on failure a message naming the
 * cause has been printed to stderr. */
int modload_insert(const char *path, const char *params);

/* Unload the module called name.  Returns 0 or a negative errno, after
 * printing why. */
int modload_remove(const char *name);

/* modload_remove, retried for a while (about 5 s) while the module is
 * busy: its files are still being closed, a ctl writer is exiting.  Says
 * nothing unless it finally fails, or verbose. */
int modload_remove_wait(const char *name, int verbose);

/* The module name a .ko file will load as: the "name=" entry of its
 * .modinfo section, else modload_name_of().  Writes into buf. */
const char *modload_module_name(const char *path, char *buf, unsigned len);
/* The whole file, malloc'd, its length in *size; NULL when unreadable. */
char *modload_read_file(const char *path, size_t *size);
/* Section `want` (".modinfo") of the ELF64 file image img (size bytes):
 * its bytes and *len, or NULL when it has none or the image is bad. */
const char *modload_elf_section(const char *img, size_t size, const char *want, size_t *len);

/* The module name a .ko file will load as: its basename without ".ko",
 * with '-' turned into '_' as the kernel does.  Writes into buf. */
const char *modload_name_of(const char *path, char *buf, unsigned len);

#endif
