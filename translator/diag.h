/* diag.h - every diagnostic the translator prints goes through here.
 *
 * A diagnostic has a stable tag (one row of the table in diag.c, named in
 * the tests that provoke it), a severity, a source position and a message.
 * It prints as
 *
 *   FILE:LINE:COL: parse error: expected ';', saw '}' [P_EXPECTED]
 *    probe begin { x = 1 }
 *                        ^
 *
 * so a user sees where, and a test can match the tag.
 */
#ifndef STAP_DIAG_H
#define STAP_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A source buffer: the user script, a -E script, or a tapset file. */
struct source {
	const char *name;   /* path, or "<input>" for -e */
	const char *text;   /* NUL-terminated contents */
	size_t len;
	bool is_tapset;     /* errors in tapsets name the tapset file */
};

/* A position in a source; line and col count from 1, col in bytes. */
struct srcpos {
	const struct source *src;
	int line;
	int col;
};

enum diag_severity {
	SEV_ERROR,
	SEV_WARNING,
	SEV_NOTE,
};

/* Stable diagnostic tags.  Add new ones at the end of their group; the
 * table in diag.c must name each (a _Static_assert checks the count). */
enum diag_tag {
	/* driver and command line */
	D_USAGE,              /* bad command line */
	D_NOT_IMPLEMENTED,    /* option or pass not built yet */
	D_IO,                 /* cannot read a file */
	/* pass 1: lexer */
	D_LEX_BAD_CHAR,       /* a character no token starts with */
	D_LEX_UNTERMINATED_STRING,
	D_LEX_UNTERMINATED_COMMENT,
	D_LEX_UNTERMINATED_EMBEDDED, /* %{ without %} */
	D_LEX_BAD_ESCAPE,
	D_LEX_NUMBER_TOO_LARGE,
	D_LEX_BAD_NUMBER,
	D_LEX_NO_ARG,         /* $N / @N past the command-line arguments */
	/* pass 1: preprocessor and macros */
	D_PP_BAD_CONDITION,
	D_PP_UNCLOSED,        /* %( without %) */
	D_PP_STRAY,           /* %? %: %) with no %( */
	D_MACRO_UNDEFINED,
	D_MACRO_ARGCOUNT,
	D_MACRO_RECURSIVE,
	D_MACRO_REDEFINED,
	D_MACRO_BAD_DEFINE,
	/* pass 1: parser */
	D_PARSE_EXPECTED,     /* expected X, saw Y */
	D_PARSE_UNCLOSED,     /* construct opened and never closed */
	D_PARSE_TOO_DEEP,     /* nesting limit */
	D_PARSE_EMBEDDED_NEEDS_GURU,
	D_PARSE_BAD_PROBE_POINT,
	D_PARSE_BAD_DECL,
	D_PARSE_TOO_MANY_ERRORS,
	D_PARSE_EMPTY_SCRIPT, /* a user script with no declarations */
	DIAG_TAG_COUNT
};

/* Where diagnostics go: stderr unless set (a fuzz target sends them to
 * /dev/null; they are still formatted). NULL means stderr. */
void diag_set_stream(FILE *f);

/* Options that shape how diagnostics behave (-w, -W, error cap). */
void diag_configure(bool suppress_warnings, bool warnings_are_errors, int max_errors);

/* Print a diagnostic.  pos may be NULL for position-less messages. */
void diag_report(enum diag_severity sev, enum diag_tag tag, const struct srcpos *pos,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Print a diagnostic followed by an indented note about a second place
 * ("to close '{' at 3:14", "previous definition here"). */
void diag_report2(enum diag_severity sev, enum diag_tag tag, const struct srcpos *pos,
		  const struct srcpos *other, const char *other_what,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define diag_error(tag, pos, ...) diag_report(SEV_ERROR, (tag), (pos), __VA_ARGS__)
#define diag_warning(tag, pos, ...) diag_report(SEV_WARNING, (tag), (pos), __VA_ARGS__)

/* Forget the errors counted so far (a fresh run in the same process, as a
 * fuzz target does). */
void diag_reset(void);

/* Error count so far (warnings promoted by -W count as errors). */
int diag_error_count(void);
/* True once the error cap is reached: callers stop recovering. */
bool diag_too_many(void);

/* The tag's stable name, e.g. "D_PARSE_EXPECTED". */
const char *diag_tag_name(enum diag_tag tag);

#endif
