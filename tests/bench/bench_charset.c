/* Charset decoding speed (src/charset.h): each file decoded to UTF-8 the way
 * the message reader feeds it, 64 KiB a call, in MB/s of input. Times are
 * CPU time of this thread, the best of five rounds of at least 0.2 s.
 * bench_charset.py makes the files and prints the table.
 *
 *   bench_charset CHARSET FILE [CHARSET FILE]...
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "charset.h"

#define PIECE (64 * 1024)

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    !(buf = malloc((size_t)n + 1)) || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "bench_charset: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Decodes all of in, PIECE bytes a call; returns the UTF-8 length. */
static size_t
decode_all(int charset, const char *in, size_t len, char *out)
{
	struct smtpcode__decoder d;
	size_t at = 0, total = 0, used;

	smtpcode__decoder_init(&d, charset);
	while (at < len) {
		size_t n = len - at < PIECE ? len - at : PIECE;
		total += smtpcode__decode(&d, in + at, n, out, SMTPCODE__DECODE_CAP(PIECE), &used);
		at += used;
	}
	return total + smtpcode__decode_end(&d, out, SMTPCODE__DECODE_END_CAP);
}

int
main(int argc, char **argv)
{
	char *out = malloc(SMTPCODE__DECODE_CAP(PIECE));
	int i;

	if (argc < 3 || argc % 2 == 0 || !out) {
		fprintf(stderr, "usage: bench_charset CHARSET FILE [CHARSET FILE]...\n");
		return 2;
	}
	for (i = 1; i + 1 < argc; i += 2) {
		int charset = smtpcode__charset_from_name(argv[i], strlen(argv[i]));
		size_t len, utf8 = 0;
		char *in = slurp(argv[i + 1], &len);
		double best = 0;
		int round;
		if (!charset) {
			fprintf(stderr, "bench_charset: unknown charset %s\n", argv[i]);
			return 2;
		}
		for (round = 0; round < 5; round++) {
			size_t runs = 0;
			double t0 = seconds(), t;
			do {
				utf8 = decode_all(charset, in, len, out);
				runs++;
			} while ((t = seconds() - t0) < 0.2);
			t /= (double)runs;
			if (round == 0 || t < best)
				best = t;
		}
		printf("%s\t%s\t%zu\t%zu\t%.0f\n", smtpcode__charset_name(charset), argv[i + 1], len, utf8,
		       (double)len / best / 1e6);
		free(in);
	}
	free(out);
	return 0;
}
