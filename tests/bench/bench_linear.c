/* Bounded work: classification time per byte for inputs of 100 B to 1 MB,
 * for the data's samples one after another (phrases, tokens and markers all
 * along) and for inputs made of one thing that makes a parser do work,
 * repeated: a carrier marker, whose field parser runs where it is found; a
 * code; a continuation line; whitespace. A flat row means time grows
 * linearly with the input: nothing makes it quadratic. Times are CPU time of
 * this thread, the best of five rounds, so other work on the machine moves
 * them little.
 *
 *   bench_linear
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpcode.h"
#include "smtpcode_test_data.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const size_t sizes[] = {100, 1000, 10000, 100000, 1000000};

/* What each input repeats (NULL: the samples), and its name in the table. */
static const struct {
	const char *name, *unit;
} shapes[] = {
	{"the samples, one after another", NULL},
	{"`host a said: 550 `", "host a said: 550 "},
	{"`Diagnostic-Code: smtp; `", "Diagnostic-Code: smtp; "},
	{"`(in reply to RCPT TO command) `", "(in reply to RCPT TO command) "},
	{"`dsn=5.1.1, stat=`", "dsn=5.1.1, stat="},
	{"`Remote-MTA: dns; `", "Remote-MTA: dns; "},
	{"`SMTP error from remote mail server after RCPT TO:<a@b>: `",
	 "SMTP error from remote mail server after RCPT TO:<a@b>: "},
	{"`Remote Server returned '`", "Remote Server returned '"},
	{"`550-5.1.1 x` and LF: continuation lines", "550-5.1.1 x\n"},
	{"`550 5.1.1 `: codes", "550 5.1.1 "},
	{"`[TSS04] `: a vendor token", "[TSS04] "},
	{"`4F2A: to=<a@b>, status=bounced `: log fields", "4F2A: to=<a@b>, status=bounced "},
	{"`1abcDE-000123-AB ** a@b `: Exim's log fields", "1abcDE-000123-AB ** a@b "},
	{"`(#5.1.1) `: qmail's codes", "(#5.1.1) "},
	{"`пользователь `: a phrase's shape, checked", "\xd0\xbf\xd0\xbe\xd0\xbb\xd1\x8c\xd0\xb7\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8c "},
	{"`不存在 `: a CJK phrase's shape, checked", "\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8 "},
	{"spaces", " "},
	{"LF: empty lines", "\n"},
};

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Fills buf[0..max) with the shape's unit, or with the samples, space-separated. */
static void
fill(char *buf, size_t max, const char *unit)
{
	size_t o = 0, k = 0, n;

	while (o < max) {
		const char *s = unit ? unit : expect_samples[k++ % COUNT_OF(expect_samples)].input;
		if (!s) { /* the list's end marker */
			k = 0;
			continue;
		}
		n = strlen(s);
		if (n > max - o)
			n = max - o;
		memcpy(buf + o, s, n);
		o += n;
		if (!unit && o < max)
			buf[o++] = ' ';
	}
}

int
main(void)
{
	size_t max = sizes[COUNT_OF(sizes) - 1], i, s;
	char *buf = malloc(max);
	volatile unsigned sink = 0;

	if (!buf)
		return 1;
	printf("ns per byte by input length:\n\n| input |");
	for (i = 0; i < COUNT_OF(sizes); i++)
		printf(" %zu B |", sizes[i]);
	printf("\n|---|");
	for (i = 0; i < COUNT_OF(sizes); i++)
		printf("---|");
	printf("\n");
	for (s = 0; s < COUNT_OF(shapes); s++) {
		fill(buf, max, shapes[s].unit);
		printf("| %s |", shapes[s].name);
		for (i = 0; i < COUNT_OF(sizes); i++) {
			double best = 0;
			int round;
			for (round = 0; round < 5; round++) {
				size_t runs = 0;
				double t0 = seconds(), t;
				do {
					struct smtpcode_result r;
					smtpcode_classify(buf, sizes[i], SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
					sink += r.reason;
					runs++;
				} while ((t = seconds() - t0) < 0.01 || runs < 2);
				t = t * 1e9 / (double)(runs * sizes[i]);
				if (round == 0 || t < best)
					best = t;
			}
			printf(" %.2f |", best);
		}
		printf("\n");
		fflush(stdout);
	}
	free(buf);
	return sink == 12345;
}
