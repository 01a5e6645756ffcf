/* The hostile-input suite (docs/robustness.md): each input with the result it
 * must give. Table-driven; also built without Criterion as a single process
 * so that valgrind's memcheck can watch every case (tests/meson.build).
 * With Criterion, also bounded work: CPU time per byte on each input of
 * linear_shapes.h at 1x, 10x and 100x the size. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtpcode.h"
#include "smtpcode_test_data.h"

#include "table_test.h"

/* How a case is built: a literal, or a generated buffer of a given length. */
enum shape {
	LITERAL,
	REPEAT,        /* `text` repeated to `len` bytes */
	CONTINUATIONS, /* `len` continuation lines, then a last line */
	ALTERNATING    /* `len` lines alternating two codes */
};

struct hostile {
	const char *name;
	enum shape shape;
	const char *text;
	size_t len;
	int expect_rc;          /* smtpcode_classify's return */
	unsigned expect_code;   /* the basic code found, 0 for none */
	const char *expect_reason; /* NULL: any valid reason */
	unsigned expect_lines;  /* of the reply found; 0: not checked */
	unsigned expect_flags;  /* reply flags that must be set */
	int expect_enhanced;    /* 1: an enhanced code was found, 0: none, -1: not checked */
};

#define MULTI SMTPCODE_REPLY_MULTILINE

static const struct hostile cases[] = {
	{"empty", LITERAL, "", 0, SMTPCODE_EEMPTY, 0, "unknown", 0, 0, 0},
	{"only whitespace", LITERAL, " \t\r\n \n", 0, SMTPCODE_EEMPTY, 0, "unknown", 0, 0, 0},
	{"only a code", LITERAL, "550", 0, 0, 550, "user-unknown", 1, 0, 0},
	{"a code of 2 digits", LITERAL, "55 user unknown", 0, 0, 0, "user-unknown", 0, 0, 0},
	{"a code of 4 digits", LITERAL, "5501 nothing", 0, SMTPCODE_ENOREPLY, 0, "unknown", 0, 0, 0},
	{"NUL bytes inside", LITERAL, "550 5.1.1 user\0unknown\0", 24, 0, 550, NULL, 1, 0, 1},
	{"CR without LF", LITERAL, "550-5.1.1 a\r550 5.1.1 user unknown\r", 0, 0, 550, "user-unknown", 1,
	 SMTPCODE_REPLY_UNTERMINATED, 1},
	{"lone LF lines", LITERAL, "550-5.1.1 the user\n550 5.1.1 unknown here\n", 0, 0, 550, "user-unknown", 2, MULTI, 1},
	{"invalid UTF-8", LITERAL, "550 5.7.1 \xff\xfe\xc3\x28 blocked using zen.spamhaus.org", 0, 0, 550,
	 "ip-blocklisted", 1, 0, 1},
	{"overlong UTF-8", LITERAL, "550 5.1.1 \xc0\xaf\xe0\x80\xaf user unknown", 0, 0, 550, "user-unknown", 1, 0, 1},
	{"mixed encodings", LITERAL, "550 5.2.2 Postfach voll / bo\xeete pleine / mailbox full", 0, 0, 550,
	 "mailbox-full", 1, 0, 1},
	{"enhanced detail of 2^32", LITERAL, "550 5.1.4294967296 something", 0, 0, 550, "unknown", 1, 0, 0},
	{"enhanced subject of 2^32", LITERAL, "550 5.4294967296.1 something", 0, 0, 550, "unknown", 1, 0, 0},
	{"a line of 1 MB", REPEAT, "550 5.7.1 abcdefghij ", 1 << 20, 0, 550, "policy", 1, 0, 1},
	{"a line of 16 MB", REPEAT, "xyzzy plugh ", 16 << 20, SMTPCODE_ENOREPLY, 0, "unknown", 0, 0, 0},
	{"10 000 continuation lines", CONTINUATIONS, "550-5.7.1 line\r\n", 10000, 0, 550, "policy", 10001, MULTI, 1},
	{"a continuation that never ends", CONTINUATIONS, "550-5.1.1 more\r\n", 10000 + 1, 0, 550, "user-unknown",
	 10000, MULTI | SMTPCODE_REPLY_UNTERMINATED, 1},
	{"a reply that alternates codes", ALTERNATING, NULL, 1000, 0, 451, NULL, 1001,
	 MULTI | SMTPCODE_REPLY_MIXED_CODES | SMTPCODE_REPLY_MIXED_ENHANCED, 1},
};

