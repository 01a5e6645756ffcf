/* RFC 2047 encoded words in a header field's value, decoded to UTF-8 through
 * the charset decoders (charset.c); charset.h says what is kept, dropped and
 * copied. Linear time: a candidate word is read forward from its "=?" to
 * its fourth '?' at most (a label is at most 64 bytes), and a word's text
 * holds no '?', so no byte is read for more than a few candidates. */
#include <stdint.h>
#include <string.h>

#include "charset.h"

#define LABEL_MAX 64 /* a charset or language longer than this is no word */

/* Where an encoded word's parts are, as offsets into the value. */
struct word {
	size_t charset, charset_len; /* the charset, without "*language" */
	size_t text, text_end;       /* the encoded text */
	size_t end;                  /* just past "?=" */
	int base64;
};

/* Output of one call: the buffer and how much of it is written. */
struct sink {
	unsigned char *out;
	size_t o, cap;
};

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A label's bytes: printable ASCII but '?' and '*' (what ends the label). */
static size_t
label(const unsigned char *in, size_t i, size_t len)
{
	size_t j = i;

	while (j < len && j - i <= LABEL_MAX && in[j] > 0x20 && in[j] < 0x7F && in[j] != '?' && in[j] != '*')
		j++;
	return j - i;
}

/* The encoded word that starts at in[i] ("=?" is there), or 0 for none. */
static int
parse_word(const unsigned char *in, size_t i, size_t len, struct word *w)
{
	size_t j = i + 2, n;
	unsigned e;

	w->charset = j;
	w->charset_len = n = label(in, j, len);
	if (!n || n > LABEL_MAX)
		return 0;
	j += n;
	if (j < len && in[j] == '*') { /* RFC 2231: charset*language */
		n = label(in, j + 1, len);
		if (n > LABEL_MAX)
			return 0;
		j += 1 + n;
	}
	if (len - j < 3 || in[j] != '?' || in[j + 2] != '?')
		return 0;
	e = in[j + 1] | 0x20;
	if (e != 'b' && e != 'q')
		return 0;
	w->base64 = e == 'b';
	/* The text: up to the first '?', which must begin "?=", on the line;
	 * spaces are let in, as Python does, for the mailers that leave them
	 * unencoded. */
	for (w->text = j += 3; j < len && in[j] != '?' && in[j] != '\r' && in[j] != '\n'; j++)
		;
	if (len - j < 2 || in[j] != '?' || in[j + 1] != '=')
		return 0;
	w->text_end = j;
	w->end = j + 2;
	return 1;
}

static int
feed(struct smtpcode__decoder *d, const unsigned char *p, size_t n, struct sink *s)
{
	size_t used;

	s->o += smtpcode__decode(d, (const char *)p, n, (char *)s->out + s->o, s->cap - s->o, &used);
	return used == n;
}

static int
finish(struct smtpcode__decoder *d, struct sink *s)
{
	s->o += smtpcode__decode_end(d, (char *)s->out + s->o, s->cap - s->o);
	return d->npending == 0;
}

static unsigned
hex_value(unsigned c)
{
	if (c - '0' < 10)
		return c - '0';
	c |= 0x20;
	return c - 'a' < 6 ? c - 'a' + 10 : 16;
}

static unsigned
base64_value(unsigned c)
{
	if (c - 'A' < 26)
		return c - 'A';
	if (c - 'a' < 26)
		return c - 'a' + 26;
	if (c - '0' < 10)
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : 64;
}

/* The word's bytes (B or Q undone) through d, a few at a time. */
static int
decode_text(struct smtpcode__decoder *d, const unsigned char *in, const struct word *w, struct sink *s)
{
	unsigned char buf[64];
	size_t n = 0, j;
	uint32_t bits = 0;
	unsigned nbits = 0, v;

	for (j = w->text; j < w->text_end; j++) {
		unsigned c = in[j];
		if (w->base64) {
			if (c == '=')
				break;
			if ((v = base64_value(c)) == 64)
				continue;
			bits = bits << 6 | v;
			nbits += 6;
			if (nbits < 8)
				continue;
			nbits -= 8;
			c = (bits >> nbits) & 0xFF;
		} else if (c == '_') {
			c = ' ';
		} else if (c == '=' && w->text_end - j > 2 && hex_value(in[j + 1]) < 16 && hex_value(in[j + 2]) < 16) {
			c = hex_value(in[j + 1]) << 4 | hex_value(in[j + 2]);
			j += 2;
		}
		buf[n++] = (unsigned char)c;
		if (n == sizeof buf) {
			if (!feed(d, buf, n, s))
				return 0;
			n = 0;
		}
	}
	return feed(d, buf, n, s);
}

size_t
smtpcode__decode_words(const char *in_, size_t len, char *out_, size_t cap)
{
	const unsigned char *in = (const unsigned char *)in_;
	unsigned char none;
	struct sink s;
	struct smtpcode__decoder raw, word;
	size_t i = 0, copy = 0, space = 0;
	int words = 0; /* 1: in a run of encoded words; in[space..i) is white space after one */

	if (!in) {
		in = &none;
		len = 0;
	}
	s.out = out_ ? (unsigned char *)out_ : &none;
	s.cap = out_ ? cap : 0;
	s.o = 0;
	smtpcode__decoder_init(&raw, SMTPCODE__CHARSET_UTF_8);
	smtpcode__decoder_init(&word, SMTPCODE__CHARSET_UNKNOWN);
	/* Bytes from `copy` on are text not yet written; they go out through the
	 * UTF-8 decoder when a word or the end comes. */
	while (i < len) {
		struct word w;
		int charset;
		if (words) { /* white space between words waits to see what follows */
			while (i < len && is_space(in[i]))
				i++;
			if (i == len)
				break;
			if (!(in[i] == '=' && i + 1 < len && in[i + 1] == '?' && parse_word(in, i, len, &w))) {
				if (!finish(&word, &s))
					return s.o;
				words = 0;
				copy = space;
				continue;
			}
		} else {
			const unsigned char *at = (const unsigned char *)memchr(in + i, '=', len - i);
			if (!at)
				break;
			i = (size_t)(at - in);
			if (!(i + 1 < len && in[i + 1] == '?' && parse_word(in, i, len, &w))) {
				i++;
				continue;
			}
			if (!feed(&raw, in + copy, i - copy, &s) || !finish(&raw, &s))
				return s.o;
		}
		charset = smtpcode__charset_from_name((const char *)in + w.charset, w.charset_len);
		if (words && charset != word.charset && !finish(&word, &s))
			return s.o;
		if (!words || charset != word.charset)
			smtpcode__decoder_init(&word, charset);
		if (!decode_text(&word, in, &w, &s))
			return s.o;
		words = 1;
		i = space = copy = w.end;
	}
	if (words && !finish(&word, &s))
		return s.o;
	if (feed(&raw, in + copy, len - copy, &s))
		finish(&raw, &s);
	return s.o;
}
