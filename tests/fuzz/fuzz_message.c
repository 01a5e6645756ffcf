/* libFuzzer: the library's bounce-message reader (smtpcode_message_*). The
 * input is read twice: whole, and in pieces whose sizes come from its own
 * bytes, with the same state reused (as scan reuses it across an mbox).
 * Checks: both readings hand on the same records; records are numbered 1, 2,
 * ... and their lines lie within the input, in order for those of the
 * delivery-status fields; spans lie inside the record's text; every value is
 * in range; smtpcode_message_end() counts the records handed on; only known
 * problem bits are set; both readings together take time linear in the
 * length. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "smtpcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	uint64_t lines;   /* line breaks in the input + 1 */
	long records;
	uint64_t hash;    /* of every record, in order */
};

static void
on_recipient(void *ctx, const struct smtpcode_recipient *rcpt)
{
	struct seen *s = ctx;
	const struct smtpcode_result *r = &rcpt->result;

	if (rcpt->index != (unsigned)s->records + 1 || rcpt->line < 1 || rcpt->line > s->lines)
		abort();
	if ((unsigned)rcpt->report >= SMTPCODE_REPORT_COUNT || (unsigned)rcpt->action >= SMTPCODE_DSN_COUNT ||
	    (rcpt->flags & ~0xfu) || (rcpt->address.len && !rcpt->address.ptr) || rcpt->address.len > 1024 ||
	    (rcpt->text.len && !rcpt->text.ptr))
		abort();
	if ((unsigned)r->reason >= SMTPCODE_REASON_COUNT || (unsigned)r->bounce >= SMTPCODE_BOUNCE_COUNT ||
	    (unsigned)r->verdict >= SMTPCODE_VERDICT_COUNT || (unsigned)r->decided_by >= SMTPCODE_SIGNAL_COUNT ||
	    (unsigned)r->action >= SMTPCODE_ACTION_COUNT || (unsigned)r->vendor >= SMTPCODE_VENDOR_COUNT)
		abort();
	if (rcpt->report != SMTPCODE_REPORT_FEEDBACK && rcpt->report != SMTPCODE_REPORT_AUTO_REPLY) {
		inside(r->reply.raw, rcpt->text.ptr, rcpt->text.len);
		inside(r->matched, rcpt->text.ptr, rcpt->text.len);
		inside(r->host, rcpt->text.ptr, rcpt->text.len);
	}
	s->records++;
	s->hash = mix(s->hash, &rcpt->line, sizeof rcpt->line);
	s->hash = mix(s->hash, rcpt->address.ptr, rcpt->address.len);
	s->hash = mix(s->hash, rcpt->text.ptr, rcpt->text.len);
	s->hash = mix(s->hash, &r->reason, sizeof r->reason);
	s->hash = mix(s->hash, &rcpt->action, sizeof rcpt->action);
}

static unsigned
read_message(struct smtpcode_message *m, struct seen *s, const uint8_t *data, size_t size, int pieces)
{
	const char *p = (const char *)data;
	size_t at = 0, i;
	long count;
	unsigned problems;

	memset(s, 0, sizeof *s);
	s->hash = FUZZ_HASH_START;
	s->lines = 1;
	for (i = 0; i < size; i++)
		s->lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
	if (smtpcode_message_init(m, SMTPCODE_STAGE_UNKNOWN, on_recipient, s) != 0)
		abort();
	while (at < size) {
		/* A piece of 1 to 64 bytes, its size from the input itself. */
		size_t n = pieces ? (size_t)(data[at] % 64) + 1 : size;
		if (n > size - at)
			n = size - at;
		if (smtpcode_message_feed(m, p + at, n) != 0)
			abort();
		at += n;
	}
	count = smtpcode_message_end(m);
	problems = smtpcode_message_problems(m);
	if (count != s->records || (problems & ~0x7ffu) || smtpcode_message_feed(m, "x", 1) != SMTPCODE_EINVAL)
		abort();
	return problems;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct smtpcode_message m;
	struct seen whole, pieces;
	double start = fuzz_cpu_seconds();
	unsigned p1 = read_message(&m, &whole, data, size, 0), p2 = read_message(&m, &pieces, data, size, 1);

	if (whole.records != pieces.records || whole.hash != pieces.hash || p1 != p2)
		abort();
	within_linear_time(start, 2 * size);
	return 0;
}
