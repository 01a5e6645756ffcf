/* libFuzzer: the bounce-message reader (src/cli/dsn.c), fed the input a line
 * at a time. Checks: every record's line lies within the input and records
 * come in order; texts, recipients and actions are within their limits; the
 * count dsn_end() gives is the count handed on; reading the same message
 * twice with one parser (as scan reuses it across an mbox) hands on the
 * same records; each record classifies with its spans
 * inside its text; the whole takes time linear in the length. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "fuzz_check.h"
#include "smtpcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	unsigned long lines;     /* lines fed */
	unsigned long last_line; /* of the last record */
	long records;
	uint64_t hash;           /* of every record's fields, in order */
};

static void
on_record(void *ctx, const struct dsn_record *rec)
{
	struct seen *s = *(struct seen **)ctx;
	struct smtpcode_result r;
	size_t i;

	if (rec->line < 1 || rec->line > s->lines || rec->line < s->last_line)
		abort();
	if (rec->len > DSN_GROUP_MAX || (rec->len && !rec->text) || (rec->truncated != 0 && rec->truncated != 1))
		abort();
	if (rec->recipient && rec->recipient_len > 1024) /* empty when the field names no address */
		abort();
	if (rec->action) {
		for (i = 0; rec->action[i]; i++)
			if (i >= 32 || (rec->action[i] >= 'A' && rec->action[i] <= 'Z'))
				abort(); /* documented: lower case, short */
	}
	s->last_line = rec->line;
	s->records++;
	s->hash = mix(s->hash, &rec->line, sizeof rec->line);
	s->hash = mix(s->hash, rec->text, rec->len);
	if (rec->recipient)
		s->hash = mix(s->hash, rec->recipient, rec->recipient_len);
	if (rec->action)
		s->hash = mix(s->hash, rec->action, strlen(rec->action));
	if (smtpcode_classify(rec->text, rec->len, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r) == 0) {
		inside(r.reply.raw, rec->text, rec->len);
		inside(r.matched, rec->text, rec->len);
		inside(r.host, rec->text, rec->len);
	}
}

/* Feeds the input as lines (split at LF, the LF left out) and ends the message. */
static void
read_message(struct dsn_parser *p, struct seen *s, const uint8_t *data, size_t size)
{
	const char *at = (const char *)data, *end = at + size;
	long records = -1;

	memset(s, 0, sizeof *s);
	s->hash = FUZZ_HASH_START;
	dsn_begin(p);
	while (at < end) {
		const char *nl = memchr(at, '\n', (size_t)(end - at));
		size_t len = (size_t)((nl ? nl : end) - at);
		dsn_line(p, at, len, ++s->lines);
		at += len + (nl != NULL);
	}
	dsn_end(p, &records);
	if (records != s->records)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen first, second, *current = &first;
	struct dsn_parser *p = dsn_new(on_record, &current);
	double start = fuzz_cpu_seconds();

	if (!p)
		return 0;
	read_message(p, &first, data, size);
	current = &second;
	read_message(p, &second, data, size);
	dsn_free(p);
	within_linear_time(start, 2 * size);
	if (first.records != second.records || first.hash != second.hash)
		abort();
	return 0;
}