/* Does the span lie inside buf[0..len) (an empty span anywhere)? */
static int
span_inside(struct smtpcode_span sp, const char *buf, size_t len)
{
	return sp.len == 0 || (sp.ptr >= buf && sp.ptr + sp.len <= buf + len);
}

static char *
build(const struct hostile *h, size_t *len)
{
	size_t i, o = 0, n, unit = h->text ? strlen(h->text) : 0;
	char *buf;

	switch (h->shape) {
	case LITERAL:
		*len = h->len ? h->len : strlen(h->text);
		buf = malloc(*len + 1);
		if (buf)
			memcpy(buf, h->text, *len);
		return buf;
	case REPEAT:
		buf = malloc(h->len);
		for (i = 0; buf && i < h->len; i++)
			buf[i] = h->text[i % unit];
		*len = h->len;
		return buf;
	case CONTINUATIONS:
		n = h->len;
		buf = malloc(n * unit + 64);
		for (i = 0; buf && i < n - (n % 2 ? 1 : 0); i++, o += unit)
			memcpy(buf + o, h->text, unit);
		if (buf && n % 2 == 0)
			o += (size_t)sprintf(buf + o, "550 5.7.1 last line\r\n");
		*len = o;
		return buf;
	case ALTERNATING:
		buf = malloc(h->len * 20 + 32);
		for (i = 0; buf && i < h->len; i++)
			o += (size_t)sprintf(buf + o, i % 2 ? "451-4.3.0 odd\r\n" : "550-5.1.1 even\r\n");
		if (buf)
			o += (size_t)sprintf(buf + o, "451 4.3.0 last\r\n");
		*len = o;
		return buf;
	}
	return NULL;
}

