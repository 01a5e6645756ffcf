/* Reading whole messages: an mbox read into memory, each message fed to the
 * library's reader (smtpcode_message_*), best of 5 rounds, one core.
 * Prints one table row: MB/s, messages a second, records.
 *
 * usage: bench_message MBOX */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpcode.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
count(void *ctx, const struct smtpcode_recipient *r)
{
	(void)r;
	(*(long *)ctx)++;
}

/* Every message of buf[0..len): the bytes after each From line. */
static long
read_mbox(const char *buf, size_t len, long *records, long *messages)
{
	static struct smtpcode_message m;
	const char *p = buf, *lim = buf + len, *start = NULL;

	*records = *messages = 0;
	while (p < lim) {
		const char *nl = memchr(p, '\n', (size_t)(lim - p)), *next = nl ? nl + 1 : lim;
		if (p[0] == 'F' && smtpcode_mbox_from_line(p, (size_t)(next - p) - (nl != NULL))) {
			if (start) {
				smtpcode_message_feed(&m, start, (size_t)(p - start));
				smtpcode_message_end(&m);
			}
			smtpcode_message_init(&m, SMTPCODE_STAGE_UNKNOWN, count, records);
			(*messages)++;
			start = next;
		}
		p = next;
	}
	if (start) {
		smtpcode_message_feed(&m, start, (size_t)(lim - start));
		smtpcode_message_end(&m);
	}
	return *records;
}

int
main(int argc, char **argv)
{
	FILE *f;
	char *buf;
	long size, records = 0, messages = 0;
	double best = 0;
	int round;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: bench_message MBOX\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "bench_message: cannot read %s\n", argv[1]);
		return 2;
	}
	fclose(f);
	for (round = 0; round < 5; round++) {
		double t = now();
		read_mbox(buf, (size_t)size, &records, &messages);
		t = now() - t;
		if (round == 0 || t < best)
			best = t;
	}
	printf("| smtpcode_message_feed | %.0f | %.0f | %ld | %ld |\n", (double)size / best / 1e6,
	       (double)messages / best, messages, records);
	free(buf);
	return 0;
}
