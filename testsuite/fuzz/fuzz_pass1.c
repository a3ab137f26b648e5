/* fuzz_pass1.c - libFuzzer target over pass 1 (lexer, preprocessor,
 * macros, parser) and the -p1 printer.
 *
 * Any input must come back as a parse or a diagnostic: no crash, leak,
 * hang or sanitizer report.  An input that parses must also round-trip:
 * printing it, parsing the print and printing again gives the same text
 * (the promise `stap -p1` makes).  A mismatch aborts, so the fuzzer keeps
 * it as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "pass1.h"
#include "unparse.h"

/* Print prog into a malloc'd buffer. */
static char *print_program(const struct program *prog, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		abort();
	unparse_program(f, prog);
	fclose(f);
	return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Diagnostics are expected by the thousand; keep them off the
	 * terminal but still format them (that code is under test too). */
	diag_set_stream(fopen("/dev/null", "w"));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct program *prog;

	if (pass1_parse_buffer(a, NULL, "<fuzz>", (const char *)data, size, &prog) == 0) {
		size_t len1, len2;
		char *once = print_program(prog, &len1);
		struct program *again;
		if (pass1_parse_buffer(a, NULL, "<fuzz-p1>", once, len1, &again) != 0) {
			fprintf(stderr, "round trip: -p1 output does not parse:\n%s\n", once);
			abort();
		}
		char *twice = print_program(again, &len2);
		if (len1 != len2 || memcmp(once, twice, len1) != 0) {
			fprintf(stderr, "round trip: output changed:\n%s\n----\n%s\n", once, twice);
			abort();
		}
		free(once);
		free(twice);
	}
	arena_free(a);
	return 0;
}
