/* A table of byte strings (byte_table.h). */
#include "byte_table.h"

#include <stdlib.h>
#include <string.h>

uint64_t
byte_hash(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211u;
	}
	return h;
}

int
byte_table_init(struct byte_table *t, size_t value_size)
{
	t->cap = 1024;
	t->used = 0;
	t->value_size = value_size;
	t->slot = calloc(t->cap, sizeof *t->slot);
	return t->slot ? 0 : -1;
}

void
byte_table_free(struct byte_table *t)
{
	size_t i;

	for (i = 0; t->slot && i < t->cap; i++) {
		free(t->slot[i].key);
		free(t->slot[i].value);
	}
	free(t->slot);
	t->slot = NULL;
}

static struct byte_entry *
find(struct byte_entry *slot, size_t cap, const char *key, size_t len, uint64_t h)
{
	size_t i;

	for (i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1)) {
		struct byte_entry *e = &slot[i];
		if (!e->key || (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0))
			return e;
	}
}

static int
grow(struct byte_table *t)
{
	size_t cap = t->cap * 2, i;
	struct byte_entry *slot = calloc(cap, sizeof *slot);

	if (!slot)
		return -1;
	for (i = 0; i < t->cap; i++)
		if (t->slot[i].key)
			*find(slot, cap, t->slot[i].key, t->slot[i].len, t->slot[i].hash) = t->slot[i];
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

struct byte_entry *
byte_table_get(struct byte_table *t, const char *key, size_t len, int create, int *created)
{
	uint64_t h = byte_hash(key, len);
	struct byte_entry *e = find(t->slot, t->cap, key, len, h);

	if (created)
		*created = 0;
	if (e->key || !create)
		return e->key ? e : NULL;
	if (2 * (t->used + 1) > t->cap) {
		if (grow(t) != 0)
			return NULL;
		e = find(t->slot, t->cap, key, len, h);
	}
	e->key = malloc(len ? len : 1);
	e->value = t->value_size ? calloc(1, t->value_size) : NULL;
	if (!e->key || (t->value_size && !e->value)) {
		free(e->key);
		free(e->value);
		e->key = NULL;
		e->value = NULL;
		return NULL;
	}
	memcpy(e->key, key, len);
	e->len = len;
	e->hash = h;
	t->used++;
	if (created)
		*created = 1;
	return e;
}
