/* parse_files.c - parse many files in one process, as pass 2 will parse
 * the tapset library, and print lines, bytes and CPU milliseconds.
 *
 * usage: parse_files [-I DIR] FILE...
 * Each file is parsed as a tapset (embedded C allowed) with our pass 1;
 * -I DIR adds a macro library directory.  Used by bench/parse.sh to set
 * our in-process parse rate against upstream's pass-1 figure.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "diag.h"
#include "pass1.h"
#include "session.h"

/* CPU time of this process: on a loaded machine wall time mostly
 * measures waiting for a core. */
static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long count_lines(const struct source *src)
{
	long n = 0;
	for (size_t i = 0; i < src->len; i++)
		n += src->text[i] == '\n';
	return n;
}

int main(int argc, char **argv)
{
	struct session s = { 0 };
	const char *dirs[1];
	int first = 1;

	if (argc > 2 && strcmp(argv[1], "-I") == 0) {
		dirs[0] = argv[2];
		s.include_dirs.items = dirs;
		s.include_dirs.count = 1;
		first = 3;
	}
	s.guru = true;
	diag_set_stream(fopen("/dev/null", "w"));

	struct arena *a = arena_new();
	double start = now_ms();
	struct pass1 *p = pass1_new(a, &s, 0);
	struct program *prog = ast_program_new(a);
	long lines = 0, bytes = 0, failed = 0;
	for (int i = first; i < argc; i++) {
		int before = diag_error_count();
		const struct source *src = pass1_parse_file(p, argv[i], true, prog);
		if (!src || diag_error_count() > before) {
			failed++;
			continue;
		}
		lines += count_lines(src);
		bytes += (long)src->len;
	}
	double ms = now_ms() - start;
	printf("%d files %ld lines %ld bytes %.1f ms %ld failed\n", argc - first, lines, bytes,
	       ms, failed);
	arena_free(a);
	return failed != 0;
}
