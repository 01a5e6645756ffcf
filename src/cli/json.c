#include "json.h"

#include <string.h>

#include "safe_text.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* Does byte c need more than copying? Quotes, backslashes, controls and
 * every non-ASCII byte (checked as UTF-8) do. */
static const unsigned char special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

void
json_flush(struct json *j)
{
	if (j->used)
		fwrite(j->buf, 1, j->used, j->out);
	j->used = 0;
}

static void
put(struct json *j, const void *s, size_t len)
{
	if (len > JSON_BUFFER - j->used) {
		json_flush(j);
		if (len > JSON_BUFFER) {
			fwrite(s, 1, len, j->out);
			return;
		}
	}
	memcpy(j->buf + j->used, s, len);
	j->used += len;
}

static void
put_char(struct json *j, char c)
{
	if (j->used == JSON_BUFFER)
		json_flush(j);
	j->buf[j->used++] = c;
}

static void
put_str(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* How many bytes from s on need no escaping. */
static size_t
plain_run(const unsigned char *s, const unsigned char *end)
{
	const unsigned char *r = s;

#if defined(__SSE2__) && defined(__GNUC__)
	/* 16 bytes a step: below 0x20 or from 0x80 (a signed compare catches
	 * both), '"', '\\' and 0x7f. */
	const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
	              del = _mm_set1_epi8(0x7f);
	while (end - r >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)r);
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, quote)),
		                         _mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmpeq_epi8(v, del)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return (size_t)(r - s) + (unsigned)__builtin_ctz(bits);
		r += 16;
	}
#endif
	while (r < end && !special[*r])
		r++;
	return (size_t)(r - s);
}

/* The byte at s needs more than copying (special[*s]): writes what stands
 * for it in a JSON string to out, at most 6 bytes (an escape, a valid UTF-8
 * sequence as it is, or U+FFFD for a byte that is not part of one), sets
 * *out_len and returns how many bytes of s it took. */
static size_t
escape_special(const unsigned char *s, const unsigned char *end, char *out, size_t *out_len, int *replaced)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = *s;
	size_t n;

	if (c == '"' || c == '\\') {
		out[0] = '\\';
		out[1] = (char)c;
		*out_len = 2;
		return 1;
	}
	if (c < 0x20 || c == 0x7f) {
		out[0] = '\\';
		if (c == '\n' || c == '\r' || c == '\t') {
			out[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			*out_len = 2;
		} else {
			memcpy(out + 1, "u00", 3);
			out[4] = hex[c >> 4];
			out[5] = hex[c & 15];
			*out_len = 6;
		}
		return 1;
	}
	if ((n = utf8_len(s, (size_t)(end - s))) > 0 && !safe_char(s, n)) {
		/* C1 controls and the characters that reorder text as escapes
		 * too (safe_text.h): a terminal may act on them raw. */
		unsigned cp = n == 2 ? (c & 0x1fu) << 6 | (s[1] & 0x3fu)
		                     : (c & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
		memcpy(out, "\\u", 2);
		out[2] = hex[cp >> 12];
		out[3] = hex[cp >> 8 & 15];
		out[4] = hex[cp >> 4 & 15];
		out[5] = hex[cp & 15];
		*out_len = 6;
		return n;
	}
	if (n > 0) {
		memcpy(out, s, n);
		*out_len = n;
		return n;
	}
	memcpy(out, "\xef\xbf\xbd", 3); /* U+FFFD */
	*out_len = 3;
	*replaced = 1;
	return 1;
}

/* s as a JSON string, quotes included, through put(): for a string too long
 * for put_string(). Returns 1 if bytes were replaced. */
static int
put_string_long(struct json *j, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;
	int replaced = 0;

	put_char(j, '"');
	for (;;) {
		char esc[6];
		size_t n = plain_run(s, end), m;
		put(j, s, n); /* plain ASCII in one piece: most of every reply is */
		s += n;
		if (s == end)
			break;
		s += escape_special(s, end, esc, &m, &replaced);
		put(j, esc, m);
	}
	put_char(j, '"');
	return replaced;
}

/* s as a JSON string, quotes included, for a string whose escaped form
 * surely fits in buf (at most 6 bytes out for a byte in): written in place,
 * with no check for room. Returns 1 if bytes were replaced. */
static int
put_string(struct json *j, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;
	char *p;
	int replaced = 0;

	if (len > (JSON_BUFFER - 2) / 6)
		return put_string_long(j, str, len);
	if (6 * len + 2 > JSON_BUFFER - j->used)
		json_flush(j);
	p = j->buf + j->used;
	*p++ = '"';
	for (;;) {
		size_t n = plain_run(s, end), m;
		memcpy(p, s, n);
		p += n;
		s += n;
		if (s == end)
			break;
		s += escape_special(s, end, p, &m, &replaced);
		p += m;
	}
	*p++ = '"';
	j->used = (size_t)(p - j->buf);
	return replaced;
}

/* A member's key: a name from the program, never from the input, so it
 * goes out as it is, with no escaping. */
static void
put_key(struct json *j, const char *key)
{
	size_t n = strlen(key);

	if (n + 3 > JSON_BUFFER - j->used) {
		put_string_long(j, key, n);
		put_char(j, ':');
		return;
	}
	j->buf[j->used] = '"';
	memcpy(j->buf + j->used + 1, key, n);
	j->buf[j->used + 1 + n] = '"';
	j->buf[j->used + 2 + n] = ':';
	j->used += n + 3;
}

int
json_write_string(FILE *out, const char *s, size_t len)
{
	struct json j;
	int replaced;

	json_init(&j, out);
	replaced = put_string(&j, s, len);
	json_flush(&j);
	return replaced;
}

void
json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first = 1;
	j->replaced = 0;
	j->used = 0;
}

