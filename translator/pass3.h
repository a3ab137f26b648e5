/* pass3.h - pass 3 (translation): the elaborated program becomes the C
 * source of one kernel module, laid out as doc/module-layout.md says and
 * written against runtime/runtime.h.
 *
 * Input: the struct elab_program of pass 2 (typed, resolved, optimized),
 * the session (-D defines, -g, limits), and the module's name.
 * Output: the C text on out.  The Kbuild file is pass 4's business.
 * Errors (a construct the runtime cannot do yet) are reported with a tag
 * and position like every other diagnostic.
 */
#ifndef STAP_PASS3_H
#define STAP_PASS3_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct arena;
struct session;
struct elab_program;

/* Write the module's C source to out.  Returns 0, or 1 after reporting
 * errors. */
int emit_module(FILE *out, const struct session *s, const struct elab_program *ep,
		const char *module_name);

/* Helpers of the code generators, also for probe families' emit hooks
 * (probes/registry.h), all from emit_util.c: */
/* A C string literal of s[0..len), escaped. */
const char *emit_cstr(struct arena *a, const char *s, size_t len);
/* The C literal of an int64_t (INT64_MIN too). */
const char *emit_num(struct arena *a, int64_t v);

#endif
