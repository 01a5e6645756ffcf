/* Lookup benchmark: nanoseconds per call from wall-clock time, and a mode for
 * counting instructions per call under callgrind (see scripts/callgrind-lookups).
 *
 *   bench_lookup                     time each lookup, print a table
 *   bench_lookup basic|enhanced N    do N lookups only (for callgrind)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpcode.h"

static const unsigned basic_codes[] = {550, 421, 250, 452, 554, 599, 530, 451, 221, 553, 552, 450, 354, 535, 500, 999};
static const char *const enhanced_codes[] = {
	"5.1.1", "4.7.0", "5.7.26", "2.0.0", "5.2.2", "4.4.7", "5.7.1", "5.7.999",
	"4.2.1", "5.4.1", "5.7.23", "2.1.5", "5.6.10", "4.5.3", "5.1.10", "4.9.9",
};
static size_t enhanced_len[16];

static volatile const void *sink;

static void
run_basic(long n)
{
	long i;

	for (i = 0; i < n; i++)
		sink = smtpcode_basic_lookup(basic_codes[i & 15]);
}

static void
run_enhanced(long n)
{
	long i;

	for (i = 0; i < n; i++)
		sink = smtpcode_enhanced_lookup(enhanced_codes[i & 15], enhanced_len[i & 15]);
}

static void
run_parse(long n)
{
	struct smtpcode_enhanced_code c;
	long i;

	for (i = 0; i < n; i++) {
		sink = (const void *)(size_t)smtpcode_enhanced_parse(enhanced_codes[i & 15], enhanced_len[i & 15], &c);
	}
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best of 5 runs of n calls, in nanoseconds a call. */
static double
time_it(void (*fn)(long), long n)
{
	double best = 1e30;
	int r;

	for (r = 0; r < 5; r++) {
		double t0 = seconds(), t;
		fn(n);
		t = (seconds() - t0) * 1e9 / (double)n;
		if (t < best)
			best = t;
	}
	return best;
}

static void
report(const char *what, double ns)
{
	printf("%-40s %10.2f %14.0f\n", what, ns, 1e9 / ns);
}

int
main(int argc, char **argv)
{
	size_t i;
	const long n = 20000000;

	for (i = 0; i < 16; i++)
		enhanced_len[i] = strlen(enhanced_codes[i]);
	if (argc == 3) {
		long count = atol(argv[2]);
		if (strcmp(argv[1], "basic") == 0)
			run_basic(count);
		else if (strcmp(argv[1], "enhanced") == 0)
			run_enhanced(count);
		else if (strcmp(argv[1], "parse") == 0)
			run_parse(count);
		else
			return 2;
		return 0;
	}
	printf("%-40s %10s %14s\n", "operation", "ns/call", "calls/s");
	report("smtpcode_basic_lookup", time_it(run_basic, n));
	report("smtpcode_enhanced_parse", time_it(run_parse, n));
	report("smtpcode_enhanced_lookup (parse+index)", time_it(run_enhanced, n));
	return 0;
}
