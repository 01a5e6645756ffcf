/* A table of byte strings (any bytes, NUL included) for the counting done
 * in memory: the addresses of scan --format addresses, the groups of stats
 * --by. Open addressing over slots that double when half full; each key is
 * copied once, with a zeroed value of the table's size beside it. */
#ifndef SMTPCODE_CLI_BYTE_TABLE_H
#define SMTPCODE_CLI_BYTE_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct byte_entry {
	char *key;      /* NULL: a free slot */
	size_t len;
	uint64_t hash;
	void *value;    /* value_size bytes, zero at first; NULL when value_size is 0 */
};

struct byte_table {
	struct byte_entry *slot;
	size_t cap, used;   /* cap is a power of two */
	size_t value_size;
};

/* Returns 0, or -1 when out of memory. */
int byte_table_init(struct byte_table *t, size_t value_size);
void byte_table_free(struct byte_table *t);

/* The entry of key[0..len), or NULL when there is none and create is 0;
 * with create, a new one (*created set) or NULL when out of memory. The
 * entry stays valid until the next one is created. */
struct byte_entry *byte_table_get(struct byte_table *t, const char *key, size_t len, int create, int *created);

/* 64-bit FNV-1a of p[0..n). */
uint64_t byte_hash(const char *p, size_t n);

#endif
