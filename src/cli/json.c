#include "json.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s, or 0 if it is invalid
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t
utf8_valid(const unsigned char *s, size_t len)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp;

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

/* Does byte c need more than copying? Quotes, backslashes, controls and
 * every non-ASCII byte (checked as UTF-8) do. */
static int
special(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20 || c >= 0x7f;
}

int
json_write_string(FILE *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;
	int replaced = 0;

	putc('"', out);
	while (i < len) {
		size_t run = i;
		unsigned char c;
		/* Plain ASCII goes out in one piece: most of every reply is. */
		while (run < len && !special(s[run]))
			run++;
		if (run > i) {
			fwrite(s + i, 1, run - i, out);
			i = run;
			continue;
		}
		c = s[i];
		if (c == '"' || c == '\\') {
			putc('\\', out);
			putc(c, out);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			default: fprintf(out, "\\u%04x", c); break;
			}
			i++;
		} else if ((n = utf8_valid(s + i, len - i)) > 0) {
			fwrite(s + i, 1, n, out);
			i += n;
		} else {
			fputs("\xef\xbf\xbd", out); /* U+FFFD */
			replaced = 1;
			i++;
		}
	}
	putc('"', out);
	return replaced;
}

void
json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first = 1;
	j->replaced = 0;
}

static void
member(struct json *j, const char *key)
{
	if (!j->first)
		putc(',', j->out);
	j->first = 0;
	if (key) {
		json_write_string(j->out, key, strlen(key));
		putc(':', j->out);
	}
}

void
json_begin_object(struct json *j, const char *key)
{
	if (j->depth > 0)
		member(j, key);
	putc('{', j->out);
	j->depth++;
	j->first = 1;
}

void
json_end_object(struct json *j)
{
	putc('}', j->out);
	j->depth--;
	j->first = 0;
	if (j->depth == 0) {
		putc('\n', j->out);
		j->first = 1;
	}
}

void
json_begin_array(struct json *j, const char *key)
{
	member(j, key);
	putc('[', j->out);
	j->depth++;
	j->first = 1;
}

void
json_end_array(struct json *j)
{
	putc(']', j->out);
	j->depth--;
	j->first = 0;
}

void
json_string_n(struct json *j, const char *key, const char *s, size_t len)
{
	member(j, key);
	j->replaced |= json_write_string(j->out, s, len);
}

void
json_string(struct json *j, const char *key, const char *s)
{
	if (!s) {
		json_null(j, key);
		return;
	}
	json_string_n(j, key, s, strlen(s));
}

void
json_int(struct json *j, const char *key, long v)
{
	member(j, key);
	fprintf(j->out, "%ld", v);
}

void
json_bool(struct json *j, const char *key, int v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->out);
}

void
json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

void
json_double(struct json *j, const char *key, double v)
{
	member(j, key);
	if (v != v || v > 1e300 || v < -1e300)
		v = 0;
	fprintf(j->out, "%.6g", v);
}
