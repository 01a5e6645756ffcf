/* Bounded work: classification time per byte for inputs of 100 B to 1 MB,
 * for the data's samples one after another (phrases, tokens and markers all
 * along) and for each input of tests/linear_shapes.h, made of one thing that
 * makes a parser work, repeated. A flat row means time grows
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

#include "smtpcode.h"
#include "smtpcode_test_data.h"
#include "../linear_shapes.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const size_t sizes[] = {100, 1000, 10000, 100000, 1000000};

/* Fills buf[0..max) with the samples, space-separated. */
static void
fill_samples(char *buf, size_t max)
{
	size_t o = 0, k = 0, n;

	while (o < max) {
		const char *s = expect_samples[k++ % COUNT_OF(expect_samples)].input;
		if (!s) { /* the list's end marker */
			k = 0;
			continue;
		}
		n = strlen(s);
		if (n > max - o)
			n = max - o;
		memcpy(buf + o, s, n);
		o += n;
		if (o < max)
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
	for (s = 0; s <= COUNT_OF(linear_shapes); s++) {
		if (s == 0)
			fill_samples(buf, max);
		else
			linear_fill(buf, max, &linear_shapes[s - 1]);
		printf("| %s |", s ? linear_shapes[s - 1].name : "the samples, one after another");
		for (i = 0; i < COUNT_OF(sizes); i++) {
			double best = 0;
			int round;
			for (round = 0; round < 5; round++) {
				size_t runs = 0;
				double t0 = linear_cpu_seconds(), t;
				do {
					struct smtpcode_result r;
					smtpcode_classify(buf, sizes[i], SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
					sink += r.reason;
					runs++;
				} while ((t = linear_cpu_seconds() - t0) < 0.01 || runs < 2);
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
