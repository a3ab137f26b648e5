/* strmap.h - a string-keyed hash map in the run's arena (open addressing,
 * never shrinks, no deletion).  Keys are not copied: they must live as
 * long as the map (arena or static strings).  Values are one pointer;
 * several values per key are chained by the caller. */
#ifndef STAP_STRMAP_H
#define STAP_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

struct strmap_slot {
	const char *key;
	uint32_t hash;
	void *value;
};

struct strmap {
	struct arena *arena;
	struct strmap_slot *slots;
	size_t cap;      /* power of two, or 0 */
	size_t count;
};

void strmap_init(struct strmap *m, struct arena *a);
/* The value stored for key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* The value slot for key, created (holding NULL) if absent. */
void **strmap_put(struct strmap *m, const char *key);

#endif
