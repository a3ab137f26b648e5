/* tvar.h - target variables as typed access paths.
 *
 * Pass 2 resolves `$x->a[3].b` (or `@cast(p, "struct s")->f`) against
 * type information into a struct tv_access stored on the ND_TARGET /
 * ND_CAST node (u.tgt.access); pass 3 (emit_tvar.c) lowers every path the
 * same way, to safe kernel reads.  A path is a tiny program over one
 * 64-bit value `cur`:
 *
 *   cur = base                       the family's C expression ($x's value),
 *                                    or the @cast operand's value
 *   TV_ADD n       cur += n          a member's byte offset
 *   TV_INDEX e,s   cur += e * s      an array or pointer index
 *   TV_LOAD s,sign cur = *(intS *)cur   a read of s bytes at address cur,
 *                                    sign- or zero-extended; a fault is
 *                                    the script error "kernel read fault
 *                                    at 0x... near ..."
 *   TV_BITS o,w,sign                 cur = bits o..o+w-1 of cur (bitfields)
 *
 * Following C: a pointer's value is loaded before `->` adds the member
 * offset; a struct member is reached by adding offsets; an array (or,
 * with &, anything with an address) evaluates to its address; a struct
 * or union cannot be a value ("... is a struct: use a member or &").
 */
#ifndef STAP_TVAR_H
#define STAP_TVAR_H

#include <stdbool.h>
#include <stdint.h>

#include "typeinfo/typeinfo.h"

struct arena;
struct node;
struct target_comp;
struct srcpos;

enum tv_step_kind {
	TV_ADD,
	TV_INDEX,
	TV_LOAD,
	TV_BITS,
};

struct tv_step {
	enum tv_step_kind kind;
	int64_t n;                  /* TV_ADD: bytes; TV_INDEX: element size;
				       TV_LOAD: size (1, 2, 4, 8); TV_BITS: offset */
	uint32_t width;             /* TV_BITS: bits */
	bool sign;                  /* TV_LOAD, TV_BITS */
	struct node **index;        /* TV_INDEX: the component's slot (later
				       passes may replace the node in it) */
	struct tv_step *next;
};

struct tv_access {
	const char *str_c;          /* not NULL: the value is this C string
				       literal ($$name), no path */
	const char *base_c;         /* C expression of the base value (int64_t
				       or castable), or NULL: the node's
				       u.tgt.base expression (@cast) */
	struct tv_step *steps;
	struct ti_type type;        /* the result's type */
	bool is_pointer;            /* the result is an address (prints as hex) */
	bool user;                  /* loads read the current task's user
				       memory (a program's variable) */
};

/* Build the path for a base value of type `type` given by C expression
 * base_c (NULL for @cast) followed by comps (COMP_PRETTY excluded: the
 * caller handles it), taking the address when addr_of.  base_is_object:
 * the base value is the address of an object of `type` (@cast), not a
 * value of it.  NULL with *why on a bad member, index or value. */
struct tv_access *tv_build(struct arena *a, const char *base_c, struct ti_type type,
			   bool base_is_object, const struct target_comp *comps, bool addr_of,
			   const char **why);

/* ---- expansions the families share ---- */

/* $$parms / $$vars: sprintf("a=%#x b=%#x", $a, $b) over params[0..n), as
 * upstream prints them; pretty ($$parms$): integers in decimal. */
struct node *tv_vars_string(struct arena *a, const struct srcpos *pos,
			    const struct ti_param *params, int n, bool pretty);
/* $x$ / $x->f$$ of a variable of type `type`: sets n->u.tgt.expansion to
 * sprintf("%d" or "%#x", the same variable without its trailing $) and
 * returns TYPE_STRING; TYPE_UNKNOWN with *why on a bad path. */
enum stap_type tv_pretty(struct arena *a, struct ti_type type, struct node *n, const char **why);
/* The C cast that narrows a register holding a value of type t to that
 * type and widens it to int64_t: "(int64_t)(s32)". */
const char *tv_widen(struct ti_type t);
/* True when the target variable n ends in $ or $$. */
bool tv_is_pretty(const struct node *n);

#endif
