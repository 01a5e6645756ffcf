/* What the harnesses check with: a span lies inside its buffer, a hash
 * (FNV-1a) of what a run handed on, to compare two runs, and a time limit
 * for each input that grows with its length. Includers define
 * _POSIX_C_SOURCE (clock_gettime). */
#ifndef SMTPCODE_FUZZ_CHECK_H
#define SMTPCODE_FUZZ_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "smtpcode.h"

#define FUZZ_HASH_START 0xcbf29ce484222325u

static inline void
inside(struct smtpcode_span sp, const char *buf, size_t len)
{
	if (sp.len && (sp.ptr < buf || sp.ptr + sp.len > buf + len))
		abort();
}

static inline uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3u;
	return h;
}

/* The CPU time an input may take: FUZZ_BASE_SECONDS, plus FUZZ_NS_A_BYTE
 * for each byte worked on. Linear work stays far below it (a few ns a byte
 * even with sanitizers); work that grows faster than the input, such as a
 * walk back to the start before every marker, passes it once an input is
 * some tens of kilobytes long, which run_fuzzer.py's -max_len and seeds
 * give. libFuzzer's -timeout only catches what takes seconds. */
#define FUZZ_BASE_SECONDS 0.05
#define FUZZ_NS_A_BYTE 1000.0

/* CPU time of this thread: other work on the machine moves it little. */
static inline double
fuzz_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Aborts, so that libFuzzer keeps the input, when the work since `start`
 * on `bytes` bytes took more than the limit. */
static inline void
within_linear_time(double start, size_t bytes)
{
	double spent = fuzz_cpu_seconds() - start, limit = FUZZ_BASE_SECONDS + (double)bytes * FUZZ_NS_A_BYTE * 1e-9;

	if (spent > limit) {
		fprintf(stderr, "fuzz: %.3f s of CPU time for %zu bytes, over the linear limit of %.3f s: "
		                "work grows faster than the input\n",
		        spent, bytes, limit);
		abort();
	}
}

#endif
