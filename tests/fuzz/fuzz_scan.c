/* libFuzzer: smtpcode scan on a whole input file, as the CLI reads it: gzip
 * recognised by its magic bytes, an mbox, a bounce message or a log told
 * apart from the first lines, lines of any length. The first byte picks
 * --dsn, --all and the stage; the rest is the file. Checks: records come in
 * line order within the input and every line number lies within it; every
 * value is in range; a record of a bounce message names its message; the
 * count scan_inputs() gives is the count handed on; a second scan gives the
 * same records; time linear in the length (of a plain input: gzip may
 * inflate a thousandfold). */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	unsigned long max_line; /* the most lines the input can have */
	unsigned long last_line, last_message;
	long records;
	uint64_t hash;
};

static void
on_record(void *ctx, const struct scan_record *rec)
{
	struct seen *s = ctx;
	const struct scan_msg *msg = rec->msg;
	const struct smtpcode_result *r = rec->r;
	unsigned long line = rec->line, message = msg ? msg->message : 0;
	int rc = rec->rc, truncated = rec->truncated;

	if (line < 1 || line > s->max_line)
		abort();
	/* In order: by message, then by line within it (a message's records follow its lines). */
	if (message < s->last_message || (message == s->last_message && line < s->last_line))
		abort();
	if (msg && msg->message < 1)
		abort();
	if (rc != 0 && rc != SMTPCODE_EEMPTY && rc != SMTPCODE_ENOREPLY)
		abort();
	if ((unsigned)r->reason >= SMTPCODE_REASON_COUNT || (unsigned)r->action >= SMTPCODE_ACTION_COUNT ||
	    (unsigned)r->bounce >= SMTPCODE_BOUNCE_COUNT || (unsigned)r->verdict >= SMTPCODE_VERDICT_COUNT ||
	    (unsigned)r->vendor >= SMTPCODE_VENDOR_COUNT || (unsigned)r->carrier >= SMTPCODE_CARRIER_COUNT ||
	    (unsigned)r->decided_by >= SMTPCODE_SIGNAL_COUNT || (truncated != 0 && truncated != 1))
		abort();
	s->last_line = line;
	s->last_message = message;
	s->records++;
	s->hash = mix(s->hash, &line, sizeof line);
	s->hash = mix(s->hash, &message, sizeof message);
	s->hash = mix(s->hash, &r->reason, sizeof r->reason);
	s->hash = mix(s->hash, &r->reply.code, sizeof r->reply.code);
	s->hash = mix(s->hash, r->reply.raw.ptr, r->reply.raw.len);
	if (msg && msg->recipient)
		s->hash = mix(s->hash, msg->recipient, msg->recipient_len);
}

static void
scan_once(const char *path, const struct scan_options *opt, struct seen *s, unsigned long max_line)
{
	char *paths[1];
	long records = -1;

	memset(s, 0, sizeof *s);
	s->max_line = max_line;
	s->hash = FUZZ_HASH_START;
	paths[0] = (char *)path;
	scan_inputs(paths, 1, opt, on_record, s, &records);
	if (records != s->records)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1; /* one memory file for the whole run */
	struct scan_options opt;
	struct seen first, second;
	char path[64];
	unsigned control = size ? data[0] : 0;
	const uint8_t *file = data + (size ? 1 : 0);
	size_t len = size ? size - 1 : 0;
	double start;
	int gzip;

	if (fd < 0 && (fd = memfd_create("scan-input", 0)) < 0)
		abort();
	if (ftruncate(fd, 0) != 0 || pwrite(fd, file, len, 0) != (ssize_t)len)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	memset(&opt, 0, sizeof opt);
	opt.format = SCAN_JSONL;
	opt.jobs = 1;
	opt.dsn = control & 1;
	opt.all = (control >> 1) & 1;
	opt.stage = (enum smtpcode_stage)((control >> 2) % SMTPCODE_STAGE_COUNT);
	/* A gzip input may hold many more lines than bytes; else a line needs a byte. */
	gzip = len >= 2 && file[0] == 0x1f && file[1] == 0x8b;
	start = fuzz_cpu_seconds();
	scan_once(path, &opt, &first, gzip ? (unsigned long)-1 : len + 1);
	scan_once(path, &opt, &second, first.max_line);
	if (!gzip)
		within_linear_time(start, 2 * len);
	if (first.records != second.records || first.hash != second.hash)
		abort();
	return 0;
}