/* Checks one case; returns a message on failure, NULL when it holds. */
static const char *
run_case(const struct hostile *h, char *why, size_t why_size)
{
	struct smtpcode_result r, again;
	size_t len;
	char *buf = build(h, &len);
	int rc;

	if (!buf)
		return "out of memory";
	rc = smtpcode_classify(buf, len, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
	smtpcode_classify(buf, len, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &again);
	if (rc != h->expect_rc)
		snprintf(why, why_size, "returned %d, expected %d", rc, h->expect_rc);
	else if (r.reply.code != h->expect_code)
		snprintf(why, why_size, "code %u, expected %u", r.reply.code, h->expect_code);
	else if (h->expect_reason && strcmp(smtpcode_reason_name(r.reason), h->expect_reason) != 0)
		snprintf(why, why_size, "reason %s, expected %s", smtpcode_reason_name(r.reason), h->expect_reason);
	else if (h->expect_lines && r.reply.lines != h->expect_lines)
		snprintf(why, why_size, "a reply of %u lines, expected %u", r.reply.lines, h->expect_lines);
	else if ((r.reply.flags & h->expect_flags) != h->expect_flags)
		snprintf(why, why_size, "flags %#x, expected %#x set", r.reply.flags, h->expect_flags);
	else if (h->expect_enhanced >= 0 && (r.reply.enhanced.cls != 0) != h->expect_enhanced)
		snprintf(why, why_size, "enhanced code %u.%u.%u, expected %s", r.reply.enhanced.cls,
		         r.reply.enhanced.subject, r.reply.enhanced.detail, h->expect_enhanced ? "one" : "none");
	else if (memcmp(&r, &again, sizeof r) != 0)
		snprintf(why, why_size, "two runs gave two answers");
	else if (!span_inside(r.reply.raw, buf, len) || !span_inside(r.reply.code_span, buf, len) ||
	         !span_inside(r.reply.enhanced_span, buf, len) || !span_inside(r.matched, buf, len) ||
	         !span_inside(r.host, buf, len) || !span_inside(r.vendor_evidence, buf, len))
		snprintf(why, why_size, "a span lies outside the input");
	else
		why = NULL;
	free(buf);
	return why;
}

#ifdef HOSTILE_CRITERION
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "linear_shapes.h"

TABLE_TEST(hostile, each_case, cases, run_case)

/* A phrase split by a line break, or after a CR that breaks no line, still
 * decides: the table's rows only see the reason, which 5.1.1 gives too. */
Test(hostile, phrases_across_line_ends)
{
	static const char *const texts[] = {"550-5.1.1 the user\n550 5.1.1 unknown here\n",
	                                    "550-5.1.1 a\r550 5.1.1 user unknown\r"};
	size_t i;

	for (i = 0; i < COUNT_OF(texts); i++) {
		struct smtpcode_result r;
		smtpcode_classify(texts[i], strlen(texts[i]), SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
		cr_assert_eq(r.decided_by, SMTPCODE_SIGNAL_PHRASE, "%s", texts[i]);
		cr_assert_eq(r.reason, SMTPCODE_REASON_USER_UNKNOWN, "%s", texts[i]);
	}
}

/* Sizes 1x, 10x and 100x; how much more time a byte may take at the larger
 * ones (caches and noise, not the work: quadratic work gives about 10 and
 * 100 here). Ratios of CPU time in one process, never absolute times. */
static const size_t linear_sizes[] = {4096, 40960, 409600};
#define LINEAR_SLACK 4.0

/* CPU seconds a byte to classify buf[0..len): the best of 3 rounds of at
 * least 10 ms, each cut short once it is over `enough` a byte (so that one
 * round that the scheduler interrupted does not decide alone). */
static double
per_byte(const char *buf, size_t len, double enough)
{
	double best = 0;
	int round;

	for (round = 0; round < 3; round++) {
		double t0 = linear_cpu_seconds(), t;
		size_t runs = 0;
		do {
			struct smtpcode_result r;
			smtpcode_classify(buf, len, SMTPCODE_STAGE_UNKNOWN, NULL, 0, &r);
			runs++;
			t = linear_cpu_seconds() - t0;
			if (t / (double)(runs * len) > enough)
				break;
		} while (t < 0.01);
		t /= (double)(runs * len);
		if (round == 0 || t < best)
			best = t;
	}
	return best;
}

static const char *
run_linear(const struct linear_shape *s, char *why, size_t why_size)
{
	size_t max = linear_sizes[COUNT_OF(linear_sizes) - 1], i;
	char *buf = malloc(max);
	const char *failed = NULL;
	double base, t;

	if (!buf)
		return "out of memory";
	linear_fill(buf, max, s);
	base = per_byte(buf, linear_sizes[0], 1e9);
	for (i = 1; i < COUNT_OF(linear_sizes) && !failed; i++) {
		t = per_byte(buf, linear_sizes[i], LINEAR_SLACK * base);
		if (t > LINEAR_SLACK * base) {
			snprintf(why, why_size, "%.2f ns a byte at %zu bytes, %.2f at %zu: work grows with the size",
			         t * 1e9, linear_sizes[i], base * 1e9, linear_sizes[0]);
			failed = why;
		}
	}
	free(buf);
	return failed;
}

TABLE_TEST(hostile, linear_time, linear_shapes, run_linear)
#else
/* A single process for valgrind: every hostile case and every data sample,
 * TAP on stdout. */
int
main(void)
{
	size_t i, n = 0, failed = 0;

	TABLE_TAP(cases, run_case, n, failed);
	for (i = 0; i < COUNT_OF(expect_samples) && expect_samples[i].input; i++) {
		struct smtpcode_result r;
		smtpcode_classify(expect_samples[i].input, strlen(expect_samples[i].input), SMTPCODE_STAGE_RCPT,
		                  "mx.example.com", 14, &r);
	}
	printf("ok %zu - every sample classified under memcheck\n", ++n);
	printf("1..%zu\n", n);
	return failed ? 1 : 0;
}
#endif
