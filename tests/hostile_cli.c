/* The hostile-input suite of the CLI's file readers (docs/robustness.md):
 * files through the input and line readers (src/cli/input.c, lines.c), each
 * case with the result it must give (bounce messages: hostile_message.c). Table-driven, like hostile.c; also built without Criterion as a
 * single process for valgrind's memcheck. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "input.h"
#include "lines.h"
#include "table_test.h"
#include "text_buffer.h"

/* ---- files ---- */

enum file_shape {
	GZIP_CUT,       /* `n` numbered lines, gzip, cut in the middle */
	GZIP_CORRUPT,   /* `n` numbered lines, gzip, bytes in the middle overwritten */
	GZIP_TWICE,     /* two gzip members, `n` lines each, one after the other */
	GZIP_PADDED,    /* a gzip member followed by 1 KiB of zero bytes */
	GZIP_EMPTY,     /* gzip of nothing */
	GZIP_MAGIC_ONLY,/* the gzip magic bytes and then plain text */
	GZIP_THEN_PLAIN,/* `n` lines gzip, then `n` more plain (`cat a.gz b.log`) */
	GZIP_BAD_CRC,   /* `n` lines gzip, its check value wrong */
	GROWING,        /* `n` lines; more are appended after 10 are read */
	GROWN_AFTER_END,/* `n` lines; more are appended after the end was read */
	SHRINKING,      /* `n` lines; cut to 100 bytes after 10 are read */
	HUGE_LINE,      /* a line of 16 MB, then a short one */
	CR_ONLY,        /* old Mac line ends: CR and no LF */
	NULS,           /* NUL bytes inside lines */
	EMPTY_FILE,
};

struct file_case {
	const char *name;
	enum file_shape shape;
	size_t n;
	long expect_min, expect_max; /* lines read, inclusive */
	const char *expect_error;    /* part of input_error(); NULL: no error */
	long expect_truncated;       /* lines flagged as too long */
};

static const struct file_case file_cases[] = {
	{"a gzip file cut in the middle", GZIP_CUT, 200000, 1000, 199999, "truncated gzip data", 0},
	/* zlib may inflate garbage before it notices: what counts is that the error is told */
	{"a gzip file with bytes overwritten", GZIP_CORRUPT, 200000, 0, 1L << 30, "corrupt gzip data", 0},
	{"two gzip members back to back", GZIP_TWICE, 1000, 2000, 2000, NULL, 0},
	{"a gzip file with zero padding after it", GZIP_PADDED, 1000, 1000, 1000, NULL, 0},
	{"gzip of nothing", GZIP_EMPTY, 0, 0, 0, NULL, 0},
	{"the gzip magic and then plain text", GZIP_MAGIC_ONLY, 0, 0, 0, "corrupt gzip data", 0},
	{"a gzip file and then plain text", GZIP_THEN_PLAIN, 8000, 16000, 16000, NULL, 0},
	{"a gzip file with a wrong check value", GZIP_BAD_CRC, 8000, 8000, 8000, "incorrect data check", 0},
	{"a file that grows while it is read", GROWING, 200000, 201000, 201000, NULL, 0},
	{"a file that grows after its end was read", GROWN_AFTER_END, 1000, 1000, 1000, NULL, 0},
	{"a file cut short while it is read", SHRINKING, 200000, 10, 199999, NULL, 0},
	{"a line of 16 MB", HUGE_LINE, 16 << 20, 2, 2, NULL, 1},
	{"CR without LF", CR_ONLY, 1000, 1, 1, NULL, 0},
	{"NUL bytes inside lines", NULS, 1000, 1000, 1000, NULL, 0},
	{"an empty file", EMPTY_FILE, 0, 0, 0, NULL, 0},
};

static void
numbered_lines(struct text *t, size_t from, size_t n)
{
	size_t i;

	for (i = from; i < from + n; i++)
		add(t, "line %zu of a log\n", i);
}

static void
gzip_text(struct text *out, const struct text *in)
{
	z_stream z;
	size_t bound;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	bound = deflateBound(&z, in->len);
	out->s = realloc(out->s, out->len + bound);
	if (!out->s)
		abort();
	z.next_in = (unsigned char *)in->s;
	z.avail_in = (uInt)in->len;
	z.next_out = (unsigned char *)out->s + out->len;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	out->len += bound - z.avail_out;
	out->cap = out->len;
	deflateEnd(&z);
}

static void
build_file(const struct file_case *c, struct text *t)
{
	struct text plain = {NULL, 0, 0};
	size_t i;

	switch (c->shape) {
	case GZIP_CUT:
	case GZIP_CORRUPT:
	case GZIP_PADDED:
	case GZIP_EMPTY:
		numbered_lines(&plain, 1, c->n);
		if (!plain.s)
			add(&plain, "%s", "");
		gzip_text(t, &plain);
		if (c->shape == GZIP_CUT)
			t->len /= 2;
		if (c->shape == GZIP_CORRUPT)
			memset(t->s + t->len / 2, 0xa5, 64);
		if (c->shape == GZIP_PADDED) {
			t->s = realloc(t->s, t->len + 1024);
			memset(t->s + t->len, 0, 1024);
			t->len += 1024;
		}
		break;
	case GZIP_TWICE:
		numbered_lines(&plain, 1, c->n);
		gzip_text(t, &plain);
		plain.len = 0;
		numbered_lines(&plain, c->n + 1, c->n);
		gzip_text(t, &plain);
		break;
	case GZIP_MAGIC_ONLY:
		add(t, "\x1f\x8bthis is not compressed\nat all\n");
		break;
	case GZIP_THEN_PLAIN:
		numbered_lines(&plain, 1, c->n);
		gzip_text(t, &plain);
		numbered_lines(t, c->n + 1, c->n);
		break;
	case GZIP_BAD_CRC:
		numbered_lines(&plain, 1, c->n);
		gzip_text(t, &plain);
		t->s[t->len - 8] ^= 0x55; /* the CRC-32, the first half of the trailer */
		break;
	case GROWING:
	case GROWN_AFTER_END:
	case SHRINKING:
		numbered_lines(t, 1, c->n);
		break;
	case HUGE_LINE:
		t->s = malloc(c->n + 16);
		if (!t->s)
			abort();
		for (i = 0; i < c->n; i++)
			t->s[i] = "550 5.1.1 "[i % 10];
		memcpy(t->s + c->n, "\nafter\n", 7);
		t->len = c->n + 7;
		break;
	case CR_ONLY:
		for (i = 0; i < c->n; i++)
			add(t, "550 5.1.1 user unknown\r");
		break;
	case NULS:
		for (i = 0; i < c->n; i++)
			add(t, "550 5.1.1 a%cb\n", 0);
		break;
	case EMPTY_FILE:
		break;
	}
	free(plain.s);
}

