/* format.h - printf format strings of the script language.
 *
 * One parser for every pass: pass 1 rejects a malformed literal format,
 * pass 2 checks the arguments against the directives, pass 3 emits them.
 *
 *   directive := '%' flags* width? ('.' precision?)? 'l'? conversion
 *   flags := '-' | '+' | ' ' | '#' | '0';  width/precision := digits | '*'
 *   conversion := d i u o x X p c s b m M %   ('%%' takes nothing else)
 */
#ifndef STAP_FORMAT_H
#define STAP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

enum fmt_conv {
	FMT_LITERAL,   /* plain text between directives, and "%%" */
	FMT_SIGNED,    /* %d %i */
	FMT_UNSIGNED,  /* %u */
	FMT_OCTAL,     /* %o */
	FMT_HEX,       /* %x, %X (upper) */
	FMT_POINTER,   /* %p */
	FMT_CHAR,      /* %c */
	FMT_STRING,    /* %s */
	FMT_BINARY,    /* %b: the value's bytes, width = size (1,2,4,8) */
	FMT_MEMORY,    /* %m: width bytes of memory at the address */
	FMT_MEMHEX,    /* %M: like %m, as hex digits */
};

#define FMT_F_LEFT  0x01   /* - */
#define FMT_F_PLUS  0x02   /* + */
#define FMT_F_SPACE 0x04   /* ' ' */
#define FMT_F_ALT   0x08   /* # */
#define FMT_F_ZERO  0x10   /* 0 */
#define FMT_F_UPPER 0x20   /* %X */

#define FMT_STAR (-2)      /* width or precision given by an argument */
#define FMT_NONE (-1)      /* not given */

struct fmt_directive {
	enum fmt_conv conv;
	unsigned flags;
	int width;             /* FMT_NONE, FMT_STAR or a count */
	int precision;         /* FMT_NONE, FMT_STAR or a count */
	size_t start, len;     /* the directive's bytes in the format */
};

/* What a directive consumes: 0, 1, 2 or 3 arguments (a '*' takes one). */
int fmt_arg_count(const struct fmt_directive *d);
/* True when the directive's value argument is a string (%s only: %m and
 * %M take the address of the memory to print). */
bool fmt_wants_string(const struct fmt_directive *d);

/* Parse fmt[0..len).  Calls each(d, ctx) for every directive and literal
 * run in order.  Returns true, or false after setting *err_msg to a fixed
 * message and *err_off to the offset of the bad directive's '%'. */
bool fmt_parse(const char *fmt, size_t len,
	       void (*each)(const struct fmt_directive *d, void *ctx), void *ctx,
	       const char **err_msg, size_t *err_off);

#endif
