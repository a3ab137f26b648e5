/* funcvars.h - target variables of a probe at a function's entry or
 * return, for the families that probe functions: the kernel's (kprobe.c)
 * and programs' (uprobe.c).
 *
 * Each parameter is $NAME where the x86-64 calling convention puts it at
 * entry (rdi, rsi, rdx, rcx, r8, r9 in order, an argument of 9 to 16 bytes
 * in two of them, then the stack; a struct over 16 bytes always on the
 * stack); with DWARF (a site), each variable where its location says at
 * the probe address, parameters at a function's entry excepted.  $return
 * in .return probes; $$parms, $$vars, $$locals, $$return and their pretty
 * forms; $$name.  In a .return probe a parameter is its value at entry:
 * $x there is @entry($x) (entry.c), as upstream does.
 *
 * A user function's loads (user) read the probed task's memory, not the
 * kernel's.
 */
#ifndef STAP_PROBES_FUNCVARS_H
#define STAP_PROBES_FUNCVARS_H

#include <stdbool.h>
#include <stdio.h>

#include "ast.h"

struct arena;
struct ti_function;
struct ti_dw_site;

/* What a probe knows of the function it is in. */
struct fv_func {
	const struct ti_function *fn;   /* name, parameters and return type */
	const struct ti_dw_site *site;  /* from DWARF: the variables at the
					   probe address; NULL: parameters only */
	bool ret;                       /* a .return probe */
	bool user;                      /* a program's function */
};

/* The family's target_var (registry.h) for a probe in function f. */
enum stap_type fv_target_var(struct arena *a, const struct fv_func *f, struct node *n,
			     const char **why);
/* -L: " $name:type" for each variable. */
void fv_list_vars(FILE *out, const struct fv_func *f);

#endif
