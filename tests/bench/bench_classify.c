/* Classification throughput on a corpus file (tests/bench/gen_corpus.py),
 * next to what else one could run over the same lines, from one run:
 *   memchr        finding the line ends only: the practical limit
 *   pcre2-jit     one case-insensitive alternation of every phrase in data/
 *                 (what a user would write instead; when built with PCRE2)
 *   re2c -b       the same phrases as an re2c keyword DFA (when built with it)
 *   classify      smtpcode_classify on every line
 *
 *   bench_classify CORPUS                  the table: memchr and classify best
 *                                          of 5 rounds in turns, others of 3
 *   bench_classify CORPUS --only METHOD    one round of one method, no output
 *                                          (for counting instructions under callgrind)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtpcode.h"
#include "smtpcode_test_data.h"

#ifdef BENCH_PCRE2
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif

#ifdef BENCH_RE2C
#include BENCH_RE2C
#endif

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

struct corpus {
	char *buf;     /* the lines, '\n'-separated */
	char *nul;     /* the same lines, NUL-separated (for the re2c sentinel) */
	size_t len, lines;
};

static volatile unsigned long sink;

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
load(const char *path, struct corpus *c)
{
	FILE *f = fopen(path, "rb");
	long size;
	size_t i;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		return -1;
	}
	c->len = (size_t)size;
	c->buf = malloc(c->len + 1);
	c->nul = malloc(c->len + 1);
	if (!c->buf || !c->nul || fread(c->buf, 1, c->len, f) != c->len) {
		perror(path);
		return -1;
	}
	fclose(f);
	c->buf[c->len] = '\0';
	memcpy(c->nul, c->buf, c->len + 1);
	c->lines = 0;
	for (i = 0; i < c->len; i++)
		if (c->nul[i] == '\n') {
			c->nul[i] = '\0';
			c->lines++;
		}
	return 0;
}

typedef void (*line_fn)(const char *line, size_t len);

static void
each_line(const struct corpus *c, line_fn fn)
{
	const char *p = c->buf, *end = c->buf + c->len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		fn(p, (size_t)(nl - p));
		p = nl + 1;
	}
}

static void
do_memchr(const char *line, size_t len)
{
	sink += len + (unsigned char)line[0];
}