static void
member(struct json *j, const char *key)
{
	if (!j->first)
		put_char(j, ',');
	j->first = 0;
	if (key)
		put_key(j, key);
}

void
json_begin_object(struct json *j, const char *key)
{
	if (j->depth > 0)
		member(j, key);
	put_char(j, '{');
	j->depth++;
	j->first = 1;
}

void
json_end_object(struct json *j)
{
	put_char(j, '}');
	j->depth--;
	j->first = 0;
	if (j->depth == 0) {
		put_char(j, '\n');
		j->first = 1;
		json_flush(j);
	}
}

void
json_begin_array(struct json *j, const char *key)
{
	member(j, key);
	put_char(j, '[');
	j->depth++;
	j->first = 1;
}

void
json_end_array(struct json *j)
{
	put_char(j, ']');
	j->depth--;
	j->first = 0;
	if (j->depth == 0)
		json_flush(j);
}

void
json_string_n(struct json *j, const char *key, const char *s, size_t len)
{
	member(j, key);
	j->replaced |= put_string(j, s, len);
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
json_name(struct json *j, const char *key, const char *s)
{
	if (!s) {
		json_null(j, key);
		return;
	}
	member(j, key);
	put_char(j, '"');
	put_str(j, s);
	put_char(j, '"');
}

void
json_int(struct json *j, const char *key, long v)
{
	char digits[24], *p = digits + sizeof digits;
	unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;

	member(j, key);
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	put(j, p, (size_t)(digits + sizeof digits - p));
}

void
json_bool(struct json *j, const char *key, int v)
{
	member(j, key);
	if (v)
		put(j, "true", 4);
	else
		put(j, "false", 5);
}

void
json_null(struct json *j, const char *key)
{
	member(j, key);
	put_str(j, "null");
}

void
json_double(struct json *j, const char *key, double v)
{
	char num[32];
	int n;

	member(j, key);
	if (v != v || v > 1e300 || v < -1e300)
		v = 0;
	n = snprintf(num, sizeof num, "%.6g", v);
	put(j, num, n > 0 ? (size_t)n : 0);
}
