/* Bounded work: classification time per byte for lines of 100 B to 1 MB.
 * A flat column means time grows linearly with the input; nothing makes it
 * quadratic. The lines repeat the data's samples, so they hit phrases,
 * tokens and markers all along.
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

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(void)
{
	static const size_t sizes[] = {100, 1000, 10000, 100000, 1000000};
	size_t max = sizes[COUNT_OF(sizes) - 1], o = 0, k = 0, i;
	char *line = malloc(max);
	volatile unsigned sink = 0;

	if (!line || !expect_samples[0].input)
		return 1;
	while (o < max) {
		const char *s = expect_samples[k++ % COUNT_OF(expect_samples)].input;
		size_t n = strlen(s);
		if (n > max - o)
			n = max - o;
		memcpy(line + o, s, n);
		o += n;
		if (o < max)
			line[o++] = ' ';
	}
	printf("| line length | ns/byte | lines/s |\n|---|---|---|\n");
	for (i = 0; i < COUNT_OF(sizes); i++) {
		size_t runs = 0;
		double t0 = seconds(), t;
		do {
			struct smtpcode_result r;
			smtpcode_classify(line, sizes[i], SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
			sink += r.reason;
			runs++;
		} while ((t = seconds() - t0) < 0.3);
		printf("| %zu B | %.2f | %.0f |\n", sizes[i], t * 1e9 / (double)(runs * sizes[i]), (double)runs / t);
	}
	free(line);
	return sink == 12345;
}
