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
	D_PARSE_BAD_FORMAT,   /* a malformed printf format literal */
	/* pass 2: elaboration */
	D_SEM_UNRESOLVED_FUNCTION,   /* call of a function no script or tapset defines (with a did-you-mean) */
	D_SEM_ARGCOUNT,              /* no overload of the function takes that many arguments */
	D_SEM_DUPLICATE,             /* a function (same arity) or global defined twice (same-named aliases merge) */
	D_SEM_PRIVATE,               /* a private symbol used from another file */
	D_SEM_TYPE_MISMATCH,         /* conflicting types; names both places */
	D_SEM_TYPE_UNRESOLVED,       /* a variable or function whose type cannot be inferred */
	D_SEM_STATS_MISUSE,          /* statistics read outside an extractor, or <<< on a non-statistic */
	D_SEM_INDEX_ARITY,           /* an array used with different numbers of indexes */
	D_SEM_NOT_ARRAY,             /* foreach, delete [k], in or [ ] on something that is not an array */
	D_SEM_ARRAY_AS_SCALAR,       /* an array used as a scalar value */
	D_SEM_LOCAL_ARRAY,           /* an array that is not a global */
	D_SEM_NEXT_OUTSIDE_PROBE,    /* next in a function */
	D_SEM_BREAK_OUTSIDE_LOOP,    /* break or continue outside a loop */
	D_SEM_RETURN_TYPE,           /* return value type differs from the function's, or return with/without value misuse */
	D_SEM_READONLY,              /* assignment to something read-only */
	D_SEM_NOT_LVALUE,            /* assignment, ++/-- or <<< on something that is not a variable or array element */
	D_SEM_PROBE_NO_MATCH,        /* a probe point that matches no provider or alias (and is not optional) */
	D_SEM_PROBE_BAD_PARAM,       /* a probe point parameter of the wrong kind or out of range */
	D_SEM_ALIAS_RECURSIVE,       /* probe aliases that expand into themselves */
	D_SEM_NEEDS_GURU,            /* embedded C or a guru tapset function without -g */
	D_SEM_TARGET_UNAVAILABLE,    /* a $target variable in a probe that has none */
	D_SEM_BAD_FORMAT,            /* a printf format and its arguments disagree */
	D_SEM_NO_PROBES,             /* nothing left to run: no probes */
	D_SEM_BAD_ARGUMENT,          /* a builtin used with wrong argument kinds (e.g. @hist_linear bounds) */
	D_WARN_NEVER_READ,           /* a variable written but never read (not a global: those autoprint) */
	D_WARN_NEVER_WRITTEN,        /* a variable read but never assigned */
	D_WARN_ELIDED,               /* optimizer removed a side-effect-free statement or unused probe */
	D_SEM_PRIVILEGE,             /* a probe point or function not allowed at the --privilege level */
	D_SEM_BAD_CONDITION,         /* a probe condition naming something other than a global */
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
