/* A set of recipient addresses (addresses.h), kept in lower case in a
 * byte_table. */
#include "addresses.h"

#include <stdlib.h>
#include <string.h>

#include "byte_table.h"

struct address_set {
	struct byte_table t;
};

struct address_set *
address_set_new(void)
{
	struct address_set *s = calloc(1, sizeof *s);

	if (s && byte_table_init(&s->t, 0) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void
address_set_free(struct address_set *s)
{
	if (!s)
		return;
	byte_table_free(&s->t);
	free(s);
}

int
address_set_add(struct address_set *s, const char *addr, size_t len)
{
	char key[ADDRESS_MAX];
	size_t i;
	int created;

	if (len > ADDRESS_MAX)
		len = ADDRESS_MAX;
	for (i = 0; i < len; i++)
		key[i] = addr[i] >= 'A' && addr[i] <= 'Z' ? (char)(addr[i] - 'A' + 'a') : addr[i];
	if (!byte_table_get(&s->t, key, len, 1, &created))
		return -1;
	return created;
}
size_t
address_normalise(char *buf, const char *addr, size_t len)
{
	const char *at;
	size_t i, domain;

	if (len > ADDRESS_MAX)
		len = ADDRESS_MAX;
	memcpy(buf, addr, len);
	for (at = NULL, i = 0; i < len; i++)
		if (buf[i] == '@')
			at = buf + i;
	domain = at ? (size_t)(at - buf) + 1 : len;
	for (i = domain; i < len; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	return len;
}