static int
write_file(const char *path, const char *s, size_t len, const char *mode)
{
	FILE *f = fopen(path, mode);
	int ok = f && fwrite(s, 1, len, f) == len;

	if (f && fclose(f) != 0)
		ok = 0;
	return ok;
}

/* Does `line` hold (a prefix of, when `partial`) "line N of a log" for the N expected? */
static int
numbered_as(const char *line, size_t len, long n, int partial)
{
	char want[64];
	int w = snprintf(want, sizeof want, "line %ld of a log", n);

	return partial ? len <= (size_t)w && memcmp(line, want, len) == 0
	               : len == (size_t)w && memcmp(line, want, len) == 0;
}

/* Checks one file case; returns NULL when it holds, else what was wrong. */
static const char *
run_file_case(const struct file_case *c, char *why, size_t why_size)
{
	char path[] = "/tmp/smtpcode-hostile-XXXXXX";
	struct text t = {NULL, 0, 0};
	struct line_reader *r = malloc(sizeof *r);
	struct input *in = NULL;
	const char *line, *error;
	size_t len;
	long lines = 0, truncated_lines = 0;
	/* Overwritten gzip data may inflate to garbage before zlib notices. */
	int truncated, fd = mkstemp(path), numbered = c->shape == GZIP_CUT || c->shape == GZIP_TWICE ||
	                                              c->shape == GZIP_PADDED || c->shape == GZIP_THEN_PLAIN ||
	                                              c->shape == GZIP_BAD_CRC ||
	                                              (c->shape >= GROWING && c->shape <= SHRINKING);

	why[0] = '\0';
	if (fd < 0 || !r) {
		free(r);
		return "cannot make a temporary file";
	}
	close(fd);
	build_file(c, &t);
	if (!write_file(path, t.s ? t.s : "", t.len, "wb") || !(in = input_open(path))) {
		snprintf(why, why_size, "cannot write or open %s", path);
		goto done;
	}
	lines_init(r, in);
	while (lines_next(r, &line, &len, &truncated)) {
		lines++;
		truncated_lines += truncated;
		/* Numbered lines come whole and in order; only a cut file may end in part of one. */
		if (numbered && !why[0] && !numbered_as(line, len, lines, c->shape == SHRINKING))
			snprintf(why, why_size, "line %ld is \"%.*s\"", lines, (int)(len < 40 ? len : 40), line);
		if (c->shape == NULS && !why[0] && len != 13)
			snprintf(why, why_size, "line %ld has %zu bytes, expected 13", lines, len);
		if (lines == 10 && c->shape == GROWING) {
			struct text more = {NULL, 0, 0};
			numbered_lines(&more, c->n + 1, 1000);
			if (!write_file(path, more.s, more.len, "ab"))
				snprintf(why, why_size, "cannot append to %s", path);
			free(more.s);
		}
		if (lines == 10 && c->shape == SHRINKING && truncate(path, 100) != 0)
			snprintf(why, why_size, "cannot cut %s", path);
	}
	if (c->shape == GROWN_AFTER_END) {
		/* The end was read: lines appended now are not taken, and nothing breaks. */
		if (!write_file(path, "line 1001 of a log\n", 19, "ab"))
			snprintf(why, why_size, "cannot append to %s", path);
		while (lines_next(r, &line, &len, &truncated))
			lines++;
	}
	error = input_error(in);
	if (why[0])
		goto done;
	if (lines < c->expect_min || lines > c->expect_max)
		snprintf(why, why_size, "%ld lines, expected %ld to %ld", lines, c->expect_min, c->expect_max);
	else if ((error[0] != '\0') != (c->expect_error != NULL) || (c->expect_error && !strstr(error, c->expect_error)))
		snprintf(why, why_size, "error \"%s\", expected \"%s\"", error, c->expect_error ? c->expect_error : "");
	else if (truncated_lines != c->expect_truncated)
		snprintf(why, why_size, "%ld lines flagged too long, expected %ld", truncated_lines, c->expect_truncated);
done:
	if (in)
		input_close(in);
	unlink(path);
	free(t.s);
	free(r);
	return why[0] ? why : NULL;
}

#ifdef HOSTILE_CRITERION
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

TABLE_TEST(hostile_cli, file, file_cases, run_file_case)
#else
/* A single process for valgrind: every case, TAP on stdout. */
int
main(void)
{
	size_t n = 0, failed = 0;

	TABLE_TAP(file_cases, run_file_case, n, failed);
	printf("1..%zu\n", n);
	return failed ? 1 : 0;
}
#endif