static void
do_classify(const char *line, size_t len)
{
	struct smtpcode_result r;

	smtpcode_classify(line, len, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
	sink += r.reason;
}

#ifdef BENCH_PCRE2
/* The phrases as case-insensitive alternations, JIT compiled. PCRE2 as
 * Debian builds it (2-byte links) compiles a pattern of at most 64 KB, too
 * little for every phrase: they are split over as few alternations as
 * compile, and a line is matched against each until one matches, as a
 * person writing this would have to. */
#define PCRE2_PARTS 64
static pcre2_code *re[PCRE2_PARTS];
static pcre2_match_data *md;
static size_t parts;

/* (?:phrase|phrase|...) of phrases [from, to), each space a \s+, everything
 * else literal. */
static pcre2_code *
alternation(size_t from, size_t to)
{
	size_t i, cap = 1 << 16, o = 0;
	char *pat = malloc(cap);
	int err;
	PCRE2_SIZE erroff;
	pcre2_code *code;

	o += (size_t)snprintf(pat + o, cap - o, "(?:");
	for (i = from; i < to; i++) {
		const char *t;
		if (o + 4 * strlen(bench_phrases[i]) + 8 > cap) {
			cap *= 2;
			pat = realloc(pat, cap);
		}
		if (i > from)
			pat[o++] = '|';
		for (t = bench_phrases[i]; *t; t++) {
			if (*t == ' ') {
				memcpy(pat + o, "\\s+", 3);
				o += 3;
			} else if (strchr("\\^$.|?*+()[]{}", *t)) {
				pat[o++] = '\\';
				pat[o++] = *t;
			} else {
				pat[o++] = *t;
			}
		}
	}
	pat[o++] = ')';
	code = pcre2_compile((PCRE2_SPTR)pat, o, PCRE2_CASELESS, &err, &erroff, NULL);
	free(pat);
	if (code && pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) {
		pcre2_code_free(code);
		code = NULL;
	}
	return code;
}

/* 0 when every phrase is in a compiled alternation, else -1. */
static int
pcre2_setup(void)
{
	size_t n = COUNT_OF(bench_phrases), from = 0, size = n;

	while (from < n) {
		size_t to = from + size < n ? from + size : n;
		pcre2_code *code = alternation(from, to);
		if (!code) {
			if (size == 1)
				return -1;
			size /= 2; /* too large: fewer phrases to a part */
			continue;
		}
		if (parts == PCRE2_PARTS)
			return -1;
		re[parts++] = code;
		from = to;
	}
	md = pcre2_match_data_create(1, NULL);
	return 0;
}

static void
do_pcre2(const char *line, size_t len)
{
	size_t i;
	int r = PCRE2_ERROR_NOMATCH;

	for (i = 0; i < parts && r == PCRE2_ERROR_NOMATCH; i++)
		r = pcre2_jit_match(re[i], (PCRE2_SPTR)line, len, 0, 0, md, NULL);
	sink += (unsigned long)r;
}
#endif

#ifdef BENCH_RE2C
static void
do_re2c(const struct corpus *c)
{
	const char *p = c->nul, *end = c->nul + c->len;

	while (p < end) {
		size_t n = strlen(p); /* stands in for the line split, as memchr does */
		sink += re2c_scan((const unsigned char *)p);
		p += n + 1;
	}
}
#endif

/* memchr and smtpcode_classify in turns, best of 5 each: on a shared
 * machine whose speed drifts over seconds, their ratio comes from the same
 * stretch of time. */
static void
best_of_5_in_turns(const struct corpus *c, double *t_memchr, double *t_classify)
{
	int round;

	*t_memchr = *t_classify = 1e30;
	for (round = 0; round < 5; round++) {
		double t = seconds();
		each_line(c, do_memchr);
		t = seconds() - t;
		if (t < *t_memchr)
			*t_memchr = t;
		t = seconds();
		each_line(c, do_classify);
		t = seconds() - t;
		if (t < *t_classify)
			*t_classify = t;
	}
}

#ifdef BENCH_PCRE2
static double
best_of_3(const struct corpus *c, line_fn fn)
{
	double best = 1e30;
	int round;

	for (round = 0; round < 3; round++) {
		double t = seconds();
		each_line(c, fn);
		t = seconds() - t;
		if (t < best)
			best = t;
	}
	return best;
}
#endif

static void
row(const char *name, const struct corpus *c, double t, double t_memchr, double t_pcre2)
{
	char vs_pcre2[32] = "-";

	if (t_pcre2 > 0)
		snprintf(vs_pcre2, sizeof vs_pcre2, "%.1fx", t_pcre2 / t);
	printf("| %-28s | %7.3f | %11.0f | %8.1f | %9.1fx | %8s |\n", name, (double)c->len / t / 1e9,
	       (double)c->lines / t, t * 1e9 / (double)c->lines, t / t_memchr, vs_pcre2);
}

int
main(int argc, char **argv)
{
	struct corpus c;
	double t_memchr, t_classify, t_pcre2 = 0;

	if (argc < 2 || load(argv[1], &c) != 0) {
		fprintf(stderr, "usage: bench_classify CORPUS [--only memchr|classify]\n");
		return 2;
	}
	if (argc == 4 && strcmp(argv[2], "--only") == 0) {
		each_line(&c, strcmp(argv[3], "classify") == 0 ? do_classify : do_memchr);
		return 0;
	}
	best_of_5_in_turns(&c, &t_memchr, &t_classify);
#ifdef BENCH_PCRE2
	if (pcre2_setup() == 0)
		t_pcre2 = best_of_3(&c, do_pcre2);
	else
		fprintf(stderr, "bench_classify: the phrases did not compile as PCRE2 alternations\n");
#endif
	printf("corpus: %.1f MB, %zu lines, %.0f bytes a line; memchr and classify best of 5 rounds in turns, "
	       "the others best of 3; one core\n\n",
	       (double)c.len / 1e6,
	       c.lines, (double)c.len / (double)c.lines);
	printf("| %-28s | %7s | %11s | %8s | %10s | %8s |\n", "method", "GB/s", "lines/s", "ns/line", "vs memchr",
	       "vs PCRE2");
	printf("|------------------------------|---------|-------------|----------|------------|----------|\n");
	row("memchr (line ends only)", &c, t_memchr, t_memchr, t_pcre2);
	if (t_pcre2 > 0)
		row("PCRE2-JIT alternation", &c, t_pcre2, t_memchr, t_pcre2);
	else
		printf("| %-28s | n/a: built without libpcre2-dev |\n", "PCRE2-JIT alternation");
#ifdef BENCH_RE2C
	{
		double best = 1e30;
		int round;
		for (round = 0; round < 3; round++) {
			double t = seconds();
			do_re2c(&c);
			t = seconds() - t;
			if (t < best)
				best = t;
		}
		row("re2c -b keyword DFA", &c, best, t_memchr, t_pcre2);
	}
#endif
	row("smtpcode_classify", &c, t_classify, t_memchr, t_pcre2);
	free(c.buf);
	free(c.nul);
	return 0;
}
