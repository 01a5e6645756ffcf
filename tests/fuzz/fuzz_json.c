/* libFuzzer: the CLI's JSON string writer. Checks: whatever the bytes, the
 * output is one valid JSON string (quotes, escapes, UTF-8 all checked) with
 * no raw DEL or C1 control, in time linear in the length. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_check.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of a valid UTF-8 sequence at s (no overlongs, no surrogates), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t k, len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void
check_json_string(const unsigned char *s, size_t n)
{
	size_t i = 1;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		abort();
	while (i < n - 1) {
		if (s[i] == '\\') {
			if (i + 1 >= n - 1)
				abort();
			if (s[i + 1] == 'u') {
				size_t k;
				if (i + 6 > n - 1)
					abort();
				for (k = 2; k < 6; k++)
					if (!((s[i + k] >= '0' && s[i + k] <= '9') || (s[i + k] >= 'a' && s[i + k] <= 'f')))
						abort();
				i += 6;
			} else if (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == 'n' || s[i + 1] == 'r' ||
			           s[i + 1] == 't' || s[i + 1] == '/' || s[i + 1] == 'b' || s[i + 1] == 'f') {
				i += 2;
			} else {
				abort();
			}
		} else if (s[i] == '"' || s[i] < 0x20 || s[i] == 0x7f) {
			abort();
		} else {
			size_t len = utf8_len(s + i, n - 1 - i);
			if (!len || (len == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0))
				abort(); /* a C1 control goes out as \u0080-\u009f */
			i += len;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL;
	size_t out_len = 0;
	FILE *f = open_memstream(&out, &out_len);
	double start = fuzz_cpu_seconds();

	if (!f)
		return 0;
	json_write_string(f, (const char *)data, size);
	fclose(f);
	within_linear_time(start, size);
	check_json_string((const unsigned char *)out, out_len);
	free(out);
	return 0;
}
