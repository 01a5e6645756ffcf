/* The charset decoders (src/charset.c, src/words.c) for tests/test_charset.py:
 * reads requests from stdin, writes each answer to stdout. Every number is
 * a 32-bit little-endian word; a string is its length, then its bytes.
 *
 *   'D' charset-name out-chunk split-count split... input
 *       decodes input in pieces cut at the split offsets, through output
 *       buffers of out-chunk bytes (0: SMTPCODE__DECODE_CAP of the piece,
 *       which must take each piece whole), then ends the stream
 *       -> the UTF-8
 *   'W' out-cap value       smtpcode__decode_words() -> the UTF-8
 *   'N' name                -> the charset number, then its name
 *
 * It checks the API's promises as it goes (a call never writes past its cap,
 * a full-size buffer takes all the input, a buffer of 4 bytes always makes
 * progress) and exits with status 2 and a message when one fails.
 *
 *   charset_driver < requests > answers
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"

static void
fail(const char *what)
{
	fprintf(stderr, "charset_driver: %s\n", what);
	exit(2);
}

static uint32_t
word(void)
{
	unsigned char b[4];

	if (fread(b, 1, 4, stdin) != 4)
		fail("input ends inside a request");
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static char *
string(uint32_t *len)
{
	char *s;

	*len = word();
	s = malloc(*len + 1);
	if (!s || fread(s, 1, *len, stdin) != *len)
		fail("input ends inside a string");
	return s;
}

static void
put_word(uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};

	fwrite(b, 1, 4, stdout);
}

static void
put_string(const char *s, size_t len)
{
	put_word((uint32_t)len);
	fwrite(s, 1, len, stdout);
}

/* Guard bytes after each output buffer: a call that writes past its cap
 * changes them. */
#define GUARD 16

static size_t
checked_decode(struct smtpcode__decoder *d, const char *in, size_t len, char *out, size_t cap, size_t *used)
{
	size_t n, i;

	memset(out + cap, 0xA5, GUARD);
	n = smtpcode__decode(d, in, len, out, cap, used);
	for (i = 0; i < GUARD; i++)
		if ((unsigned char)out[cap + i] != 0xA5)
			fail("smtpcode__decode wrote past its cap");
	if (n > cap || *used > len)
		fail("smtpcode__decode returned more than it was given");
	return n;
}

static void
decode_request(void)
{
	uint32_t name_len, chunk, splits, len, i, *cut;
	char *name = string(&name_len), *in, *out, *result;
	size_t r = 0, from = 0, cap;
	struct smtpcode__decoder d;

	chunk = word();
	splits = word();
	cut = malloc((splits + 1) * sizeof *cut);
	for (i = 0; i < splits; i++)
		cut[i] = word();
	in = string(&len);
	cut[splits] = len;
	cap = SMTPCODE__DECODE_CAP(len) + SMTPCODE__DECODE_END_CAP;
	out = malloc(cap + GUARD);
	result = malloc(cap);
	if (!cut || !out || !result)
		fail("out of memory");
	if (chunk && chunk < 4)
		fail("an output chunk under 4 bytes cannot always hold a character");
	smtpcode__decoder_init(&d, smtpcode__charset_from_name(name, name_len));
	for (i = 0; i <= splits; i++) {
		size_t to = cut[i], used;
		if (to < from || to > len)
			fail("split offsets out of order");
		if (!chunk) {
			size_t n = checked_decode(&d, in + from, to - from, out, SMTPCODE__DECODE_CAP(to - from), &used);
			if (used != to - from)
				fail("SMTPCODE__DECODE_CAP of the input did not take it whole");
			memcpy(result + r, out, n);
			r += n;
		} else {
			while (from < to) {
				size_t n = checked_decode(&d, in + from, to - from, out, chunk, &used);
				if (!used && !n)
					fail("a 4-byte output buffer made no progress");
				memcpy(result + r, out, n);
				r += n;
				from += used;
			}
		}
		from = to;
	}
	memset(out + SMTPCODE__DECODE_END_CAP, 0xA5, GUARD);
	i = (uint32_t)smtpcode__decode_end(&d, out, SMTPCODE__DECODE_END_CAP);
	if (d.npending)
		fail("SMTPCODE__DECODE_END_CAP did not take the end");
	if ((unsigned char)out[SMTPCODE__DECODE_END_CAP] != 0xA5)
		fail("smtpcode__decode_end wrote past its cap");
	memcpy(result + r, out, i);
	r += i;
	put_string(result, r);
	free(name);
	free(cut);
	free(in);
	free(out);
	free(result);
}

static void
words_request(void)
{
	uint32_t cap = word(), len, i;
	char *in = string(&len), *out;
	size_t n;

	if (!cap)
		cap = 3 * len;
	out = malloc((size_t)cap + GUARD);
	if (!out)
		fail("out of memory");
	memset(out + cap, 0xA5, GUARD);
	n = smtpcode__decode_words(in, len, out, cap);
	for (i = 0; i < GUARD; i++)
		if ((unsigned char)out[cap + i] != 0xA5)
			fail("smtpcode__decode_words wrote past its cap");
	if (n > cap)
		fail("smtpcode__decode_words returned more than its cap");
	put_string(out, n);
	free(in);
	free(out);
}

static void
name_request(void)
{
	uint32_t len;
	char *name = string(&len);
	int charset = smtpcode__charset_from_name(name, len);
	const char *canonical = smtpcode__charset_name(charset);

	put_word((uint32_t)charset);
	put_string(canonical, strlen(canonical));
	free(name);
}

int
main(void)
{
	int op;

	while ((op = getchar()) != EOF) {
		if (op == 'D')
			decode_request();
		else if (op == 'W')
			words_request();
		else if (op == 'N')
			name_request();
		else
			fail("unknown request");
	}
	return fflush(stdout) != 0;
}
