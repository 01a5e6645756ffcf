/* The charset decoders (src/charset.h) on any bytes. Byte 0 picks the
 * charset, byte 1 where to cut the input and how much output room a call
 * gets; the rest is the input. The output must be UTF-8 with at most one
 * U+FFFD a byte in, and the same whole, cut in two through small output
 * buffers, and a byte a call. decode_words() on the same bytes must stay
 * within its cap, write UTF-8, and with less room write a prefix of what it
 * writes with room for all. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless s[0..n) is UTF-8; returns how many U+FFFD it holds. */
static size_t
replacements(const unsigned char *s, size_t n)
{
	size_t i = 0, count = 0;

	while (i < n) {
		unsigned c = s[i], need, lo = 0x80, hi = 0xBF, k;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c < 0xC2 || c > 0xF4)
			abort();
		need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (n - i <= need)
			abort();
		for (k = 1; k <= need; k++) {
			if (s[i + k] < lo || s[i + k] > hi)
				abort();
			lo = 0x80;
			hi = 0xBF;
		}
		count += need == 2 && !memcmp(s + i, "\xef\xbf\xbd", 3);
		i += need + 1;
	}
	return count;
}

/* in[0..cut) then in[cut..len), each through calls of `room` output bytes
 * (0: SMTPCODE__DECODE_CAP, which must take it whole), `piece` input bytes
 * at most a call (0: all). */
static size_t
decode(int charset, const char *in, size_t len, size_t cut, size_t room, size_t piece, char *out)
{
	struct smtpcode__decoder d;
	size_t o = 0, at = 0, used, n;

	smtpcode__decoder_init(&d, charset);
	while (at < len) {
		size_t end = at < cut ? cut : len;
		n = piece && end - at > piece ? piece : end - at;
		o += smtpcode__decode(&d, in + at, n, out + o, room ? room : SMTPCODE__DECODE_CAP(n), &used);
		if (used > n || (!room && used != n))
			abort();
		at += used;
	}
	o += smtpcode__decode_end(&d, out + o, SMTPCODE__DECODE_END_CAP);
	if (d.npending)
		abort();
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data + 2;
	size_t len, cap, n, m, k;
	char *whole, *other, *words;
	int charset;

	if (size < 2 || size > 4096)
		return 0;
	len = size - 2;
	cap = 3 * len + SMTPCODE__DECODE_CAP(len);
	charset = data[0] % SMTPCODE__CHARSET_COUNT;
	whole = malloc(cap);
	other = malloc(cap);
	words = malloc(4 * len + 16);
	if (!whole || !other || !words)
		abort();
	n = decode(charset, in, len, len, 0, 0, whole);
	if (replacements((const unsigned char *)whole, n) > len)
		abort();
	m = decode(charset, in, len, data[1] % (len + 1), 4 + data[1] % 7, 0, other);
	if (m != n || memcmp(whole, other, n))
		abort();
	m = decode(charset, in, len, len, 0, 1, other);
	if (m != n || memcmp(whole, other, n))
		abort();

	n = smtpcode__decode_words(in, len, words, 4 * len + 16);
	if (n > 3 * len) /* the bound charset.h promises */
		abort();
	(void)replacements((const unsigned char *)words, n);
	k = smtpcode__decode_words(in, len, other, data[1] % (n + 1));
	if (k > data[1] % (n + 1) || memcmp(other, words, k))
		abort();
	free(whole);
	free(other);
	free(words);
	return 0;
}
