/* diag.c - formatting and counting of translator diagnostics.
 *
 * Contract: every message goes to stderr (or the stream set by
 * diag_set_stream) in one format (see diag.h); errors
 * are counted so the driver can exit 1 after a pass that reported any; after
 * max_errors errors one last line says so and further errors are dropped.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct tag_info {
	const char *name;
	const char *kind;   /* what the message calls itself: "parse error" ... */
};

static const struct tag_info tags[] = {
	[D_USAGE] = { "D_USAGE", "error" },
	[D_NOT_IMPLEMENTED] = { "D_NOT_IMPLEMENTED", "error" },
	[D_IO] = { "D_IO", "error" },
	[D_LEX_BAD_CHAR] = { "D_LEX_BAD_CHAR", "parse error" },
	[D_LEX_UNTERMINATED_STRING] = { "D_LEX_UNTERMINATED_STRING", "parse error" },
	[D_LEX_UNTERMINATED_COMMENT] = { "D_LEX_UNTERMINATED_COMMENT", "parse error" },
	[D_LEX_UNTERMINATED_EMBEDDED] = { "D_LEX_UNTERMINATED_EMBEDDED", "parse error" },
	[D_LEX_BAD_ESCAPE] = { "D_LEX_BAD_ESCAPE", "parse error" },
	[D_LEX_NUMBER_TOO_LARGE] = { "D_LEX_NUMBER_TOO_LARGE", "parse error" },
	[D_LEX_BAD_NUMBER] = { "D_LEX_BAD_NUMBER", "parse error" },
	[D_LEX_NO_ARG] = { "D_LEX_NO_ARG", "parse error" },
	[D_PP_BAD_CONDITION] = { "D_PP_BAD_CONDITION", "parse error" },
	[D_PP_UNCLOSED] = { "D_PP_UNCLOSED", "parse error" },
	[D_PP_STRAY] = { "D_PP_STRAY", "parse error" },
	[D_MACRO_UNDEFINED] = { "D_MACRO_UNDEFINED", "parse error" },
	[D_MACRO_ARGCOUNT] = { "D_MACRO_ARGCOUNT", "parse error" },
	[D_MACRO_RECURSIVE] = { "D_MACRO_RECURSIVE", "parse error" },
	[D_MACRO_REDEFINED] = { "D_MACRO_REDEFINED", "parse error" },
	[D_MACRO_BAD_DEFINE] = { "D_MACRO_BAD_DEFINE", "parse error" },
	[D_PARSE_EXPECTED] = { "D_PARSE_EXPECTED", "parse error" },
	[D_PARSE_UNCLOSED] = { "D_PARSE_UNCLOSED", "parse error" },
	[D_PARSE_TOO_DEEP] = { "D_PARSE_TOO_DEEP", "parse error" },
	[D_PARSE_EMBEDDED_NEEDS_GURU] = { "D_PARSE_EMBEDDED_NEEDS_GURU", "parse error" },
	[D_PARSE_BAD_PROBE_POINT] = { "D_PARSE_BAD_PROBE_POINT", "parse error" },
	[D_PARSE_BAD_DECL] = { "D_PARSE_BAD_DECL", "parse error" },
	[D_PARSE_TOO_MANY_ERRORS] = { "D_PARSE_TOO_MANY_ERRORS", "error" },
	[D_PARSE_EMPTY_SCRIPT] = { "D_PARSE_EMPTY_SCRIPT", "parse error" },
	[D_PARSE_BAD_FORMAT] = { "D_PARSE_BAD_FORMAT", "parse error" },
	[D_SEM_UNRESOLVED_FUNCTION] = { "D_SEM_UNRESOLVED_FUNCTION", "semantic error" },
	[D_SEM_ARGCOUNT] = { "D_SEM_ARGCOUNT", "semantic error" },
	[D_SEM_DUPLICATE] = { "D_SEM_DUPLICATE", "semantic error" },
	[D_SEM_PRIVATE] = { "D_SEM_PRIVATE", "semantic error" },
	[D_SEM_TYPE_MISMATCH] = { "D_SEM_TYPE_MISMATCH", "semantic error" },
	[D_SEM_TYPE_UNRESOLVED] = { "D_SEM_TYPE_UNRESOLVED", "semantic error" },
	[D_SEM_STATS_MISUSE] = { "D_SEM_STATS_MISUSE", "semantic error" },
	[D_SEM_INDEX_ARITY] = { "D_SEM_INDEX_ARITY", "semantic error" },
	[D_SEM_NOT_ARRAY] = { "D_SEM_NOT_ARRAY", "semantic error" },
	[D_SEM_ARRAY_AS_SCALAR] = { "D_SEM_ARRAY_AS_SCALAR", "semantic error" },
	[D_SEM_LOCAL_ARRAY] = { "D_SEM_LOCAL_ARRAY", "semantic error" },
	[D_SEM_NEXT_OUTSIDE_PROBE] = { "D_SEM_NEXT_OUTSIDE_PROBE", "semantic error" },
	[D_SEM_BREAK_OUTSIDE_LOOP] = { "D_SEM_BREAK_OUTSIDE_LOOP", "semantic error" },
	[D_SEM_RETURN_TYPE] = { "D_SEM_RETURN_TYPE", "semantic error" },
	[D_SEM_READONLY] = { "D_SEM_READONLY", "semantic error" },
	[D_SEM_NOT_LVALUE] = { "D_SEM_NOT_LVALUE", "semantic error" },
	[D_SEM_PROBE_NO_MATCH] = { "D_SEM_PROBE_NO_MATCH", "semantic error" },
	[D_SEM_PROBE_BAD_PARAM] = { "D_SEM_PROBE_BAD_PARAM", "semantic error" },
	[D_SEM_ALIAS_RECURSIVE] = { "D_SEM_ALIAS_RECURSIVE", "semantic error" },
	[D_SEM_NEEDS_GURU] = { "D_SEM_NEEDS_GURU", "semantic error" },
	[D_SEM_TARGET_UNAVAILABLE] = { "D_SEM_TARGET_UNAVAILABLE", "semantic error" },
	[D_SEM_BAD_FORMAT] = { "D_SEM_BAD_FORMAT", "semantic error" },
	[D_SEM_NO_PROBES] = { "D_SEM_NO_PROBES", "semantic error" },
	[D_SEM_BAD_ARGUMENT] = { "D_SEM_BAD_ARGUMENT", "semantic error" },
	[D_WARN_NEVER_READ] = { "D_WARN_NEVER_READ", "warning" },
	[D_WARN_NEVER_WRITTEN] = { "D_WARN_NEVER_WRITTEN", "warning" },
	[D_WARN_ELIDED] = { "D_WARN_ELIDED", "warning" },
	[D_SEM_PRIVILEGE] = { "D_SEM_PRIVILEGE", "semantic error" },
	[D_SEM_BAD_CONDITION] = { "D_SEM_BAD_CONDITION", "semantic error" },
};
_Static_assert(sizeof(tags) / sizeof(tags[0]) == DIAG_TAG_COUNT,
	       "every diag_tag needs a row in tags[]");

