/* arena.c - bump allocator backing every translator allocation.
 *
 * Memory comes in chunks of at least CHUNK_SIZE; a request larger than a
 * chunk gets a chunk of its own.  Chunks form a list freed in arena_free().
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (256 * 1024)
#define ALIGN _Alignof(max_align_t)

struct chunk {
	struct chunk *next;
	size_t size;
	size_t used;
	_Alignas(max_align_t) unsigned char data[];
};

/* Something outside the arena that lives as long as it (a libbpf object). */
struct cleanup {
	struct cleanup *next;
	void (*fn)(void *arg);
	void *arg;
};

struct arena {
	struct chunk *head;
	size_t total;
	struct cleanup *cleanups;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p) {
		fputs("stap: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

void arena_on_free(struct arena *a, void (*fn)(void *arg), void *arg)
{
	struct cleanup *c = arena_alloc(a, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	/* Newest first: a later object may depend on an earlier one (a
	 * module's split BTF on vmlinux's). */
	for (struct cleanup *c = a->cleanups; c; c = c->next)
		c->fn(c->arg);
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

static struct chunk *new_chunk(size_t min)
{
	size_t size = min > CHUNK_SIZE ? min : CHUNK_SIZE;
	struct chunk *c = xcalloc(1, sizeof(struct chunk) + size);
	c->size = size;
	return c;
}

void *arena_alloc(struct arena *a, size_t size)
{
	size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (size == 0)
		size = ALIGN;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		struct chunk *fresh = new_chunk(size);
		if (c && size > CHUNK_SIZE / 4) {
			/* A big block: keep the current chunk for small ones. */
			fresh->next = c->next;
			c->next = fresh;
			c = fresh;
		} else {
			fresh->next = c;
			a->head = c = fresh;
		}
	}
	void *p = c->data + c->used;
	c->used += size;
	a->total += size;
	return p; /* chunks come from calloc and are never reused: zeroed */
}

void *arena_realloc(struct arena *a, void *old, size_t old_size, size_t new_size)
{
	void *p = arena_alloc(a, new_size);
	if (old && old_size)
		memcpy(p, old, old_size < new_size ? old_size : new_size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
