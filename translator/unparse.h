/* unparse.h - print a tree back as SystemTap source.
 *
 * The output is canonical: one declaration per line group, K&R braces, a
 * tab per nesting level, parentheses only where precedence needs them,
 * strings re-escaped, numbers in decimal, probe point sets expanded, every
 * simple statement ended by ';'.  Parsing the output gives the same tree,
 * so unparsing it again gives the same text (stap -p1 is idempotent).
 */
#ifndef STAP_UNPARSE_H
#define STAP_UNPARSE_H

#include <stdio.h>

#include "ast.h"

void unparse_program(FILE *out, const struct program *prog);
void unparse_expr(FILE *out, const struct node *e);
/* One statement, indented by level tabs, with its newline. */
void unparse_stmt(FILE *out, const struct node *s, int level);
void unparse_probe_point(FILE *out, const struct probe_point *pt);

#endif
