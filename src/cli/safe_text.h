/* Text from outside (replies, recipients, host and file names) made safe to
 * show: on a terminal none of its bytes may act as a control (an escape
 * sequence, a window title, a bell, a line break that forges a record), and
 * in a spreadsheet no cell of it may start a formula. */
#ifndef SMTPCODE_CLI_SAFE_TEXT_H
#define SMTPCODE_CLI_SAFE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Length of the valid UTF-8 sequence at s[0..len) (len > 0), or 0 if it is
 * invalid (overlong forms, surrogates and code points above U+10FFFF
 * included). Inline: the JSON writer calls it for every non-ASCII byte. */
static inline size_t
utf8_len(const unsigned char *s, size_t len)
{
	unsigned c = s[0], cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* How many bytes at s[0..len) (len > 0) make one character to show as it
 * is: a printable ASCII byte, or a valid UTF-8 sequence that is not a C1
 * control (U+0080-U+009F), a line or paragraph separator (U+2028, U+2029)
 * or a bidirectional embedding, override or isolate (U+202A-U+202E,
 * U+2066-U+2069), which reorder what a terminal shows. 0: the byte at s is
 * to be escaped (a C0 control, DEL, a byte outside valid UTF-8, or the
 * first byte of a character refused). */
size_t safe_char(const unsigned char *s, size_t len);

/* Writes s[0..len) to out with each byte that safe_char() refuses as \xNN. */
void safe_write(FILE *out, const char *s, size_t len);

/* The same into buf[0..size) (size > 0), NUL-terminated, stopping before a
 * character or escape that would not fit. Returns the bytes of s taken. */
size_t safe_copy(char *buf, size_t size, const char *s, size_t len);

/* Does a spreadsheet read a cell that starts with s[0..len) as a formula?
 * "=", "+", "-", "@", a tab or a CR first (OWASP's CSV injection advice):
 * such a cell is written after a single quote. */
int safe_formula_start(const char *s, size_t len);

#endif
