/* strmap.c - see strmap.h. */
#include "config.h"

#include "strmap.h"

#include <string.h>

#include "arena.h"

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void strmap_init(struct strmap *m, struct arena *a)
{
	memset(m, 0, sizeof(*m));
	m->arena = a;
}

static struct strmap_slot *find(const struct strmap *m, const char *key, uint32_t h)
{
	size_t i = h & (m->cap - 1);
	for (;;) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
		i = (i + 1) & (m->cap - 1);
	}
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	struct strmap_slot *s = find(m, key, hash_str(key));
	return s->key ? s->value : NULL;
}

static void grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct strmap_slot *old = m->slots;
	size_t ocap = m->cap;
	m->slots = arena_alloc(m->arena, ncap * sizeof(*m->slots));
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].hash) = old[i];
}

void **strmap_put(struct strmap *m, const char *key)
{
	if ((m->count + 1) * 2 > m->cap)
		grow(m);
	uint32_t h = hash_str(key);
	struct strmap_slot *s = find(m, key, h);
	if (!s->key) {
		s->key = key;
		s->hash = h;
		s->value = NULL;
		m->count++;
	}
	return &s->value;
}
