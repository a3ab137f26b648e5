/* arena.h - one bump allocator per translator run.
 *
 * The translator allocates every AST node, string and table from one arena
 * and frees it all at once at exit (STYLE habit 7): no piecemeal free, no
 * ownership questions between passes.  Allocation failure is fatal.
 */
#ifndef STAP_ARENA_H
#define STAP_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);

/* Zeroed, aligned for any object. */
void *arena_alloc(struct arena *a, size_t size);
/* Grow an arena block (old contents copied; old block not reused). */
void *arena_realloc(struct arena *a, void *old, size_t old_size, size_t new_size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Call fn(arg) when the arena is freed (newest first): for objects the
 * arena's memory points to but does not hold, like a libbpf object. */
void arena_on_free(struct arena *a, void (*fn)(void *arg), void *arg);

/* Bytes handed out so far (for -v memory lines and benchmarks). */
size_t arena_used(const struct arena *a);

#endif