static FILE *stream;

static FILE *out(void)
{
	return stream ? stream : stderr;
}

void diag_set_stream(FILE *f)
{
	stream = f;
}

static bool quiet_warnings;
static bool strict_warnings;
static int error_cap = 20;
static int errors;
static bool capped;

void diag_configure(bool suppress_warnings, bool warnings_are_errors, int max_errors)
{
	quiet_warnings = suppress_warnings;
	strict_warnings = warnings_are_errors;
	if (max_errors > 0)
		error_cap = max_errors;
}

const char *diag_tag_name(enum diag_tag tag)
{
	return tags[tag].name;
}

void diag_reset(void)
{
	errors = 0;
	capped = false;
}

int diag_error_count(void)
{
	return errors;
}

bool diag_too_many(void)
{
	return capped;
}

/* Print the line `line` of src and a caret under column col.  Tabs in the
 * prefix are kept so the caret lines up in a terminal. */
static void print_source_line(const struct source *src, int line, int col)
{
	const char *p = src->text, *end = src->text + src->len;
	for (int l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return;
		p = nl + 1;
	}
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	/* A long line shows a window around the caret. */
	const char *lead = "";
	if (col > 100 && eol - p > 160) {
		p += col - 80;
		col = 80;
		lead = "...";
	}
	const char *tail = eol - p > 160 ? "..." : "";
	if (*tail)
		eol = p + 160;
	fprintf(out(), " %s%.*s%s\n %s", lead, (int)(eol - p), p, tail, *lead ? "   " : "");
	for (int c = 1; c < col && p + c - 1 < eol; c++)
		fputc(p[c - 1] == '\t' ? '\t' : ' ', out());
	fputs("^\n", out());
}

static void print_pos(const struct srcpos *pos)
{
	if (pos && pos->src)
		fprintf(out(), "%s:%d:%d: ", pos->src->name, pos->line, pos->col);
	else
		fputs("stap: ", out());
}

static bool count_and_check(enum diag_severity *sev)
{
	if (*sev == SEV_WARNING) {
		if (quiet_warnings && !strict_warnings)
			return false;
		if (strict_warnings)
			*sev = SEV_ERROR;
	}
	if (*sev != SEV_ERROR)
		return true;
	if (capped)
		return false;
	if (++errors > error_cap) {
		capped = true;
		fprintf(out(), "stap: too many errors (%d), stopping [%s]\n", error_cap,
			tags[D_PARSE_TOO_MANY_ERRORS].name);
		return false;
	}
	return true;
}

static void vreport(enum diag_severity sev, enum diag_tag tag, const struct srcpos *pos,
		    const struct srcpos *other, const char *other_what,
		    const char *fmt, va_list ap)
{
	if (!count_and_check(&sev))
		return;
	print_pos(pos);
	const char *kind = sev == SEV_ERROR ? tags[tag].kind
			 : sev == SEV_WARNING ? "warning" : "note";
	fprintf(out(), "%s: ", kind);
	vfprintf(out(), fmt, ap);
	fprintf(out(), " [%s]\n", tags[tag].name);
	if (pos && pos->src && pos->line > 0)
		print_source_line(pos->src, pos->line, pos->col);
	if (other && other->src) {
		fprintf(out(), "%s:%d:%d: note: %s\n", other->src->name, other->line,
			other->col, other_what);
		print_source_line(other->src, other->line, other->col);
	}
}

void diag_report(enum diag_severity sev, enum diag_tag tag, const struct srcpos *pos,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(sev, tag, pos, NULL, NULL, fmt, ap);
	va_end(ap);
}

void diag_report2(enum diag_severity sev, enum diag_tag tag, const struct srcpos *pos,
		  const struct srcpos *other, const char *other_what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(sev, tag, pos, other, other_what, fmt, ap);
	va_end(ap);
}
