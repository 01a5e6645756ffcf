/* Escaping of text from outside for terminals and spreadsheet cells. */
#include "safe_text.h"

#include <string.h>

size_t
safe_char(const unsigned char *s, size_t len)
{
	size_t n;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] != 0x7f;
	n = utf8_len(s, len);
	if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 0; /* C1: 0x9b is CSI, 0x9d OSC to a terminal that takes 8-bit controls */
	if (n == 3 && s[0] == 0xe2 && ((s[1] == 0x80 && s[2] >= 0xa8 && s[2] <= 0xae) ||
	                               (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)))
		return 0;
	return n;
}

/* The escape of one byte, "\xNN", into out (5 bytes with its NUL). */
static void
escape_byte(char *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	out[4] = '\0';
}

void
safe_write(FILE *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;

	while (s < end) {
		const unsigned char *run = s;
		size_t n;
		while (s < end && (n = safe_char(s, (size_t)(end - s))) > 0)
			s += n;
		fwrite(run, 1, (size_t)(s - run), out);
		if (s < end) {
			char esc[5];
			escape_byte(esc, *s++);
			fputs(esc, out);
		}
	}
}

size_t
safe_copy(char *buf, size_t size, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0;

	while (i < len) {
		size_t n = safe_char(s + i, len - i), out = n ? n : 4;
		if (o + out >= size)
			break;
		if (n)
			memcpy(buf + o, s + i, n);
		else
			escape_byte(buf + o, s[i]);
		o += out;
		i += n ? n : 1;
	}
	buf[o] = '\0';
	return i;
}

int
safe_formula_start(const char *s, size_t len)
{
	return len > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}
